"""CPU time per key on articles of 300 and 5,000 sentences: does a key cost the same at any length?

    python bench/keys.py                 # the table (about two minutes)
    python bench/keys.py --keys 300      # more keys per row and round
    python bench/keys.py --profile out.prof --profile-size 5000 --profile-kind tags

Two ways in, each measured with ``time.process_time`` (user + system CPU time of this process,
all threads) around the handling of one key:

* ``pilot``: the real app through Textual's Pilot at 80x24, ``await pilot.press(key)``, which
  returns once the screen has processed the key and refreshed;
* ``session``: the headless core alone, the :class:`~tagline.core.session.Session` method the key calls.

Moves are ``j`` and ``k``; tags are ``c``, ``q``, ``s`` and ``space``, each one saved (journal line
and fsync) before the next key. Articles are news-like sentences drawn with a fixed seed from
NewsSD-ENG (see ``bench/corpus.py``); the cursor starts in the middle of the article. The goal is a
ratio 5000/300 of at most 1.3 for moves and for tags.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import keyloop  # noqa: E402

from tagline.core.articles import Article  # noqa: E402
from tagline.core.labels import DEFAULT_SCHEME  # noqa: E402
from tagline.core.session import Session  # noqa: E402

MOVES = ("j", "k")
TAGS = ("c", "q", "s", "space")
WARM_UP = 12  # keys pressed before measuring: the first paint, lazy styles, the journal's open


@dataclass(kw_only=True)
class Row(keyloop.Timed):
    """One row of the table: the keys of one way in, article size and kind of key."""

    way: str
    sentences: int
    kind: str

    @property
    def wall(self) -> float:
        return statistics.fmean(self.wall_ms)


def key_sequence(kind: str, count: int) -> list[str]:
    if kind == "moves":
        # Down then back up, so the cursor stays in the middle of the article.
        half = count // 2
        return ["j"] * half + ["k"] * (count - half)
    return [TAGS[i % len(TAGS)] for i in range(count)]


def make_session(n_sentences: int, folder: Path) -> Session:
    text = corpus.article_text(n_sentences)
    article = Article(f"news-{n_sentences}", f"news-{n_sentences}.txt", text)
    session = Session([article], folder, "bench", DEFAULT_SCHEME)
    assert session.total == n_sentences
    session.goto(n_sentences // 2)
    return session


def session_action(session: Session, key: str):
    return {
        "j": lambda: session.move(1),
        "k": lambda: session.move(-1),
        "c": lambda: session.toggle("claim"),
        "q": lambda: session.toggle("quote"),
        "s": lambda: session.toggle("statistic"),
        "space": session.confirm,
    }[key]


def measure_session(n_sentences: int, kind: str, count: int, profiler: cProfile.Profile | None = None) -> Row:
    with tempfile.TemporaryDirectory(prefix="tagline-bench-") as folder:
        session = make_session(n_sentences, Path(folder))
        timed = keyloop.time_keys(key_sequence(kind, count + WARM_UP), lambda key: session_action(session, key)(),
                                  warm_up=WARM_UP, profiler=profiler)
        check(session, kind)
        session.close()
    return Row(way="session", sentences=n_sentences, kind=kind, cpu_ms=timed.cpu_ms, wall_ms=timed.wall_ms)


async def measure_pilot(n_sentences: int, kind: str, count: int, profiler: cProfile.Profile | None = None) -> Row:
    from tagline.app.app import TaglineApp
    from tagline.app.launch import theme_folders

    with tempfile.TemporaryDirectory(prefix="tagline-bench-") as folder:
        session = make_session(n_sentences, Path(folder))
        app = TaglineApp(session, None, theme_folders=theme_folders())
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            timed = await keyloop.time_keys_async(key_sequence(kind, count + WARM_UP), pilot.press, warm_up=WARM_UP,
                                                  profiler=profiler)
            check(session, kind)
        app.shutdown()
    return Row(way="pilot", sentences=n_sentences, kind=kind, cpu_ms=timed.cpu_ms, wall_ms=timed.wall_ms)


def check(session: Session, kind: str) -> None:
    """The keys did what they say: a benchmark of keys that were dropped would measure nothing."""
    if kind == "moves":
        assert session.cursor == session.total // 2, "moves went astray"
    else:
        done, _, _ = session.counts()
        assert done > 0, "no tag reached the store"


def table(rows: list[Row]) -> str:
    lines = [
        f"{'way':<8} {'sentences':>9} {'kind':<6} {'keys':>5} {'cpu ms/key':>10} {'mean':>7} {'p95':>7} {'wall ms':>8} {'ratio 5000/300':>14}",
        "-" * 81,
    ]
    smallest = min(r.sentences for r in rows)
    base = {(r.way, r.kind): r for r in rows if r.sentences == smallest}
    for r in rows:
        ref = base[(r.way, r.kind)]
        ratio = f"{r.median / ref.median:.2f}" if r is not ref and ref.median > 0 else ""
        # Pilot's wall time is mostly its own wait for the screen to settle: not shown.
        wall = f"{r.wall:.2f}" if r.way == "session" else "-"
        lines.append(
            f"{r.way:<8} {r.sentences:>9} {r.kind:<6} {len(r.cpu_ms):>5} {r.median:>10.3f} {r.mean:>7.3f} {r.p95:>7.3f} {wall:>8} {ratio:>14}"
        )
    lines.append("cpu ms/key: median over every measured key (process CPU time, all threads); ratio of medians")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=100, help="keys measured per row and round (default 100)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, sizes interleaved (default 3)")
    parser.add_argument("--sizes", default="300,5000", help="article sizes in sentences (default 300,5000)")
    parser.add_argument("--way", choices=("both", "pilot", "session"), default="both")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of one row's keys to FILE")
    parser.add_argument("--profile-size", type=int, default=5000)
    parser.add_argument("--profile-kind", choices=("moves", "tags"), default="tags")
    parser.add_argument("--profile-way", choices=("pilot", "session"), default="pilot")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    ways = ("pilot", "session") if args.way == "both" else (args.way,)
    rows: dict[tuple[str, int, str], Row] = {}
    for round_ in range(args.rounds):
        # Sizes alternate in order from round to round, so neither always runs first.
        order = sizes if round_ % 2 == 0 else list(reversed(sizes))
        for way in ways:
            for kind in ("moves", "tags"):
                for n in order:
                    profiler = None
                    if args.profile and round_ == 0 and (way, kind, n) == (args.profile_way, args.profile_kind, args.profile_size):
                        profiler = cProfile.Profile(time.process_time)
                    if way == "pilot":
                        row = asyncio.run(measure_pilot(n, kind, args.keys, profiler))
                    else:
                        row = measure_session(n, kind, args.keys, profiler)
                    print(f"  round {round_ + 1}: {way} {kind} {n}: {row.median:.3f} ms/key", file=sys.stderr)
                    if profiler is not None:
                        profiler.dump_stats(args.profile)
                    rows.setdefault((way, n, kind), Row(way=way, sentences=n, kind=kind)).extend(row)
    print(table([rows[(way, n, kind)] for way in ways for kind in ("moves", "tags") for n in sizes]))
    print(corpus.machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
