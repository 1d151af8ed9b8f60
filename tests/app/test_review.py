"""The review screen: every review key through Textual's Pilot, what it draws, and one snapshot."""

from __future__ import annotations

import io

import pytest
import yaml
from rich.console import Console

from tagline.app.launch import theme_folders
from tagline.app.screens.review import IDLE_FOLD_SECONDS, ReviewApp, ReviewHelpScreen, TakeScreen, review_help
from tagline.app.screens.note import NoteScreen
from tagline.cli import main
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.adjudication import ReviewSession
from tagline.core.store import ArticleStore, SentenceState

from leaving import WAYS_OUT, leave, long_article_text

SENTENCES = [
    "Islamabad has accused the Afghan Taliban of sheltering the TTP, which it says killed 700 people.",
    "\"We will not allow it,\" the minister said on Thursday.",
    "The talks resume [next] week in Doha.",
]
TEXT = "\n".join(SENTENCES) + "\n"


def write(root, annotator, marks, *, article_id="talks", flags=(), notes=None):
    article = Article(article_id, f"seeds/{article_id}.txt", TEXT)
    store = ArticleStore(root, annotator, article, DEFAULT_SCHEME, {"name": "en_core_web_sm", "version": "3.8.0"})
    for index, labels in marks.items():
        store.set(index, SentenceState("done", tuple(labels), index in flags, (notes or {}).get(index, ""), "2026-11-20T09:00:00Z"))
    store.set_entities(0, [(0, 9, "GPE"), (26, 40, "ORG")])
    store.fold(force=True)
    store.close()


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "annotations"
    write(root, "alice", {0: ["claim"], 1: ["quote"], 2: []}, notes={1: "[b]not[/b] sure"})
    write(root, "bob", {0: ["claim", "quote", "statistic"], 1: ["claim", "quote"], 2: []}, flags=(1,))
    return root


@pytest.fixture
def make_review(root):
    def build(**options) -> ReviewApp:
        session = ReviewSession(root, options.pop("reviewer", "carol"), DEFAULT_SCHEME, **options)
        return ReviewApp(session, theme_folders=theme_folders())

    return build


async def test_a_digit_typed_at_once_after_t_goes_to_the_take_prompt(make_review):
    """``t1`` typed faster than the prompt opens (both keys in one read of the terminal, as a
    pasted or quick ``t1`` arrives): the digit chooses the annotator, it never toggles a label on
    the review screen below."""
    from textual import events

    app = make_review()
    async with app.run_test(size=(80, 24)) as pilot:
        s = app.session
        await pilot.press("at")
        assert s.mine().labels == ("claim", "quote", "statistic")
        app.post_message(events.Key("t", "t"))
        app.post_message(events.Key("1", "1"))
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, TakeScreen)
        assert s.mine().labels == ("claim",)  # alice's, not bob's with claim toggled off


async def test_keys_typed_faster_than_a_frame_run_in_their_order(make_review):
    """A move then a label, both read at once: the label marks the sentence moved to, not the one
    left (command keys went down to the focused widget and back, label keys ran at once)."""
    from textual import events

    app = make_review()
    async with app.run_test(size=(80, 24)) as pilot:
        s = app.session
        first = s.cursor
        app.post_message(events.Key("j", "j"))
        app.post_message(events.Key("s", "s"))
        await pilot.pause()
        await pilot.pause()
        assert s.cursor != first
        assert "statistic" in s.mine().labels
        assert s.mine(first) is None  # the sentence left is as it was


async def test_take_keys_shifted_digits_and_t_then_digit(make_review):
    app = make_review()
    async with app.run_test(size=(80, 24)) as pilot:
        s = app.session
        await pilot.press("at")
        assert s.mine().labels == ("claim", "quote", "statistic")
        await pilot.press("exclamation_mark")
        assert s.mine().labels == ("claim",)
        await pilot.press("t")
        assert isinstance(app.screen, TakeScreen)
        await pilot.press("2")
        assert not isinstance(app.screen, TakeScreen)
        assert s.mine().labels == ("claim", "quote", "statistic")
        await pilot.press("t", "escape")
        assert not isinstance(app.screen, TakeScreen) and s.mine().labels == ("claim", "quote", "statistic")
        await pilot.press("number_sign")  # no third annotator: no binding, nothing happens
        assert s.mine().labels == ("claim", "quote", "statistic")
        keys = {binding.key for _, binding, _, _ in app.screen.active_bindings.values()}
        assert {"exclamation_mark", "at"} <= keys and "number_sign" not in keys


async def test_label_keys_toggle_the_decision(make_review):
    app = make_review()
    async with app.run_test(size=(80, 24)) as pilot:
        s = app.session
        assert s.shown().labels == ("claim",) and s.shown().source == "majority"
        # From the team audit: a 1-1 split proposed "the majority", fewer labels than either gave
        # as if more had voted for it; the screen now names the tie the proposal leaves out.
        assert s.shown().tied == ("quote", "statistic")  # bob's alone, one of two
        shown = str(app.screen.query_one("#review-decision").render())
        assert "a tie left out: quote, statistic; space accepts" in shown and "the majority" not in shown
        await pilot.press("q")
        assert s.mine().labels == ("claim", "quote")
        await pilot.press("3", "1", "2")
        assert s.mine().labels == ("statistic",)
        await pilot.press("s", "c")
        assert s.mine().labels == ("claim",)


async def test_space_moves_and_navigation_keys(make_review, root):
    write(root, "alice", {0: ["claim"]}, article_id="zz-later")
    write(root, "bob", {0: ["quote"]}, article_id="zz-later")
    app = make_review()
    async with app.run_test(size=(80, 24)) as pilot:
        s = app.session
        await pilot.press("space")
        assert s.cursor == 1 and s.mine(0).labels == ("claim",)
        await pilot.press("k")
        assert s.cursor == 0
        await pilot.press("j")
        assert s.cursor == 1
        await pilot.press("up", "down")
        assert s.cursor == 1
        await pilot.press("k", "n")
        assert s.cursor == 1  # the next sentence without a decision
        await pilot.press("right_square_bracket")
        assert s.item.article == "zz-later"
        await pilot.press("right_square_bracket")  # the last article: stays, says so
        assert s.item.article == "zz-later"
        await pilot.press("left_square_bracket")
        assert s.cursor == 0


async def test_undo_redo_and_withdraw(make_review):
    app = make_review()
    async with app.run_test(size=(80, 24)) as pilot:
        s = app.session
        await pilot.press("exclamation_mark", "j", "at")
        await pilot.press("u")
        assert s.mine(1) is None and s.cursor == 1
        await pilot.press("u")
        assert s.mine(0) is None and s.cursor == 0
        await pilot.press("ctrl+r", "ctrl+r")
        assert s.mine(0).labels == ("claim",) and s.mine(1).labels == ("claim", "quote")
        await pilot.press("x")
        assert s.mine(1) is None
        assert s.progress().disagreements_left == 1


async def test_note_help_and_quit_leave_the_decision_on_disk(make_review, root):
    app = make_review()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("at", "m")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"TTP's [b]own[/b] count", "enter")
        assert app.session.shown().note == "TTP's [b]own[/b] count"
        await pilot.press("question_mark")
        assert isinstance(app.screen, ReviewHelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, ReviewHelpScreen)
        await pilot.press("ctrl+q")
    data = yaml.safe_load((root / "carol" / "decisions" / "talks.yaml").read_text(encoding="utf-8"))
    first = data["sentences"][0]
    assert first["labels"] == ["claim", "quote", "statistic"]
    assert first["review"]["note"] == "TTP's [b]own[/b] count"
    assert first["review"]["annotators"] == {"alice": ["claim"], "bob": ["claim", "quote", "statistic"]}
    assert first["entities"] == [{"start": 0, "end": 9, "label": "GPE"}, {"start": 26, "end": 40, "label": "ORG"}]


async def test_names_notes_and_text_are_drawn_literally(root):
    write(root, "[b]eve", {0: ["statistic"], 1: ["quote"]}, notes={0: "[@click=app.quit]x[/]"})
    (root / "_b_eve").rename(root / "[b]eve")  # a folder made by hand: the name is the folder's
    session = ReviewSession(root, "carol", DEFAULT_SCHEME, filter="all", unfinished=True)  # eve has not done 2
    app = ReviewApp(session, theme_folders=theme_folders())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        rows = str(app.screen.query_one("#review-rows").render())
        assert "[b]eve" in rows and "[@click=app.quit]x[/]" in rows
        await pilot.press("j")
        assert "[b]not[/b] sure" in str(app.screen.query_one("#review-rows").render())
        await pilot.press("j")
        assert "[next]" in str(app.screen.query_one("#review-sentence").render())
        assert app.is_running


async def test_decided_sentences_show_as_decided_on_reopening(make_review):
    app = make_review()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("at", "space")
        await pilot.press("ctrl+q")
    again = make_review()
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.session.cursor == 1
        await pilot.press("k")
        decision = str(again.screen.query_one("#review-decision").render())
        assert "yours" in decision and "claim, quote, statistic" in decision
        assert "1 disagreement left" in str(again.screen.query_one("#status").render())


async def test_idle_fold_writes_the_file_while_the_screen_is_open(make_review, root):
    app = make_review()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("exclamation_mark")
        assert not (root / "carol" / "decisions" / "talks.yaml").exists()
        app._last_action -= 2 * IDLE_FOLD_SECONDS  # as if the reviewer had paused
        app._fold_when_idle()
        await app.workers.wait_for_complete()
        data = yaml.safe_load((root / "carol" / "decisions" / "talks.yaml").read_text(encoding="utf-8"))
        assert data["sentences"][0]["review"]["decided_by"] == "carol"
        assert app.is_running


def test_label_keys_that_clash_with_review_keys_are_refused(root, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tagline.yaml").write_text("labels: [{name: topic, keys: [t]}, {name: aside, keys: ['!']}]\n")
    assert main(["review", "--annotations", str(root)]) == 1
    assert "tagline.yaml: key 't' of label 'topic' is taken by the review command 'take_prompt'" in capsys.readouterr().err


def test_nothing_to_review_from_the_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["review", "--annotations", str(tmp_path / "none")]) == 1
    assert capsys.readouterr().err == f"tagline: {tmp_path / 'none'}: no such annotations folder\n"  # that line alone
    root = tmp_path / "annotations"
    write(root, "alice", {0: ["claim"]})
    write(root, "bob", {0: ["claim"]})
    assert main(["review"]) == 0
    assert "no disagreements" in capsys.readouterr().out
    assert main(["review", "--filter", "flagged", "--annotators", "alice,zed"]) == 1
    err = capsys.readouterr().err
    assert "no annotations by 'zed'" in err


def test_review_80x24(snap_compare, make_review):
    app = make_review(filter="all")

    async def decide(pilot) -> None:
        await pilot.press("at", "m", *"the toll", "enter")
        app.clear_notifications()  # the toast is transient; the snapshot is of the screen under it

    assert snap_compare(app, terminal_size=(80, 24), run_before=decide)


def test_the_command_line_says_what_waits_for_an_annotator(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "annotations"
    write(root, "alice", {0: ["claim"], 1: ["quote"]})
    write(root, "bob", {0: ["quote"], 1: ["claim"]})
    write(root, "dave", {2: []})  # dave started the article and has not reached 0 or 1: they wait
    write(root, "alice", {0: ["claim"]}, article_id="other")
    write(root, "bob", {0: ["claim"]}, article_id="other")
    assert main(["review"]) == 0
    assert "2 more wait for an annotator to finish (--unfinished lists them)" in capsys.readouterr().out
    (tmp_path / "tagline.yaml").write_text("team:\n  annotators: [alice, bob, dave]\n  per_article: 3\n")
    assert main(["review", "--filter", "unanimous"]) == 0  # other#0 agrees, but the team wants 3 on it
    out = capsys.readouterr().out
    assert "no sentences every annotator agrees on" in out and "1 more waits" in out


async def test_a_sentence_everyone_agrees_on_is_shown_settled_and_space_writes_nothing(make_review, root):
    app = make_review(filter="all")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "j")  # sentence 3: alice and bob both finished it with no label
        assert "settled: every annotator agrees" in str(app.screen.query_one("#review-decision").render())
        await pilot.press("space")
        assert app.session.mine(2) is None
    assert not (root / "carol" / "decisions" / "talks.yaml").exists()


@pytest.mark.parametrize("key", ["ctrl+q", "ctrl+c"])
async def test_quitting_from_the_take_prompt_quits(make_review, key):
    """ctrl+q and ctrl+c did nothing in the ``t`` prompt (a modal screen hides the app's bindings),
    as they once did nothing in the help screen and the note dialog."""
    app = make_review()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        assert isinstance(app.screen, TakeScreen)
        await pilot.press(key)
        await pilot.pause(0.2)
        assert getattr(app, "leaving", False)


# -- a large team: every annotator reachable from the keyboard -------------------------------------
@pytest.fixture
def big_team(tmp_path):
    """30 annotators; the first sentence finished by annotators 3, 12, 15, 23 and 30, each with
    labels of their own, so that their numbers share first digits."""
    root = tmp_path / "team"
    given = {3: ["claim"], 12: ["quote"], 15: ["statistic"], 23: ["claim", "quote"], 30: []}
    for n in range(1, 31):
        marks = {1: ["claim"], 2: []}
        if n in given:
            marks[0] = given[n]
        write(root, f"ann{n:03d}", marks)
    return root, given


def big_review(root) -> ReviewApp:
    return ReviewApp(ReviewSession(root, "rev", DEFAULT_SCHEME, filter="all", unfinished=True), theme_folders=theme_folders())


async def test_every_annotator_of_a_large_team_can_be_taken_with_the_keyboard(big_team):
    root, given = big_team
    app = big_review(root)
    async with app.run_test(size=(80, 24)) as pilot:
        s = app.session
        assert len(s.annotators) == 30 and s.cursor == 0
        for number in (12, 15, 23, 30):  # two digits: taken once no other listed number begins so
            await pilot.press("t", *str(number))
            assert not isinstance(app.screen, TakeScreen), number
            assert s.mine().labels == tuple(given[number]), number
        await pilot.press("t", "3")  # 3 begins no other listed number (30 is listed: "3" waits)
        assert isinstance(app.screen, TakeScreen)
        names = str(app.screen.query_one("#take-names").render())
        assert "ann003" in names and "ann030" in names and "ann012" not in names
        await pilot.press("enter")  # the number typed is highlighted
        assert not isinstance(app.screen, TakeScreen) and s.mine().labels == ("claim",)
        await pilot.press("t", "2", "3")
        assert s.mine().labels == ("claim", "quote")
        await pilot.press("t", *"ann01", "down", "enter")  # a name narrows; down picks the second
        assert s.mine().labels == ("statistic",)
        await pilot.press("t", *"ann012", "backspace", "backspace", *"30", "enter")
        assert s.mine().labels == ()
        await pilot.press("exclamation_mark")  # shift+1: annotator 1, who did not finish sentence 1
        assert s.mine().labels == ()
        await pilot.press("t", "7")  # not listed: taken at once, and the session says why not
        assert not isinstance(app.screen, TakeScreen) and s.mine().labels == ()
        await pilot.press("t", "escape")
        assert not isinstance(app.screen, TakeScreen)


async def test_the_take_prompt_of_a_large_team_fits_80x24_and_the_footer_shows_t(big_team, tmp_path):
    root, _given = big_team
    for n in range(31, 131):  # 130 annotators, all of whom finished the first sentence
        write(root, f"ann{n:03d}", {0: ["quote"] if n % 2 else ["claim"], 1: ["claim"]})
    app = big_review(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = " ".join(str(w.render()) for w in app.screen.query("FooterKey"))
        assert "take #" in footer
        rows = str(app.screen.query_one("#review-rows").render()).splitlines()
        assert rows[0].startswith("  3")  # numbers right-aligned to the widest
        assert len(rows) == 8 and rows[-1].startswith("… 98 more: quote ×") and "claim ×" in rows[-1]
        decision = app.screen.query_one("#review-decision")
        assert 0 < decision.region.y and decision.region.bottom <= 24 - 2  # above the status and footer
        await pilot.press("question_mark")
        assert isinstance(app.screen, ReviewHelpScreen)
        console = Console(width=400, record=True, file=io.StringIO())
        console.print(review_help(DEFAULT_SCHEME))
        assert "t then the annotator's number, any number of" in console.export_text()
        await pilot.press("escape")
        await pilot.press("t", "1")
        box = app.screen.query_one("#take-box")
        assert box.region.height <= 24 and box.region.width <= 80
        names = str(app.screen.query_one("#take-names").render())
        assert "more: type to narrow" in names
        await pilot.press("1", "7")
        assert not isinstance(app.screen, TakeScreen)
        assert app.session.mine().labels == ("quote",)  # ann117: odd, quote


# -- leaving a long article: the last fold in a process of its own ---------------------------------
def long_review(tmp_path) -> tuple:
    """Two annotators who disagree on the first sentence of an article of FOLD_AFTER_EXIT_SENTENCES
    sentences: the review's root and a builder of its app."""
    text = long_article_text()
    root = tmp_path / "annotations"
    for name, labels in (("alice", ("claim",)), ("bob", ("statistic",))):
        store = ArticleStore(root, name, Article("river", "river.txt", text), DEFAULT_SCHEME)
        store.set(0, SentenceState("done", labels, updated="2026-11-20T09:00:00Z"))
        store.close()

    def build() -> ReviewApp:
        return ReviewApp(ReviewSession(root, "carol", DEFAULT_SCHEME), theme_folders=theme_folders())

    return root, build


@pytest.mark.parametrize("way", WAYS_OUT)
async def test_every_way_out_of_a_long_review_leaves_its_fold_to_a_process_of_its_own(tmp_path, monkeypatch, way):
    """The review folded its last article in the app on quit and on every signal (1 to 2 s on 5,000
    sentences before the process could go); it now leaves it to a process forked for it, as the
    reader does."""
    _, build = long_review(tmp_path)
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("exclamation_mark")
        closes = await leave(app, pilot, way, monkeypatch)
    assert closes == [True]


async def test_the_idle_fold_of_a_long_review_is_written_by_a_process_of_its_own(tmp_path, monkeypatch):
    """The review's idle fold rewrote a long article's decisions in a thread of the app, holding its
    interpreter (and a quit behind it) for the whole fold; it is now forked, as the reader's is."""
    root, build = long_review(tmp_path)
    app = build()
    forked: list[str] = []
    fold_forked = ArticleStore.fold_forked

    def recording(store) -> bool:
        forked.append(store.article.id)
        return fold_forked(store)

    monkeypatch.setattr(ArticleStore, "fold_forked", recording)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("exclamation_mark")
        app._last_action -= 2 * IDLE_FOLD_SECONDS  # as if the reviewer had paused
        app._fold_when_idle()
        await app.workers.wait_for_complete()
        assert forked == ["river"]
        data = yaml.safe_load((root / "carol" / "decisions" / "river.yaml").read_text(encoding="utf-8"))
        assert data["sentences"][0]["review"]["decided_by"] == "carol"


def test_closing_a_review_after_exit_leaves_the_fold_to_a_child(tmp_path, monkeypatch):
    """``close(after_exit=True)`` returns before the decisions file is written, by a process that is
    not this one, which writes every decision; ``close()`` writes it here."""
    import os

    from tagline.core import annofile
    from tagline.core.store import wait_for_folds_after_quit

    root, _ = long_review(tmp_path)
    writers = tmp_path / "writers"
    writers.mkdir()
    write_file = annofile.write

    def recording(path, *args, **kwargs):
        (writers / str(os.getpid())).touch()
        return write_file(path, *args, **kwargs)

    monkeypatch.setattr(annofile, "write", recording)
    session = ReviewSession(root, "carol", DEFAULT_SCHEME)
    session.take(2)
    session.close(after_exit=True)
    wait_for_folds_after_quit(root)
    pids = [int(p.name) for p in writers.iterdir()]
    assert pids and os.getpid() not in pids
    data = yaml.safe_load((root / "carol" / "decisions" / "river.yaml").read_text(encoding="utf-8"))
    assert data["sentences"][0]["labels"] == ["statistic"] and data["sentences"][0]["review"]["decided_by"] == "carol"
    assert not (root / "carol" / "decisions" / "river.journal").exists()


def test_keys_typed_while_review_reads_the_annotations_are_dropped_not_run(monkeypatch):
    """On a large project review read the annotations for tens of seconds before its screen came
    up, and what was typed meanwhile ran as review commands: a decision on a sentence the reviewer
    never saw. The terminal's typed-ahead input is dropped (tagline.app.startup, which review and
    open both read under)."""
    import io
    import os
    import pty
    import select

    from tagline.app import startup

    import tty

    leader, follower = pty.openpty()
    try:
        tty.setraw(follower)  # each byte readable as typed, as under the app
        os.write(leader, b"t1 s")  # typed at the shell's line, waiting in the terminal
        stdin = io.TextIOWrapper(io.FileIO(follower, closefd=False))
        monkeypatch.setattr("sys.stdin", stdin)
        assert select.select([follower], [], [], 1.0)[0]  # waiting to be read
        startup.forget_typed_ahead()
        assert not select.select([follower], [], [], 0.2)[0]
    finally:
        os.close(leader)
        os.close(follower)
