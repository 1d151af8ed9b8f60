"""A project's first read: files nobody has a parsed form of, read by ``corpus.load`` (agree,
export, stats, review) and ``status.compute``, with parse-ahead (``tagline.core.parse_ahead``)
against the same read one file at a time, the baseline, in the same run.

    python bench/first_read.py                      # 2,000 articles x 3 annotators, 3 rounds
    python bench/first_read.py --articles 500 --repeats 5

The files are tagline's own (``bench/status.py``'s tree: a store-written file copied under every
id), the progress index removed so that status parses them too. Before each timed read this
user's parsed forms are removed; the two ways alternate, so that what else the machine does falls
on both.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import status as status_bench  # noqa: E402

from tagline.core import corpus, parse_ahead, status  # noqa: E402
from tagline.core.labels import DEFAULT_SCHEME  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    threshold = parse_ahead.WARM_AT
    with status_bench.built_project(args.articles, "tagline-first-read-") as (root, cache):
        for index in root.glob("annotations/*/.progress.json"):
            index.unlink()
        annotations = root / "annotations"
        reads = {
            "corpus.load": lambda: corpus.load(annotations, DEFAULT_SCHEME),
            "status.compute": lambda: status.compute(annotations, DEFAULT_SCHEME),
        }
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.repeats):
            for name, read in reads.items():
                for way, at in (("one at a time", 10**12), ("parse-ahead", threshold)):
                    shutil.rmtree(cache, ignore_errors=True)
                    parse_ahead.WARM_AT = at
                    started = time.perf_counter()
                    read()
                    times.setdefault((name, way), []).append(time.perf_counter() - started)
        parse_ahead.WARM_AT = threshold
        files = args.articles * len(status_bench.NAMES)
        print(f"{files:,} files nobody had parsed ({args.articles:,} articles x {len(status_bench.NAMES)}), "
              f"{parse_ahead.cpus()} CPUs, {args.repeats} rounds; median seconds")
        print(f"{'read':<16} {'one at a time':>14} {'parse-ahead':>12} {'ratio':>6}")
        for name in reads:
            alone = statistics.median(times[(name, "one at a time")])
            helped = statistics.median(times[(name, "parse-ahead")])
            print(f"{name:<16} {alone:>14.2f} {helped:>12.2f} {helped / alone:>6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
