"""Leaving an app every way a user can, recording how its session was closed: shared by the
reader's tests and the review's."""

from __future__ import annotations

import signal

#: Every way out of a running app: the key, and the signals whose handlers save and leave.
WAYS_OUT = ("ctrl+q", "SIGTERM", "SIGINT", "SIGHUP")


def long_article_text() -> str:
    """An article just long enough for its last fold to be left to a process of its own on leaving."""
    from tagline.app.durable import FOLD_AFTER_EXIT_SENTENCES

    return "".join(f"Line {i}: the river rose by {i} centimetres.\n" for i in range(FOLD_AFTER_EXIT_SENTENCES))


async def leave(app, pilot, way: str, monkeypatch) -> list[bool]:
    """Leave the running ``app`` by ``way`` (one of :data:`WAYS_OUT`; a signal's handler is called
    as the event loop calls it) and return the ``after_exit`` of every close of its session. The
    closes still fold here: the test forks nothing, and no exit or timer outlives it."""
    from tagline.app import durable

    monkeypatch.setattr(durable, "_last_resort", lambda seconds, status: None)  # no timer left behind
    monkeypatch.setattr(durable.os, "_exit", lambda status: None)  # SIGHUP's exit, not the test's
    closes: list[bool] = []
    close = app.session.close

    def recording(after_exit: bool = False) -> None:
        closes.append(after_exit)
        close()

    monkeypatch.setattr(app.session, "close", recording)
    if way == "ctrl+q":
        await pilot.press("ctrl+q")
    elif way == "SIGHUP":
        app._hang_up()
    else:
        app._stop(128 + getattr(signal, way))
    await pilot.pause()
    return closes
