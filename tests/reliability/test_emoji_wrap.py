"""A sentence ending in an emoji with a skin tone, in a real terminal (tmux 3.3 draws the hand and
the skin tone apart, 4 cells): the whole emoji is on screen at 80 columns. (Narrower panes: a
tmux session made 40 columns wide here still reports 80 to the program, so the cut at 40 columns is
tested on the layout itself, ``tests/core/test_layout.py``.)"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

THUMBS = "\U0001F44D\U0001F3FD"  # 👍🏽
WORDS = "the council voted to rebuild the old bridge before winter and residents cheered loudly".split()


def ending_in_thumbs(cells: int) -> str:
    """Words of exactly ``cells - 2`` characters, then 👍🏽: as wide as the reader's text (at 80
    columns, 71 cells) when the emoji is measured as 2 cells."""
    text = ""
    for word in WORDS * 3:
        if len(text) + len(word) + 1 > cells - 2:
            break
        text += word + " "
    text = text.rstrip()
    return text + "s" * (cells - 2 - len(text)) + THUMBS


@pytest.mark.parametrize("columns", [80])
def test_an_emoji_with_a_skin_tone_is_drawn_whole_at_the_edge(term, workdir, columns):
    text_cells = columns - 9  # the gutter (8 cells with three labels) and the scroll bar (1)
    sentence = ending_in_thumbs(text_cells)
    (workdir / "emoji.txt").write_text(sentence + "\n\nAnother sentence here.\n", encoding="utf-8")
    terminal = term(columns, 24)
    terminal.start("open emoji.txt --model none")
    terminal.wait_for("0/2 done")
    screen = terminal.wait_for("Another sentence")
    assert THUMBS in screen, screen
    terminal.keys("C-q")
    terminal.wait_for("TAGLINE-EXIT-0")
