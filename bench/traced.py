"""Run a Textual program of this repository with a timeline of what its process does around each key.

    TAGLINE_TRACE=FILE python bench/traced.py -m tagline open ARTICLE ...
    TAGLINE_TRACE=FILE python bench/traced.py bench/trivial_app.py

Writes to FILE one line per event, ``time.monotonic()`` (the clock ``bench/stamps.py`` and
``bench/background.py`` use, so the lines line up with theirs), a kind and a detail:

* ``key`` the terminal driver's input thread has read a key and posts it to the app, detail the key
  and the main thread's CPU ms and ms waited for a CPU so far, and the host's steal time
  (``/proc``: :func:`main_thread`);
* ``bind0`` / ``bind1`` the app's priority bindings checked for it (the action runs inside);
* ``tick0`` / ``tick1`` the screen's update timer drew (Textual draws at most 60 times a second,
  on a grid of 1/60 s once a frame has been drawn less than that ago);
* ``emit0`` / ``emit1`` a frame written to the terminal (one ``write``), detail its size (and, at
  ``emit0``, the main thread's CPU and waits as at ``key``);
* ``gc0`` / ``gc1`` a collection of the cyclic garbage collector, detail its generation;
* ``turn0`` / ``turn1`` a turn of the event loop (one callback or one step of a task) that took
  more than :data:`LONG_TURN` s, detail the thread's CPU ms in it and what ran (the task's coroutine);
* ``batch`` the thread streaming the model's answers posts a batch to the reader, detail its
  sentences; ``apply0`` / ``apply1`` the reader applies one (a slice of it).

``bench/background.py --trace`` runs tagline and the trivial app this way and splits each key's
latency into what came before the app read the key, the app's part, and what came after its frame
was written. The hooks are a few list appends a key; the lines are written by a thread every half
second, a few at a time, and at exit (``os._exit`` included: tagline leaves that way once saved).
Quit latency is measured in panes that are not traced, so none of this is counted in it.
"""

from __future__ import annotations

import atexit
import gc
import os
import runpy
import sys
import threading
import time

_events: list[tuple[float, str, object]] = []
_clock = time.monotonic


def note(kind: str, detail: object = "") -> None:
    _events.append((_clock(), kind, detail))


_MAIN = f"/proc/self/task/{threading.get_native_id()}/schedstat"


def main_thread() -> str:
    """The main thread's CPU time and time spent waiting for a CPU so far, in ms: read from any
    thread. The rest of a stretch of wall time it spent blocked: in ``select`` with nothing to do,
    or waiting for the interpreter lock held by another thread, or with its virtual CPU taken by
    the host (steal time: the third figure, ms of both CPUs together, in steps of 10 ms)."""
    try:
        with open(_MAIN, "rb") as f:
            cpu, wait = f.read().split()[:2]
        with open("/proc/stat", "rb") as f:
            steal = f.readline().split()[8]
        return f"{int(cpu) / 1e6:.3f} {int(wait) / 1e6:.3f} {int(steal) * 1000 / _HZ:.0f}"
    except (OSError, ValueError, IndexError):
        return "nan nan nan"


_HZ = os.sysconf("SC_CLK_TCK")


#: A turn of the event loop longer than this (s) is written to the timeline.
LONG_TURN = 0.002


def _what(handle) -> str:
    callback = getattr(handle, "_callback", None)
    task = getattr(callback, "__self__", None)
    if task is not None and hasattr(task, "get_coro"):
        coro = task.get_coro()
        return getattr(coro, "__qualname__", type(coro).__name__)
    return getattr(callback, "__qualname__", type(callback).__name__)


def _install_turns() -> None:
    import asyncio.events

    run = asyncio.events.Handle._run
    clock, cpu = _clock, time.thread_time

    def _run(self) -> None:
        began, used = clock(), cpu()
        try:
            run(self)
        finally:
            ended = clock()
            if ended - began > LONG_TURN:
                _events.append((began, "turn0", ""))
                _events.append((ended, "turn1", f"cpu={(cpu() - used) * 1000:.1f} {_what(self)}"))

    asyncio.events.Handle._run = _run


def _install_batches() -> None:
    try:
        from tagline.app import messages
        from tagline.app.screens.reader import ReaderScreen
    except ImportError:
        return
    arrived = messages.EntitiesArrived.__init__

    def __init__(self, article_id, batch) -> None:
        note("batch", len(batch.entities))
        arrived(self, article_id, batch)

    apply = ReaderScreen.apply_entities

    def apply_entities(self, entities, suggestions) -> None:
        note("apply0", len(entities))
        apply(self, entities, suggestions)
        note("apply1", len(entities))

    messages.EntitiesArrived.__init__ = __init__
    ReaderScreen.apply_entities = apply_entities


def _install() -> None:
    from textual import events
    from textual.app import App
    from textual.screen import Screen

    from tagline.app import driver

    send = driver.TerminalDriver.send_message

    def send_message(self, message) -> None:
        if isinstance(message, events.Key):
            note("key", f"{message.key} {main_thread()}")
        send(self, message)

    emit = driver.FrameWriter._emit

    def _emit(self, data: str) -> None:
        note("emit0", f"{len(data)} {main_thread()}")
        emit(self, data)
        note("emit1", len(data))

    check = App._check_bindings

    async def _check_bindings(self, key: str, priority: bool = False) -> bool:
        if priority:
            note("bind0", key)
        try:
            return await check(self, key, priority)
        finally:
            if priority:
                note("bind1", key)

    tick = Screen._on_timer_update

    def _on_timer_update(self) -> None:
        note("tick0")
        tick(self)
        note("tick1")

    driver.TerminalDriver.send_message = send_message
    driver.FrameWriter._emit = _emit
    App._check_bindings = _check_bindings
    Screen._on_timer_update = _on_timer_update
    gc.callbacks.append(lambda phase, info: note("gc0" if phase == "start" else "gc1", info["generation"]))
    _install_turns()
    if "tagline" in sys.argv[1:3]:
        _install_batches()


#: Events written at once by the thread that writes the timeline.
SLICE = 64


def _writer(path: str) -> None:
    written = 0

    def flush() -> None:
        """What came since the last flush, a slice at a time: each slice holds the interpreter lock
        for a fraction of a millisecond, and its write lets a key that came meanwhile go first."""
        nonlocal written
        upto = len(_events)
        with open(path, "a", encoding="utf-8") as out:
            while written < upto:
                end = min(upto, written + SLICE)
                out.write("".join(f"{t:.6f} {kind} {detail}\n" for t, kind, detail in _events[written:end]))
                out.flush()
                written = end

    def loop() -> None:
        while True:
            time.sleep(0.5)
            flush()

    threading.Thread(target=loop, daemon=True).start()
    atexit.register(flush)
    leave = os._exit

    def _exit(status: int) -> None:  # tagline leaves with os._exit once saved: no atexit
        flush()
        leave(status)

    os._exit = _exit


def main() -> None:
    path = os.environ.get("TAGLINE_TRACE")
    if path:
        _install()
        _writer(path)
    args = sys.argv[1:]
    if args[:1] == ["-m"]:
        sys.argv = [args[1], *args[2:]]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = args
        runpy.run_path(args[0], run_name="__main__")


if __name__ == "__main__":
    main()
