"""CPU time to parse a big JSONL input with the JSON loader that refuses a key given twice in an
object, against the loader before it (``json.loads`` with no hook), in the same run.

    python bench/json_load.py                  # 20,000 Prodigy rows and 2,000 articles, 15 rounds
    python bench/json_load.py --rounds 30 --rows 50000 --articles 5000

Two inputs, made from NewsSD-ENG sentences (``bench/corpus.py``): what ``tagline import`` reads, a
Prodigy JSONL of one sentence a row with its answer, three spans and its meta (the most objects
per byte, so the shape the check costs most on), and what the reader opens, an article feed of one
article of 30 sentences a line (few objects, long strings). ``before`` is what ``safejson.loads``
ran before the check (``json.loads`` of each line); ``now`` is ``safejson.loads`` itself. Each
round times one parse of every line of each input each way, in turn (the order alternating), with
``time.process_time``; the ratio is now / before of the medians, with a 95% bootstrap interval.
Each input is timed twice: its lines parsed alone, and read whole by the reader that takes it
(``importing.read_rows`` for ``tagline import``, ``articles.read_file`` for the reader), where the
check is one part of the work.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib  # noqa: E402
import tempfile  # noqa: E402

import corpus  # noqa: E402
from intervals import bootstrap_ratio  # noqa: E402

from tagline.core import articles, importing, safejson, segment  # noqa: E402
from tagline.core.labels import DEFAULT_SCHEME  # noqa: E402

BEFORE = safejson.loads


def before_loads(text, unique=True):
    """``safejson.loads`` as it was before the check: ``json.loads``, no hook."""
    return BEFORE(text, unique=False)


@contextlib.contextmanager
def loader(way: str):
    """The readers' ``safejson.loads`` as it was (``before``) or is (``now``), for one timing."""
    if way == "before":
        safejson.loads = before_loads
    try:
        yield
    finally:
        safejson.loads = BEFORE


def prodigy_lines(n_rows: int) -> list[bytes]:
    text = corpus.article_text(max(30, n_rows))
    spans = segment.split(text)[1][:n_rows]
    labels = ("claim", "quote", "statistic")
    lines = []
    for index, (start, end) in enumerate(spans):
        sentence, length = text[start:end], end - start
        entities = [{"start": a, "end": min(a + 5, length), "label": kind, "token_start": a // 5, "token_end": min(a + 5, length) // 5}
                    for a, kind in ((0, "GPE"), (length // 3, "PERSON"), (2 * length // 3, "DATE")) if a < length]
        row = {"text": sentence, "_input_hash": hash(sentence) & 0x7FFFFFFF, "_task_hash": index, "answer": "accept",
               "accept": [labels[index % 3]], "options": [{"id": name, "text": name} for name in labels], "spans": entities,
               "meta": {"article": f"a{index // 30}", "index": index % 30, "annotator": "bench", "sha256": "0" * 64}}
        lines.append(json.dumps(row, ensure_ascii=False).encode("utf-8"))
    return lines


def feed_lines(n_articles: int) -> list[bytes]:
    return [json.dumps({"id": f"a{index}", "text": corpus.article_text(30, seed=corpus.SEED + index),
                        "meta": {"source": "bench", "published": "2026-12-03"}}, ensure_ascii=False).encode("utf-8")
            for index in range(n_articles)]


def timed(read, way: str) -> float:
    with loader(way):
        start = time.process_time()
        read()
        return time.process_time() - start


def parse_all(lines: list[bytes]) -> None:
    for line in lines:
        safejson.loads(line.decode("utf-8-sig"))  # as the readers decode each line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--articles", type=int, default=2_000)
    args = parser.parse_args(argv)
    ways = ("before", "now")
    folder = Path(tempfile.mkdtemp(prefix="tagline-json-bench-"))
    rows, feed = folder / "rows.jsonl", folder / "feed.jsonl"
    inputs = {rows: prodigy_lines(args.rows), feed: feed_lines(args.articles)}
    for path, lines in inputs.items():
        path.write_bytes(b"\n".join(lines) + b"\n")
        assert all(safejson.loads(line) == json.loads(line) for line in lines[:100])
    problems: list = []
    cases = {
        f"{args.rows:,} Prodigy rows, parse": lambda: parse_all(inputs[rows]),
        "... importing.read_rows": lambda: importing.read_rows(rows, "prodigy", DEFAULT_SCHEME, problems),
        f"{args.articles:,} articles, parse": lambda: parse_all(inputs[feed]),
        "... articles.read_file": lambda: articles.read_file(feed),
    }
    print(f"{args.rounds} rounds; {corpus.machine()}")
    print(f"{'input':>30} {'MB':>5} {'before ms':>10} {'now ms':>8} {'now/before':>10} {'95% interval':>16}")
    for name, read in cases.items():
        path = rows if "Prodigy" in name or "read_rows" in name else feed
        times: dict[str, list[float]] = {way: [] for way in ways}
        for round_ in range(args.rounds):
            for way in ways if round_ % 2 == 0 else reversed(ways):
                times[way].append(timed(read, way))
        before, now = statistics.median(times["before"]), statistics.median(times["now"])
        low, high = bootstrap_ratio(times["now"], times["before"])
        print(f"{name:>30} {path.stat().st_size / (1024 * 1024):>5.1f} {before * 1000:>10.1f} {now * 1000:>8.1f} "
              f"{now / before:>10.3f} {f'[{low:.3f}, {high:.3f}]':>16}")
    assert not problems  # every row was read as a row, both ways
    for path in inputs:
        path.unlink()
    folder.rmdir()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
