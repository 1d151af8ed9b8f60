"""The terminal driver: Textual's Linux driver, with each frame written by the event loop itself.

Textual's driver hands every write to a thread (``WriterThread``) that writes it to the terminal:
each frame is then a queue put, a thread woken, the interpreter lock passed back and forth. On a key
that draws two gutter cells that round trip was a seventh of the key's CPU time (0.3-0.4 ms of
2.7; ``docs/design/records/performance-log.md`` §8). A frame is a few hundred bytes to a few KiB, which a terminal (or
``sshd``, or ``tmux``) takes at once, so the loop writes it itself, in one ``write`` per frame.

Keys come in the same way, with less around them: the input thread posts each event straight to
the app's queue (:meth:`TerminalDriver.send_message`).

If the terminal stops taking bytes (a stalled link), the loop waits in that write, as Textual's
own loop does once 30 writes are queued for its thread; the keys typed meanwhile wait in the
input thread, none lost. If the terminal is gone (the link dropped: ``EIO``), the frame is dropped
and the hang-up handler saves and leaves (:mod:`tagline.app.durable`).
"""

from __future__ import annotations

import select
import signal
import termios
from typing import IO

from textual.drivers.linux_driver import LinuxDriver

SYNC_START = "\x1b[?2026h"  # Textual brackets a frame in these when the terminal can hold its output
SYNC_END = "\x1b[?2026l"


class FrameWriter:
    """Writes to ``file`` at once, except that what comes between :data:`SYNC_START` and
    :data:`SYNC_END` goes out together with them, as one write."""

    def __init__(self, file: IO[str]) -> None:
        self._file = file
        self._held: list[str] = []

    def write(self, data: str) -> None:
        if data == SYNC_START or self._held:
            self._held.append(data)
            if data != SYNC_END:
                return
            data = "".join(self._held)
            self._held.clear()
        self._emit(data)

    def _emit(self, data: str) -> None:
        try:
            self._file.write(data)
            self._file.flush()
        except BlockingIOError:  # a terminal left non-blocking by another program: wait for room
            self._drain()
        except (OSError, ValueError):  # gone (EIO, EPIPE) or closed: nothing to draw on
            pass

    def _drain(self, tries: int = 50) -> None:
        for _ in range(tries):
            try:
                select.select([], [self._file], [], 0.1)
                self._file.flush()
                return
            except BlockingIOError:
                continue
            except (OSError, ValueError):
                return


class TerminalDriver(LinuxDriver):
    """:class:`~textual.drivers.linux_driver.LinuxDriver`, writing from the event loop."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._frames = FrameWriter(self._file)

    def write(self, data: str) -> None:
        self._frames.write(data)

    def disable_input(self) -> None:
        """Textual's, except when the app leaves for good (its ``leaving`` is true): the input
        thread is told to stop and not waited for. It looks at its stop flag only every 0.1 s and
        then waits 0.1 s more, which was 100 to 200 ms of every quit; it reads nothing that
        matters once the app leaves, and the process ends it. Suspending (ctrl+z) still waits: the
        next input thread must not read beside the old one."""
        if not getattr(self._app, "leaving", False):
            super().disable_input()
            return
        if self.exit_event.is_set():
            return
        try:
            signal.signal(signal.SIGWINCH, signal.SIG_DFL)
        except ValueError:  # not the main thread
            pass
        self._disable_mouse_support()
        self.exit_event.set()  # left set: the thread leaves its loop at its next look
        try:
            termios.tcflush(self.fileno, termios.TCIFLUSH)
        except termios.error:
            pass

    def stop_application_mode(self) -> None:
        """Textual's, then the app is told the terminal is back (an app leaving for good ends the
        process there: :meth:`tagline.app.durable.DurableApp.terminal_restored`)."""
        super().stop_application_mode()
        restored = getattr(self._app, "terminal_restored", None)
        if restored is not None:
            restored()

    def send_message(self, message) -> None:
        """From the input thread to the app: Textual's ``post_message`` queues it on the app's loop
        (``call_soon_threadsafe``) when called from another thread. Textual's driver wrapped that
        in a coroutine run as a task, with a future to carry its result back to this thread."""
        self._app.post_message(message)
