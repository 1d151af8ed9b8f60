"""A process's state as the kernel reports it, for the tests that kill a parent and watch its child."""

from __future__ import annotations

import time


def state(pid: int) -> str:
    """The state letter of ``/proc/PID/stat`` (``R``, ``S``, ``D``, ``Z`` ...), or ``"gone"``."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"


def state_once_ended(pid: int, seconds: float, poll: float) -> str:
    """The state of ``pid`` once it has ended (``Z``, or ``"gone"``), or else after ``seconds``,
    looked at every ``poll`` seconds."""
    deadline = time.monotonic() + seconds
    while state(pid) not in ("Z", "gone") and time.monotonic() < deadline:
        time.sleep(poll)
    return state(pid)


def children() -> set[int]:
    """The processes this one has forked that have not been waited for (``/proc`` lists them)."""
    import os

    found: set[int] = set()
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/children") as f:
                found.update(int(pid) for pid in f.read().split())
        except OSError:
            continue
    return found
