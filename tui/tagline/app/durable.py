"""What every tagline app shares: the journal is already on disk, so leaving is folding it.

Quit (ctrl+q, ctrl+c), SIGHUP (the terminal or SSH link is gone), SIGTERM, SIGINT and any exit
Textual takes on its own all end in :meth:`DurableApp.shutdown`, exactly once.

A signal that leaves the terminal there (SIGTERM, SIGINT) saves, then leaves as a quit does: the
terminal is put back (main screen, mouse reporting off, cursor shown) and the exit status is 128 +
the signal's number (143, 130), as a shell reports a program the signal ended. Only SIGHUP, whose
terminal is gone, leaves at once without drawing on it. Every one of these leaves as fast as a
quit: what a long article's last fold would cost is left to a process forked for it (see
:meth:`TaglineApp.close <tagline.app.app.TaglineApp.close>`), the journal being on disk already.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time

from functools import partial
from typing import Callable

from textual.app import App
from textual.binding import Binding

from tagline.app import internals
from tagline.core import keymap
from tagline.core.sanitize import visible
# Long enough to be folded by a process forked for it: the core's rule, kept here by these names.
from tagline.core.store import FOLD_AFTER_EXIT_CHARACTERS, FOLD_AFTER_EXIT_SENTENCES, folded_apart  # noqa: F401

#: Keys that quit from any screen, dialogs included, as ctrl+q does.
INTERRUPT_KEYS = ("ctrl+c",)


def quit_keys(app) -> set[str]:
    """The keys that quit ``app``: the quit command's (as a user keymap may have rebound them)
    and ctrl+c. Here, beside the app, so that checking a key imports nothing: the first key of a
    session may be ctrl+q (a dialog's module, with Textual's TextArea, took 190 ms to import at
    quit on a busy machine)."""
    command = next(c for c in keymap.APP_COMMANDS if c.id == "quit")
    rebound = getattr(app, "rebound", {}).get(command.id)
    keys = [k.strip() for k in rebound.split(",")] if rebound else list(command.keys)
    return {*keys, *INTERRUPT_KEYS}


class DurableApp(App):
    """An app whose state is journaled as it goes; subclasses say how to fold it in :meth:`close`."""

    # Not priority bindings: a quit waits behind the keys typed before it, so none is lost.
    BINDINGS = [
        Binding(",".join(c.keys), c.action, c.description, show=c.show, id=c.id)
        for c in keymap.APP_COMMANDS
    ] + [Binding("ctrl+c", "quit", "quit", show=False, id="interrupt")]

    def __init__(self) -> None:
        super().__init__()
        self._session_closed = False  # not Textual's own _closed
        #: True once the app has been asked to leave for good (quit, SIGTERM, SIGINT): the terminal
        #: driver then does not wait for its input thread (:mod:`tagline.app.driver`).
        self.leaving = False
        #: True from the moment the process is to end (quit, SIGTERM, SIGINT, SIGHUP), before the
        #: last fold: a fold that would hold the exit is then left to a process of its own
        #: (:meth:`close`). Not when Textual ends the app on its own (an error): that fold is here.
        self.exiting = False
        #: Set by the program that runs the app (:func:`run`'s caller): the app's exit status in,
        #: the process's out, after whatever the program says once the screen is gone. With it,
        #: the process leaves as soon as the terminal is put back (:meth:`terminal_restored`).
        self.leave_when_restored: Callable[[int], int] | None = None
        self.rebound: dict[str, str] = {}  # binding id -> keys, as given to set_keymap
        self._toasts_until: dict[tuple[str, str, str], float] = {}  # what notify shows, until when

    def get_driver_class(self):
        """Textual's driver for this terminal; on Linux, the one that writes frames from the event
        loop (:mod:`tagline.app.driver`). A driver named in ``TEXTUAL_DRIVER`` (``tagline serve``) is
        kept."""
        driver = super().get_driver_class()
        if internals.stock():
            return driver
        if driver.__module__ == "textual.drivers.linux_driver" and driver.__name__ == "LinuxDriver":
            from tagline.app.driver import TerminalDriver

            return TerminalDriver
        return driver

    def set_keymap(self, keymap) -> None:
        """Textual's ``set_keymap``, remembering the keys it was given (:attr:`rebound`), so the
        help and note screens can name them without reading Textual's private ``_keymap``."""
        self.rebound = dict(keymap)
        super().set_keymap(keymap)

    def close(self) -> None:  # pragma: no cover - every subclass has one
        raise NotImplementedError

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None, markup: bool = False) -> None:
        """Textual's toast, unless the same words are on screen already: a refused key pressed
        again (a read-only session) does not stack copies of its reason over the status row; and
        the screen drawn again when it is gone.

        Toasts quote files (paths, labels, YAML errors, notes): the text is never markup unless a
        caller asks for it, and every control, bidi and zero-width character in it is shown as a
        visible one (:func:`tagline.core.sanitize.visible`, line by line)."""
        message = "\n".join(visible(line) for line in str(message).split("\n"))
        title = visible(str(title))
        now = time.monotonic()
        shown = self._toasts_until
        for key in [k for k, until in shown.items() if until <= now]:
            del shown[key]
        key = (message, title, severity)
        if key in shown:
            return
        seconds = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        shown[key] = now + seconds
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)
        # Once its time is up, the whole screen is drawn again: with toasts of different lengths
        # stacked, what the last one covered could stay on the terminal after it went (Textual's
        # partial update; not seen in a bare Textual app, cause not found). One frame per toast.
        self.set_timer(seconds + 0.2, self._repaint_after_toast)

    def _repaint_after_toast(self) -> None:
        self.refresh()

    def notify_all(self, notices: list[str]) -> None:
        for notice in notices[:6]:
            self.notify(notice, severity="warning", timeout=8, markup=False)
        if len(notices) > 6:
            self.notify(f"and {len(notices) - 6} more problems", severity="warning", timeout=8, markup=False)

    def catch_hang_ups(self) -> None:
        """SIGHUP, SIGTERM and SIGINT handled in the event loop, between keys, never in the middle
        of one."""
        loop = asyncio.get_running_loop()
        handlers = {
            signal.SIGHUP: self._hang_up,
            signal.SIGTERM: partial(self._stop, 128 + signal.SIGTERM),
            signal.SIGINT: partial(self._stop, 128 + signal.SIGINT),
        }
        for sig, handler in handlers.items():
            try:
                loop.add_signal_handler(sig, handler)
            except (NotImplementedError, RuntimeError, ValueError):
                pass
        watch_terminal()

    def shutdown(self) -> None:
        """Fold what is open; safe to call twice."""
        if self._session_closed:
            return
        self._session_closed = True
        self.close()

    def close_dialogs(self) -> bool:
        """Close a dialog holding what the user typed (the note dialog) so that its answer is
        kept, as quitting from it keeps it; True when one was closed (its answer is applied on the
        next turn of the event loop)."""
        try:
            screen = self.screen
        except Exception:  # no screen yet (a signal during start-up)
            return False
        close = getattr(screen, "close_for_exit", None)
        if close is None or getattr(screen, "closing", False):
            return False
        close()
        return True

    def _hang_up(self) -> None:
        # The terminal is gone: everything is already in the journal; fold it into the YAML (a
        # long article's in a process of its own, as on quit) and leave without waiting on (or
        # drawing on) a dead terminal. A note being typed is kept
        # first, as quitting keeps it.
        _last_resort(3.0, 0)
        if self.close_dialogs():
            self.call_later(self._hang_up_now)
            return
        self._hang_up_now()

    def _hang_up_now(self) -> None:
        self.exiting = True
        try:
            self.shutdown()
        finally:
            os._exit(0)

    def _stop(self, status: int) -> None:
        """Asked to stop (SIGTERM, SIGINT) with the terminal still there: fold, then leave as a quit
        does (a long article's fold in a process of its own), so that Textual puts the terminal
        back, and exit with ``status``."""
        _last_resort(3.0, status)
        if self.close_dialogs():  # a note being typed is kept, as quitting keeps it
            self.call_later(self._stop_now, status)
            return
        self._stop_now(status)

    def _stop_now(self, status: int) -> None:
        self.exiting = True
        try:
            self.shutdown()
        finally:
            self.leaving = True
            self.exit(return_code=status)

    async def action_quit(self) -> None:
        self.exiting = True
        try:
            self.shutdown()
        finally:
            self.leaving = True
            self.exit()

    def on_key(self, event) -> None:
        """ctrl+q and ctrl+c in Textual's command palette (a modal screen, which hides the app's
        bindings; the key bubbles up to here): quit, as everywhere. Before, both did nothing there."""
        from textual.command import CommandPalette  # loaded with textual.app

        if isinstance(self.screen, CommandPalette) and event.key in quit_keys(self):
            event.stop()
            self.screen.dismiss()
            self.call_later(self.action_quit)

    def on_unmount(self) -> None:
        self.shutdown()

    def terminal_restored(self) -> None:
        """Called by the terminal driver (:mod:`tagline.app.driver`) once it has put the terminal
        back. An app leaving for good (quit, SIGTERM, SIGINT) has written everything by then, so the
        process leaves here (:func:`leave`) instead of going through Textual's own shutdown, which
        closes every widget one by one (35 to 65 ms of a quit on a 5,000-sentence article) and
        changes nothing on disk or on screen. Not when Textual has an error to print."""
        after = self.leave_when_restored
        if after is None or not (self.leaving and self._session_closed) or self._exit_renderables:
            return
        leave(after(self.return_code or 0))


def run(app: App, **options) -> int:
    """Run ``app`` until it has closed, and its exit status: 0, or what :meth:`App.exit` was given.

    The app runs on an event loop of its own, not under ``asyncio.run``, which on its way out waits
    for every thread of the loop's default executor (Textual's thread workers, ``to_thread``): a
    thread streaming the model's answers or reading the parse cache held a quit for as long as its
    step took. When this returns the app has saved (:meth:`DurableApp.shutdown`) and Textual has
    put the terminal back; what is left running is for :func:`leave` to drop."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        app.run(loop=loop, **options)
    finally:
        if isinstance(app, DurableApp):
            app.shutdown()
    return app.return_code or 0


def leave(status: int):
    """End the process now with ``status``, once the app has run (:func:`run`): every save is
    written and the terminal is back, so nothing is left that the interpreter's own exit would do
    for the user. That exit joins threads still at work and frees every object one by one (a
    5,000-sentence article with its entities: tens of ms on a busy machine) before the shell gets
    its prompt back. Background processes (the model, the duplicate scan) were told to stop by
    :meth:`DurableApp.close` and end on their own; a fold after exit runs in a process of its own."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


def watch_terminal(every: float = 1.0) -> None:
    """A terminal that goes away without a SIGHUP is a hang-up all the same. The kernel sends
    SIGHUP only to the processes whose controlling terminal it was; tagline started by ``su -c``,
    ``setsid`` or a process manager has none, so when its tmux pane or SSH link went, it went on
    running unseen (reading end-of-file over and over), holding its article's lock: the
    annotator's next session found the article read-only, "open in another session", for good.
    A thread asks the terminal for its modes every ``every`` seconds; once that fails with EIO
    (a hung-up terminal), the process gets the SIGHUP it missed. Not when standard input is not a
    terminal (tests, ``tagline serve``'s visitors)."""
    import errno
    import termios

    stream = sys.__stdin__
    try:
        fd = stream.fileno() if stream is not None else -1
    except (OSError, ValueError):
        return
    if fd < 0 or not os.isatty(fd):
        return

    def watch() -> None:
        while True:
            time.sleep(every)
            try:
                termios.tcgetattr(fd)
            except termios.error as error:
                if error.args and error.args[0] == errno.EIO:
                    os.kill(os.getpid(), signal.SIGHUP)
                    return
            except OSError:
                return

    threading.Thread(target=watch, name="terminal watch", daemon=True).start()


def _last_resort(seconds: float, status: int) -> None:
    """Leave with ``status`` after ``seconds`` whatever is still running (a daemon timer: it never
    holds a process that leaves in time)."""
    timer = threading.Timer(seconds, lambda: os._exit(status))
    timer.daemon = True
    timer.start()
