"""Every way out that leaves a terminal behind puts it back as it was.

SIGTERM (``kill``), SIGINT (``kill -INT``), ctrl+c and ctrl+q: the annotations are saved, the pane is
out of the alternate screen, mouse reporting is off, the cursor is shown, and the exit status is
what a shell expects (128 + the signal's number for a signal, 0 for a quit). SIGHUP is left out: its
terminal is gone (``test_hangup.py``).
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from processes import wait_gone

pytestmark = pytest.mark.e2e

ARTICLE = "000_88201f31feaf2608"
FLAGS = ("alternate_on", "mouse_any_flag", "mouse_button_flag", "mouse_standard_flag", "mouse_all_flag", "mouse_sgr_flag", "cursor_flag")


def state(terminal) -> dict[str, str]:
    """The pane's modes as tmux holds them (what the program in it last asked for)."""
    shown = terminal.tmux("display-message", "-p", "-t", terminal.name, " ".join(f"#{{{f}}}" for f in FLAGS)).stdout.split()
    return dict(zip(FLAGS, shown))


WAYS = {
    "SIGTERM": (lambda terminal, pid: os.kill(pid, signal.SIGTERM), 143),
    "SIGINT": (lambda terminal, pid: os.kill(pid, signal.SIGINT), 130),
    "ctrl+c": (lambda terminal, pid: terminal.keys("C-c"), 0),
    "ctrl+q": (lambda terminal, pid: terminal.keys("C-q"), 0),
}


@pytest.mark.parametrize("way", list(WAYS))
def test_the_terminal_is_put_back_and_the_status_said(term, workdir, way, figures):
    leave, status = WAYS[way]
    terminal = term()
    terminal.start("--model none")
    terminal.wait_for("0/34 done")
    terminal.keys("c")
    terminal.wait_for("1/34 done")
    during = state(terminal)
    assert during["alternate_on"] == "1" and during["mouse_any_flag"] == "1", during  # the test means something
    pid = terminal.app_pid()
    leave(terminal, pid)
    wait_gone(pid)
    screen = terminal.wait_for("TAGLINE-EXIT-")
    after = state(terminal)
    assert f"TAGLINE-EXIT-{status}" in screen, screen
    assert "Traceback" not in screen
    assert after["alternate_on"] == "0", after
    assert all(after[f] == "0" for f in FLAGS if f.startswith("mouse")), after
    assert after["cursor_flag"] == "1", after
    saved = (workdir / "annotations" / "tester" / f"{ARTICLE}.yaml").read_text(encoding="utf-8")
    assert "labels:\n  - claim" in saved or "labels: [claim]" in saved, saved[:600]
    figures(f"terminal_state[{way}]", exit_status=status, **after)


@pytest.mark.parametrize("name, sig, status", [("SIGTERM", signal.SIGTERM, 143), ("SIGINT", signal.SIGINT, 130), ("SIGHUP", signal.SIGHUP, 0)])
def test_a_signal_during_the_note_dialog_keeps_the_note_typed_so_far(term, workdir, name, sig, status, figures):
    """ctrl+q from the note dialog keeps the note typed so far; a signal threw it away (the dialog's
    text was never applied before the fold). Now every way out keeps it."""
    terminal = term()
    terminal.start("--model none")
    terminal.wait_for("0/34 done")
    terminal.keys("m")
    terminal.wait_for("Note on this sentence")
    terminal.literal(f"half typed before {name}")
    terminal.wait_for(f"half typed before {name}")
    pid = terminal.app_pid()
    os.kill(pid, sig)
    wait_gone(pid)
    screen = terminal.wait_for("TAGLINE-EXIT-")
    assert f"TAGLINE-EXIT-{status}" in screen and "Traceback" not in screen, screen
    if sig != signal.SIGHUP:  # SIGHUP: the terminal is gone, nothing is drawn on it
        assert state(terminal)["alternate_on"] == "0"
    saved = (workdir / "annotations" / "tester" / f"{ARTICLE}.yaml").read_text(encoding="utf-8")
    assert f"note: half typed before {name}" in saved, saved[:800]
    figures(f"terminal_state[note, {name}]", exit_status=status, note_kept=1)


@pytest.mark.parametrize("key", ["C-q", "C-c"])
@pytest.mark.parametrize("where, opens, shown", [("help", "?", "│ Labels"), ("palette", "C-p", "Search for commands")])
def test_quitting_from_the_help_screen_quits(term, workdir, key, where, opens, shown, figures):
    """The help screen's footer shows ``^q quit``, but ctrl+q there only closed the help and the
    app went on (in the review's help too); in the command palette it did nothing. It now quits
    from both, as from the note dialog."""
    terminal = term()
    terminal.start("--model none")
    terminal.wait_for("0/34 done")
    terminal.keys("c")
    terminal.wait_for("1/34 done")
    terminal.keys(opens)
    terminal.wait_for(shown)
    time.sleep(0.3)  # the dialog drawn is not yet the dialog focused on a loaded machine
    pid = terminal.app_pid()
    terminal.keys(key)
    wait_gone(pid, timeout=10)
    screen = terminal.wait_for("TAGLINE-EXIT-")
    assert "TAGLINE-EXIT-0" in screen and "Traceback" not in screen, screen
    after = state(terminal)
    assert after["alternate_on"] == "0" and after["cursor_flag"] == "1", after
    saved = (workdir / "annotations" / "tester" / f"{ARTICLE}.yaml").read_text(encoding="utf-8")
    assert "labels:\n  - claim" in saved or "labels: [claim]" in saved
    figures(f"terminal_state[{where}, {key}]", exit_status=0)
