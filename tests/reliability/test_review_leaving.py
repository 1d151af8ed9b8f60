"""``tagline review`` on a 5,000-sentence article leaves as the reader does: on ctrl+q, SIGTERM and
SIGHUP its last fold is written by a process of its own, the terminal put back and the exit status
kept, every decision on disk; and ``tagline status`` answers at once meanwhile."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.store import AFTER_EXIT, ArticleStore, SentenceState

from processes import wait_gone
from test_hangup import held_folds, holds_no_terminal, left, marked, reopened_and_left, wait_for_yaml

pytestmark = pytest.mark.e2e  # starts the installed program in tmux, signals


def two_annotators(workdir) -> None:
    """``river.txt`` (5,000 sentences), which alice and bob finished the first two sentences of,
    disagreeing on both."""
    text = "".join(f"Line {i}: the council said the river rose by {i} centimetres overnight.\n" for i in range(5_000))
    (workdir / "river.txt").write_text(text, encoding="utf-8")
    article = Article("river", "river.txt", text)
    for name, labels in (("alice", ("claim",)), ("bob", ("statistic",))):
        store = ArticleStore(workdir / "annotations", name, article, DEFAULT_SCHEME)
        for index in (0, 1):
            store.set(index, SentenceState("done", labels, updated="2026-11-20T09:00:00Z"))
        store.close()


def forks_of(marks) -> list[int]:
    """Every process forked from the review that ran with ``marks`` (its environment says so)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"FOLD_MARKS={marks}".encode() in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def gated_review(term, workdir):
    """Two annotators' answers, and ``tagline review`` in a terminal whose every write of the
    decisions file waits for ``gate`` (marks in ``marks``): (terminal, gate, marks)."""
    two_annotators(workdir)
    env, gate, marks = held_folds(workdir)
    terminal = term()
    terminal.start("review river.txt", env=env)
    return terminal, gate, marks


def both_decided(terminal) -> int:
    """The review's two disagreements decided with its keys (``!``, then ``j`` ``@``), each seen on
    screen: the app's pid."""
    terminal.wait_for("decided 0/2", timeout=60)
    pid = terminal.app_pid()
    terminal.keys("!")
    terminal.wait_for("decided 1/2")
    terminal.keys("j", "@")
    terminal.wait_for("decided 2/2")
    return pid


def status_now(workdir) -> dict:
    """``tagline status --format json`` in the working folder, as a lead runs it."""
    done = subprocess.run([sys.executable, "-m", "tagline", "status", "river.txt", "--format", "json"],
                          cwd=workdir, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("how, status", [("SIGTERM", 143), ("SIGHUP", 0), ("C-q", 0)])
def test_review_leaves_a_long_articles_fold_to_a_process_of_its_own(term, workdir, how, status, figures):
    """Every write of the decisions file is held: the review leaves (SIGTERM: main screen, cursor
    shown, 143) while its fold waits in a child that holds no terminal; ``tagline status`` run
    then answers without waiting for that child or its lock, counting the decision from the
    journal; once let go, the child writes both decisions."""
    terminal, gate, marks = gated_review(term, workdir)
    pid = both_decided(terminal)
    folder = workdir / "annotations" / "tester" / "decisions"
    journals = (folder / "river.journal", folder / "river.journal.folding")  # an idle fold may have begun
    deadline = time.monotonic() + 20
    while sum(j.read_bytes().count(b"\n") for j in journals if j.exists()) < 2:
        assert time.monotonic() < deadline, terminal.screen()
        time.sleep(0.02)
    if how == "C-q":
        terminal.keys("C-q")
    else:
        os.kill(pid, getattr(signal, how))
    left(terminal, pid, how, status)
    children = marked(marks, "waiting")
    assert pid not in children, "the review folded the article itself before leaving"
    assert (folder / ".river.fold-lock").read_text(encoding="utf-8").endswith(AFTER_EXIT)
    assert not (folder / "river.yaml").exists()  # held: nothing written before the review left
    for child in children:
        holds_no_terminal(child)
    # The lead's status, with the fold child holding the lock: it answers from the journal.
    assert status_now(workdir)["review"] == {"sentences": 0, "articles": 0}
    assert not (folder / "river.yaml").exists()  # status did not wait for the fold either
    gate.touch()
    data = wait_for_yaml(folder)
    for child in children:
        wait_gone(child)
    sentences = data["sentences"]
    assert [s["labels"] for s in sentences[:2]] == [["claim"], ["statistic"]]
    assert [s["review"]["decided_by"] for s in sentences[:2]] == ["tester", "tester"]
    figures(f"review_leaving[{how}, 5,000 sentences]", exit_status=status, folded_by_a_child=1, decisions=2, decisions_in_yaml=2)


def test_the_review_fold_child_killed_loses_nothing(term, workdir, figures):
    """The child left folding after SIGTERM is killed before it writes: the journal is on disk, so
    the next review opens with both decisions and writes them."""
    terminal, _, marks = gated_review(term, workdir)
    pid = both_decided(terminal)
    os.kill(pid, signal.SIGTERM)
    wait_gone(pid)
    terminal.wait_for("TAGLINE-EXIT-143")
    marked(marks, "waiting")
    for child in forks_of(marks):  # an idle fold's child too, and the one waiting behind it
        os.kill(child, signal.SIGKILL)
        wait_gone(child)
    folder = workdir / "annotations" / "tester" / "decisions"
    assert not (folder / "river.yaml").exists()
    data = reopened_and_left(term, "review river.txt --filter all", "decided 2/2", folder)
    assert [s["labels"] for s in data["sentences"][:2]] == [["claim"], ["statistic"]]
    figures("review_leaving[fold child killed after SIGTERM]", decisions=2, decisions_in_yaml=2)
