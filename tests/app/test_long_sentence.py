"""A sentence taller than the page (a pasted log, a feed without punctuation): a key repaints what it
changed on the page, however long the sentence, and page down and up read the whole of it."""

from __future__ import annotations


from tagline.app import durable

from repaints import reader, record_refreshes

SHORT = "The mayor said the river rose by two metres."


def long_sentence(size: int) -> str:
    words, n = [], 0
    while sum(len(w) + 1 for w in words) < size:
        words.append(f"entry{n} value")
        n += 1
    return " ".join(words)[:size].rstrip() + " END-OF-IT"


async def test_a_tag_on_a_huge_sentence_repaints_one_row(make_app):
    """Before, a tag marked every row of the sentence dirty (35,000 for 2 MB at 80 columns) and
    drew the page's rows again; a tag on a short sentence draws its first row's gutter."""
    app = make_app(long_sentence(200_000))
    async with reader(app) as (pilot, view):
        assert len(view._wraps[0]) > 2_000
        seen = record_refreshes(view)
        for key in ("c", "q", "x", "s"):
            await pilot.press(key)
        rows = [r for r in seen if r.y < view.page_height]
        assert rows and all(r.height == 1 and r.y == 0 and r.width == view.gutter_width for r in rows), rows
        assert app.session.state(0).labels == ("statistic",)


async def test_a_move_repaints_only_the_rows_on_the_page(make_app):
    app = make_app(f"{SHORT}\n{long_sentence(50_000)}\n{SHORT}")
    async with reader(app) as (pilot, view):
        seen = record_refreshes(view)
        await pilot.press("j")  # onto the long sentence: its rows on the page, not its thousand
        rows = [r for r in seen if r.y < view.page_height]
        assert rows and all(r.y + r.height <= view.page_height for r in rows), rows


async def test_search_matches_are_found_around_each_row_not_in_the_whole_sentence(make_app):
    """Each row drawn casefolded the whole text of its sentence to find the matches in it: 2 ms a
    row for 2 MB, on every page drawn."""

    class Watched(str):
        folded = 0

        def casefold(self):
            Watched.folded += 1
            return super().casefold()

    app = make_app(long_sentence(20_000))
    async with reader(app) as (pilot, view):
        view._texts[0] = Watched(view._texts[0])
        view.set_query("VALUE")
        rows = [view.render_line(y) for y in range(view.page_height)]
        assert Watched.folded == 0
        matches = [s for row in rows for s in row if s.text.casefold() == "value"]
        assert len(matches) >= view.page_height  # each row's matches highlighted, as before
        assert {s.style for s in matches} == {view._style_table()["base"] + view._style_table()["match"]}


async def test_page_down_and_up_read_a_sentence_taller_than_the_page(make_app):
    app = make_app(f"{SHORT}\n{long_sentence(8_000)}\n{SHORT}")
    async with reader(app) as (pilot, view):
        await pilot.press("j")
        top, bottom = view._tops[1], view._tops[2]
        assert bottom - top > 3 * view.page_height
        offsets = [view.scroll_offset.y]
        while app.session.cursor == 1 and len(offsets) < 200:
            await pilot.press("pagedown")
            offsets.append(view.scroll_offset.y)
            if "END-OF-IT" in "".join(view.render_line(y).text for y in range(view.page_height)):
                break
        assert app.session.cursor == 1, "page down left the sentence before its end was shown"
        assert offsets == sorted(offsets) and len(set(offsets)) > 3
        # every row of the sentence was on a page: one row kept from page to page
        assert all(b - a <= view.page_height - 1 for a, b in zip(offsets, offsets[1:]))
        y = view.scroll_offset.y
        await pilot.press("c")  # a key that leaves the cursor where it is leaves the page where it is
        assert view.scroll_offset.y == y and app.session.state(1).labels == ("claim",)
        await pilot.press("pagedown")  # the end is shown: on to the next sentence
        assert app.session.cursor == 2
        await pilot.press("k")  # back onto it: from its top
        assert app.session.cursor == 1 and view.scroll_offset.y <= top
        await pilot.press("pagedown", "pagedown", "pageup", "pageup")
        assert view.scroll_offset.y <= top and app.session.cursor == 1


async def test_a_search_shows_the_row_of_the_match_in_a_sentence_taller_than_the_page(make_app):
    app = make_app(f"{SHORT}\n{long_sentence(8_000)}\n{SHORT}")
    async with reader(app) as (pilot, view):
        await pilot.press("slash", *"END-OF-IT", "enter")
        assert app.session.cursor == 1
        shown = "".join(view.render_line(y).text for y in range(view.page_height))
        assert "END-OF-IT" in shown


async def test_a_long_article_of_one_sentence_is_folded_by_a_process_of_its_own(make_app, monkeypatch):
    """Its YAML (120 ms for 2 MB) written in a thread of the app held a key typed meanwhile."""
    app = make_app(long_sentence(durable.FOLD_AFTER_EXIT_CHARACTERS))
    async with reader(app) as (pilot, view):
        await pilot.press("c")
        store = app.session.store
        ways: list[str] = []
        monkeypatch.setattr(store, "fold_forked", lambda: ways.append("forked"))
        monkeypatch.setattr(store, "fold", lambda force=False: ways.append("thread"))
        await app._fold(store).wait()
        assert ways == ["forked"]


async def test_enter_in_search_steps_to_the_next_match_inside_a_sentence_taller_than_the_page(make_app):
    """Before, enter went on to the next sentence holding the text, past the matches further down
    the sentence being read; now it turns to the page of each in turn, then moves on."""
    giant = f"{long_sentence(3_000)} NEEDLE-ONE {long_sentence(3_000)} NEEDLE-TWO {long_sentence(3_000)}"
    app = make_app(f"{SHORT}\n{giant}\nThe mayor said the river rose by NEEDLE-THREE metres.")
    async with reader(app) as (pilot, view):

        def shown() -> str:
            return "".join(view.render_line(y).text for y in range(view.page_height))

        await pilot.press("slash", *"needle", "enter")
        assert app.session.cursor == 1 and "NEEDLE-ONE" in shown() and "NEEDLE-TWO" not in shown()
        first = view.scroll_offset.y
        await pilot.press("slash", "enter")  # the same search again: the next match
        assert app.session.cursor == 1 and "NEEDLE-TWO" in shown(), shown()
        assert view.scroll_offset.y > first + view.page_height
        await pilot.press("slash", "enter")  # none further down the sentence: the next sentence
        assert app.session.cursor == 2 and "NEEDLE-THREE" in shown()
        await pilot.press("slash", "enter")  # round to the top: the giant's first match again
        assert app.session.cursor == 1 and "NEEDLE-ONE" in shown() and view.scroll_offset.y == first
