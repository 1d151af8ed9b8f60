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
    return f"{shlex.quote(sys.executable)} -m tagline"


class Terminal:
    """One tmux session on a tmux server of its own (``-L``): no other test's sessions, nor a
    developer's, can disturb it, and closing it stops its server."""

    def __init__(self, cwd: Path, width: int = 80, height: int = 24):
        self.name = f"tagline-test-{uuid.uuid4().hex[:8]}"
        self.socket = self.name
        self.cwd = cwd
        self.width, self.height = width, height

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check)

    def run(self, command: str, linger: int = 60) -> None:
        """Run a shell command line in the pane, which stays open a while after it ends."""
        line = f"cd {shlex.quote(str(self.cwd))} && {command}; echo TAGLINE-EXIT-$?; sleep {linger}"
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", self.name, "-x", str(self.width), "-y", str(self.height), line)

    def start(self, args: str = "", env: dict | None = None) -> None:
        # The tmux server may be older than this test: pass what the program must see explicitly.
        # XDG_CONFIG_HOME too: the tests' own settings folder, never the developer's (a theme or
        # keymap saved there changed what these tests saw).
        inherited = {k: v for k, v in os.environ.items() if k.startswith("TAGLINE_") or k in ("PATH", "HOME", "XDG_CONFIG_HOME")}
        environment = {**inherited, "TERM": "xterm-256color", "LANG": "C.UTF-8", **(env or {})}
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in environment.items())
        self.run(f"env {exports} {tagline_command()} {args}")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def screen(self, escapes: bool = False) -> str:
        return self.tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", self.name, check=False).stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear on screen:\n{self.screen()}")

    def pane_pid(self) -> int:
        return int(self.tmux("list-panes", "-t", self.name, "-F", "#{pane_pid}").stdout.split()[0])

    def close(self) -> None:
        self.tmux("kill-session", "-t", self.name, check=False)


@pytest.fixture
def terminal(workdir):
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the end-to-end tests (.ci/run installs it)")
    term = Terminal(workdir)
    yield term
    term.close()


@pytest.fixture
def users():
    """Two real Unix users and a group holding both, made for this test (as root; skipped otherwise)."""
    from unixusers import made_users

    with made_users() as made:
        yield made


@pytest.fixture
def shared_dir():
    """A folder every user can reach (pytest's own tmp folder is root's only)."""
    from unixusers import shared_folder

    with shared_folder() as folder:
        yield folder


@pytest.fixture
def terminals():
    """Terminals made as a test needs them, ``terminals(cwd, width=80, height=24)``; all closed after."""
    made: list[Terminal] = []

    def make(cwd: Path, width: int = 80, height: int = 24) -> Terminal:
        made.append(Terminal(cwd, width, height))
        return made[-1]

    yield make
    for term in made:
        term.close()
