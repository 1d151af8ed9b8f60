"""A review narrowed to one article and two annotators, on a large project: what it reads before
its screen, against the whole project's read it used to start with, in the same run.

    python bench/review_narrowed.py                     # 2,000 articles x 3 annotators, 3 rounds
    python bench/review_narrowed.py --articles 500 --repeats 5

The project is ``bench/status.py``'s tree (tagline's own files). Timed, warm (the parsed forms
cached) and cold (this user's parsed forms removed first), alternating:

* ``narrowed``: ``ReviewSession(root, …, annotators=[alice, bob], paths=[one article])``, what
  ``tagline review ARTICLE --annotators alice,bob`` reads;
* ``whole read``: ``corpus.load(root)``, what the same review read first before it was narrowed
  (the baseline).

The bench's annotators agree everywhere, so the review finds nothing to show and says so: the read
is what is timed.
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

from tagline.core import corpus  # noqa: E402
from tagline.core.adjudication import NothingToReview, ReviewSession  # noqa: E402
from tagline.core.labels import DEFAULT_SCHEME  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with status_bench.built_project(args.articles, "tagline-review-narrowed-") as (root, cache):
        annotations = root / "annotations"
        article = f"{args.articles // 2:05d}_bench"

        def narrowed() -> None:
            try:
                ReviewSession(annotations, "carol", DEFAULT_SCHEME, annotators=["alice", "bob"], paths=[article])
            except NothingToReview:
                pass

        reads = {"narrowed": narrowed, "whole read": lambda: corpus.load(annotations, DEFAULT_SCHEME)}
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.repeats):
            for state in ("cold", "warm"):
                for name, read in reads.items():
                    if state == "cold":
                        shutil.rmtree(cache, ignore_errors=True)
                    else:
                        read()  # warm: the parsed forms written by a read just before
                    started = time.perf_counter()
                    read()
                    times.setdefault((name, state), []).append(time.perf_counter() - started)
        files = args.articles * len(status_bench.NAMES)
        print(f"{files:,} annotation files ({args.articles:,} articles x {len(status_bench.NAMES)}), "
              f"{args.repeats} rounds; median seconds")
        print(f"{'state':<6} {'whole read':>11} {'narrowed':>9} {'ratio':>7}")
        for state in ("cold", "warm"):
            whole = statistics.median(times[("whole read", state)])
            narrow = statistics.median(times[("narrowed", state)])
            print(f"{state:<6} {whole:>11.2f} {narrow:>9.3f} {narrow / whole:>7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
