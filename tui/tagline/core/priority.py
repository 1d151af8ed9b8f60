"""Background processes of the reader step back for the annotator's keys."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable, Iterable


def yield_to_keys() -> None:
    """Let the annotator's keys come first: a lower priority for this process. Started in a session
    of its own, it is also in a scheduling group of its own where the kernel groups by session
    (autogroup, on by default in most distributions): a niceness alone would then only rank it
    against itself, so the group's niceness is raised too. Nothing changes while the app is idle:
    the work still has every spare cycle."""
    try:
        os.nice(10)
    except OSError:
        pass
    if os.getsid(0) == os.getpid():  # our own session: the autogroup is ours alone
        try:
            with open("/proc/self/autogroup", "w") as group:
                group.write("10")
        except OSError:
            pass


#: Seconds without a key after which stopped background processes go on.
QUIET_SPELL = 0.3


class KeyPause:
    """Background processes stopped (``SIGSTOP``) while keys come, continued (``SIGCONT``) once no key
    has come for :data:`QUIET_SPELL` seconds.

    On two cores a key needs one for the app, one for the terminal (tmux, sshd) and, in the bench,
    one for the client: a niced process still runs on a core a key's work then waits for. Stopped,
    it takes none; between a person's keys (a few tenths of a second) and while they read, it runs.

    ``processes`` gives the live children to stop (:class:`subprocess.Popen`, asyncio's ``Process``);
    one whose ``returncode`` is known is left alone, so a signal never reaches a process that took a
    reaped child's pid. Nothing is ever left stopped by
    this process's end: :meth:`go_on` is called before the children are closed, the scan dies with
    its parent (``PR_SET_PDEATHSIG``, ``SIGKILL``) and the model process is continued when its
    parent dies (``SIGCONT``), then sees it and leaves (:mod:`tagline.core.nlp_worker`)."""

    def __init__(self, processes: Callable[[], Iterable[object]], quiet: float = QUIET_SPELL) -> None:
        self._processes = processes
        self.quiet = quiet
        self._stopped: list = []
        self._last = 0.0
        self._handle: asyncio.TimerHandle | None = None

    @property
    def stopped(self) -> bool:
        return bool(self._stopped)

    def key(self) -> None:
        """A key has come (on the event loop): stop the background, continue it after the quiet spell."""
        self._last = time.monotonic()
        for process in self._processes():  # a process started or ready since the last key too
            if not any(process is other for other in self._stopped) and _signal(process, signal.SIGSTOP):
                self._stopped.append(process)
        if self._stopped and self._handle is None:
            self._handle = asyncio.get_running_loop().call_later(self.quiet, self._check)

    def _check(self) -> None:
        self._handle = None
        left = self._last + self.quiet - time.monotonic()
        if left > 0:
            self._handle = asyncio.get_running_loop().call_later(left, self._check)
            return
        self.go_on()

    def go_on(self) -> None:
        """Continue whatever is stopped, now (also before quitting)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        stopped, self._stopped = self._stopped, []
        for process in stopped:
            _signal(process, signal.SIGCONT)


def _signal(process, number: int) -> bool:
    """``os.kill``, not ``send_signal``: for an asyncio process that polls, and could reap the child
    behind the event loop's back (its exit status then lost). A child that has ended but is not
    reaped keeps its pid; one that is reaped has its ``returncode``."""
    if process.returncode is not None:
        return False
    try:
        os.kill(process.pid, number)
        return True
    except OSError:
        return False


def continue_when_parent_dies() -> None:
    """Linux: the kernel sends this process ``SIGCONT`` when its parent dies, so a child the app
    stopped (:class:`KeyPause`) and that outlives it (``kill -9``) runs again and can see that its
    parent is gone. (Sent also when the thread that started it ends; a running process ignores it.)"""
    try:
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGCONT)
    except Exception:
        pass
