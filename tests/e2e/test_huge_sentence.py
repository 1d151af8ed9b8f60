"""An article that is one sentence of 2 MB (a pasted log, no full stop), in a real terminal at 80x24:
a tag is journaled in a line of its own size, not the sentence's, and is repainted as one row;
page down reads on inside the sentence; the YAML still holds the whole text."""

from __future__ import annotations

import shlex
import time

import pytest

from tagline.core import annofile
from tagline.core.store import wait_for_folds_after_quit

pytestmark = pytest.mark.e2e  # starts the installed program in tmux

SIZE = 2_000_000


def log_text() -> str:
    """SIZE characters of log events, five to a row at 80 columns, no full stop."""
    return " ".join(f"evt{n:07d} ok" for n in range(SIZE // 14 + 1))[:SIZE].rstrip()


def test_a_two_megabyte_sentence_is_tagged_and_read_page_by_page(terminal, workdir):
    text = log_text()
    (workdir / "feed").mkdir()
    (workdir / "feed" / "log.txt").write_text(text + "\n", encoding="utf-8")
    terminal.start("open feed/log.txt --model none")
    terminal.wait_for("0/1 done", timeout=60)
    journal = workdir / "annotations" / "tester" / "log.journal"
    log = workdir / "terminal.log"
    time.sleep(0.5)  # whatever was drawing has been drawn
    terminal.tmux("pipe-pane", "-o", "-t", terminal.name, f"cat >> {shlex.quote(str(log))}")
    time.sleep(0.2)
    terminal.keys("c")
    terminal.wait_for("1/1 done")
    time.sleep(0.5)
    terminal.tmux("pipe-pane", "-t", terminal.name)
    assert 0 < log.stat().st_size < 1000  # the gutter of one row and the status line
    assert 0 < journal.stat().st_size < 400  # not the 2 MB of the sentence
    assert "evt0000000" in terminal.screen()
    terminal.keys(*["PageDown"] * 5)
    deep = terminal.wait_for("evt00005")  # five pages of 20 rows on, one row kept: events 475 to 574
    assert "evt0000000" not in deep
    terminal.keys("q")  # a second tag leaves the page where it is
    time.sleep(0.5)
    screen = terminal.wait_for("Q:1")
    assert "evt00005" in screen and "evt0000000" not in screen
    terminal.keys("C-q")
    terminal.wait_for("TAGLINE-EXIT-0", timeout=60)
    wait_for_folds_after_quit(workdir / "annotations")  # an article this long is folded by a child after quit
    data = annofile.read(workdir / "annotations" / "tester" / "log.yaml")
    [sentence] = data["sentences"]
    assert sentence["labels"] == ["claim", "quote"] and sentence["text"] == text
    assert not journal.exists()
