"""Nothing waits for the fold a session leaves behind when it quits: real processes, real files.

A session that quits on a long article leaves its last fold to a process forked for it, which holds
the article's fold lock until the YAML is written. Here that process is held at the write (a
``sitecustomize`` in the quitting process only: every ``annofile.write`` waits for a gate file), and:

- ``tagline export``, ``stats`` and ``agree`` answer at once from the file and the journal, with
  what they answer once the fold is written;
- a new session on the article opens at once, writable, with every action, and its own actions
  survive both folds (the held one, then its own, after it);
- ``kill -9`` at random moments of a quit, a reopen and the folds of both loses no acknowledged
  action.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tagline.core import annofile
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.store import ArticleStore, SentenceState

from ondisk import labelled, read_state

pytestmark = pytest.mark.e2e  # starts processes, some killed with SIGKILL

SENTENCES = 2_000
SEED = int(os.environ.get("TAGLINE_SOAK_SEED", "20261125"))
TUI = str(Path(__file__).resolve().parents[2] / "tui")

HOOK = """
import os, time
from tagline.core import annofile

_write = annofile.write


def _held(path, document, *args, **kwargs):
    marks = os.environ.get("FOLD_MARKS")
    if marks:
        open(os.path.join(marks, f"writing-{os.getpid()}"), "w").close()
    gate = os.environ.get("FOLD_GATE")
    deadline = time.monotonic() + 300  # a test that failed before opening the gate leaves nothing behind
    while gate and not os.path.exists(gate) and time.monotonic() < deadline:
        time.sleep(0.01)
    _write(path, document, *args, **kwargs)


annofile.write = _held
_fork = os.fork


def _marked_fork():
    pid = _fork()
    if pid == 0 and os.environ.get("FOLD_MARKS"):
        open(os.path.join(os.environ["FOLD_MARKS"], f"forked-{os.getpid()}"), "w").close()
    return pid


os.fork = _marked_fork
"""

#: A session of annotator ``tester``: opens the article, tags ``count`` sentences from ``first`` (each
#: index printed once ``set`` has returned: acknowledged), and quits as ctrl+q does.
SESSION = r"""
import sys
from pathlib import Path
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session
from tagline.core.store import SentenceState

root, source, first, count = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
text = source.read_text(encoding="utf-8")
session = Session([Article(source.stem, source.name, text)], root, "tester", DEFAULT_SCHEME, None)
store = session.store
print("open", "read-only" if store.read_only else "writable", len(store.states), flush=True)
for index in range(first, first + count):
    store.set(index, SentenceState("done", ("claim",), updated="2026-12-01T10:00:00Z"))
    print(index, flush=True)
session.close(after_exit=True)
print("quit", flush=True)
"""


def river(tmp_path: Path) -> tuple[Path, Article]:
    text = "".join(f"Line {i}: the council said the river rose by {i} centimetres overnight.\n" for i in range(SENTENCES))
    path = tmp_path / "river.txt"
    path.write_text(text, encoding="utf-8")
    return path, Article("river", "river.txt", text)


def folded_file(root: Path, annotator: str, article: Article, indices) -> None:
    """A file folded before the test, as an earlier session leaves it."""
    store = ArticleStore(root, annotator, article, DEFAULT_SCHEME)
    for index in indices:
        store.set(index, SentenceState("done", ("quote",), updated="2026-11-30T10:00:00Z"))
    store.close()


def env(tmp_path: Path, held: bool) -> dict:
    """The environment of a session: the hook marks each forked child and each write of a YAML
    file; ``held``: every write waits for ``tmp_path/gate``."""
    hook = tmp_path / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    (tmp_path / "marks").mkdir(exist_ok=True)
    found = dict(os.environ, PYTHONPATH=os.pathsep.join([str(hook), TUI]), FOLD_MARKS=str(tmp_path / "marks"))
    if held:
        found["FOLD_GATE"] = str(tmp_path / "gate")
    return found


def session(tmp_path: Path, source: Path, first: int, count: int, held: bool = True) -> list[str]:
    """A session run to its quit; what it printed."""
    done = subprocess.run([sys.executable, "-c", SESSION, str(tmp_path / "annotations"), str(source), str(first), str(count)],
                          env=env(tmp_path, held), capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\n")


def writers(tmp_path: Path, kind: str = "writing") -> list[int]:
    """The processes that began to write a YAML file (``writing``), or were forked (``forked``)."""
    return [int(p.name.split("-")[1]) for p in (tmp_path / "marks").glob(f"{kind}-*")]


def alive(pid: int) -> bool:
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def wait_for_writer(tmp_path: Path, timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    while not writers(tmp_path):
        assert time.monotonic() < deadline, "no fold began to write"
        time.sleep(0.02)
    return writers(tmp_path)[0]


def wait_folded(folder: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while any(folder.glob("river.journal*")) or any(alive(pid) for pid in writers(folder.parent.parent)):
        assert time.monotonic() < deadline, "the folds did not finish"
        time.sleep(0.05)


def tagline(tmp_path: Path, *words: str) -> str:
    done = subprocess.run([sys.executable, "-m", "tagline", *words, "--annotations", str(tmp_path / "annotations")],
                          env=dict(os.environ, PYTHONPATH=TUI), capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_readers_answer_while_the_fold_after_quit_is_held_with_what_it_writes(tmp_path):
    """export, stats and agree waited for the fold a quit left to its child (up to 20 s, then read
    the file without the last actions). They now answer while that child still holds the fold lock,
    and answer exactly what they answer once the file is written."""
    source, article = river(tmp_path)
    root = tmp_path / "annotations"
    folded_file(root, "tester", article, range(0, 5))
    folded_file(root, "other", article, range(0, 20))
    commands = (("export", "--format", "jsonl", "--merge", "each", "--out", "-"), ("stats",), ("agree",))
    folder = root / "tester"
    try:
        printed = session(tmp_path, source, 5, 10)
        assert printed[0] == "open writable 5" and "quit" in printed
        writer = wait_for_writer(tmp_path)
        now = [tagline(tmp_path, *words) for words in commands]
        # The fold is still held: its process alive, the file without the session's actions.
        assert alive(writer)
        assert [s["status"] for s in annofile.read(folder / "river.yaml")["sentences"][5:15]] == ["todo"] * 10
        rows = [json.loads(line) for line in now[0].splitlines() if line.startswith("{")]
        mine = sorted(r["index"] for r in rows if r["annotator"] == "tester")
        assert mine == list(range(15))
        assert {tuple(r["labels"]) for r in rows if r["annotator"] == "tester" and r["index"] >= 5} == {("claim",)}
    finally:
        (tmp_path / "gate").touch()
    wait_folded(folder)
    assert [s["labels"] for s in annofile.read(folder / "river.yaml")["sentences"][5:15]] == [["claim"]] * 10
    assert [tagline(tmp_path, *words) for words in commands] == now


def test_readers_answer_while_the_first_fold_after_quit_is_held_with_what_it_writes(tmp_path):
    """An article annotated for the first time, then quit: the fold left to the child writes its
    first file. export, stats and agree waited for it (up to 20 s, then left the article out): the
    journal does not list the article's sentences. They now answer while that fold is held, from
    the head the quitting session left (where the article is) and the journal, and answer exactly
    what they answer once the file is written."""
    source, article = river(tmp_path)
    root = tmp_path / "annotations"
    folded_file(root, "other", article, range(0, 20))
    commands = (("export", "--format", "jsonl", "--merge", "each", "--out", "-"), ("stats",), ("agree",))
    folder = root / "tester"
    try:
        printed = session(tmp_path, source, 5, 10)
        assert printed[0] == "open writable 0" and "quit" in printed
        writer = wait_for_writer(tmp_path)
        exported = tagline(tmp_path, *commands[0])
        assert alive(writer) and not (folder / "river.yaml").exists()  # the first file is still held
        rows = [json.loads(line) for line in exported.splitlines() if line.startswith("{")]
        mine = [r for r in rows if r["annotator"] == "tester"]
        assert sorted(r["index"] for r in mine) == list(range(5, 15))  # before: none (waited 20 s, then left out)
        assert {tuple(r["labels"]) for r in mine} == {("claim",)}
        now = [exported] + [tagline(tmp_path, *words) for words in commands[1:]]
        assert alive(writer) and not (folder / "river.yaml").exists()
    finally:
        (tmp_path / "gate").touch()
    wait_folded(folder)
    assert not (folder / ".river.first-fold.json").exists()
    assert [s["labels"] for s in annofile.read(folder / "river.yaml")["sentences"][5:15]] == [["claim"]] * 10
    assert [tagline(tmp_path, *words) for words in commands] == now


def test_kill9_of_the_first_fold_after_quit_loses_and_doubles_nothing(tmp_path):
    """The child writing an article's first file is killed (``kill -9``) at its write: there is no
    file, only the journal and the head the session left. Readers list every acknowledged action,
    once; the next session replays them all and its fold writes the file; the head goes with it."""
    source, article = river(tmp_path)
    root = tmp_path / "annotations"
    folder = root / "tester"
    try:
        printed = session(tmp_path, source, 5, 10)
        acknowledged = [int(word) for word in printed[1:] if word.isdigit()]
        assert acknowledged == list(range(5, 15))
        writer = wait_for_writer(tmp_path)
        os.kill(writer, signal.SIGKILL)
        while alive(writer):
            time.sleep(0.02)
    finally:
        (tmp_path / "gate").touch()
    assert not (folder / "river.yaml").exists() and (folder / ".river.first-fold.json").exists()
    rows = [json.loads(line) for line in tagline(tmp_path, "export", "--format", "jsonl", "--merge", "each", "--out", "-").splitlines()
            if line.startswith("{")]
    assert sorted(r["index"] for r in rows if r["annotator"] == "tester") == acknowledged  # each once
    store = ArticleStore(root, "tester", article, DEFAULT_SCHEME)
    assert store.read_only is None and sorted(store.states) == acknowledged
    store.close()
    data = annofile.read(folder / "river.yaml")
    assert [s["index"] for s in data["sentences"] if s["labels"] == ["claim"]] == acknowledged
    assert not (folder / ".river.first-fold.json").exists() and not list(folder.glob("river.journal*"))


def test_reopening_while_the_fold_after_quit_is_held_opens_at_once_and_keeps_both(tmp_path):
    """A session opened while the fold a quit left to its child is still being written waited for
    it (up to 20 s, then opened read-only). It now opens at once and writable, with every action;
    the held fold does not delete the actions the new session appends, and the new session's own
    fold, left to a child of its own, writes after the held one."""
    source, article = river(tmp_path)
    root = tmp_path / "annotations"
    folded_file(root, "tester", article, range(0, 5))
    folder = root / "tester"
    try:
        first = session(tmp_path, source, 5, 10)
        assert first[0] == "open writable 5"
        writer = wait_for_writer(tmp_path)
        second = session(tmp_path, source, 15, 10)
        assert second[0] == "open writable 15"  # at once, beside the held fold, with its 10 actions
        assert [int(word) for word in second[1:] if word.isdigit()] == list(range(15, 25))
        assert alive(writer)  # the first fold is still held: the second session never waited for it
        data = annofile.read(folder / "river.yaml")
        assert [s["status"] for s in data["sentences"][5:25]] == ["todo"] * 20
    finally:
        (tmp_path / "gate").touch()
    wait_folded(folder)
    data = annofile.read(folder / "river.yaml")
    assert [s["labels"] for s in data["sentences"][:25]] == [["quote"]] * 5 + [["claim"]] * 20
    assert not list(folder.glob("river.journal*"))
    reopened = ArticleStore(root, "tester", article, DEFAULT_SCHEME)
    assert reopened.read_only is None and len(reopened.states) == 25
    reopened.close()


#: Two sessions one after the other, each quitting at once: the second opens while the first one's
#: fold is being written, both folds run, and everything is killed at a random moment.
ROUNDS = max(6, int(os.environ.get("TAGLINE_SOAK_ROUNDS", "0")) // 5)


def test_kill9_around_a_reopen_beside_a_fold_after_quit_loses_nothing(tmp_path, figures):
    """Sessions that quit and reopen at once on a 2,000-sentence article, their folds left to
    children: ``kill -9`` of the second session and of every fold under way at a random moment. Every
    action a session acknowledged is on disk (read without the store), and the next session
    replays them all."""
    source, article = river(tmp_path)
    root = tmp_path / "annotations"
    folder = root / "tester"
    starts = [span.start for span in article.sentences]
    rng = random.Random(SEED + 7)
    acknowledged: list[int] = []
    killed_folds = killed_sessions = 0
    first = 0
    procs = []
    for _ in range(ROUNDS):
        count = rng.randint(5, 40)
        for mark in (tmp_path / "marks").glob("*-*"):
            mark.unlink()
        quitter = subprocess.run([sys.executable, "-c", SESSION, str(root), str(source), str(first), str(count)],
                                 env=env(tmp_path, held=False), capture_output=True, text=True, timeout=120)
        assert quitter.returncode == 0, quitter.stderr
        acknowledged += [int(word) for word in quitter.stdout.split()[3:] if word.isdigit()]  # after "open writable N"
        first += count
        count = rng.randint(5, 200)
        reopened = subprocess.Popen([sys.executable, "-c", SESSION, str(root), str(source), str(first), str(count)],
                                    env=env(tmp_path, held=False), stdout=subprocess.PIPE, text=True)
        procs.append(reopened)
        time.sleep(rng.uniform(0.3, 1.2))
        for pid in writers(tmp_path, "forked"):  # the folds of both sessions, wherever they are
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
                killed_folds += 1
        if reopened.poll() is None:
            reopened.send_signal(signal.SIGKILL)
            killed_sessions += 1
        said = reopened.stdout.read().split()
        reopened.wait()
        assert not said or said[:2] == ["open", "writable"], said[:3]  # (killed before it opened: nothing said)
        acknowledged += [int(word) for word in said[3:] if word.isdigit()]
        first += count
        found = read_state(folder, "river")
        tagged = labelled(found, "claim")
        missing = [i for i in acknowledged if starts[i] not in tagged]
        assert missing == [], f"acknowledged but not on disk: {missing[:5]}"
    time.sleep(0.5)
    for pid in writers(tmp_path, "forked"):  # a fold the last round did not kill
        while alive(pid):
            time.sleep(0.05)
    store = ArticleStore(root, "tester", article, DEFAULT_SCHEME)
    assert store.read_only is None
    assert {i for i in store.states} >= set(acknowledged)
    store.close()
    data = annofile.read(folder / "river.yaml")
    assert {s["index"] for s in data["sentences"] if s["labels"] == ["claim"]} >= set(acknowledged)
    figures("kill9_reopen_beside_a_fold_after_quit", rounds=ROUNDS, acknowledged=len(acknowledged),
            acknowledged_then_lost=0, folds_killed=killed_folds, sessions_killed=killed_sessions)
