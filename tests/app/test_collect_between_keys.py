"""The garbage collector's work on what keys leave behind is done in the pauses between keys
(:class:`tagline.app.heap.BetweenKeys`), not when 10,000 new objects have come, which is inside some
key: a young collection then freed about 7,700 objects in 2 to 3 ms of CPU, once every hundred keys
or so on a 5,000-sentence article, the slowest percent of keys."""

from __future__ import annotations

import asyncio
import gc

from tagline.app import heap

ARTICLE = "\n\n".join(f"Sentence number {n} is here with some words to fill a row." for n in range(1, 41))


async def test_a_pause_after_keys_collects_what_they_left(make_app):
    app = make_app(ARTICLE)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        heap.settle(collect=False)
        gc.set_threshold(10**9, *gc.get_threshold()[1:])  # no collection but the app's own
        collections: list[int] = []

        def watch(phase, info):
            if phase == "start":
                collections.append(info["generation"])

        gc.callbacks.append(watch)
        try:
            for i in range(60):
                await pilot.press("j" if i % 2 == 0 else "k")
            await asyncio.sleep(heap.PAUSE * 3)  # a pause in the typing
        finally:
            gc.callbacks.remove(watch)
        assert collections, "no collection in the pauses"  # without it: 60 keys left more than 2,000
        assert gc.get_count()[0] < heap.COLLECT_BETWEEN_KEYS_AFTER
