"""Every key in the contract's table, pressed through Textual's Pilot."""

from __future__ import annotations

import yaml
from palette import from_the_palette

from tagline.app.screens.articles import ArticleListScreen
from tagline.app.screens.help import HelpScreen
from tagline.app.screens.note import NoteScreen
from tagline.app.widgets.sentence_view import SentenceView


async def test_moves_tags_confirm_clear(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        s = app.session
        await pilot.press("j", "down", "k")
        assert s.cursor == 1
        await pilot.press("c", "2", "s")
        assert s.state(1).labels == ("claim", "quote", "statistic") and s.state(1).status == "done"
        await pilot.press("1", "q", "3")
        assert s.state(1).labels == () and s.state(1).status == "done"
        await pilot.press("space")
        assert s.cursor == 2
        await pilot.press("up", "x")
        assert s.state(1).status == "todo"


async def test_undo_redo(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        s = app.session
        await pilot.press("c", "j", "q", "j", "s")
        await pilot.press("u", "u", "u")
        assert all(s.state(i).is_blank for i in range(3))
        await pilot.press("ctrl+r", "ctrl+r")
        assert s.state(0).labels == ("claim",) and s.state(1).labels == ("quote",) and s.state(2).is_blank


async def test_next_todo_and_articles(make_app):
    app = make_app("One. Two.", "Three. Four.")
    async with app.run_test(size=(80, 24)) as pilot:
        s = app.session
        await pilot.press("space", "space")
        await pilot.press("n")
        assert s.article.id == "art1" and s.cursor == 0
        await pilot.press("left_square_bracket")
        assert s.article.id == "art0"
        await pilot.press("right_square_bracket")
        assert s.article.id == "art1"


async def test_flag_note_search_entities_help_and_list(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        s = app.session
        await pilot.press("f")
        assert s.state(0).flag
        await pilot.press("m")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"needs [b]source[/b]", "enter")
        assert s.state(0).note == "needs [b]source[/b]"
        await pilot.press("slash", *"khorasan", "enter")
        assert "Khorasan" in s.text(s.cursor)
        view = app.screen.query_one(SentenceView)
        assert view.show_entities
        await pilot.press("e")
        assert not view.show_entities
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("escape")
        assert isinstance(app.screen, ArticleListScreen)
        await pilot.press("enter")
        assert not isinstance(app.screen, ArticleListScreen)


async def test_the_hint_line_says_a_flag_and_a_note_the_gutter_cell_hides(make_app):
    """The gutter has one cell for ⚑ ✎ ≡ and shows the first: a flagged sentence's note was shown
    nowhere but in the note dialog. The hint line names both, the note on one line, as text."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f", "m", *"ask [b]the desk[/b]", "enter")
        await pilot.pause()
        hint = app.screen.query_one(SentenceView).info["hint"].render().plain
        assert "⚑ flagged" in hint and "✎ ask [b]the desk[/b]" in hint
        await pilot.press("j")
        assert "flagged" not in app.screen.query_one(SentenceView).info["hint"].render().plain


async def test_the_note_dialogs_title_wraps_at_80_columns(make_app):
    """Its title was cut at "… a pa" at 80 columns."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        title = app.screen.query_one("#note-title")
        assert title.size.height >= 2 and title.size.width <= 80


async def test_accept_suggestion(make_app):
    app = make_app("Prices rose 5%. Nothing here.")
    async with app.run_test(size=(80, 24)) as pilot:
        app.session.suggestions[0] = {"labels": ["statistic"]}
        await pilot.press("a")
        assert app.session.state(0).labels == ("statistic",)


async def test_burst_then_quit_leaves_every_tag_on_disk(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = []
        for _ in range(10):
            keys += ["c", "j"]
        await pilot.press(*keys, "ctrl+q")
    path = tmp_path / "annotations" / "tester" / "000_88201f31feaf2608.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [x["labels"] for x in data["sentences"][:10]] == [["claim"]] * 10
    assert data["sentences"][10]["status"] == "todo"


async def test_markup_in_article_text_is_shown_literally(make_app):
    text = "He wrote [bold]x[/bold] and [@click=app.quit]y[/] with \x1b[31mred\x07 text."
    app = make_app(text)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(SentenceView)
        line = "".join(segment.text for segment in view.render_line(0))
        assert "[bold]x[/bold]" in line and "[@click=app.quit]" in line
        assert "\x1b" not in line and "␛[31mred␇" in line
        assert app.is_running


async def test_command_palette_runs_reader_commands(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await from_the_palette(pilot, "flag the sentence")
        await pilot.pause(0.2)
        assert app.session.state(0).flag


async def test_duplicates_are_marked_and_d_tags_the_duplicates_as_one_action(make_app):
    app = make_app()  # the sample repeats sentences 0-4 later in the article
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            if app.session.duplicate_groups:
                break
            await pilot.pause(0.05)
        assert app.session.duplicates_of(0) == [10]
        await pilot.press("c", "d")
        assert app.session.state(10).labels == ("claim",)
        await pilot.press("u")
        assert app.session.state(10).is_blank and app.session.state(0).labels == ("claim",)
        await pilot.press("ctrl+q")
    import yaml

    path = app.session.root / "tester" / "000_88201f31feaf2608.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["sentences"][10]["duplicate_of"] == 0
    assert data["sentences"][33]["duplicate_of"] == 4


class _CountedGroup(list):
    """A duplicate group that counts the members anyone goes through."""

    seen = 0

    def __iter__(self):
        for member in list.__iter__(self):
            _CountedGroup.seen += 1
            yield member


async def test_a_key_in_a_feed_of_one_sentence_lists_none_of_its_duplicates(make_app):
    """In an article that is one sentence 5,000 times, the hint under every key listed all 4,999
    duplicates to show four of them (2 ms a key at 50,000): it goes through five now."""
    app = make_app("Yes, the council approved the budget.\n" * 5_000)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(400):
            if app.session.duplicate_groups:
                break
            await pilot.pause(0.05)
        group = _CountedGroup(app.session.duplicate_groups[0])
        assert len(group) == 5_000
        for member in list.__iter__(group):
            app.session.duplicate_groups[member] = group
        _CountedGroup.seen = 0
        await pilot.press(*"jjjjjjjjjj")
        assert app.session.cursor == 10
        hint = "".join(text for text, _ in app.screen._hint.parts)
        assert "repeats sentence 1" in hint
        assert _CountedGroup.seen <= 10 * 6


async def test_article_list_filters_as_you_type(make_app):
    app = make_app("Alpha story here.", "Beta story there.", "Gamma tale.")
    async with app.run_test(size=(80, 24)) as pilot:
        from textual.widgets import OptionList

        await pilot.press("escape", "slash", *"beta")
        await pilot.pause(0.4)
        options = app.screen.query_one(OptionList)
        assert options.option_count == 1
        await pilot.press("enter", "enter")
        assert app.session.article.id == "art1"


async def test_typing_in_the_article_list_filters_it_without_slash(make_app):
    app = make_app("Alpha story here.", "Beta story there.", "Gamma tale.")
    async with app.run_test(size=(80, 24)) as pilot:
        from textual.widgets import Input, OptionList

        await pilot.press("escape", *"art1")  # the ids are art0, art1, art2
        await pilot.pause(0.4)
        options = app.screen.query_one(OptionList)
        assert options.option_count == 1
        await pilot.press("enter", "enter")
        assert app.session.article.id == "art1"
        await pilot.press("escape")
        placeholder = str(app.screen.query_one(Input).placeholder)
        assert "filter by id" in placeholder and "first line" in placeholder  # says what it searches


async def test_palette_sets_the_checkworthy_order_for_n(make_app):
    """The command palette offers "most check-worthy first" beside "most uncertain"; choosing it
    makes n take the todo sentence most worth checking, the status line says so and the hint shows
    the sentence's check-worthiness."""
    app = make_app("One is here. Two is here. Three is here. Four is here.")
    async with app.run_test(size=(100, 24)) as pilot:
        s = app.session
        s.suggestions = {
            1: {"labels": [], "scores": {"claim": 0.3, "quote": 0.0, "statistic": 0.0}, "checkworthy": 0.2},
            3: {"labels": ["claim"], "scores": {"claim": 0.9, "quote": 0.0, "statistic": 0.0}, "checkworthy": 0.93},
        }
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Order of n: reading / most uncertain first" in commands
        result = commands["Order of n: most check-worthy first"].callback()
        if result is not None:
            await result  # the screen's run_action is a coroutine
        await pilot.pause()
        assert s.order == "checkworthy"
        assert "n:check-worthy" in app.screen._status.render().plain
        await pilot.press("n")
        assert s.cursor == 3
        await pilot.pause()
        assert "check-worthy 0.93" in str(app.screen.view.info["hint"].render())


async def test_the_article_list_of_a_huge_corpus_lists_a_page_and_filters_all(make_app):
    """Textual's option list measures every option whenever it lays them out: 100,000 articles held
    the list (and a ctrl+q with it) for 80 s. The list now holds at most ``SHOWN`` articles, those
    around the open one, says so, and the filter still searches every article."""
    from textual.widgets import OptionList, Static

    from tagline.app.screens import articles

    count = articles.SHOWN * 4
    app = make_app(*(f"Story {i} is here." for i in range(count)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("]", "]")  # art2 open
        await pilot.press("escape")
        await pilot.pause(0.2)
        options = app.screen.query_one(OptionList)
        assert options.option_count == articles.SHOWN
        assert options.get_option_at_index(0).id == "0"  # around the open article
        title = str(app.screen.query_one("#list-title", Static).render())
        assert f"showing {articles.SHOWN} of {count:,}" in title
        await pilot.press(*f"art{count - 1}")  # the last article, far past the page shown
        await pilot.pause(0.5)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [str(count - 1)]
        await pilot.press("enter", "enter")
        assert app.session.article.id == f"art{count - 1}"


def test_a_guideline_of_a_megabyte_is_shown_cut_and_counted():
    """A guideline is meant to be short; one of a megabyte on one line took the help screen 11 s
    to open in tmux (Rich wraps the whole text) and held the keys, ctrl+q included, meanwhile. The
    help shows its first characters and says how many more the scheme file holds."""
    from dataclasses import replace

    import io

    from rich.console import Console

    from tagline.app.screens.help import GUIDELINE_SHOWN, help_content
    from tagline.core.labels import DEFAULT_SCHEME

    long = "word " * 200_000
    scheme = replace(DEFAULT_SCHEME, labels=(replace(DEFAULT_SCHEME.labels[0], guideline=long), *DEFAULT_SCHEME.labels[1:]),
                     source="scheme.yaml")
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(help_content(scheme))
    shown = console.export_text()
    assert f"({len(long) - GUIDELINE_SHOWN:,} more characters in scheme.yaml)" in shown
    assert shown.count("word") <= GUIDELINE_SHOWN // 5 + 1
    assert DEFAULT_SCHEME.labels[1].guideline.split()[0] in shown  # the other labels as they are


async def test_keys_typed_right_after_slash_go_to_the_search_box(make_app):
    """From the speed audit: `tmux send-keys "/tax"` on a sentence tagged claim sent `a` and `x`
    to the reader (x cleared the claim), because the box took the focus only after the keys
    already waiting; the box then opened empty. Keys posted at once, as a paste or fast typing
    over SSH arrive."""
    from textual import events
    from textual.widgets import Input

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        s = app.session
        await pilot.press("c")
        assert s.state(0).labels == ("claim",)
        for key, character in (("slash", "/"), ("t", "t"), ("a", "a"), ("x", "x")):
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        assert s.state(0).labels == ("claim",) and s.state(0).status == "done"
        assert app.screen.query_one("#search", Input).value == "tax"



async def test_keys_typed_right_after_enter_in_the_search_box_are_the_readers(make_app):
    """From the session audit: `tmux send-keys "/" "Afghan" Enter "c" "q"` searched for
    "Afghancq" and labelled nothing: the field ran enter after the keys already on their way to it.
    Enter is now run as the app reads it; the keys after it are the reader's."""
    from textual import events
    from textual.widgets import Input

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        s = app.session
        word = next(w for w in s.text(2).split() if w.isalpha() and len(w) > 4 and w not in s.text(0) and w not in s.text(1))
        keys = [("slash", "/"), *((c, c) for c in word), ("enter", "\r"), ("c", "c"), ("q", "q")]
        for key, character in keys:
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        field = app.screen.query_one("#search", Input)
        assert not field.display and field.value == word, (field.value, word)
        assert s.cursor != 0 and word in s.text(s.cursor)
        assert s.state(s.cursor).labels == ("claim", "quote")
