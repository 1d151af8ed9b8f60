"""tagline against SLATE (``pip install slate-nlp``), both in tmux at 80x24 on the same texts.

    python bench/vs_slate.py               # the table: 3 rounds (about ten minutes)
    python bench/vs_slate.py --rounds 5 --typed 200

SLATE (Kummerfeld, ACL 2019) is a curses annotation tool; run here as
``slate FILE -t categorical -s line``: one item a line, ``o`` / ``i`` move down / up, ``space`` then
``a`` toggles label ``a`` on the line (two keys per tag). tagline runs as
``tagline open FILE --model none`` (SLATE has no NLP): ``j`` / ``k`` move, ``c`` toggles claim.
Moves go down and back up in legs no longer than the text (every move moves); tags repeat on one
line, toggling on and off.
Both get the same files: the sample article and a 5,000-sentence news text (``bench/corpus.py``),
one sentence a line, so both show the same items.

Each round starts every app on every text in turn (tagline, SLATE, tagline, SLATE, ...) and types
the same actions, so that both meet the same machine; the table gives the median over rounds, and
each ratio is the median of the rounds' ratios, with their spread. Measured per app and text:

* start-up: from starting the process in tmux to the first sentence on screen;
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

from tagline.core import segment  # noqa: E402

QUIET = 0.4  # seconds without a change that count as settled


@dataclass
class App:
    name: str
    down: tuple[str, ...]
    up: tuple[str, ...]
    tag: tuple[str, ...]
    quit: tuple[str, ...]

    def actions(self, kind: str, n: int, lines: int) -> list[tuple[str, ...]]:
        """``n`` actions of ``kind``. Moves go down and back up in legs of at most ``lines - 1``, so
        that neither app runs into an end of the text (a move that cannot move draws nothing)."""
        if kind != "move":
            return [self.tag] * n
        leg = max(1, min(n // 2, lines - 1))
        out: list[tuple[str, ...]] = []
        while len(out) < n:
            out += [self.down] * min(leg, n - len(out))
            out += [self.up] * min(leg, n - len(out))
        return out

    def command(self, path: Path, work: Path) -> str:
        if self.name == "slate":
            return f"{shutil.which('slate') or Path(sys.executable).parent / 'slate'} {path.name} -t categorical -s line -l {work / 'slate-log'}"
        return f"{term.tagline_command()} open {path.name} --model none --annotations {work / 'annotations'}"


TAGLINE = App("tagline", ("j",), ("k",), ("c",), ("C-q",))
SLATE = App("slate", ("o",), ("i",), ("Space", "a"), ("q",))


@dataclass
class Result:
    """One round of one app on one text."""

    startup: float = 0.0
    cpu_ms: dict[str, float] = field(default_factory=dict)
    wall_ms: dict[str, float] = field(default_factory=dict)
    bytes_per: dict[str, float] = field(default_factory=dict)
    latency_ms: dict[str, float] = field(default_factory=dict)
    idle_cpu_ms_per_s: float = 0.0
    peak_mb: float = 0.0

    def value(self, column: str) -> float:
        kind = column.split("/")[-1]
        if column.startswith("cpu"):
            return self.cpu_ms[kind]
        if column.startswith("ms"):
            return self.latency_ms[kind]
        if column.startswith("B"):
            return self.bytes_per[kind]
        if column == "burst":
            return statistics.fmean(self.wall_ms.values())
        return {"start": self.startup, "peak": self.peak_mb, "idle": self.idle_cpu_ms_per_s}[column]


COLUMNS = ("start", "cpu/move", "cpu/tag", "ms/move", "ms/tag", "burst", "B/move", "B/tag", "peak", "idle")


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


def measure(app: App, path: Path, marker: str, lines: int, args, scratch: Path) -> Result:
    """One round: start the app on the text, type, burst, read its peak memory, quit."""
    result = Result()
    work = Path(tempfile.mkdtemp(prefix=f"{app.name}-", dir=scratch))
    copy = work / path.name
    shutil.copy(path, copy)
    pane, result.startup = start(app, copy, work, marker)
    try:
        pid = pane.pid()
        result.idle_cpu_ms_per_s = quiet_cpu(pid)
        for kind in ("move", "tag"):
            result.cpu_ms[kind], result.bytes_per[kind], result.latency_ms[kind] = typed(
                pane, pid, app.actions(kind, args.typed, lines), work / f"bytes-{kind}.log", args.pause, result.idle_cpu_ms_per_s
            )
        for kind in ("move", "tag"):
            result.wall_ms[kind] = burst(pane, app.actions(kind, args.keys, lines))
        result.peak_mb = term.peak_rss_mb(pid)
    finally:
        quit_app(app, pane)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=200, help="actions per burst, for wall time (default 200)")
    parser.add_argument("--typed", type=int, default=100, help="actions typed one at a time, for CPU, bytes and time (default 100)")
    parser.add_argument("--pause", type=float, default=0.15, help="seconds between typed actions (default 0.15)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each starting every app on every text (default 3)")
    parser.add_argument("--lines", type=int, default=5000)
    args = parser.parse_args(argv)
    term.require_tmux()
    why_not = slate_available()
    apps = [TAGLINE] + ([SLATE] if why_not is None else [])
    if why_not:
        print(f"SLATE left out: {why_not}", file=sys.stderr)
    results: dict[tuple[str, str], list[Result]] = {}
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
            for r in range(args.rounds):
                for name, path in texts.items():
                    marker = path.read_text(encoding="utf-8").split("\n", 1)[0][:24]
                    for app in apps:
                        results.setdefault((app.name, name), []).append(measure(app, path, marker, lines[name], args, scratch))
                print(f"  round {r + 1}/{args.rounds}: done", file=sys.stderr)
        finally:
            term.stop_server()

    def median(app: str, name: str, column: str) -> float:
        return statistics.median(r.value(column) for r in results[(app, name)])

    header = (f"{'app':<8} {'lines':>5} {'start s':>7} {'cpu ms/move':>11} {'cpu ms/tag':>10} {'ms/move':>7} {'ms/tag':>6} "
              f"{'burst ms/act':>12} {'B/move':>7} {'B/tag':>6} {'peak MiB':>8} {'idle cpu':>8}")
    print(header)
    print("-" * len(header))
    for name in texts:
        for app in apps:
            m = {column: median(app.name, name, column) for column in COLUMNS}
            print(f"{app.name:<8} {lines[name]:>5} {m['start']:>7.2f} {m['cpu/move']:>11.2f} {m['cpu/tag']:>10.2f} "
                  f"{m['ms/move']:>7.1f} {m['ms/tag']:>6.1f} {m['burst']:>12.2f} {m['B/move']:>7.0f} {m['B/tag']:>6.0f} "
                  f"{m['peak']:>8.1f} {m['idle']:>8.1f}")
    if SLATE in apps:
        shown = ("start", "cpu/move", "cpu/tag", "ms/move", "ms/tag", "B/move", "B/tag", "peak")
        print()
        print("ratio tagline / SLATE, median of the rounds' ratios (below 1: tagline uses less, or is quicker)")
        print(f"{'lines':>5} " + " ".join(f"{c:>8}" for c in shown))
        spreads = []
        for name in texts:
            cells, spread = [], []
            for column in shown:
                ratios = sorted(
                    t.value(column) / s.value(column) if s.value(column) > 0 else float("inf")
                    for t, s in zip(results[("tagline", name)], results[("slate", name)])
                )
                cells.append(f"{statistics.median(ratios):>8.2f}")
                spread.append(f"{ratios[0]:.2f}-{ratios[-1]:.2f}")
            print(f"{lines[name]:>5} " + " ".join(cells))
            spreads.append((name, spread))
        print(f"{'lines':>5} " + " ".join(f"{c:>9}" for c in shown) + "   (lowest-highest round)")
        for name, spread in spreads:
            print(f"{lines[name]:>5} " + " ".join(f"{c:>9}" for c in spread))
    print()
    print(f"a tag is one key in tagline (c) and two in SLATE (space a). cpu ms and bytes: per action typed one at a time "
          f"({args.typed} each, {args.pause} s apart), idle CPU taken off. ms/move, ms/tag: median time from sending the "
          f"action (tmux send-keys, the same for both) to the last byte written for it. burst ms/act: wall time per action for {args.keys} "
          f"moves and {args.keys} tags sent at once, until the screen settles. idle cpu: CPU ms per second with no keys. "
          f"Every figure: the median of {args.rounds} rounds, apps interleaved.")
    print(corpus.machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
