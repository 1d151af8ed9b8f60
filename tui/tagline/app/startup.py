"""The seconds before the screen is up: the quit key is heard, keys typed blind are dropped.

A large project can take seconds to read before ``tagline review`` or ``tagline open`` can draw
anything, and even the sample takes half a second. Meanwhile the terminal is still the shell's: its
line discipline takes ctrl+q for flow control (XON) and never passes it on, so the quit key did
nothing, and what else was typed ran as commands once the screen came up, on sentences nobody had
seen (``cjcjq`` typed at once left three sentences done). :func:`hearing_quit` wraps everything
from reading to the app's construction: ctrl+q (the quit command's key) leaves at once with status
0, ctrl+c still interrupts (status 130), and other keys are taken and dropped, not echoed over the
message and not run later. The terminal's own settings are put back before the app starts.

Leaving is ``os._exit`` from the listening thread: nothing is half written, since every file
tagline writes is written atomically (the promise that ``kill -9`` loses at most the action in
flight), and the read can be anywhere, in C or in a child's pipe, where no exception would reach it
soon.
"""

from __future__ import annotations

import os
import select
import sys
import threading
import time

from contextlib import contextmanager
from typing import Iterator

from tagline.core import keymap

#: Seconds of reading after which the message says what is being read (a short wait needs no word).
SAY_AFTER = 1.0


def quit_bytes() -> bytes:
    """What the terminal sends for the quit command's keys that are control keys (ctrl+q: 0x11)."""
    command = next(c for c in keymap.APP_COMMANDS if c.id == "quit")
    sent = bytearray()
    for key in command.keys:
        name = key.strip().lower()
        if name.startswith("ctrl+") and len(name) == 6 and "a" <= name[5] <= "z":
            sent.append(ord(name[5]) - ord("a") + 1)
    return bytes(sent)


def forget_typed_ahead() -> None:
    """Drop the keys typed while the annotations were read: typed at no screen, they were run as
    review commands once it came up (a decision recorded on a sentence the reviewer never saw)."""
    import termios

    try:
        if sys.stdin.isatty():
            termios.tcflush(sys.stdin.fileno(), termios.TCIFLUSH)
    except (OSError, termios.error, ValueError):
        pass


@contextmanager
def hearing_quit(message: str = "") -> Iterator[None]:
    """Run the body with the terminal listening for the quit key (see the module's text).

    ``message`` is shown on stderr once the body has taken :data:`SAY_AFTER` seconds (a long
    blank wait is no answer; a short one needs no word) and wiped after, or before leaving. Without
    a terminal on stdin it is shown at once (when stderr is a terminal) and nothing listens."""
    shown = message if _isatty(sys.stderr) else ""
    listener = _Listener(shown) if _isatty(sys.stdin) else None
    if listener is None and shown:
        _say(shown)
    try:
        if listener is not None:
            listener.start()
        yield
    finally:
        if listener is not None:
            listener.stop()
        if shown and (listener is None or listener.said):
            _wipe(shown)
    if listener is not None and listener.saved is not None:  # typed blind, up to the last moment: none is run
        forget_typed_ahead()


def _isatty(stream) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):
        return False


def _say(message: str) -> None:
    try:
        sys.stderr.write(message + "\r")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _wipe(message: str) -> None:
    try:
        sys.stderr.write(" " * len(message) + "\r")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


class _Listener:
    """A thread that reads what is typed before the screen, and leaves on quit."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.fd = sys.stdin.fileno()
        self.saved = None
        self.said = False  # True once the message is on screen
        self._wake_read, self._wake_write = os.pipe()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="tagline-hearing-quit", daemon=True)

    def start(self) -> None:
        import termios

        try:
            self.saved = termios.tcgetattr(self.fd)
            quiet = termios.tcgetattr(self.fd)
            quiet[0] &= ~termios.IXON  # ctrl+q and ctrl+s reach us, not flow control
            quiet[3] &= ~(termios.ICANON | termios.ECHO)  # each key as typed, not drawn over the message
            quiet[6][termios.VMIN] = 1
            quiet[6][termios.VTIME] = 0
            termios.tcsetattr(self.fd, termios.TCSANOW, quiet)  # ctrl+c still interrupts (ISIG)
        except (OSError, termios.error, ValueError):
            self.saved = None
            if self.message:  # nothing listens: the message at once, as without a terminal
                _say(self.message)
                self.said = True
            return
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        try:
            os.write(self._wake_write, b"x")
        except OSError:
            pass
        if self._thread.is_alive():
            self._thread.join()
        self._restore()
        for fd in (self._wake_read, self._wake_write):
            try:
                os.close(fd)
            except OSError:
                pass

    def _restore(self) -> None:
        if self.saved is None:
            return
        import termios

        try:  # TCSANOW: keys typed from now on wait for the screen
            termios.tcsetattr(self.fd, termios.TCSANOW, self.saved)
        except (OSError, termios.error, ValueError):
            pass

    def _listen(self) -> None:
        quits = quit_bytes()
        say_at = time.monotonic() + SAY_AFTER
        while not self._stopping.is_set():
            wait = None if self.said or not self.message else max(0.0, say_at - time.monotonic())
            try:
                ready, _, _ = select.select([self.fd, self._wake_read], [], [], wait)
            except (OSError, ValueError):
                return
            if not ready:  # the read has taken a while: say what it is doing
                _say(self.message)
                self.said = True
                continue
            if self._wake_read in ready:
                return
            try:
                typed = os.read(self.fd, 4096)
            except OSError:
                return
            if not typed:  # the terminal is gone
                return
            if any(b in quits for b in typed):
                self._leave()

    def _leave(self) -> None:
        """Quit before the screen: the terminal as it was, the message wiped, status 0, at once."""
        self._restore()
        if self.said:
            _wipe(self.message)
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            pass
        os._exit(0)
