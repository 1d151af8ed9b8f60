"""The Team status screen in a real terminal (tmux, 80x24) with 64-character names: laid out as
``tagline status`` lays it out, nothing scrolled sideways, nothing lost."""

from __future__ import annotations

import time

import pytest

from tagline.core.status import HEADINGS

pytestmark = pytest.mark.e2e

def test_team_status_fits_80_columns_in_a_real_terminal(tmp_path, terminals, long_name_project):
    """The same screen in a real terminal (tmux, 80x24): no line of the screen is cut at its right
    edge, each long name is told apart from the others, and scrolling down shows them in full."""
    terminal = terminals(tmp_path, 80, 24)
    terminal.start("--model none seeds")
    terminal.wait_for("no model", timeout=60)
    terminal.keys("C-p")
    terminal.wait_for("Search for commands", timeout=10)  # typed before the palette is up, "m" opens a note
    terminal.keys(*"team status")
    terminal.wait_for("Team status", timeout=10)
    time.sleep(0.3)
    terminal.keys("Enter")
    terminal.wait_for("annotator_of_the", timeout=60)

    def every_heading(screen: str) -> bool:
        return all(any(line.lstrip().startswith(h) for line in screen.splitlines()) for h in HEADINGS[1:])

    deadline = time.monotonic() + 20
    screen = terminal.screen()
    while not every_heading(screen) and time.monotonic() < deadline:
        time.sleep(0.2)
        screen = terminal.screen()
    # Turned, as tagline status prints it at 80 columns: a row per heading, every heading whole
    # (the table of nine columns showed "annotator" and "assigned", the rest past the right edge).
    assert every_heading(screen), screen
    seen = [screen]
    for _ in range(12):  # down to the lines under the table
        if "agreement so far" in seen[-1]:
            break
        terminal.keys("PageDown")
        time.sleep(0.3)
        seen.append(terminal.screen())
    shown = "\n".join(seen)
    # The last column is the body's vertical scrollbar; the table's parts end before it.
    rows = [line[:79] for line in shown.splitlines() if line.lstrip().startswith("annotator ")]
    assert all(len(line) <= 79 or line[79:].strip() in "▁▂▃▄▅▆▇█" for line in shown.splitlines())
    headings = {word for line in rows for word in line.split()[1:]} - {"tester"}
    cut = {word for word in headings if "…" in word}
    # Each name cut with "…" within the width, told apart from the others by its end.
    assert len(cut) == 3 and headings == cut, headings
    for word, name in zip(sorted(cut), long_name_project):
        assert name.startswith(word[:-2]) and word[-2:] == "…" + name[-1] and len(word) < 64, word
    assert all(line.rstrip()[-1] in "123r" for line in rows), rows
    for name in long_name_project:  # nothing lost: each in full, under the table
        assert f"   {name}" in shown.splitlines(), shown
    assert "agreement so far" in shown
