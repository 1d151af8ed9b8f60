"""Memory of many annotators on one machine: N real sessions in tmux on a prepared corpus.

    python bench/team_memory.py                  # 20 sessions with the project cache, baseline 3 without
    python bench/team_memory.py --sessions 8 --cold 2

A project folder with the sample article and a ``team:`` section; ``tagline prepare`` fills the
project cache (``annotations/.cache``). Then N sessions, one annotator each, each in its own tmux
window with a user cache of its own (empty, as a colleague who never ran prepare), all open at once.
Once every session shows its article and has had time to stream its entities, the proportional set
size (PSS, /proc/PID/smaps_rollup: shared pages split between the processes that share them) of
every process of every session (the app and any model process) is read and summed.

Reported: the total, the mean per session with a 95% interval (t, over sessions), and per extra
annotator ((total(N) - total(1)) / (N - 1)). Baseline in the same run: ``--cold`` sessions without
the project cache, each of which starts its own model process. The goal: at most 60 MB per extra
annotator with the project cache.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "seeds" / "000_88201f31feaf2608.txt"


def pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int(next(row for row in (entry / "status").read_text().splitlines() if row.startswith("PPid:")).split()[1])
            except (OSError, StopIteration, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class Sessions:
    def __init__(self, project: Path, shared_cache: bool):
        self.project = project
        self.socket = f"tagline-mem-{uuid.uuid4().hex[:8]}"
        self.shared_cache = shared_cache
        self.count = 0

    def tmux(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True)

    def start(self, n: int) -> None:
        program = Path(sys.executable).parent / "tagline"
        for i in range(n):
            name = f"annotator{i:02d}"
            cache = self.project / "user-caches" / name
            annotations = "annotations" if self.shared_cache else "annotations-cold"
            env = (f"env TAGLINE_CACHE={shlex.quote(str(cache))} TERM=xterm-256color LANG=C.UTF-8 "
                   f"XDG_CONFIG_HOME={shlex.quote(str(self.project / 'config'))}")
            line = f"cd {shlex.quote(str(self.project))} && {env} {program} open corpus --annotations {annotations} --annotator {name}"
            if i == 0:
                self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "mem", "-x", "100", "-y", "30", line)
            else:
                self.tmux("new-window", "-t", "mem", line)
            self.count += 1

    def pane_pids(self) -> list[int]:
        out = self.tmux("list-panes", "-s", "-t", "mem", "-F", "#{pane_pid}").stdout.split()
        return [int(p) for p in out]

    def wait_ready(self, timeout: float = 300.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screens = [self.tmux("capture-pane", "-p", "-t", f"mem:{i}").stdout for i in range(self.count)]
            if all("done" in s for s in screens):
                return
            time.sleep(1)
        raise SystemExit("sessions did not start in time")

    def measure(self) -> list[tuple[int, int]]:
        """(PSS of the session's processes in kB, how many model processes) per session."""
        out = []
        for pane in self.pane_pids():
            pids = tree(pane)
            models = sum("nlp_worker" in command_of(p) for p in pids)
            out.append((sum(pss_kb(p) for p in pids if "tmux" not in command_of(p)), models))
        return out

    def close(self) -> None:
        self.tmux("kill-server")


def interval(values: list[float]) -> tuple[float, float]:
    """Mean and half-width of a 95% t interval."""
    from statistics import mean, stdev

    if len(values) < 2:
        return mean(values), float("nan")
    t = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 9: 2.26, 14: 2.16, 19: 2.09}.get(len(values) - 1, 2.0)
    return mean(values), t * stdev(values) / len(values) ** 0.5


def run(project: Path, n: int, shared: bool, settle: float) -> list[tuple[int, int]]:
    sessions = Sessions(project, shared)
    try:
        sessions.start(n)
        sessions.wait_ready()
        time.sleep(settle)  # entities streamed, heap settled
        return sessions.measure()
    finally:
        sessions.close()
        time.sleep(2)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--cold", type=int, default=3, help="baseline sessions without the project cache")
    parser.add_argument("--settle", type=float, default=20.0, help="seconds to wait after the sessions show their article")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed")
    project = Path(tempfile.mkdtemp(prefix="tagline-team-memory-"))
    try:
        (project / "corpus").mkdir()
        shutil.copy(SAMPLE, project / "corpus" / SAMPLE.name)
        names = ", ".join(f"annotator{i:02d}" for i in range(args.sessions))
        (project / "tagline.yaml").write_text(f"team:\n  annotators: [{names}]\n", encoding="utf-8")
        env = {**os.environ, "TAGLINE_CACHE": str(project / "prepare-user-cache")}
        done = subprocess.run([sys.executable, "-m", "tagline", "prepare", "corpus", "--annotations", "annotations"],
                              cwd=project, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        print(done.stdout.strip())
        rows = []
        one = run(project, 1, True, args.settle)
        many = run(project, args.sessions, True, args.settle)
        cold_one = run(project, 1, False, args.settle)
        cold = run(project, args.cold, False, args.settle) if args.cold > 1 else cold_one
        for label, found in (("prepared, 1 session", one), (f"prepared, {args.sessions} sessions", many),
                             ("cold, 1 session", cold_one), (f"cold, {args.cold} sessions", cold)):
            mb = [kb / 1024 for kb, _ in found]
            mean, half = interval(mb)
            rows.append((label, sum(mb), mean, half, sum(m for _, m in found)))
        print(f"\n{'sessions':<26} {'total MB':>9} {'per session MB (95% CI)':>26} {'model processes':>16}")
        for label, total, mean, half, models in rows:
            print(f"{label:<26} {total:>9.0f} {mean:>14.1f} ± {half:<9.1f} {models:>16}")
        per_extra = (rows[1][1] - rows[0][1]) / max(1, args.sessions - 1)
        per_extra_cold = (rows[3][1] - rows[2][1]) / max(1, args.cold - 1)
        print(f"\nper extra annotator: {per_extra:.1f} MB prepared, {per_extra_cold:.1f} MB cold "
              f"(ratio {per_extra_cold / per_extra:.1f}x); goal <= 60 MB")
    finally:
        shutil.rmtree(project, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
