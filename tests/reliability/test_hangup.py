"""The terminal drops (SIGHUP), the system asks tagline to stop (SIGTERM), the user hits ctrl+c:
each time the actions already taken end up folded into the YAML, and the process goes away."""

from __future__ import annotations

import os
import signal
import time

import pytest

from tagline.core import annofile

from processes import wait_gone

pytestmark = pytest.mark.e2e  # starts the installed program in tmux, signals

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
        terminal.tmux("kill-session", "-t", terminal.name)
    else:
        os.kill(pid, getattr(signal, how))
    wait_gone(pid)
    if how != "kill-session":
        terminal.wait_for("TAGLINE-EXIT-143" if how == "SIGTERM" else "TAGLINE-EXIT-0")
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


def open_twice(term):
    """The sample open in two sessions: the first holds it, with its first sentence tagged; the
    second came after it and is read-only."""
    first, second = term(), term()
    first.start("--model none")
    first.wait_for("0/34 done")
    first.keys("c")
    first.wait_for("1/34 done")
    second.start("--model none")
    second.wait_for("read-only")
    return first, second


def test_a_second_session_on_the_same_article_is_read_only(term, workdir):
    first, second = open_twice(term)
    second.keys("q", "j", "s")  # refused: nothing of this may reach the file
    # It opened on the first todo sentence (2/34): j moves on, q and s change nothing.
    screen = second.wait_for("3/34  1/34 done")
    assert "read-only" in screen
    second.keys("C-q")
    second.wait_for("TAGLINE-EXIT-0")
    first.keys("j", "q", "C-q")
    first.wait_for("TAGLINE-EXIT-0")
    sentences = annofile.read(workdir / "annotations" / "tester" / f"{ARTICLE}.yaml")["sentences"]
    assert [s["labels"] for s in sentences[:3]] == [["claim"], ["quote"], []]


def test_toasts_leave_nothing_on_the_screen_when_they_go(term, workdir):
    """Toasts of different lengths stacked (the read-only reason on two lines, then two short
    ones): once their time is up, none of their words is left on the terminal."""
    first, second = open_twice(term)
    second.wait_for("read-only here")  # the reason's toast, not only the status row
    second.keys("e", "e")
    deadline = time.monotonic() + 20  # the reason's toast lasts 10 s
    while time.monotonic() < deadline and "read-only here" in second.screen():
        time.sleep(0.5)
    screen = second.screen()
    assert "read-only here" not in screen and "entity highlighting" not in screen, screen
    assert "2/34  1/34 done" in screen


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


def test_sighup_during_an_idle_fold_of_a_long_article(term, workdir, figures):
    """The hang-up lands while the background fold of a 5,000-sentence article may be writing: the
    hang-up's own fold waits for it (one fold at a time) and the YAML ends with every action."""
    import random

    from tagline.core.articles import Article

    text = "".join(f"Line {i}: the council said the river rose by {i} centimetres overnight.\n" for i in range(5_000))
    (workdir / "river.txt").write_text(text, encoding="utf-8")
    starts = [span.start for span in Article("river", "river.txt", text).sentences]
    folder = workdir / "annotations" / "tester"
    rng = random.Random(20261125)
    rounds = 4
    for round_number in range(rounds):
        terminal = term()
        terminal.start("open river.txt --model none")
        terminal.wait_for(f"{3 * round_number}/5000 done")
        pid = terminal.app_pid()
        terminal.keys("c", "j", "c", "j", "c", "j")
        journal = folder / "river.journal"
        deadline = time.monotonic() + 20
        while not (journal.exists() and journal.read_bytes().count(b"\n") == 3):
            assert time.monotonic() < deadline, terminal.screen()
            time.sleep(0.02)
        time.sleep(rng.uniform(1.8, 3.4))  # the idle fold starts 2 to 3 s after the last key
        os.kill(pid, signal.SIGHUP)
        wait_gone(pid)
        terminal.wait_for("TAGLINE-EXIT-0")
        data = annofile.read(folder / "river.yaml")
        tagged = {s["start"] for s in data["sentences"] if s["labels"] == ["claim"]}
        assert tagged == set(starts[: 3 * (round_number + 1)])
        assert not journal.exists() and not (folder / "river.journal.folding").exists()
        terminal.close()
    figures("hangup[during idle fold]", rounds=rounds, sentences=5_000, actions=3 * rounds, actions_in_yaml=3 * rounds)


def test_the_article_changed_on_disk_is_re_anchored_in_the_app(term, workdir):
    article = workdir / "seeds" / f"{ARTICLE}.txt"
    terminal = term()
    terminal.start("--model none")
    terminal.wait_for("0/34 done")
    terminal.keys("c", "j", "q", "C-q")
    terminal.wait_for("TAGLINE-EXIT-0")
    folder = workdir / "annotations" / "tester"
    before = (folder / f"{ARTICLE}.yaml").read_bytes()
    original = article.read_text(encoding="utf-8")
    first_two = annofile.read(folder / f"{ARTICLE}.yaml")["sentences"][:2]
    # An editor's pass: a new opening paragraph, and one word of the second sentence changed.
    edited = "A new opening paragraph was added by the editor.\n\n" + original.replace(first_two[1]["text"], first_two[1]["text"].replace("repeatedly", "often"))
    article.write_text(edited, encoding="utf-8")
    again = term()
    again.start("--model none")
    again.wait_for("re-anchored")  # the notice: "the article changed …; annotations were re-anchored; …"
    again.keys("C-q")
    again.wait_for("TAGLINE-EXIT-0")
    data = annofile.read(folder / f"{ARTICLE}.yaml")
    moved, reworded = data["sentences"][1], data["sentences"][2]  # after the new opening
    assert (moved["text"], moved["labels"]) == (first_two[0]["text"], ["claim"])
    assert (reworded["text"], reworded["labels"]) == (first_two[1]["text"].replace("repeatedly", "often"), ["quote"])
    assert data["sentences"][0]["labels"] == [] and data["sentences"][0]["status"] == "todo"
    assert "orphans" not in data
    backups = list(folder.glob(f"{ARTICLE}.yaml.bak-*"))
    assert [b.read_bytes() for b in backups] == [before]
