"""CPU time per key on an article that is one huge sentence (20 KB, 200 KB, 2 MB, no full stop)
against a 30-sentence article, and a 5,000-sentence one: does a key cost the same at any sentence size?

    python bench/huge_sentence.py                       # the table
    python bench/huge_sentence.py --before ../main      # also tagline from another checkout, same run
    python bench/huge_sentence.py --profile out.prof --profile-row 2MB

A huge sentence is what a pasted log or a templated feed without punctuation makes: the words of
NewsSD-ENG (``bench/corpus.py``) with every sentence-ending mark taken out, on one line, cut to the
size. Keys are tags (``c``, ``q``, ``s``, ``x`` in turn), each one saved (journal line and
fdatasync) before the next, on the sentence in the middle of the article. Two ways in, each timed
with ``time.process_time`` around one key:

* ``pilot``: the real app through Textual's Pilot at 80x24, ``await pilot.press(key)``;
* ``session``: the headless core, the :class:`~tagline.core.session.Session` method the key calls.

``journal B/key`` is what the journal grew by per key. Every ratio is against the 30-sentence row of
this checkout and the same way, measured in the same run. ``--before DIR`` runs the same rows with
tagline from ``DIR/tui`` in a child process (rows marked ``before``), rounds interleaved.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import keyloop  # noqa: E402

TAGS = ("c", "q", "s", "x")
WARM_UP = 8
#: (row name, what it is): a number of sentences, or a sentence of that many characters.
ROWS = {"30 sentences": ("sentences", 30), "20KB": ("sentence", 20_000), "200KB": ("sentence", 200_000),
        "2MB": ("sentence", 2_000_000), "5000 sentences": ("sentences", 5_000)}
BASELINE = "30 sentences"


def huge_sentence(size: int) -> str:
    """One line of news words, no mark that ends a sentence, ``size`` characters."""
    words = [w for s in corpus.sentences() for w in re.sub(r"[.!?…。！？:;]", "", s).split()]
    text = " ".join(words)
    while len(text) < size:
        text = f"{text} {text}"
    return text[:size].rstrip() + "\n"


def article_text(row: str) -> str:
    kind, size = ROWS[row]
    return corpus.article_text(size) if kind == "sentences" else huge_sentence(size)


@dataclass
class Result:
    way: str
    row: str
    side: str = "after"
    cpu_ms: list[float] = field(default_factory=list)
    journal: list[float] = field(default_factory=list)  # bytes per key
    wall_ms: list[float] = field(default_factory=list)


def make_session(text: str, folder: Path):
    from tagline.core.articles import Article
    from tagline.core.labels import DEFAULT_SCHEME
    from tagline.core.session import Session

    article = Article("huge", "huge.txt", text)
    session = Session([article], folder, "bench", DEFAULT_SCHEME)
    session.goto(session.total // 2)
    return session


def journal_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in (folder / "bench").glob("huge.journal*"))


def measure_session(row: str, keys: int, profiler: cProfile.Profile | None = None) -> Result:
    result = Result("session", row)
    text = article_text(row)
    with tempfile.TemporaryDirectory(prefix="tagline-bench-") as name:
        folder = Path(name)
        session = make_session(text, folder)
        actions = {"c": lambda: session.toggle("claim"), "q": lambda: session.toggle("quote"),
                   "s": lambda: session.toggle("statistic"), "x": session.clear}
        sizes = [0]
        timed = keyloop.time_keys(key_sequence(keys + WARM_UP), lambda key: actions[key](), warm_up=WARM_UP,
                                  profiler=profiler, between=lambda i: sizes.__setitem__(0, journal_size(folder)),
                                  after=lambda i: journal_size(folder) - sizes[0])
        result.cpu_ms, result.wall_ms, result.journal = timed.cpu_ms, timed.wall_ms, timed.extra
        assert session.store.dirty, "no tag reached the store"
        session.close()
    return result


async def measure_pilot(row: str, keys: int, profiler: cProfile.Profile | None = None) -> Result:
    from tagline.app.app import TaglineApp
    from tagline.app.launch import theme_folders

    result = Result("pilot", row)
    text = article_text(row)
    with tempfile.TemporaryDirectory(prefix="tagline-bench-") as name:
        folder = Path(name)
        session = make_session(text, folder)
        app = TaglineApp(session, None, theme_folders=theme_folders())
        app._fold_when_idle = lambda: None  # no fold between keys: a key's own cost, and its journal
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            sizes = [0]
            timed = await keyloop.time_keys_async(
                key_sequence(keys + WARM_UP), pilot.press, warm_up=WARM_UP, profiler=profiler,
                between=lambda i: sizes.__setitem__(0, journal_size(folder)),
                after=lambda i: journal_size(folder) - sizes[0])
            # Pilot's wall time is mostly its own wait for the screen to settle: not kept.
            result.cpu_ms, result.journal = timed.cpu_ms, timed.extra
            assert session.store.dirty, "no tag reached the store"
        app.shutdown()
    return result


def key_sequence(count: int) -> list[str]:
    return [TAGS[i % len(TAGS)] for i in range(count)]


def run_rows(rows: list[str], ways: list[str], keys: int, profile: str | None = None, profile_row: str = "",
             profile_way: str = "pilot") -> list[Result]:
    results = []
    for row in rows:
        for way in ways:
            profiler = cProfile.Profile(time.process_time) if profile and (row, way) == (profile_row, profile_way) else None
            result = asyncio.run(measure_pilot(row, keys, profiler)) if way == "pilot" else measure_session(row, keys, profiler)
            if profiler is not None:
                profiler.dump_stats(profile)
            results.append(result)
    return results


def run_before(checkout: Path, rows: list[str], ways: list[str], keys: int) -> list[Result]:
    """The same rows with tagline from ``checkout``, in a child process."""
    env = dict(os.environ, PYTHONPATH=str(checkout.resolve() / "tui"))
    command = [sys.executable, __file__, "--child", "--keys", str(keys), "--rows", ",".join(rows), "--ways", ",".join(ways)]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return [Result(r["way"], r["row"], "before", r["cpu_ms"], r["journal"], r["wall_ms"]) for r in json.loads(out)]


def table(results: list[Result]) -> str:
    base = {r.way: statistics.median(r.cpu_ms) for r in results if r.row == BASELINE and r.side == "after"}
    lines = [f"{'way':<8} {'tagline':<7} {'article':<15} {'keys':>5} {'cpu ms/key':>10} {'p95':>7} {'ratio':>7} {'wall ms':>8} "
             f"{'journal B/key':>14}", "-" * 89]
    for r in results:
        median = statistics.median(r.cpu_ms)
        p95 = sorted(r.cpu_ms)[int(0.95 * (len(r.cpu_ms) - 1))]
        ratio = f"{median / base[r.way]:.2f}" if r.way in base and base[r.way] > 0 else ""
        # Pilot's wall time is mostly its own wait for the screen to settle: not shown.
        wall = f"{statistics.median(r.wall_ms):.2f}" if r.wall_ms else "-"
        lines.append(f"{r.way:<8} {r.side:<7} {r.row:<15} {len(r.cpu_ms):>5} {median:>10.3f} {p95:>7.3f} {ratio:>7} {wall:>8} "
                     f"{statistics.fmean(r.journal):>14,.0f}")
    lines.append(f"cpu ms/key: median (process CPU time, all threads); ratio: against '{BASELINE}', after, same way; "
                 "wall ms: median, fdatasync's wait included")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=40, help="keys measured per row and round (default 40)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds (default 2)")
    parser.add_argument("--rows", default=",".join(ROWS), help=f"rows among {', '.join(ROWS)}")
    parser.add_argument("--ways", default="pilot,session")
    parser.add_argument("--before", metavar="DIR", help="also tagline from this checkout (DIR/tui), in a child process")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of one row's keys to FILE")
    parser.add_argument("--profile-row", default="2MB")
    parser.add_argument("--profile-way", default="pilot", choices=("pilot", "session"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    rows = [r for r in args.rows.split(",") if r]
    ways = [w for w in args.ways.split(",") if w]
    unknown = [r for r in rows if r not in ROWS]
    if unknown:
        parser.error(f"unknown rows: {', '.join(unknown)}")
    if args.child:
        found = run_rows(rows, ways, args.keys)
        json.dump([r.__dict__ for r in found], sys.stdout)
        return 0
    merged: dict[tuple[str, str, str], Result] = {}
    for round_ in range(args.rounds):
        sides = ["after", "before"] if args.before else ["after"]
        if round_ % 2:
            sides.reverse()
        for side in sides:
            if side == "before":
                found = run_before(Path(args.before), rows, ways, args.keys)
            else:
                found = run_rows(rows, ways, args.keys, args.profile if round_ == 0 else None, args.profile_row, args.profile_way)
            for r in found:
                print(f"  round {round_ + 1}: {r.side} {r.way} {r.row}: {statistics.median(r.cpu_ms):.3f} ms/key", file=sys.stderr)
                known = merged.setdefault((r.way, r.side, r.row), Result(r.way, r.row, r.side))
                known.cpu_ms.extend(r.cpu_ms)
                known.journal.extend(r.journal)
                known.wall_ms.extend(r.wall_ms)
    order = {row: i for i, row in enumerate(ROWS)}
    results = sorted(merged.values(), key=lambda r: (r.way != "pilot", r.side != "before", order[r.row]))
    print(table(results))
    print(corpus.machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
