"""The contract, end to end: a real terminal, the installed command, the YAML it leaves."""

from __future__ import annotations

import shlex
import time

import pytest
import yaml

pytestmark = pytest.mark.e2e  # starts the installed program in tmux

ARTICLE = "000_88201f31feaf2608"


def read(workdir, annotator="tester"):
    path = workdir / "annotations" / annotator / f"{ARTICLE}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_first_run_tags_and_quits_with_the_yaml_on_disk(terminal, workdir):
    terminal.start("--model none")
    terminal.wait_for("0/34 done")
    terminal.keys("c", "j", "q", "s", "j", "Space", "f", "u", "C-q")
    terminal.wait_for("TAGLINE-EXIT-0")
    data = read(workdir)
    assert data["schema"] == "tagline.annotations/1"
    assert data["annotator"] == "tester"
    assert data["article"]["path"] == f"seeds/{ARTICLE}.txt"
    assert data["model"] == {"name": "none", "version": None}
    sentences = data["sentences"]
    assert len(sentences) == 34
    assert sentences[0]["labels"] == ["claim"]
    assert sentences[1]["labels"] == ["quote", "statistic"]
    assert sentences[2]["status"] == "done" and sentences[2]["labels"] == []
    assert "flag" not in sentences[3]  # undone
    text = (workdir / "seeds" / f"{ARTICLE}.txt").read_text(encoding="utf-8")
    assert all(text[s["start"] : s["end"]] == s["text"] for s in sentences)


def test_stock_textual_switch_opens_and_tags_in_a_real_terminal(terminal, workdir):
    """TAGLINE_STOCK_TEXTUAL=1: Textual's own driver and row pass (tagline.app.internals)."""
    terminal.start("--model none", env={"TAGLINE_STOCK_TEXTUAL": "1"})
    terminal.wait_for("0/34 done")
    terminal.keys("c", "j", "q", "C-q")
    terminal.wait_for("TAGLINE-EXIT-0")
    sentences = read(workdir)["sentences"]
    assert sentences[0]["labels"] == ["claim"]
    assert sentences[1]["labels"] == ["quote"]

def test_entities_from_the_real_model_and_state_on_reopen(terminal, workdir):
    terminal.start("--annotator alice")
    terminal.wait_for("parsing")  # the article is taggable while the model works
    # The model process runs at a lower priority: on a busy machine loading it took 33 s.
    terminal.wait_for("en_core_web_sm 3.8.0", timeout=180)
    terminal.keys("c", "C-q")
    terminal.wait_for("TAGLINE-EXIT-0")
    data = read(workdir, "alice")
    assert data["model"] == {"name": "en_core_web_sm", "version": "3.8.0"}
    first = data["sentences"][0]
    assert {"start": 20, "end": 28, "label": "DATE"} in first["entities"]  # "Thursday"
    assert first["text"][20:28] == "Thursday"


def test_missing_model_is_a_notice_not_a_traceback(terminal, workdir):
    terminal.start("--model no_such_model_xyz")
    screen = terminal.wait_for("not installed")
    assert "Traceback" not in screen
    terminal.keys("c", "C-q")
    terminal.wait_for("TAGLINE-EXIT-0")
    assert read(workdir)["sentences"][0]["labels"] == ["claim"]


def test_a_key_sends_only_what_changed(terminal, workdir):
    """Over SSH every byte counts: a move within the page repaints the gutter of two sentences and
    the status line, a tag the gutter of one (a whole repaint of those rows is two to four times as
    much, a full screen about 5 KB)."""
    log, piped = workdir / "terminal.log", workdir / "terminal.log.done"

    def bytes_for(key: str, then: str) -> int:
        log.write_bytes(b"")
        piped.unlink(missing_ok=True)
        terminal.tmux("pipe-pane", "-o", "-t", terminal.name, f"cat >> {shlex.quote(str(log))}; touch {shlex.quote(str(piped))}")
        terminal.keys(key)
        terminal.wait_for(then)
        time.sleep(0.5)  # a later frame the key brings is counted too
        terminal.tmux("pipe-pane", "-t", terminal.name)
        deadline = time.monotonic() + 20
        while not piped.exists():  # cat has written all it was sent
            assert time.monotonic() < deadline, "the pane's pipe did not close"
            time.sleep(0.05)
        return log.stat().st_size

    terminal.start("--model none")
    terminal.wait_for("0/34 done")
    # The duplicate scan answers from a process of its own, niced, whenever it gets a CPU: its
    # marks repaint five gutters and the hint row (about 800 bytes), which once landed in the
    # move's count on a busy machine. The hint of sentence 1 says it has answered.
    terminal.wait_for("also at sentence 11", timeout=60)
    move = bytes_for("j", "  2/34  ")
    tag = bytes_for("c", "C:1")
    assert 0 < move < 1800, move
    assert 0 < tag < 1000, tag
    terminal.keys("C-q")
    terminal.wait_for("TAGLINE-EXIT-0")
