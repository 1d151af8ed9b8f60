"""Run a Textual program of this repository with a timeline of what its process does around each key.

    TAGLINE_TRACE=FILE python bench/traced.py -m tagline open ARTICLE ...
    TAGLINE_TRACE=FILE python bench/traced.py bench/trivial_app.py

Writes to FILE one line per event, ``time.monotonic()`` (the clock ``bench/stamps.py`` and
``bench/background.py`` use, so the lines line up with theirs), a kind and a detail:

* ``key`` the terminal driver's input thread has read a key and posts it to the app;
* ``bind0`` / ``bind1`` the app's priority bindings checked for it (the action runs inside);
* ``tick0`` / ``tick1`` the screen's update timer drew (Textual draws at most 60 times a second,
  on a grid of 1/60 s once a frame has been drawn less than that ago);
* ``emit0`` / ``emit1`` a frame written to the terminal (one ``write``), detail its size;
* ``gc0`` / ``gc1`` a collection of the cyclic garbage collector, detail its generation.

``bench/background.py --trace`` runs tagline and the trivial app this way and splits each key's
latency into what came before the app read the key, the app's part, and what came after its frame
was written. The hooks are a few list appends a key; the lines are written by a thread every half
second and at exit.
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


def _install() -> None:
    from textual import events
    from textual.app import App
    from textual.screen import Screen

    from tagline.app import driver

    send = driver.TerminalDriver.send_message

    def send_message(self, message) -> None:
        if isinstance(message, events.Key):
            note("key", message.key)
        send(self, message)

    emit = driver.FrameWriter._emit

    def _emit(self, data: str) -> None:
        note("emit0", len(data))
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


def _writer(path: str) -> None:
    written = 0

    def flush() -> None:
        nonlocal written
        upto = len(_events)
        if upto > written:
            with open(path, "a", encoding="utf-8") as out:
                out.writelines(f"{t:.6f} {kind} {detail}\n" for t, kind, detail in _events[written:upto])
            written = upto

    def loop() -> None:
        while True:
            time.sleep(0.5)
            flush()

    threading.Thread(target=loop, daemon=True).start()
    atexit.register(flush)


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
