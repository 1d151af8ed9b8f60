"""Quitting never waits for background work, and no CPU-bound work runs in the app's own process.

A templated feed of 5,000 sentences whose sentences look alike ("Item one seven says that the
council approved …") is the worst case of the near-duplicate scan. The scan runs in a process of its
own (``tagline.core.duplicates_worker``), and ctrl+q typed while it runs ends the app at once: the
scan is killed, not joined. Before, the scan ran in a thread of the app and ctrl+q waited for it
(17 s on an idle machine, with the screen blank).
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from processes import wait_gone

pytestmark = pytest.mark.e2e

ONES = "zero one two three four five six seven eight nine".split()


def templated_feed(n: int = 5_000, seed: int = 17) -> str:
    rng = random.Random(seed)
    subjects = ["the council", "the ministry", "the mayor", "the agency", "the company", "the court"]
    verbs = ["approved", "rejected", "delayed", "announced", "reviewed", "questioned"]
    objects = ["the budget", "the new plan", "the contract", "the merger", "the report", "the appeal"]
    places = ["for the northern district", "in the capital", "for the region", "at the port", "in the south"]
    times = ["on Monday", "on Tuesday", "late on Friday", "this week", "after a long debate"]
    lines = []
    for i in range(n):
        item = " ".join(ONES[int(d)] for d in str(i))
        parts = [rng.choice(options) for options in (subjects, verbs, objects, places, times)]
        lines.append(f"Item {item} says that {' '.join(parts)}.")
    return "\n".join(lines) + "\n"


def children(pid: int, name: bytes) -> list[int]:
    """Children of ``pid`` whose command line holds ``name``."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            pids = (task / "children").read_text().split()
        except OSError:
            continue
        for child in pids:
            try:
                if name in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(int(child))
            except OSError:
                continue
    return found


def test_ctrl_q_during_the_duplicate_scan_of_a_templated_feed_leaves_at_once(term, workdir, figures):
    (workdir / "feed.txt").write_text(templated_feed(), encoding="utf-8")
    terminal = term()
    terminal.start("open feed.txt --model none")
    pid = terminal.app_pid()
    seen: set[int] = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the scan starts once the article is open
        seen.update(children(pid, b"duplicates_worker"))
        if seen and "/5000 done" in terminal.screen():
            break
        time.sleep(0.02)
    assert seen, f"no duplicate scan process was started:\n{terminal.screen()}"
    assert any(Path(f"/proc/{child}").exists() for child in seen), "the scan ended before the test could quit during it"
    terminal.keys("j", "j", "c", "C-q")
    wait_gone(pid, timeout=5.0)  # generous: it used to take 17 s and more
    terminal.wait_for("TAGLINE-EXIT-0")
    for child in seen:
        wait_gone(child, timeout=5.0)  # killed with the app, not left running
    figures("nothing_waits[templated feed]", sentences=5_000, scan_processes=len(seen))


def test_quitting_right_after_a_tag_leaves_at_once_and_the_tag_is_written(term, workdir, figures):
    """ctrl+q right after a tag on 5,000 sentences: the last fold (the whole YAML rewritten) is
    done by a process of its own; the app is gone at once, the file gets the tag, and a session
    opened meanwhile waits for that fold instead of opening read-only."""
    from tagline.core import annofile

    (workdir / "feed.txt").write_text(templated_feed(), encoding="utf-8")
    terminal = term()
    terminal.start("open feed.txt --model none")
    terminal.wait_for("0/5000 done")
    pid = terminal.app_pid()
    terminal.keys("c", "j", "q")
    terminal.wait_for("2/5000 done")
    terminal.keys("C-q")
    wait_gone(pid, timeout=5.0)
    terminal.wait_for("TAGLINE-EXIT-0")
    again = term()
    again.start("open feed.txt --model none")
    screen = again.wait_for("2/5000 done", timeout=60)
    assert "read-only" not in screen
    again.keys("C-q")
    again.wait_for("TAGLINE-EXIT-0", timeout=60)
    path = workdir / "annotations" / "tester" / "feed.yaml"
    deadline = time.monotonic() + 60
    while not path.exists() or (workdir / "annotations" / "tester" / "feed.journal").exists():
        assert time.monotonic() < deadline, "the fold after quit did not happen"
        time.sleep(0.1)
    sentences = annofile.read(path)["sentences"]
    assert [s["labels"] for s in sentences[:2]] == [["claim"], ["quote"]]
    figures("nothing_waits[quit after a tag]", sentences=5_000, actions=2, actions_in_yaml=2)


def test_ctrl_q_while_the_model_parses_leaves_at_once_and_no_process_behind(term, workdir, figures):
    """ctrl+q while the real model parses a 5,000-sentence article: the app does not wait for the
    model process, for the thread taking its answers, or for the interpreter's teardown of the
    article's objects (it leaves with ``os._exit`` once everything is saved and the terminal is
    back: an ``atexit`` hook never runs); the model and scan processes end on their own."""
    (workdir / "feed.txt").write_text(templated_feed(), encoding="utf-8")
    hook = workdir / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import atexit, os\n"
        "atexit.register(lambda: open(os.path.join(os.environ['TEARDOWN_MARKS'], str(os.getpid())), 'w').close())\n",
        encoding="utf-8")
    marks = workdir / "teardowns"
    marks.mkdir()
    terminal = term()
    terminal.start("open feed.txt --model en_core_web_sm", env={"PYTHONPATH": str(hook), "TEARDOWN_MARKS": str(marks)})
    pid = terminal.app_pid()
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (workers and "/5000 done" in terminal.screen()):
        workers.update(children(pid, b"nlp_worker"))
        time.sleep(0.05)
    assert workers, f"no model process was started:\n{terminal.screen()}"
    scans_seen = set(children(pid, b"duplicates_worker"))
    terminal.keys("c", "C-q")
    wait_gone(pid, timeout=10.0)
    assert "TAGLINE-EXIT-0" in terminal.wait_for("TAGLINE-EXIT-")
    assert not (marks / str(pid)).exists(), "the app ran the interpreter's teardown after its last save"
    for child in workers | scans_seen:
        wait_gone(child, timeout=20.0)  # told to stop: ends on its own, not waited for
    path = workdir / "annotations" / "tester" / "feed.yaml"
    deadline = time.monotonic() + 60
    while not path.exists() or (workdir / "annotations" / "tester" / "feed.journal").exists():
        assert time.monotonic() < deadline, "the fold after quit did not happen"
        time.sleep(0.1)
    from tagline.core import annofile

    assert annofile.read(path)["sentences"][0]["labels"] == ["claim"]
    figures("nothing_waits[quit while the model parses]", sentences=5_000, model_processes=len(workers),
            teardown_skipped=1, processes_left=0)
