"""Waiting on the processes these tests start and kill."""

from __future__ import annotations

import time
from pathlib import Path


def wait_gone(pid: int, timeout: float = 20.0) -> None:
    """Until ``pid`` has exited (gone, or a zombie its parent has not reaped yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return
        if "State:\tZ" in status:
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} still running after {timeout} s")
