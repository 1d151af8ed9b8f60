"""The Team status screen: reached from the command palette, figures from ``tagline status``."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from tagline.app.screens.status import StatusScreen

pytestmark = pytest.mark.e2e  # the screen runs tagline status as a child process


async def test_team_status_from_the_palette_shows_each_annotator(make_app, tmp_path):
    app = make_app("One here. Two there.", "Three here. Four there.")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c", "c")  # tester: sentence 0 claim, then off again (done, no label)
        app.session.close_store()  # write it, as switching article would
        app.session.open_article(0)
        await pilot.press("ctrl+p")
        await pilot.press(*"team status")
        await pilot.pause(0.3)
        await pilot.press("enter")
        for _ in range(200):
            screen = app.screen
            if isinstance(screen, StatusScreen) and screen.query_one(DataTable).row_count:
                break
            await pilot.pause(0.05)
        screen = app.screen
        assert isinstance(screen, StatusScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 1
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[0] == "tester" and row[2] == "1" and row[4] == "1/2"
        text = str(screen.query_one("#status-summary", Static).render())
        assert "waiting for review: 0 sentences" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, StatusScreen)


@pytest.mark.parametrize("key", ["ctrl+q", "ctrl+c"])
async def test_quitting_from_the_team_status_quits(make_app, key):
    """ctrl+q and ctrl+c did nothing on the Team status screen (a modal screen hides the app's
    bindings), though they quit from every other screen."""
    app = make_app("One here. Two there.")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"team status")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, StatusScreen)
        await pilot.press(key)
        await pilot.pause(0.2)
        assert getattr(app, "leaving", False)
