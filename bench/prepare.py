"""Throughput of ``tagline prepare`` against spaCy's own ``nlp.pipe(n_process=N)`` on the same texts.

    python bench/prepare.py                  # the table (about three minutes)
    python bench/prepare.py --jobs 2 --repeats 3 --sentences 8000

Both sides are whole processes, timed from start to exit, model load included:

* ``tagline prepare ARTICLES --jobs N`` with an empty parse cache: it reads and splits the articles,
  parses every distinct paragraph in N worker processes and writes the entities to the cache;
* ``spacy``: a Python process that loads the same pipeline with the same components left out
  (:data:`tagline.core.nlp.EXCLUDE`), reads the same distinct paragraphs and runs
  ``nlp.pipe(texts, n_process=N)`` with spaCy's default batch size, collecting the entities; it
  writes nothing.

The articles are news-like (``bench/corpus.py``), one seed per article. The goal is a throughput
ratio (prepare / spaCy) of at least 0.9.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

from tagline.core import nlp, segment  # noqa: E402

ARTICLES = 4

BASELINE = """
import json, sys
import spacy
from tagline.core.nlp import EXCLUDE
package, texts_path, n_process = sys.argv[1], sys.argv[2], int(sys.argv[3])
nlp = spacy.load(package, exclude=list(EXCLUDE))
texts = json.load(open(texts_path, encoding="utf-8"))
found = [[[e.start_char, e.end_char, e.label_] for e in doc.ents] for doc in nlp.pipe(texts, n_process=n_process)]
assert len(found) == len(texts)
print(sum(map(len, found)))
"""


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=6000, help="sentences in all (default 6000, in 4 articles)")
    parser.add_argument("--jobs", default="1,2", help="process counts to compare (default 1,2)")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    model = nlp.resolve_model(nlp.DEFAULT_MODEL)
    with tempfile.TemporaryDirectory(prefix="tagline-prepare-bench-") as tmp:
        work = Path(tmp)
        folder = work / "articles"
        texts: dict[str, None] = {}
        chars = 0
        for i in range(ARTICLES):
            path = corpus.write_article(folder, args.sentences // ARTICLES, seed=corpus.SEED + i, name=f"news-{i}")
            text = path.read_text(encoding="utf-8")
            for span in segment.split(text)[0]:
                paragraph = text[span.start : span.end]
                if paragraph not in texts:
                    texts[paragraph] = None
                    chars += len(paragraph)
        texts_path = work / "texts.json"
        texts_path.write_text(json.dumps(list(texts)), encoding="utf-8")
        n = len(texts)
        print(f"{ARTICLES} articles, {args.sentences} sentences, {n} distinct paragraphs, {chars:,} characters", file=sys.stderr)

        results: dict[tuple[str, int], list[float]] = {}
        for r in range(args.repeats):
            for jobs in (int(j) for j in args.jobs.split(",")):
                sides = ["prepare", "spacy"] if r % 2 == 0 else ["spacy", "prepare"]
                for side in sides:
                    if side == "prepare":
                        cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
                        command = [sys.executable, "-m", "tagline", "prepare", str(folder), "--jobs", str(jobs)]
                        seconds = timed(command, {"TAGLINE_CACHE": str(cache)})
                        cached = nlp.ParseCache(cache).get_many([nlp.ParseCache.key(model, t) for t in texts])
                        assert len(cached) == n, f"prepare cached {len(cached)} of {n} paragraphs"
                    else:
                        command = [sys.executable, "-c", BASELINE, model.package, str(texts_path), str(jobs)]
                        seconds = timed(command, {})
                    results.setdefault((side, jobs), []).append(seconds)
                    print(f"  {side:<8} jobs {jobs}: {seconds:.1f} s, {n / seconds:.0f} paragraphs/s", file=sys.stderr)

        print(f"{'processes':>9} {'side':<8} {'seconds':>8} {'paragraphs/s':>13} {'chars/s':>9} {'ratio':>6}")
        print("-" * 58)
        for jobs in (int(j) for j in args.jobs.split(",")):
            base = statistics.median(results[("spacy", jobs)])
            for side in ("spacy", "prepare"):
                seconds = statistics.median(results[(side, jobs)])
                ratio = f"{base / seconds:.2f}" if side == "prepare" else ""
                print(f"{jobs:>9} {side:<8} {seconds:>8.1f} {n / seconds:>13.0f} {chars / seconds:>9,.0f} {ratio:>6}")
        print(f"{n} distinct paragraphs; median of {args.repeats} runs; whole processes, model load included; "
              "ratio = prepare's throughput / spaCy's (goal >= 0.9)")
    print(corpus.machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
