"""The Team status screen: reached from the command palette, figures from ``tagline status``."""

from __future__ import annotations

import pytest
from palette import from_the_palette
from textual.widgets import DataTable, Static

from tagline.app.screens.status import StatusScreen

pytestmark = pytest.mark.e2e  # the screen runs tagline status as a child process


async def open_team_status(pilot, app) -> None:
    """Team status from the palette, waited for until its table has a row."""
    import time

    await from_the_palette(pilot, "team status")
    # The rows come from a child `tagline status`: on a machine busy with other suites it took more
    # than the 10 s this waited before (the table not mounted yet when the test looked).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        screen = app.screen
        # The table is mounted, then the lines under it written: wait for both (under load the
        # lines were still "reading …" when the rows were there).
        tables = screen.query(DataTable) if isinstance(screen, StatusScreen) else []
        if (tables and tables.first().row_count
                and "reading the annotation folders" not in str(screen.query_one("#status-summary", Static).render())):
            return
        await pilot.pause(0.05)


async def test_team_status_from_the_palette_shows_each_annotator(make_app, tmp_path):
    app = make_app("One here. Two there.", "Three here. Four there.")
    # 120 columns: the nine columns whole (at 100, the table is turned, as tagline status turns it).
    async with app.run_test(size=(120, 30)) as pilot:
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
        await from_the_palette(pilot, "team status")
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
    async with app.run_test(size=(120, 30)) as pilot:
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


async def test_team_status_with_64_character_names_fits_80_columns(make_app, tmp_path, monkeypatch, long_name_project):
    """Four annotators, three with 64-character names, at 80x24: the screen's one table of nine
    columns was 240 columns wide and scrolled sideways. It is laid out as ``tagline status`` lays
    it out (turned, cut into parts by :func:`tagline.core.layout.fit_table`), each name cut with
    "…" apart from the others, and given in full under the table."""
    assert all(len(name) == 64 for name in long_name_project)
    monkeypatch.chdir(tmp_path)
    app = make_app("One here. Two there.", "Three here. Four there.")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_team_status(pilot, app)
        for _ in range(100):
            if len(app.screen.query(DataTable)) > 1:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.1)
        screen = app.screen
        tables = list(screen.query(DataTable))
        assert len(tables) > 1, "one table, not cut into parts"
        for table in tables:  # nothing to scroll sideways: every part within the screen's width
            assert table.virtual_size.width <= table.scrollable_content_region.width, (table.virtual_size, table.region)
            assert table.region.right <= 80 and not table.show_horizontal_scrollbar
        assert screen.query_one("#status-body").virtual_size.width <= 80
        headings = [str(column.label) for table in tables for column in list(table.columns.values())[1:]]
        shown = {h for h in headings if h != "tester"}
        assert len(shown) == 3 and all(h.endswith(("…1", "…2", "…3")) or h[-2] == "…" for h in shown), headings
        assert all(len(h) < 64 and "…" in h for h in shown)  # cut, and told apart
        rows = [str(table.get_row_at(0)[0]) for table in tables]
        assert set(rows) == {"assigned"}  # turned: one row per heading, as the command prints it
        text = str(screen.query_one("#status-summary", Static).render())
        for name in long_name_project:  # nothing lost: each name in full, on a line of its own
            assert f"  {name}" in text.splitlines(), text
        assert "cut above with …, in full:" in text

