"""Reliability tests: a real process, real files, real signals.

The tmux :class:`Terminal` of the end-to-end tests is reused, with what these tests add: the pid of
the program inside the pane, the raw bytes it writes, typing text literally. Each test can
record figures (rounds survived, actions lost, inputs tried); they are printed at the end of the run
and, when ``TAGLINE_RELIABILITY_FIGURES`` names a file, written there as JSON for the docs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("tagline_e2e_conftest", Path(__file__).parent.parent / "e2e" / "conftest.py")
_e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_e2e)

FIGURES: dict[str, dict] = {}


def record(test: str, **counts) -> None:
    """Figures for the docs, from the test that measured them."""
    FIGURES.setdefault(test, {}).update(counts)


class Terminal(_e2e.Terminal):
    def app_pid(self, timeout: float = 20.0) -> int:
        """The pid of tagline itself: the pane runs a shell, whose child is the program."""
        shell = self.pane_pid()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out = subprocess.run(["pgrep", "-P", str(shell)], capture_output=True, text=True).stdout.split()
            for pid in out:
                try:
                    command = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    continue
                if b"tagline" in command:
                    return int(pid)
            time.sleep(0.05)
        raise AssertionError(f"tagline did not start in the pane:\n{self.screen()}")

    def record_output(self, path: Path) -> None:
        """Append every byte the program writes to the terminal to ``path`` (tmux pipe-pane)."""
        self.tmux("pipe-pane", "-o", "-t", self.name, f"cat >> {path}")

    def literal(self, text: str) -> None:
        """Type ``text`` as it is (no key names)."""
        self.tmux("send-keys", "-l", "-t", self.name, text)

    def exists(self) -> bool:
        return self.tmux("has-session", "-t", self.name, check=False).returncode == 0


@pytest.fixture
def term(workdir):
    """A fresh tmux terminal in ``workdir``; several may be open at once."""
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the reliability tests (.ci/run installs it)")
    opened: list[Terminal] = []

    def make(width: int = 100, height: int = 30) -> Terminal:
        terminal = Terminal(workdir, width, height)
        opened.append(terminal)
        return terminal

    yield make
    for terminal in opened:
        terminal.close()


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("reliability figures")
    for test, counts in sorted(FIGURES.items()):
        terminalreporter.write_line(f"{test}: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    target = os.environ.get("TAGLINE_RELIABILITY_FIGURES")
    if target:
        existing = {}
        try:
            existing = json.loads(Path(target).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        existing.update(FIGURES)
        Path(target).write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@pytest.fixture
def figures():
    """``figures(name, **counts)`` records figures for the docs."""
    return record
