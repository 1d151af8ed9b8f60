"""A process's state as the kernel reports it, for the tests that kill a parent and watch its child."""

from __future__ import annotations


def state(pid: int) -> str:
    """The state letter of ``/proc/PID/stat`` (``R``, ``S``, ``D``, ``Z`` ...), or ``"gone"``."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"
