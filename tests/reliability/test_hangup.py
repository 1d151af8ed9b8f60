"""The terminal drops (SIGHUP), the system asks tagline to stop (SIGTERM), the user hits ctrl+c:
each time the actions already taken end up folded into the YAML, and the process goes away."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tagline.core import annofile
from tagline.core.store import AFTER_EXIT

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


def test_a_terminal_gone_without_a_sighup_folds_and_frees_the_article(term, workdir, monkeypatch):
    """tagline with no controlling terminal (started by ``su - alice -c``, ``setsid``, a process
    manager): the kernel sends it no SIGHUP when its pane or SSH link goes. It went on running,
    reading end-of-file in a loop, and held the article's lock: the annotator's next session found
    the article "open in another session" and read-only, for as long as the orphan lived."""
    import shutil

    if shutil.which("setsid") is None:
        pytest.skip("setsid is not installed")
    terminal = term()
    shared = terminal.start.__globals__  # the e2e conftest's, whose tagline_command start() runs
    command = shared["tagline_command"]
    monkeypatch.setitem(shared, "tagline_command", lambda: f"setsid {command()}")
    tag_three(terminal, workdir)
    pid = terminal.app_pid()
    assert os.getsid(pid) == pid  # a session of its own: the pane is not its controlling terminal
    terminal.tmux("kill-session", "-t", terminal.name)
    wait_gone(pid)
    assert_folded(workdir)
    monkeypatch.setitem(shared, "tagline_command", command)
    again = term()
    again.start("--model none")
    screen = again.wait_for("3/34 done")
    assert "another session" not in screen and "read-only" not in screen


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
    hang-up's own fold, left to a child as on quit, waits for it (one fold at a time) and the YAML
    ends with every action; a reader waits for that child as it does after quit."""
    from tagline.core.store import wait_for_folds_after_quit
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
        wait_for_folds_after_quit(folder.parent)
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


#: Loaded first by the program (``PYTHONPATH``): every write of ``river.yaml`` waits for the file
#: ``$FOLD_GATE`` and says in ``$FOLD_MARKS`` which process wrote it, so a test can hold a fold,
#: see who does it, and let it go.
GATE_HOOK = """
import os, time
from tagline.core import annofile

_write = annofile.write


def _gated(path, document, *args, **kwargs):
    if not str(path).endswith("river.yaml"):
        return _write(path, document, *args, **kwargs)
    marks = os.environ["FOLD_MARKS"]
    open(os.path.join(marks, f"waiting-{os.getpid()}"), "w").close()
    while not os.path.exists(os.environ["FOLD_GATE"]):
        time.sleep(0.01)
    _write(path, document, *args, **kwargs)
    open(os.path.join(marks, f"wrote-{os.getpid()}"), "w").close()


annofile.write = _gated
"""


def held_folds(workdir) -> tuple[dict[str, str], Path, Path]:
    """The environment in which :data:`GATE_HOOK` holds every write of ``river.yaml`` until ``gate``
    exists and leaves its marks in ``marks`` (made here): (environment, gate, marks)."""
    hook, marks, gate = workdir / "hook", workdir / "marks", workdir / "gate"
    hook.mkdir()
    marks.mkdir()
    (hook / "sitecustomize.py").write_text(GATE_HOOK, encoding="utf-8")
    return {"PYTHONPATH": str(hook), "FOLD_GATE": str(gate), "FOLD_MARKS": str(marks)}, gate, marks


def river(workdir) -> list[int]:
    """A 5,000-sentence article, ``river.txt``; the start of each sentence."""
    from tagline.core.articles import Article

    text = "".join(f"Line {i}: the council said the river rose by {i} centimetres overnight.\n" for i in range(5_000))
    (workdir / "river.txt").write_text(text, encoding="utf-8")
    return [span.start for span in Article("river", "river.txt", text).sentences]


def marked(marks, kind: str, timeout: float = 30.0) -> list[int]:
    """The pids that have left a ``kind`` mark (``waiting``, ``wrote``), once there is one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = [int(p.name.split("-")[1]) for p in marks.glob(f"{kind}-*")]
        if pids:
            return pids
        time.sleep(0.02)
    raise AssertionError(f"no process wrote a {kind!r} mark")


def terminals(pid: int) -> list[str]:
    """What the open files of ``pid`` point at."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            found.append(os.readlink(fd))
        except OSError:
            continue
    return found


def holds_no_terminal(pid: int) -> None:
    assert not [t for t in terminals(pid) if t.startswith(("/dev/pts/", "/dev/tty"))], terminals(pid)


def left(terminal, pid: int, how: str, status: int) -> None:
    """The app ``pid`` gone after ``how`` (a signal's name, or the keys that quit), its exit
    ``status`` said and no traceback and, unless the terminal hung up (SIGHUP), the terminal put
    back: the main screen, the cursor shown."""
    wait_gone(pid)
    screen = terminal.wait_for("TAGLINE-EXIT-")
    assert f"TAGLINE-EXIT-{status}" in screen and "Traceback" not in screen, screen
    if how != "SIGHUP":
        modes = terminal.tmux("display-message", "-p", "-t", terminal.name, "#{alternate_on} #{cursor_flag}").stdout.split()
        assert modes == ["0", "1"], modes  # main screen, cursor shown


def wait_for_yaml(folder, timeout: float = 60.0) -> dict:
    """``river.yaml`` once it is written and no journal is left."""
    path = folder / "river.yaml"
    deadline = time.monotonic() + timeout
    while not path.exists() or (folder / "river.journal").exists() or (folder / "river.journal.folding").exists():
        assert time.monotonic() < deadline, "the fold did not happen"
        time.sleep(0.05)
    return annofile.read(path)


def reopened_and_left(term, command: str, shown: str, folder) -> dict:
    """``command`` run again in a new terminal, without the hook (its folds are not held): its
    screen shows ``shown`` and not read-only, ctrl+q leaves with 0; the YAML then in ``folder``."""
    again = term()
    again.start(command)
    screen = again.wait_for(shown, timeout=60)
    assert "read-only" not in screen
    again.keys("C-q")
    again.wait_for("TAGLINE-EXIT-0", timeout=60)
    return wait_for_yaml(folder)


def signal_with_the_fold_held(term, workdir, how: str):
    """Two actions on a 5,000-sentence article, then ``how`` (a signal's name) while every write of
    its YAML is held: the app's pid, the folder, the marks, the gate, the terminal."""
    env, gate, marks = held_folds(workdir)
    terminal = term()
    terminal.start("open river.txt --model none", env=env)
    terminal.wait_for("0/5000 done", timeout=60)
    pid = terminal.app_pid()
    terminal.keys("c", "j", "q")
    folder = workdir / "annotations" / "tester"
    journal = folder / "river.journal"
    deadline = time.monotonic() + 20
    while not (journal.exists() and journal.read_bytes().count(b"\n") == 2):
        assert time.monotonic() < deadline, terminal.screen()
        time.sleep(0.02)
    os.kill(pid, getattr(signal, how))
    return pid, folder, marks, gate, terminal


@pytest.mark.parametrize("how, status", [("SIGTERM", 143), ("SIGHUP", 0)])
def test_a_signal_leaves_a_long_articles_fold_to_a_process_of_its_own(term, workdir, how, status, figures):
    """SIGTERM or SIGHUP on a 5,000-sentence article: the app leaves as ctrl+q does, the whole YAML
    rewritten by a child forked for it (1 to 2 s of CPU, which the app used to spend before its
    exit). The fold is held here until the app has gone: the app exits with its status, the
    terminal put back, while its fold still waits; once let go, the child writes every action."""
    starts = river(workdir)
    pid, folder, marks, gate, terminal = signal_with_the_fold_held(term, workdir, how)
    left(terminal, pid, how, status)
    folders = marked(marks, "waiting")
    assert pid not in folders, "the app folded the article itself before leaving"
    # The lock the child holds says so (readers wait for it); the app's own said "pid N on host".
    assert (folder / ".river.fold-lock").read_text(encoding="utf-8").endswith(AFTER_EXIT)
    assert not (folder / "river.yaml").exists()  # held: nothing written before the app left
    for child in folders:  # a child holding the terminal would keep a dropped SSH session's pty
        holds_no_terminal(child)
    gate.touch()
    data = wait_for_yaml(folder)
    for child in folders:
        wait_gone(child)  # the child is gone once the file is written
    assert pid not in marked(marks, "wrote")
    assert [s["labels"] for s in data["sentences"][:3]] == [["claim"], ["quote"], []]
    assert [s["start"] for s in data["sentences"][:2]] == starts[:2]
    figures(f"hangup[{how}, 5,000 sentences]", exit_status=status, folded_by_a_child=1, actions=2, actions_in_yaml=2)


def test_the_fold_child_killed_after_a_signal_loses_nothing(term, workdir, figures):
    """The child left folding after SIGTERM is killed before it writes (``kill -9``, a machine
    going down): the journal is still on disk, so the next session opens with every action (not
    read-only: the kernel let go of the child's lock) and writes them."""
    river(workdir)
    pid, folder, marks, gate, terminal = signal_with_the_fold_held(term, workdir, "SIGTERM")
    wait_gone(pid)
    terminal.wait_for("TAGLINE-EXIT-143")
    children = marked(marks, "waiting")
    assert pid not in children
    for child in children:
        os.kill(child, signal.SIGKILL)
        wait_gone(child)
    assert not (folder / "river.yaml").exists()
    data = reopened_and_left(term, "open river.txt --model none", "2/5000 done", folder)
    assert [s["labels"] for s in data["sentences"][:2]] == [["claim"], ["quote"]]
    figures("hangup[fold child killed after SIGTERM]", actions=2, actions_in_yaml=2)
