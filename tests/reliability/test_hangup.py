"""The terminal drops (SIGHUP), the system asks tagline to stop (SIGTERM), the user hits ctrl+c:
each time the actions already taken end up folded into the YAML, and the process goes away."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tui.core import annofile

from processes import wait_gone

ARTICLE = "000_88201f31feaf2608"


def tag_three(terminal, workdir) -> None:
    """Four actions, waited for on disk (the "flagged" notice hides the status line for a while)."""
    terminal.start("--model none")
    terminal.wait_for("0/34 done")
    terminal.keys("c", "j", "q", "j", "s", "f")
    journal = workdir / "annotations" / "tester" / f"{ARTICLE}.journal"
    deadline = time.monotonic() + 20
    while not (journal.exists() and journal.read_bytes().count(b"\n") == 4):
        assert time.monotonic() < deadline, f"the actions did not reach the journal:\n{terminal.screen()}"
        time.sleep(0.02)


def assert_folded(workdir) -> None:
    folder = workdir / "annotations" / "tester"
    data = annofile.read(folder / f"{ARTICLE}.yaml")
    sentences = data["sentences"]
    assert [s["labels"] for s in sentences[:3]] == [["claim"], ["quote"], ["statistic"]]
    assert [s["status"] for s in sentences[:4]] == ["done", "done", "done", "todo"]
    assert sentences[2].get("flag") is True
    assert not (folder / f"{ARTICLE}.journal").exists(), "the journal was not folded"
    assert not (folder / f"{ARTICLE}.journal.folding").exists()


@pytest.mark.parametrize("how", ["kill-session", "SIGHUP", "SIGTERM"])
def test_signals_fold_everything_and_exit(term, workdir, how, figures):
    terminal = term()
    tag_three(terminal, workdir)
    pid = terminal.app_pid()
    # Not folded yet (the idle fold waits 2 s): what folds it now is the signal.
    assert (workdir / "annotations" / "tester" / f"{ARTICLE}.journal").exists()
    if how == "kill-session":  # the terminal is gone, as when an SSH link drops
        subprocess.run(["tmux", "kill-session", "-t", terminal.name], check=True)
    else:
        os.kill(pid, getattr(signal, how))
    wait_gone(pid)
    if how != "kill-session":
        terminal.wait_for("TAGLINE-EXIT-0")
    assert_folded(workdir)
    figures(f"hangup[{how}]", actions=4, actions_in_yaml=4)


def test_ctrl_c_quits_cleanly_with_everything_saved(term, workdir, figures):
    terminal = term()
    tag_three(terminal, workdir)
    terminal.keys("C-c")
    screen = terminal.wait_for("TAGLINE-EXIT-0")
    assert "Traceback" not in screen
    assert_folded(workdir)
    figures("hangup[ctrl+c]", actions=4, actions_in_yaml=4)


def test_a_second_session_on_the_same_article_is_read_only(term, workdir):
    first, second = term(), term()
    first.start("--model none")
    first.wait_for("0/34 done")
    first.keys("c")
    first.wait_for("1/34 done")
    second.start("--model none")
    second.wait_for("read-only")
    second.keys("q", "j", "s")  # refused: nothing of this may reach the file
    screen = second.wait_for("2/34  1/34 done")
    assert "read-only" in screen
    second.keys("C-q")
    second.wait_for("TAGLINE-EXIT-0")
    first.keys("j", "q", "C-q")
    first.wait_for("TAGLINE-EXIT-0")
    sentences = annofile.read(workdir / "annotations" / "tester" / f"{ARTICLE}.yaml")["sentences"]
    assert [s["labels"] for s in sentences[:3]] == [["claim"], ["quote"], []]


def test_the_second_session_says_why_it_is_read_only(term, workdir):
    first, second = term(), term()
    first.start("--model none")
    first.wait_for("0/34 done")
    second.start("--model none")
    screen = second.wait_for("open in another session")
    assert f"pid {first.app_pid()}" in screen  # who holds it, from the lock file


def test_a_lock_left_by_kill9_is_recovered(term, workdir):
    first = term()
    first.start("--model none")
    first.wait_for("0/34 done")
    first.keys("c")
    first.wait_for("1/34 done")
    pid = first.app_pid()
    os.kill(pid, signal.SIGKILL)
    wait_gone(pid)
    lock = workdir / "annotations" / "tester" / f".{ARTICLE}.lock"
    assert lock.exists()  # the file stays; the kernel dropped the flock with the process
    second = term()
    second.start("--model none")
    screen = second.wait_for("1/34 done")  # the journal of the killed session, replayed
    assert "another session" not in screen
    second.keys("s", "C-q")  # the cursor opens on the first todo sentence
    second.wait_for("TAGLINE-EXIT-0")
    sentences = annofile.read(workdir / "annotations" / "tester" / f"{ARTICLE}.yaml")["sentences"]
    assert [s["labels"] for s in sentences[:2]] == [["claim"], ["statistic"]]
