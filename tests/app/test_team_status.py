"""The Team status screen: reached from the command palette, figures from ``tagline status``."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from tagline.app.screens.status import StatusScreen

pytestmark = pytest.mark.e2e  # the screen runs tagline status as a child process


async def open_team_status(pilot, app) -> None:
    """Team status from the palette, waited for until its table has a row."""
    await pilot.press("ctrl+p")
    await pilot.press(*"team status")
    await pilot.pause(0.3)
    await pilot.press("enter")
    for _ in range(200):
        screen = app.screen
        if isinstance(screen, StatusScreen) and screen.query_one(DataTable).row_count:
            return
        await pilot.pause(0.05)


async def test_team_status_from_the_palette_shows_each_annotator(make_app, tmp_path):
    app = make_app("One here. Two there.", "Three here. Four there.")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c", "c")  # tester: sentence 0 claim, then off again (done, no label)
        app.session.close_store()  # write it, as switching article would
        app.session.open_article(0)
        await open_team_status(pilot, app)
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


async def test_team_status_says_what_the_command_says(make_app, tmp_path, monkeypatch):
    """The screen had wording of its own ('N sentences done by two or more; observed …'), no line
    for a name nobody can log in as and no column for the article open now: it renders the core's
    rows and lines, as ``tagline status`` does."""
    import json
    import subprocess
    import sys

    from tagline.core import status as core

    monkeypatch.chdir(tmp_path)
    (tmp_path / "tagline.yaml").write_text("team:\n  annotators: [tester, rooot]\n", encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    for i, text in enumerate(("One here. Two there.", "Three here. Four there.")):
        (tmp_path / "seeds" / f"art{i}.txt").write_text(text + "\n", encoding="utf-8")
    app = make_app("One here. Two there.", "Three here. Four there.")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")  # art0 open, its action in the journal
        await open_team_status(pilot, app)
        screen = app.screen
        table = screen.query_one(DataTable)
        assert [str(column.label) for column in table.columns.values()] == list(core.HEADINGS)
        rows = {str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)] for i in range(table.row_count)}
        assert rows.get("tester", [""])[-1] == "art0", (rows, str(screen.query_one("#status-summary", Static).render()), screen.command)
        text = str(screen.query_one("#status-summary", Static).render())
        done = subprocess.run(screen.command, capture_output=True, text=True, timeout=60)
        for line in core.report_lines(json.loads(done.stdout)):
            assert line in text
        assert "rooot: no user of that name here, no folder yet; 1 article routed to them" in text
        printed = subprocess.run([*screen.command[:screen.command.index("--format")], *screen.command[screen.command.index("--format") + 2:]],
                                 capture_output=True, text=True, timeout=60, env={**__import__("os").environ, "COLUMNS": "200"})
        assert "rooot: no user of that name here, no folder yet; 1 article routed to them" in printed.stdout
        assert sys.executable in screen.command[0]
