"""Background processes stand still while keys come and go on after a quiet spell
(:class:`tagline.core.priority.KeyPause`), on real child processes (their state read from /proc);
in a real terminal, the model process parsing an article: stopped while keys come, continued after,
and never left stopped by a quit or a ``kill -9`` of the app."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tagline.core.priority import KeyPause

pytestmark = pytest.mark.e2e  # child processes, tmux


def state(pid: int) -> str:
    """The kernel's letter for the process: ``T`` stopped, ``S`` sleeping, ``R`` running, …"""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


async def until(predicate, tries: int = 500) -> bool:
    for _ in range(tries):
        if predicate():
            return True
        await asyncio.sleep(0.01)
    return predicate()


async def test_stopped_while_keys_come_continued_after_a_quiet_spell():
    child = subprocess.Popen(["sleep", "120"])
    try:
        pause = KeyPause(lambda: [child], quiet=0.05)
        assert state(child.pid) != "T"
        for _ in range(5):
            pause.key()
            assert pause.stopped and await until(lambda: state(child.pid) == "T")  # a signal lands when it lands
        assert await until(lambda: not pause.stopped), "not continued after the keys stopped"
        assert await until(lambda: state(child.pid) != "T")
        pause.key()  # the next key stops it again
        assert await until(lambda: state(child.pid) == "T")
        pause.go_on()  # as before quitting: at once
        assert not pause.stopped and await until(lambda: state(child.pid) != "T")
    finally:
        child.kill()
        child.wait()


async def test_a_child_that_has_ended_is_not_signalled():
    """Its pid may already be another process's."""
    child = subprocess.Popen(["true"])
    child.wait()
    pause = KeyPause(lambda: [child], quiet=0.05)
    pause.key()
    assert not pause.stopped
    pause.go_on()


async def test_a_child_started_while_others_are_stopped_is_stopped_at_the_next_key():
    first = subprocess.Popen(["sleep", "120"])
    children: list = [first]
    second = None
    try:
        pause = KeyPause(lambda: list(children), quiet=0.05)
        pause.key()
        second = subprocess.Popen(["sleep", "120"])
        children.append(second)
        pause.key()  # while the first is still stopped
        assert await until(lambda: state(first.pid) == "T" and state(second.pid) == "T")
        pause.go_on()
        assert await until(lambda: state(first.pid) != "T" and state(second.pid) != "T")
    finally:
        for child in (first, second):
            if child is not None:
                child.kill()
                child.wait()


# -- the app, in a real terminal, with the model parsing ---------------------------------------------
def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def wait(predicate, seconds: float = 60.0) -> bool:
    """Polls ``predicate`` until it holds (a deadline, not a measurement)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def child_running(parent: int, name: bytes) -> int | None:
    for pid in children(parent):
        try:
            if name in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except OSError:
            continue
    return None


def gone(pid: int) -> bool:
    try:
        return state(pid) in ("Z", "X")
    except OSError:
        return True


def open_parsing(terminal, workdir: Path) -> tuple[int, int]:
    """tagline on a long article with the model parsing it: the app's pid and the model process's."""
    import importlib.util

    bench = Path(__file__).resolve().parents[2] / "bench" / "corpus.py"
    spec = importlib.util.spec_from_file_location("bench_corpus", bench)
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    (workdir / "news.txt").write_text(corpus.article_text(3_000), encoding="utf-8")
    terminal.start("open news.txt --model en_core_web_sm",
                   env={"TAGLINE_ANNOTATOR": "tester", "TAGLINE_CACHE": str(workdir / "cache")})
    terminal.wait_for("/3000 done", timeout=60)
    shell = terminal.pane_pid()
    assert wait(lambda: any(b"tagline" in Path(f"/proc/{p}/cmdline").read_bytes() for p in children(shell)))
    app = next(p for p in children(shell) if b"tagline" in Path(f"/proc/{p}/cmdline").read_bytes())
    assert wait(lambda: child_running(app, b"nlp_worker") is not None), "no model process"
    model = child_running(app, b"nlp_worker")
    terminal.wait_for("parsing", timeout=120)  # the model loaded and at work
    return app, model


def stopped_by_keys(terminal, model: int) -> bool:
    """Keys a tenth of a second apart until the model process is seen stopped."""
    for _ in range(50):
        terminal.keys("j")
        if wait(lambda: state(model) == "T", 0.1):
            return True
    return False


@pytest.mark.model
def test_the_model_stands_still_while_keys_come_and_quitting_leaves_nothing_stopped(terminal, workdir):
    app, model = open_parsing(terminal, workdir)
    assert stopped_by_keys(terminal, model), "the model process kept running while keys came"
    assert wait(lambda: state(model) != "T"), "the model process was not continued after the keys"
    assert stopped_by_keys(terminal, model)
    terminal.keys("C-q")
    assert wait(lambda: gone(app))
    assert wait(lambda: gone(model)), f"the model process outlived the quit (state {state(model)})"


@pytest.mark.model
def test_kill_9_of_the_app_leaves_no_model_process_stopped(terminal, workdir):
    """The kernel continues the stopped model process when its parent dies (``PR_SET_PDEATHSIG``),
    and it leaves on seeing its parent gone."""
    app, model = open_parsing(terminal, workdir)
    assert stopped_by_keys(terminal, model)
    os.kill(app, signal.SIGKILL)
    assert wait(lambda: gone(model)), f"the model process was left behind (state {state(model)})"
