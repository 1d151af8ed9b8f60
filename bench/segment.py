"""Sentence-boundary precision and recall of tagline's splitter beside spaCy's parser and ``senter``.

    python bench/segment.py               # both sources, the table (about a minute)
    python bench/segment.py --rows 3      # NewsSD-ENG rows joined three to a paragraph

Sources with known boundaries, none of them written by the splitter:

* **NewsSD-ENG**: all 1,049 rows of the corpus (its authors' sentences; ``shared/data`` or
  ``devset/articles``), joined five to a paragraph with one space in reading order; the gold
  boundaries are the row ends inside each paragraph.
* **edge cases**: short paragraphs written for this bench, each boundary marked by hand: the
  abbreviations, times, dates, figures, initials and quotations news uses (``U.S.``, ``Dr.``,
  ``No. 5``, ``e.g.``, ``3.5%``, ``$4.2``, ``Ph.D.``, ``5 p.m.``, ``Jan. 3``), and Japanese ``。``.

A boundary is the character offset where one sentence ends and the next begins (whitespace
between them ignored); only boundaries inside a paragraph count. Intervals: 1,000 bootstrap
resamples of paragraphs (95 %, percentile). spaCy runs ``en_core_web_sm``: ``parser`` with the
pipeline's own sentence boundaries, ``senter`` with the parser disabled and the senter enabled.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tagline.core import segment  # noqa: E402

SEED = 20261201
RESAMPLES = 1000

# "|" marks a gold boundary; written for this bench.
EDGE_CASES = """\
He left at 5 p.m. on Jan. 3.|The office was closed.
The U.S. economy grew 3.5% in the quarter.|Dr. Lee, a Ph.D. economist, was not surprised.
Shares of No. 5 ranked Acme fell to $4.2 billion.|Analysts, e.g. those at Citi, expected more.
“We will not stop,” she said.|“Never.”
Mr. Smith met J. K. Rowling in London on Friday.|They talked for an hour.
The vote was 52 to 48.|It passed.
Sales rose in Sept. 2021 and again in Oct. 2022.|Profits did not.
Why did it fail?|Nobody knows!|The inquiry continues.
The bill, approx. 40 pages long, was signed at 9 a.m. Tuesday.|It takes effect in Jan. 2025.
“Is this fair?” Asif asked.|No one answered.
He earned 1.5 million euros vs. 2 million a year earlier.|The board approved it.
Prices in the U.K. fell.|In the U.S. they rose.
東京は晴れです。|明日は雨でしょう。|週末は晴れます。
The St. Louis Fed said rates would hold.|Gov. Hochul disagreed.
"""


def newssd_paragraphs(rows_per_paragraph: int) -> list[tuple[str, list[int]]]:
    """(paragraph, gold boundary offsets) from every NewsSD-ENG row."""
    source = ROOT.parent / "shared" / "data" / "newssd-eng"  # the shared data beside the checkout
    folder = source if (source / "train.csv").exists() else None
    rows: list[str] = []
    if folder is not None:
        for name in ("train.csv", "val.csv", "test.csv"):
            with open(folder / name, encoding="utf-8", newline="") as handle:
                rows.extend(" ".join(r["Sentence"].split()) for r in csv.DictReader(handle))
    else:  # the same rows, as the development set keeps them
        for path in sorted((ROOT / "devset" / "articles").glob("newssd-*.txt")):
            rows.extend(p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip())
    rows = [r for r in rows if r]
    out = []
    for k in range(0, len(rows), rows_per_paragraph):
        group = rows[k : k + rows_per_paragraph]
        text, gold = "", []
        for row in group:
            if text:
                gold.append(len(text))
                text += " "
            text += row
        out.append((text, gold))
    return out


def edge_paragraphs() -> list[tuple[str, list[int]]]:
    out = []
    for line in EDGE_CASES.strip().splitlines():
        parts = line.split("|")
        joiner = "" if any("。" in p for p in parts) else " "
        text, gold = "", []
        for part in parts:
            if text:
                gold.append(len(text))
                text += joiner
            text += part
        out.append((text, gold))
    return out


def boundaries(spans: list[tuple[int, int]]) -> set[int]:
    """Inner boundaries: the end of each sentence but the last."""
    return {end for _start, end in sorted(spans)[:-1]}


def ours(texts: list[str]) -> list[set[int]]:
    result = []
    for text in texts:
        spans = segment.sentences(text, segment.Span(0, len(text)))
        result.append(boundaries([(s.start, s.end) for s in spans]))
    return result


def spacy_sents(texts: list[str], mode: str) -> list[set[int]]:
    import spacy

    from tagline.core.nlp import resolve_model

    package = resolve_model("en_core_web_sm").package
    if mode == "parser":
        nlp = spacy.load(package, exclude=["ner"])
    else:
        nlp = spacy.load(package, exclude=["parser", "ner"])
        nlp.enable_pipe("senter")
    result = []
    for doc in nlp.pipe(texts, batch_size=64):
        spans = [(s.start_char, len(s.text.rstrip()) + s.start_char) for s in doc.sents]
        result.append(boundaries(spans))
    return result


def score(gold: list[set[int]], got: list[set[int]], slack: set[str] | None = None) -> dict:
    """Precision, recall, F1 with intervals. A predicted boundary matches a gold one when it is at
    the same offset up to the whitespace between the sentences (compared after right-stripping)."""
    tp = np.array([len(g & p) for g, p in zip(gold, got)], dtype=float)
    fp = np.array([len(p - g) for g, p in zip(gold, got)], dtype=float)
    fn = np.array([len(g - p) for g, p in zip(gold, got)], dtype=float)

    def prf(t, f_p, f_n):
        p = t / (t + f_p) if t + f_p else 0.0
        r = t / (t + f_n) if t + f_n else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    point = prf(tp.sum(), fp.sum(), fn.sum())
    rng = np.random.default_rng(SEED)
    draws = rng.integers(0, len(gold), size=(RESAMPLES, len(gold)))
    samples = np.array([prf(tp[d].sum(), fp[d].sum(), fn[d].sum()) for d in draws])
    low = np.percentile(samples, 2.5, axis=0)
    high = np.percentile(samples, 97.5, axis=0)
    return {"point": point, "low": low, "high": high, "gold": int(tp.sum() + fn.sum())}


def normalise(text: str, cuts: set[int]) -> set[int]:
    """A boundary at the end of a sentence, whitespace after it ignored."""
    return {len(text[:c].rstrip()) for c in cuts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5, help="NewsSD-ENG rows per paragraph (5)")
    args = parser.parse_args(argv)
    sources = {"NewsSD-ENG": newssd_paragraphs(args.rows), "edge cases": edge_paragraphs()}
    print("| source | splitter | precision | recall | F1 | gold boundaries | seconds |")
    print("|---|---|---|---|---|---:|---:|")
    for name, paragraphs in sources.items():
        texts = [t for t, _ in paragraphs]
        gold = [normalise(t, set(g)) for t, g in paragraphs]
        for label, run in (
            ("tagline", ours),
            ("spaCy parser", lambda ts: spacy_sents(ts, "parser")),
            ("spaCy senter", lambda ts: spacy_sents(ts, "senter")),
        ):
            began = time.perf_counter()
            got = [normalise(t, cuts) for t, cuts in zip(texts, run(texts))]
            seconds = time.perf_counter() - began
            s = score(gold, got)
            cells = [f"{s['point'][k]:.3f} [{s['low'][k]:.3f}, {s['high'][k]:.3f}]" for k in range(3)]
            print(f"| {name} ({len(paragraphs)} paragraphs) | {label} | {' | '.join(cells)} | {s['gold']} | {seconds:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
