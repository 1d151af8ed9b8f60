"""Drive the installed ``tagline`` in a real terminal: tmux, send-keys, capture-pane."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest


def tagline_command() -> str:
    script = Path(sys.executable).parent / "tagline"
    if script.exists():
        return str(script)
    found = shutil.which("tagline")
    if found:
        return found
    return f"{shlex.quote(sys.executable)} -m tui"


class Terminal:
    def __init__(self, cwd: Path, width: int = 80, height: int = 24):
        self.name = f"tagline-test-{uuid.uuid4().hex[:8]}"
        self.cwd = cwd
        self.width, self.height = width, height

    def start(self, args: str = "", env: dict | None = None) -> None:
        # The tmux server may be older than this test: pass what the program must see explicitly.
        inherited = {k: v for k, v in os.environ.items() if k.startswith("TAGLINE_") or k in ("PATH", "HOME")}
        environment = {**inherited, "TERM": "xterm-256color", "LANG": "C.UTF-8", **(env or {})}
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in environment.items())
        command = f"cd {shlex.quote(str(self.cwd))} && env {exports} {tagline_command()} {args}; echo TAGLINE-EXIT-$?; sleep 60"
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", str(self.width), "-y", str(self.height), command],
            check=True,
        )

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True).stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear on screen:\n{self.screen()}")

    def pane_pid(self) -> int:
        out = subprocess.run(["tmux", "list-panes", "-t", self.name, "-F", "#{pane_pid}"], capture_output=True, text=True).stdout
        return int(out.split()[0])

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def terminal(workdir):
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the end-to-end tests (.ci/run installs it)")
    term = Terminal(workdir)
    yield term
    term.close()
