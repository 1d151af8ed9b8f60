"""Time of routing a team's articles (:func:`tagline.core.team.route`) as the team grows, against
the rule written plainly (every free name sorted for each article), in the same run.

    python bench/team_route.py                       # teams of 10, 1,000 and 20,000 over 2,000 articles
    python bench/team_route.py --names 100 5000 --articles 500

Both give the same routing (checked here, and by ``tests/core/test_team.py``); ``status``, the
app's queue and ``prepare`` route the corpus once a read. The table: seconds, median of
``--repeats``, and the ratio of the plain rule to ``route``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import zlib

from tagline.core import team as team_mod
from tagline.core.team import Team, route


def plain_rule(team: Team, article_ids: list[str]) -> dict[str, tuple[str, ...]]:
    """The rule as the module's docstring states it (the implementation before 2026-12-03)."""
    load = dict.fromkeys(team.annotators, 0)
    routing = {}
    for article_id in sorted(set(article_ids), key=lambda a: (team_mod._digest(a), a)):
        need = team.wanted(article_id)
        free = sorted(team.annotators, key=lambda n: (load[n], zlib.crc32(f"{article_id}\0{n}".encode("utf-8")), n))
        held = free[:need]
        for name in held:
            load[name] += 1
        routing[article_id] = tuple(sorted(held))
    return routing


def timed(fn, *args, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        began = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--names", type=int, nargs="+", default=[10, 1_000, 20_000])
    parser.add_argument("--articles", type=int, default=2_000)
    parser.add_argument("--per-article", type=float, default=1.2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    ids = [f"article-{i:05d}" for i in range(args.articles)]
    print(f"routing {args.articles:,} articles, per_article {args.per_article}, median of {args.repeats}")
    print(f"| {'names':>7} | {'route (s)':>10} | {'plain rule (s)':>14} | {'ratio':>6} |")
    print(f"|{'-' * 9}|{'-' * 12}|{'-' * 16}|{'-' * 8}|")
    for size in args.names:
        team = Team(tuple(f"user{i:05d}" for i in range(size)), min(args.per_article, float(size)), ())
        fast, routed = timed(route, team, ids, repeats=args.repeats)
        slow, expected = timed(plain_rule, team, ids, repeats=args.repeats)
        assert routed == expected, f"{size} names: route differs from the rule"
        print(f"| {size:>7,} | {fast:>10.3f} | {slow:>14.3f} | {slow / fast:>6.2f} |")


if __name__ == "__main__":
    main()
