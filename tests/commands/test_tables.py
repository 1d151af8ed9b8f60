"""Tables that keep within the terminal: headings whole, and a turned table cut into parts."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console

from tagline.commands.tables import fitted


def printed(renderable, width: int) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=width, highlight=False, color_system=None).print(renderable)
    return out.getvalue().splitlines()


def test_a_turned_table_wider_than_the_terminal_is_cut_into_parts_that_fit():
    """Three 64-character names at 80 columns: the turned table was 200 columns wide, and rich gave
    the column of headings no width at all, so no row said what it was."""
    headings = ["annotator", "assigned", "started", "last active"]
    rows = [[name, 12, 3, "2026-11-20 09:00"] for name in ("a" * 64, "b" * 64, "carol", "dan")]
    lines = printed(fitted(headings, rows, 80, title="Team", caption="a caption"), 80)
    assert all(cell_len(line) <= 80 for line in lines), "\n".join(lines)
    for heading in headings[1:]:
        assert sum(line.startswith(f"│ {heading} ") for line in lines) == 3, "\n".join(lines)
    assert any("a" * 60 in line and "…" in line for line in lines)  # cut to fit, said with "…"
    assert any("carol" in line and "dan" in line for line in lines)  # the short ones share a part
    assert sum("Team" in line for line in lines) == 1 and sum("a caption" in line for line in lines) == 1


def test_a_table_that_fits_is_one_table():
    lines = printed(fitted(["annotator", "done"], [["alice", 1], ["bob", 2]], 80), 80)
    assert sum(line.startswith("┏") for line in lines) == 1


def test_names_alike_but_for_their_ends_stay_apart_and_are_given_in_full():
    """Three 64-character names that differ only in their last characters were all cut to the same
    ``annotator_of_the_…_00…``: no reader could tell whose column was whose. Each is cut keeping
    the end that tells it apart, and given whole under the table."""
    names = [f"annotator_of_the_political_news_desk_in_the_northern_region_{n:04d}" for n in (1, 2, 3)]
    lines = printed(fitted(["annotator", "assigned", "last active"], [[n, 3, "2026-11-20 09:00"] for n in names], 80), 80)
    assert all(cell_len(line) <= 80 for line in lines), "\n".join(lines)
    heads = [line.split("┃")[2].strip() for line in lines if line.startswith("┃ annotator")]
    assert len(heads) == 3 and len(set(heads)) == 3, heads
    for head, name in zip(heads, names):
        assert "…" in head and head.endswith(name[-1]) and name.startswith(head.split("…")[0]), head
    for name in names:  # nothing lost: the whole name on a line of its own
        assert f"  {name}" in lines, "\n".join(lines)
