"""Watching what the reader repaints: its sentence view running at 80x24, and the regions each
``refresh`` marked."""

from __future__ import annotations

from contextlib import asynccontextmanager

from textual.geometry import Region

from tagline.app.widgets.sentence_view import SentenceView


@asynccontextmanager
async def reader(app):
    """``app`` running at 80x24 with its first frame drawn: its pilot and its sentence view."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        yield pilot, app.screen.query_one(SentenceView)


def record_refreshes(view: SentenceView, calls: bool = False) -> list:
    """Every region ``view`` is asked to repaint from now on, in one list; with ``calls``, a tuple
    of regions for each call to ``refresh``."""
    seen: list[Region] | list[tuple[Region, ...]] = []
    original = view.refresh

    def refresh(*regions, **kwargs):
        if calls:
            seen.append(regions)
        else:
            seen.extend(regions)
        return original(*regions, **kwargs)

    view.refresh = refresh
    return seen
