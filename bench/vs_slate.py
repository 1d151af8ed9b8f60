"""tagline against SLATE (``pip install slate-nlp``), both in tmux at 80x24 on the same texts.

    python bench/vs_slate.py               # the table (about three minutes)
    python bench/vs_slate.py --keys 200 --repeats 5

SLATE (Kummerfeld, ACL 2019) is a curses annotation tool; run here as
``slate FILE -t categorical -s line``: one item a line, ``o`` / ``i`` move down / up, ``space`` then
``a`` toggles label ``a`` on the line (two keys per tag). tagline runs as
``tagline open FILE --model none`` (SLATE has no NLP): ``j`` / ``k`` move, ``c`` toggles claim.
Moves go down N/2 times and back up; tags repeat on one line, toggling on and off.
Both get the same files: the sample article and a 5,000-sentence news text (``bench/corpus.py``),
one sentence a line, so both show the same items.

Measured per app and text:

* start-up: from starting the process in tmux to the first sentence on screen (median of repeats);
* CPU per action: the CPU time of the app's threads (``/proc/PID/task/*/schedstat``, nanoseconds)
  over N actions typed one at a time, each drawn before the next comes (as a person types), less
  the CPU the app uses when idle, divided by N;
* bytes written to the terminal per action (``tmux pipe-pane``), over the same N actions;
* time to the screen per action: from sending it (``tmux send-keys``, the same cost for both apps)
  to the last byte the app wrote for it, stamped as it arrives (``bench/stamps.py``); the median;
* burst: wall time per action for many actions sent at once, until the screen settles (less the
  quiet period): how fast each keeps up with key repeat;
* peak memory: ``VmHWM`` from ``/proc/PID/status`` after the keys.

What each does per action also differs: tagline appends the sentence's state to a journal and
fsyncs it before the next key; SLATE keeps annotations in memory and writes its whole file every
100 keys and on quit.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import term  # noqa: E402

from tui.core import segment  # noqa: E402

QUIET = 0.4  # seconds without a change that count as settled


@dataclass
class App:
    name: str
    down: tuple[str, ...]
    up: tuple[str, ...]
    tag: tuple[str, ...]
    quit: tuple[str, ...]

    def actions(self, kind: str, n: int) -> list[tuple[str, ...]]:
        """``n`` actions of ``kind``: moves go down then back up, so that neither app runs into the
        end of the sample text (a move that cannot move costs nothing)."""
        if kind == "move":
            return [self.down] * (n // 2) + [self.up] * (n - n // 2)
        return [self.tag] * n

    def command(self, path: Path, work: Path) -> str:
        if self.name == "slate":
            return f"{shutil.which('slate') or Path(sys.executable).parent / 'slate'} {path.name} -t categorical -s line -l {work / 'slate-log'}"
        return f"{term.tagline_command()} open {path.name} --model none --annotations {work / 'annotations'}"


TAGLINE = App("tagline", ("j",), ("k",), ("c",), ("C-q",))
SLATE = App("slate", ("o",), ("i",), ("Space", "a"), ("q",))


@dataclass
class Result:
    startup: list[float] = field(default_factory=list)
    cpu_ms: dict[str, float] = field(default_factory=dict)
    wall_ms: dict[str, float] = field(default_factory=dict)
    bytes_per: dict[str, float] = field(default_factory=dict)
    latency_ms: dict[str, float] = field(default_factory=dict)
    idle_cpu_ms_per_s: float = 0.0
    peak_mb: float = 0.0


def sentence_lines(text: str) -> str:
    paras, sents, _ = segment.split(text)
    return "".join(" ".join(text[s.start : s.end].split()) + "\n" for s in sents)


def slate_available() -> str | None:
    """None if SLATE can run here, else why not."""
    if shutil.which("slate") is None and not (Path(sys.executable).parent / "slate").exists():
        return "the 'slate' command is not installed (pip install slate-nlp)"
    return None


def start(app: App, path: Path, work: Path, marker: str) -> tuple[term.Pane, float]:
    pane = term.Pane(80, 24)
    pane.start(app.command(path, work), path.parent, {"TAGLINE_CACHE": str(work / "cache"), "TAGLINE_ANNOTATOR": "bench"})
    return pane, pane.wait_for(marker, timeout=60)


def quit_app(app: App, pane: term.Pane) -> None:
    pane.keys(*app.quit)
    pane.wait_exit(60)
    pane.close()


def quiet_cpu(pid: int, window: float = 1.5, timeout: float = 15.0) -> float:
    """Wait until the app's start-up work is over (under 1 ms of CPU a quarter second for ``window``
    s, or ``timeout``); the CPU ms per second it uses while idle, over 3 s."""
    deadline = time.perf_counter() + timeout
    last, since = term.cpu_seconds_fine(pid), time.perf_counter()
    while time.perf_counter() < deadline:
        time.sleep(0.25)
        now = term.cpu_seconds_fine(pid)
        if now - last > 0.001:
            since = time.perf_counter()
        elif time.perf_counter() - since >= window:
            break
        last = now
    cpu0, t0 = term.cpu_seconds_fine(pid), time.perf_counter()
    time.sleep(3.0)
    return (term.cpu_seconds_fine(pid) - cpu0) * 1000 / (time.perf_counter() - t0)


def burst(pane: term.Pane, actions: list[tuple[str, ...]]) -> float:
    """Wall ms per action for ``actions`` sent at once, until the screen settles."""
    pane.settle(QUIET)
    started = time.perf_counter()
    pane.keys(*(key for action in actions for key in action))
    pane.settle(QUIET, timeout=120)
    return (time.perf_counter() - started - QUIET) * 1000 / len(actions)


def typed(pane: term.Pane, pid: int, actions: list[tuple[str, ...]], log: Path, pause: float, idle: float) -> tuple[float, float, float]:
    """(CPU ms, bytes to the terminal, ms to the screen) per action, ``actions`` sent one at a time,
    ``pause`` s apart, so that each is drawn before the next comes, as when a person types. Idle CPU
    is taken off. ms to the screen: the median time from sending the action to the last byte the
    program wrote for it."""
    pane.settle(QUIET)
    log.write_bytes(b"")
    stamps = log.with_suffix(".stamps")
    stamps.write_text("")
    pane.pipe_to(log, stamps)
    time.sleep(0.3)
    sent: list[float] = []
    cpu0, t0 = term.cpu_seconds_fine(pid), time.perf_counter()
    for action in actions:
        sent.append(time.monotonic())
        pane.keys(*action)
        time.sleep(pause)
    pane.settle(QUIET)
    cpu = term.cpu_seconds_fine(pid) - cpu0 - idle / 1000 * (time.perf_counter() - t0)
    term.tmux("pipe-pane", "-t", pane.name)  # stop piping
    time.sleep(0.2)
    chunks = [float(line.split()[0]) for line in stamps.read_text().splitlines() if line.strip()]
    latencies = []
    for i, start in enumerate(sent):
        end = sent[i + 1] if i + 1 < len(sent) else float("inf")
        answer = [t for t in chunks if start <= t < end]
        if answer:
            latencies.append((answer[-1] - start) * 1000)
    latency = statistics.median(latencies) if latencies else float("nan")
    return max(cpu, 0.0) * 1000 / len(actions), log.stat().st_size / len(actions), latency


def measure(app: App, path: Path, marker: str, args, scratch: Path) -> Result:
    result = Result()
    for r in range(args.repeats):
        work = Path(tempfile.mkdtemp(prefix=f"{app.name}-", dir=scratch))
        copy = work / path.name
        shutil.copy(path, copy)
        pane, seconds = start(app, copy, work, marker)
        result.startup.append(seconds)
        if r < args.repeats - 1:
            quit_app(app, pane)
            continue
        try:
            pid = pane.pid()
            result.idle_cpu_ms_per_s = quiet_cpu(pid)
            for kind in ("move", "tag"):
                result.cpu_ms[kind], result.bytes_per[kind], result.latency_ms[kind] = typed(
                    pane, pid, app.actions(kind, args.typed), work / f"bytes-{kind}.log", args.pause, result.idle_cpu_ms_per_s
                )
            for kind in ("move", "tag"):
                result.wall_ms[kind] = burst(pane, app.actions(kind, args.keys))
            result.peak_mb = term.peak_rss_mb(pid)
        finally:
            quit_app(app, pane)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=200, help="actions per burst, for wall time (default 200)")
    parser.add_argument("--typed", type=int, default=100, help="actions typed one at a time, for CPU, bytes and time (default 100)")
    parser.add_argument("--pause", type=float, default=0.15, help="seconds between typed actions (default 0.15)")
    parser.add_argument("--repeats", type=int, default=3, help="start-ups per app and text (default 3)")
    parser.add_argument("--lines", type=int, default=5000)
    args = parser.parse_args(argv)
    term.require_tmux()
    why_not = slate_available()
    apps = [TAGLINE] + ([SLATE] if why_not is None else [])
    if why_not:
        print(f"SLATE left out: {why_not}", file=sys.stderr)
    results: dict[tuple[str, str], Result] = {}
    with tempfile.TemporaryDirectory(prefix="tagline-vs-slate-") as tmp:
        scratch = Path(tmp)
        texts = {
            "sample": scratch / "texts" / "sample.txt",
            "news": scratch / "texts" / f"news-{args.lines}.txt",
        }
        texts["sample"].parent.mkdir(parents=True)
        texts["sample"].write_text(sentence_lines(corpus.SAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
        texts["news"].write_text(sentence_lines(corpus.article_text(args.lines)), encoding="utf-8")
        lines = {name: len(p.read_text(encoding="utf-8").splitlines()) for name, p in texts.items()}
        try:
            for name, path in texts.items():
                marker = path.read_text(encoding="utf-8").split("\n", 1)[0][:24]
                for app in apps:
                    results[(app.name, name)] = measure(app, path, marker, args, scratch)
                    print(f"  {app.name} {name}: done", file=sys.stderr)
        finally:
            term.stop_server()

    header = (f"{'app':<8} {'lines':>5} {'start s':>7} {'cpu ms/move':>11} {'cpu ms/tag':>10} {'ms/move':>7} {'ms/tag':>6} "
              f"{'burst ms/act':>12} {'B/move':>7} {'B/tag':>6} {'peak MiB':>8} {'idle cpu':>8}")
    print(header)
    print("-" * len(header))
    for name in texts:
        for app in apps:
            r = results[(app.name, name)]
            wall = statistics.fmean(r.wall_ms.values())
            print(f"{app.name:<8} {lines[name]:>5} {statistics.median(r.startup):>7.2f} {r.cpu_ms['move']:>11.2f} {r.cpu_ms['tag']:>10.2f} "
                  f"{r.latency_ms['move']:>7.1f} {r.latency_ms['tag']:>6.1f} "
                  f"{wall:>12.2f} {r.bytes_per['move']:>7.0f} {r.bytes_per['tag']:>6.0f} {r.peak_mb:>8.1f} {r.idle_cpu_ms_per_s:>8.1f}")
    if SLATE in apps:
        print()
        print("ratio tagline / SLATE (below 1: tagline uses less, or is quicker)")
        print(f"{'lines':>5} {'start':>6} {'cpu/move':>8} {'cpu/tag':>8} {'ms/move':>7} {'ms/tag':>6} {'B/move':>7} {'B/tag':>6} {'peak':>6}")
        for name in texts:
            t, s = results[("tagline", name)], results[("slate", name)]

            def ratio(a: float, b: float) -> str:
                return f"{a / b:.2f}" if b > 0 else "inf"

            print(f"{lines[name]:>5} {ratio(statistics.median(t.startup), statistics.median(s.startup)):>6} "
                  f"{ratio(t.cpu_ms['move'], s.cpu_ms['move']):>8} {ratio(t.cpu_ms['tag'], s.cpu_ms['tag']):>8} "
                  f"{ratio(t.latency_ms['move'], s.latency_ms['move']):>7} {ratio(t.latency_ms['tag'], s.latency_ms['tag']):>6} "
                  f"{ratio(t.bytes_per['move'], s.bytes_per['move']):>7} {ratio(t.bytes_per['tag'], s.bytes_per['tag']):>6} "
                  f"{ratio(t.peak_mb, s.peak_mb):>6}")
    print()
    print(f"a tag is one key in tagline (c) and two in SLATE (space a). cpu ms and bytes: per action typed one at a time "
          f"({args.typed} each, {args.pause} s apart), idle CPU taken off. ms/move, ms/tag: median time from sending the "
          f"action (tmux send-keys, the same for both) to the last byte written for it. burst ms/act: wall time per action for {args.keys} "
          f"moves and {args.keys} tags sent at once, until the screen settles. idle cpu: CPU ms per second with no keys. "
          f"start: median of {args.repeats}.")
    print(corpus.machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
