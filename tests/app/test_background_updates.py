"""What the background work's answers cost the event loop: the model's entities are applied a
slice at a time, and the duplicate scan's answer repaints only the page on screen, however many
sentences they touch (``docs/design/reliability.md``, key latency under background work)."""

from __future__ import annotations

import asyncio


from tagline.app.messages import DuplicatesFound, EntitiesArrived
from tagline.app.screens import reader as reader_module
from tagline.app.widgets.sentence_view import SentenceView
from tagline.core import nlp

from repaints import record_refreshes

SENTENCES = 1_000
# One sentence a paragraph, all alike: every sentence but the first repeats it.
ARTICLE = "\n\n".join("The council approved the budget for the northern district." for _ in range(SENTENCES))


async def test_a_scan_that_finds_every_sentence_repaints_only_the_page(make_app):
    app = make_app(ARTICLE)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        view = screen.query_one(SentenceView)
        seen = record_refreshes(view)
        screen.post_message(DuplicatesFound(app.session.article.id, {i: 0 for i in range(1, SENTENCES)}, {}))
        await pilot.pause()
        assert len(app.session.duplicates) == SENTENCES - 1
        gutters = [r for r in seen if r.width == view.gutter_width]  # the info rows are whole rows
        # Before: one region per duplicate (999), most of them far below the page.
        assert 0 < len(gutters) <= view.page_height
        assert all(0 <= r.y < view.page_height for r in gutters)
        # The sentences off the page are drawn with their mark when a page turn shows them.
        await pilot.press("G")
        await pilot.pause()
        last = view.render_line(view._tops[SENTENCES - 1] - view.scroll_offset.y).text
        assert view.glyphs.duplicate in last


async def test_a_batch_of_entities_for_every_sentence_is_applied_in_slices(make_app):
    app = make_app(ARTICLE)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        slices: list[int] = []
        between: list[int] = []  # slices applied when another callback of the loop ran
        original = screen.apply_entities

        def apply_entities(entities, suggestions):
            slices.append(len(entities))
            if len(slices) == 1:
                asyncio.get_running_loop().call_soon(lambda: between.append(len(slices)))
            return original(entities, suggestions)

        screen.apply_entities = apply_entities
        entities = {i: [[4, 11, "ORG"]] for i in range(SENTENCES)}
        screen.post_message(EntitiesArrived(app.session.article.id, nlp.Batch(entities, {})))
        for _ in range(50):
            await pilot.pause()
            if sum(slices) == SENTENCES:
                break
        assert sum(slices) == SENTENCES
        # Before: one call of 1,000 sentences, nothing else run until it was done.
        assert max(slices) <= reader_module.ENTITY_SLICE and len(slices) >= SENTENCES // reader_module.ENTITY_SLICE
        assert between and between[0] < len(slices), "the loop ran nothing else between slices"
        assert app.session.store.entities()[SENTENCES - 1] == [(4, 11, "ORG")]
        assert len(screen.parsed) == SENTENCES
