"""What a key repaints: the gutter of the sentences it touched, a page turn instead of a scroll per
move, one-row lines rebuilt only when their parts change, line breaks of hard-wrapped text as spaces."""

from __future__ import annotations

from textual.geometry import Region

from tagline.app import settings

from repaints import reader, record_refreshes

# Short paragraphs, one sentence each: many per page, so pages turn.
ARTICLE = "\n\n".join(f"Sentence number {n} is here with some words to fill a row." for n in range(1, 61))


async def test_a_move_and_a_tag_repaint_only_the_gutter(make_app):
    app = make_app(ARTICLE)
    async with reader(app) as (pilot, view):
        seen = record_refreshes(view, calls=True)
        for key in ("j", "c", "j", "space"):
            await pilot.press(key)
        regions = [r for call in seen for r in call]
        assert seen and all(call for call in seen), "a key refreshed the whole view"
        page = view.page_height
        gutters = [r for r in regions if r.y < page]
        info = [r for r in regions if r.y >= page]  # the status and hint rows under the sentences
        assert gutters and {r.width for r in gutters} == {view.gutter_width} and {r.x for r in gutters} == {0}
        assert info and all(r.height == 1 and r.x == 0 for r in info)


async def test_the_cursor_under_the_text_repaints_whole_rows(make_app):
    settings.settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings.settings_path().write_text("cursor: sentence\n")
    app = make_app(ARTICLE)
    async with reader(app) as (pilot, view):
        assert view.cursor_style == "sentence"
        seen = record_refreshes(view, calls=True)
        await pilot.press("j")
        assert {r.width for call in seen for r in call} == {view.virtual_size.width}


async def test_the_view_turns_a_page_rather_than_scrolling_on_every_move(make_app):
    app = make_app(ARTICLE)
    async with reader(app) as (pilot, view):
        height = view.page_height
        offsets = []
        for _ in range(30):
            await pilot.press("j")
            offsets.append(view.scroll_offset.y)
            cursor = app.session.cursor
            top, bottom = view._tops[cursor], view._tops[cursor + 1]
            assert view.scroll_offset.y <= top and bottom <= view.scroll_offset.y + height
        turns = [i for i in range(1, len(offsets)) if offsets[i] != offsets[i - 1]]
        assert 2 <= len(turns) <= 10, offsets  # far fewer scrolls than moves
        # Going up past the top of the page, the sentence after the cursor's ends the page.
        y = view.scroll_offset.y
        while view.scroll_offset.y == y and app.session.cursor > 0:
            await pilot.press("k")
        cursor = app.session.cursor
        assert view._tops[cursor + 2] == view.scroll_offset.y + height


async def test_a_page_turn_puts_the_previous_sentence_at_the_top(make_app):
    app = make_app(ARTICLE)
    async with reader(app) as (pilot, view):
        y = view.scroll_offset.y
        while view.scroll_offset.y == y:
            await pilot.press("j")
        assert view.scroll_offset.y == view._tops[app.session.cursor - 1]


async def test_a_line_is_rebuilt_only_when_its_parts_change(make_app):
    app = make_app(ARTICLE)
    async with reader(app) as (pilot, view):
        status = view.info["status"]
        row = view.size.height - 1  # the status is the view's last row, under hint and legend
        assert "saved" in view.render_line(row).text
        seen = record_refreshes(view, calls=True)
        assert not status.show(*status.parts)
        assert seen == []  # unchanged: nothing repainted
        assert status.show("\x1b[2Jname\x07", ("bold", "bold"))
        assert seen == [(Region(0, row, view.size.width, 1),)]  # that row only
        await pilot.pause()
        text = view.render_line(row).text
        assert "\x1b" not in text and "\x07" not in text and "name" in text
        assert status.show("x" * 300)
        await pilot.pause()
        strip = view.render_line(row)
        assert strip.cell_length == view.size.width and strip.text.rstrip().endswith("…")


async def test_a_move_refreshes_the_view_alone(make_app):
    app = make_app(ARTICLE)
    async with reader(app) as (pilot, view):
        refreshed = []
        for widget in app.screen.walk_children():
            if widget is not view:
                original = widget.refresh

                def refresh(*args, _widget=widget, _original=original, **kwargs):
                    refreshed.append(_widget)
                    return _original(*args, **kwargs)

                widget.refresh = refresh
        await pilot.press("j", "c", "j")
        assert refreshed == []  # the status and hint rows changed with it, drawn by the view


async def test_a_hard_wrapped_paragraph_reads_with_spaces(make_app):
    text = (
        "The minister said on Tuesday that the new rules would\n"
        "come into force next year, and that companies had been\n"
        "told to prepare for\n"
        "them.\n"
    )
    app = make_app(text)
    async with reader(app) as (pilot, view):
        shown = "".join(view.render_line(y).text for y in range(4))
        assert "\u240a" not in shown and "would come into force" in shown
        assert app.session.text(0).count("\n") == 3  # the article itself is untouched


async def test_a_move_draws_gutters_again_but_not_the_text(make_app):
    app = make_app(ARTICLE)
    async with reader(app) as (pilot, view):
        texts: list[int] = []
        original = view._render_text

        def render_text(i, *args):
            texts.append(i)
            return original(i, *args)

        view._render_text = render_text
        await pilot.press("j", "j", "c")
        await pilot.pause()
        assert texts == [], "a move or a tag laid the text of a row out again"
        view.set_entities({1: [(0, 8, "ORG")]})  # new entities: that sentence's text is drawn again
        await pilot.pause()
        assert set(texts) == {1}
        assert "Sentence number 2" in view.render_line(view._tops[1] - view.scroll_offset.y).text


async def test_the_view_draws_its_scroll_thumb_in_its_last_column(make_app):
    app = make_app(ARTICLE)
    async with reader(app) as (pilot, view):
        height = view.page_height
        thumb = view.glyphs.thumb

        def column() -> str:
            return "".join(view.render_line(y).text[-1] for y in range(height))

        top = column()
        assert top.startswith(thumb) and top.strip(" ") == thumb * top.count(thumb)
        assert 1 <= top.count(thumb) < height // 2  # 60 sentences: far more than a page
        assert all(view.render_line(y).cell_length == view.size.width for y in range(height))
        await pilot.press("G")
        await pilot.pause()
        assert column().endswith(thumb)

    short = make_app("One sentence only. And a second one.")
    async with reader(short) as (pilot, view):
        assert all(view.render_line(y).text[-1] == " " for y in range(view.page_height))  # it fits: no thumb


async def test_an_open_article_is_frozen_out_of_the_collector_and_a_switch_collects_the_last(make_app, monkeypatch):
    import gc

    collected = []
    monkeypatch.setattr(gc, "collect", lambda *args: collected.append(args) or 0)
    gc.unfreeze()

    def full() -> list:  # gc.collect() of an article switch; heap.BetweenKeys names a generation
        return [args for args in collected if args == ()]

    app = make_app(ARTICLE, "Another article. With two sentences.")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert gc.get_freeze_count() > 0 and full() == []  # the first article: nothing to collect
        await pilot.press("]")
        await pilot.pause()
        await pilot.pause()
        assert app.session.article_index == 1 and len(full()) == 1 and gc.get_freeze_count() > 0


async def test_rows_reach_the_screen_as_the_view_drew_them(make_app):
    """No copy of a row per frame: the rows a move did not touch are the very strips drawn
    before, and the two it touched are drawn again with the cursor moved."""
    app = make_app(ARTICLE)
    async with reader(app) as (pilot, view):
        whole = Region(0, 0, view.size.width, view.size.height)
        before = view.render_lines(whole)
        assert [a is b for a, b in zip(before, view.render_lines(whole))] == [True] * len(before)
        await pilot.press("j")
        after = view.render_lines(whole)
        changed = [y for y, (a, b) in enumerate(zip(before, after)) if a is not b]
        cursor_rows = [y for y, strip in enumerate(after) if strip.text.startswith(view.glyphs.cursor)]
        assert cursor_rows and set(cursor_rows) <= set(changed)
        info_rows = set(range(view.page_height, view.size.height))  # the status row: the position
        assert set(changed) - set(cursor_rows) <= {0} | info_rows  # and the sentence left behind
        assert len(changed) < len(after) // 2
        assert before[0].text.startswith(view.glyphs.cursor) and not after[0].text.startswith(view.glyphs.cursor)


async def test_a_view_given_a_border_is_drawn_by_textual(make_app):
    app = make_app(ARTICLE)
    async with reader(app) as (pilot, view):
        view.styles.border = ("solid", "red")
        await pilot.pause()
        top = view.render_lines(Region(0, 0, view.size.width, 1))[0]
        assert set(top.text) == {"─"} or top.text.startswith("┌"), top.text


async def test_an_open_article_is_out_of_the_collectors_scans(make_app):
    import gc

    from tagline.app import heap

    gc.unfreeze()
    app = make_app(ARTICLE)
    async with reader(app):
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == heap.YOUNG_COLLECTION_AFTER
