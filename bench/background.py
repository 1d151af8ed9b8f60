"""Key-to-screen latency and quit latency at 5,000 sentences while background work runs, against idle.

    python bench/background.py [--rounds 4] [--keys 40] [--pause 0.06] [--no-model]

Real terminals (tmux panes, ``bench/term.py``); every byte the app writes is stamped as it arrives
(``bench/stamps.py``). A key's latency is the time from just before ``tmux send-keys`` to the last
byte the app wrote for it (keys are sent ``--pause`` s apart, ``j`` and ``k`` in turn). The tmux
client's own start-up is inside that figure; its median is printed as "send-keys" so it can be taken
off by eye.

Scenarios, each in a fresh pane and annotation folder, every round:

* ``idle``: news, 5,000 sentences, ``--model none``, once the duplicate scan is over;
* ``scan``: a templated feed, 5,000 sentences whose figures are spelt out ("Item one seven says that
  the council approved …"; the near-duplicate scan's worst case), ``--model none``, keys sent while the
  scan process is alive (keys sent after it ended are not counted);
* ``model``: news, 5,000 sentences, with the spaCy model parsing it from an empty cache (entities and
  suggestions arriving in batches) and the scan running.

Quit latency: ctrl+q sent to a fresh pane while the scan (or the parse) runs, and once idle, to the
moment the pane's process is gone. The goal: p99 of key latency under background work at most
16 ms (one frame at 60 Hz); quit within 0.5 s. Intervals: 95% bootstrap over all keys of all rounds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import term  # noqa: E402

ONES = "zero one two three four five six seven eight nine".split()


def templated_feed(n: int = 5_000, seed: int = 17) -> str:
    rng = random.Random(seed)
    choices = (
        ["the council", "the ministry", "the mayor", "the agency", "the company", "the court"],
        ["approved", "rejected", "delayed", "announced", "reviewed", "questioned"],
        ["the budget", "the new plan", "the contract", "the merger", "the report", "the appeal"],
        ["for the northern district", "in the capital", "for the region", "at the port", "in the south"],
        ["on Monday", "on Tuesday", "late on Friday", "this week", "after a long debate"],
    )
    lines = []
    for i in range(n):
        item = " ".join(ONES[int(d)] for d in str(i))
        lines.append(f"Item {item} says that {' '.join(rng.choice(c) for c in choices)}.")
    return "\n".join(lines) + "\n"


def scan_alive(pid: int) -> bool:
    for child in term.children(pid):
        try:
            if b"duplicates_worker" in Path(f"/proc/{child}/cmdline").read_bytes():
                return True
        except OSError:
            continue
    return False


def open_pane(work: Path, article: str, model: str) -> tuple[term.Pane, int]:
    pane = term.Pane(100, 30)
    env = {"TAGLINE_ANNOTATOR": "bench", "TAGLINE_CACHE": str(work / "cache"), "XDG_CONFIG_HOME": str(work / "config")}
    pane.start(f"{term.tagline_command()} open {article} --model {model}", work, env)
    pane.wait_for("/5000 done", timeout=120)
    return pane, pane.pid()


def type_keys(pane: term.Pane, pid: int, count: int, pause: float, log: Path, only_while_scanning: bool):
    """(latencies in ms, send-keys round trips in ms) of ``count`` keys sent ``pause`` s apart."""
    stamps = log.with_suffix(".stamps")
    log.write_bytes(b"")
    stamps.write_text("")
    pane.pipe_to(log, stamps)
    time.sleep(0.2)
    sent: list[tuple[float, bool]] = []
    trips: list[float] = []
    for i in range(count):
        busy = scan_alive(pid) if only_while_scanning else True
        if only_while_scanning and not busy:
            break
        began = time.monotonic()
        pane.keys("j" if i % 2 == 0 else "k")
        trips.append((time.monotonic() - began) * 1000)
        sent.append((began, busy))
        time.sleep(pause)
    time.sleep(0.5)
    term.tmux("pipe-pane", "-t", pane.name)
    time.sleep(0.1)
    chunks = [float(line.split()[0]) for line in stamps.read_text().splitlines() if line.strip()]
    latencies = []
    for i, (start, busy) in enumerate(sent):
        end = sent[i + 1][0] if i + 1 < len(sent) else start + pause + 0.5
        answer = [t for t in chunks if start <= t < end]
        if answer and busy:
            latencies.append((answer[-1] - start) * 1000)
    return latencies, trips


def gone(pid: int) -> bool:
    try:
        return "State:\tZ" in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True


def quit_latency(pane: term.Pane, pid: int) -> float:
    """ms from just before ctrl+q is sent to the app's process gone (exited: a zombie, or reaped)."""
    began = time.perf_counter()
    pane.keys("C-q")
    while not gone(pid):
        time.sleep(0.002)
        if time.perf_counter() - began > 60:
            return float("inf")
    return (time.perf_counter() - began) * 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def interval(values: list[float], q: float, rng: random.Random, draws: int = 1000) -> tuple[float, float]:
    estimates = sorted(percentile(rng.choices(values, k=len(values)), q) for _ in range(draws))
    return estimates[int(0.025 * draws)], estimates[int(0.975 * draws) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--keys", type=int, default=40, help="keys per scenario and round")
    parser.add_argument("--pause", type=float, default=0.06, help="seconds between keys")
    parser.add_argument("--no-model", action="store_true", help="leave out the scenario with the spaCy model")
    args = parser.parse_args(argv)
    term.require_tmux()
    scenarios = ["idle", "scan"] + ([] if args.no_model else ["model"])
    keys: dict[str, list[float]] = {s: [] for s in scenarios}
    quits: dict[str, list[float]] = {s: [] for s in scenarios}
    trips: list[float] = []
    scratch = Path(tempfile.mkdtemp(prefix="tagline-bench-background-"))
    (scratch / "feed.txt").write_text(templated_feed(), encoding="utf-8")
    (scratch / "news.txt").write_text(corpus.article_text(5_000), encoding="utf-8")
    try:
        for round_ in range(args.rounds):
            for scenario in scenarios:
                work = Path(tempfile.mkdtemp(prefix=f"{scenario}-", dir=scratch))
                for name in ("feed.txt", "news.txt"):
                    (work / name).write_bytes((scratch / name).read_bytes())
                article = "feed.txt" if scenario == "scan" else "news.txt"
                model = "en_core_web_sm" if scenario == "model" else "none"
                # Keys.
                pane, pid = open_pane(work, article, model)
                if scenario == "idle":
                    while scan_alive(pid):
                        time.sleep(0.05)
                    pane.settle(1.0)
                found, sent = type_keys(pane, pid, args.keys, args.pause, work / "bytes.log", scenario == "scan")
                keys[scenario] += found
                trips += sent
                pane.keys("C-q")
                pane.wait_exit(30)
                pane.close()
                # Quit, in a fresh pane: during the scan or parse, or once idle.
                pane, pid = open_pane(work, article, model)
                if scenario == "idle":
                    while scan_alive(pid):
                        time.sleep(0.05)
                    pane.settle(1.0)
                elif scenario == "scan" and not scan_alive(pid):
                    print("  (the scan had ended before ctrl+q)", file=sys.stderr)
                quits[scenario].append(quit_latency(pane, pid))
                pane.close()
                print(f"  round {round_ + 1} {scenario}: {len(found)} keys, median {statistics.median(found) if found else float('nan'):.1f} ms; "
                      f"quit {quits[scenario][-1]:.0f} ms", file=sys.stderr)
    finally:
        term.stop_server()
    rng = random.Random(7)
    print(f"{'scenario':<8} {'keys':>5} {'p50 ms':>18} {'p99 ms':>20} {'p99/idle':>8} {'quit ms: median [max]':>22}")
    base = percentile(keys["idle"], 0.99) if keys["idle"] else float("nan")
    for scenario in scenarios:
        values = keys[scenario]
        if not values:
            print(f"{scenario:<8} {0:>5}")
            continue
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        (a50, b50), (a99, b99) = interval(values, 0.5, rng), interval(values, 0.99, rng)
        quit_ms = quits[scenario]
        print(f"{scenario:<8} {len(values):>5} {p50:>6.1f} [{a50:.1f}, {b50:.1f}] {p99:>7.1f} [{a99:.1f}, {b99:.1f}] "
              f"{p99 / base:>8.2f} {statistics.median(quit_ms):>12.0f} [{max(quit_ms):.0f}]")
    print(f"send-keys (tmux client start, inside every figure): median {statistics.median(trips):.1f} ms")
    print(corpus.machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
