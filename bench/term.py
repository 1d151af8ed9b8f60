"""A real terminal for the benchmarks: a tmux pane on a tmux server of the benchmark's own.

The server is separate (``tmux -L``), so a benchmark never touches anyone's sessions, and
:func:`stop_server` ends exactly it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

SOCKET = f"tagline-bench-{os.getpid()}"


def tmux(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=check)


def require_tmux() -> None:
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed (apt-get install tmux)")


_server_up = False


def ensure_server() -> None:
    """Start the server with a session that outlives the benchmark's: a server whose last session
    ends exits, and a session started in that moment would fail."""
    global _server_up
    if not _server_up:
        tmux("new-session", "-d", "-s", "keeper", "-x", "80", "-y", "24", "sleep 86400")
        _server_up = True


def stop_server() -> None:
    global _server_up
    tmux("kill-server", check=False)
    _server_up = False


def tagline_command() -> str:
    script = Path(sys.executable).parent / "tagline"
    return shlex.quote(str(script)) if script.exists() else f"{shlex.quote(sys.executable)} -m tagline"


class Pane:
    """One program in one tmux session of ``width`` x ``height``."""

    def __init__(self, width: int = 80, height: int = 24):
        self.name = f"bench-{uuid.uuid4().hex[:8]}"
        self.width, self.height = width, height
        self.started = 0.0

    def start(self, command: str, cwd: Path, env: dict[str, str] | None = None) -> None:
        # The tmux server does not pass this process's environment on: give the program its own.
        inherited = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME")}
        environment = {**inherited, "TERM": "xterm-256color", "LANG": "C.UTF-8", **(env or {})}
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in environment.items())
        # exec: the pane's process is the program itself, so its pid is the one to read /proc of.
        # As installed: bytecode cached (a PYTHONDONTWRITEBYTECODE of the caller would recompile every start).
        script = f"cd {shlex.quote(str(cwd))} && exec env -u PYTHONDONTWRITEBYTECODE {exports} {command}"
        ensure_server()
        self.started = time.perf_counter()
        tmux("new-session", "-d", "-s", self.name, "-x", str(self.width), "-y", str(self.height), script)
        tmux("set-option", "-t", self.name, "remain-on-exit", "on")

    def screen(self) -> str:
        return tmux("capture-pane", "-p", "-t", self.name, check=False).stdout

    def wait_for(self, text: str, timeout: float = 60.0, interval: float = 0.01) -> float:
        """Seconds from :meth:`start` until ``text`` is on screen."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if text in self.screen():
                return time.perf_counter() - self.started
            time.sleep(interval)
        raise TimeoutError(f"{text!r} did not appear within {timeout:.0f} s; the screen:\n{self.screen()}")

    def wait_until(self, predicate, timeout: float = 60.0, interval: float = 0.02) -> str:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(interval)
        raise TimeoutError(f"the screen did not settle within {timeout:.0f} s:\n{self.screen()}")

    def settle(self, quiet: float = 0.3, timeout: float = 60.0) -> str:
        """The screen once it has not changed for ``quiet`` seconds."""
        deadline = time.perf_counter() + timeout
        last = self.screen()
        since = time.perf_counter()
        while time.perf_counter() < deadline:
            time.sleep(0.03)
            now = self.screen()
            if now != last:
                last, since = now, time.perf_counter()
            elif time.perf_counter() - since >= quiet:
                return now
        return last

    def keys(self, *keys: str) -> None:
        tmux("send-keys", "-t", self.name, *keys)

    def pid(self) -> int:
        out = tmux("list-panes", "-t", self.name, "-F", "#{pane_pid}").stdout
        return int(out.split()[0])

    def dead(self) -> bool:
        out = tmux("list-panes", "-t", self.name, "-F", "#{pane_dead}", check=False).stdout
        return out.strip() in ("1", "")

    def wait_exit(self, timeout: float = 30.0) -> bool:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.dead():
                return True
            time.sleep(0.05)
        return False

    def pipe_to(self, path: Path, stamps: Path | None = None) -> None:
        """Append every byte the program writes to the terminal to ``path`` from now on, and, given
        ``stamps``, when each chunk of it came (``bench/stamps.py``)."""
        if stamps is None:
            tmux("pipe-pane", "-o", "-t", self.name, f"cat >> {shlex.quote(str(path))}")
            return
        tee = Path(__file__).resolve().parent / "stamps.py"
        command = " ".join(shlex.quote(str(a)) for a in (sys.executable, tee, path, stamps))
        tmux("pipe-pane", "-o", "-t", self.name, command)

    def close(self) -> None:
        tmux("kill-session", "-t", self.name, check=False)


# -- /proc ------------------------------------------------------------------------------------------
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and its waited-for children (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / CLOCK_TICKS


def cpu_seconds_fine(pid: int) -> float:
    """CPU time of the live threads of ``pid`` in nanoseconds' precision (``/proc/PID/task/*/schedstat``),
    for short windows where the 10 ms ticks of :func:`cpu_seconds` are too coarse. A thread that ends
    inside the window takes its time with it: use this only while no worker threads come and go."""
    total = 0
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return cpu_seconds(pid)
    for task in tasks:
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1e9


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the peak resident memory of ``pid``, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found.extend(int(c) for c in text)
    except OSError:
        pass
    return found
