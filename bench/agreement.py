"""Agreement of two annotators of the development set, per label, with intervals over articles.

    python bench/agreement.py [--first DIR] [--second DIR] [--only PREFIX] [--batch FILE ...] [--list]

``--first`` defaults to the development set's labels (``devset/annotations/devset``), ``--second``
to the blind second annotations (``devset/agreement/blind``: the GUM Wikinews articles, annotator
``blind``, and a set of Wikinews 2019 articles and the Wikinews 2020 October-December articles,
annotator ``blind2``); only the articles both hold
are compared, sentence by sentence (same index, same text). ``--only PREFIX`` keeps the articles
whose id starts with PREFIX (``wikinews-``, ``wn2019-``), so that each annotation is reported alone;
``--batch FILE`` (repeatable) keeps the articles a batch's record in ``devset/sources/`` lists in
its tables (rows that begin with the article's id in backquotes), so that one batch of the
Wikinews 2019 articles is reported apart from the others. For each label every
sentence is a yes/no item: raw agreement and Cohen's kappa (``tagline.core.agreement``, checked
against scikit-learn), each with a 95 % interval from 1,000 bootstrap resamples of whole articles
(percentile). ``--list`` prints every sentence where the two differ on some label.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tui"))

from tagline.core import annofile  # noqa: E402
from tagline.core.agreement import cohen_kappa, observed_agreement  # noqa: E402

LABELS = ("claim", "quote", "statistic")
RESAMPLES = 1000
SEED = 20261202


def load(folder: Path) -> dict[str, list[dict]]:
    """article id -> its sentence records, from every annotation file in ``folder``."""
    found = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name.startswith("."):
            continue
        data = annofile.read(path)
        found[data["article"]["id"]] = data["sentences"]
    return found


_ROW = re.compile(r"^\|\s*`([^`\s]+)`\s*\|", re.MULTILINE)


def listed(paths: list[Path]) -> set[str]:
    """The article ids that the tables of the batch records ``paths`` list: rows whose first cell is
    one id in backquotes (``| `wn2019-ebola` | …``; an adjudication row, ``| `ebola` #3 | …``, is not)."""
    return {match.group(1) for path in paths for match in _ROW.finditer(path.read_text(encoding="utf-8"))}


def paired(first: dict, second: dict, only: str = "", batch: set[str] | None = None) -> dict[str, list[tuple[int, str, frozenset, frozenset]]]:
    """article -> [(index, text, first labels, second labels)] over the articles both hold (those
    whose id starts with ``only`` and, when ``batch`` is given, is in it)."""
    pairs = {}
    chosen = (a for a in set(first) & set(second) if a.startswith(only) and (batch is None or a in batch))
    for article in sorted(chosen):
        a, b = first[article], second[article]
        if [(r["index"], r["text"]) for r in a] != [(r["index"], r["text"]) for r in b]:
            raise SystemExit(f"{article}: the two files split the text differently")
        if any(r["status"] != "done" for r in a + b):
            raise SystemExit(f"{article}: not every sentence is done in both files")
        pairs[article] = [(r["index"], r["text"], frozenset(r["labels"]), frozenset(s["labels"])) for r, s in zip(a, b)]
    return pairs


def figures(pairs: dict, articles: list[str], label: str) -> tuple[float | None, float | None]:
    a = [label in x for art in articles for (_i, _t, x, _y) in pairs[art]]
    b = [label in y for art in articles for (_i, _t, _x, y) in pairs[art]]
    return observed_agreement(a, b), cohen_kappa(a, b)


def interval(values: list[float]) -> tuple[float, float]:
    values = sorted(v for v in values if v is not None)
    return values[int(0.025 * (len(values) - 1))], values[int(0.975 * (len(values) - 1))]


def report(pairs: dict, resamples: int = RESAMPLES, seed: int = SEED) -> dict:
    """label -> {"first", "second", "both", "observed", "kappa", "observed_ci", "kappa_ci"}."""
    articles = sorted(pairs)
    rng = random.Random(seed)
    draws = [[rng.choice(articles) for _ in articles] for _ in range(resamples)]
    out = {}
    for label in LABELS:
        observed, kappa = figures(pairs, articles, label)
        boot = [figures(pairs, draw, label) for draw in draws]
        rows = [row for art in articles for row in pairs[art]]
        out[label] = {
            "first": sum(label in x for _i, _t, x, _y in rows),
            "second": sum(label in y for _i, _t, _x, y in rows),
            "disagreements": sum((label in x) != (label in y) for _i, _t, x, y in rows),
            "observed": observed,
            "kappa": kappa,
            "observed_ci": interval([o for o, _k in boot]),
            "kappa_ci": interval([k for _o, k in boot]),
        }
    return out


def disagreements(pairs: dict) -> list[tuple[str, int, frozenset, frozenset, str]]:
    return [(art, i, x, y, text) for art in sorted(pairs) for (i, text, x, y) in pairs[art] if x != y]


def _names(labels: frozenset) -> str:
    return ", ".join(label for label in LABELS if label in labels) or "—"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=Path, default=ROOT / "devset" / "annotations" / "devset")
    parser.add_argument("--second", type=Path, default=ROOT / "devset" / "agreement" / "blind")
    parser.add_argument("--only", default="", metavar="PREFIX", help="compare only the articles whose id starts with PREFIX")
    parser.add_argument("--batch", type=Path, action="append", metavar="FILE",
                        help="compare only the articles listed in the tables of this batch record (repeatable)")
    parser.add_argument("--list", action="store_true", help="print every sentence the two label differently")
    args = parser.parse_args(argv)
    batch = listed(args.batch) if args.batch else None
    pairs = paired(load(args.first), load(args.second), args.only, batch)
    if not pairs:
        raise SystemExit("no article is in both folders")
    n = sum(len(rows) for rows in pairs.values())
    print(f"{len(pairs)} articles, {n} sentences; first: {args.first.name}, second: {args.second.name}")
    print("| label | first | second | disagreements | raw agreement | Cohen's kappa |")
    print("|---|---:|---:|---:|---|---|")
    for label, r in report(pairs).items():
        ol, oh = r["observed_ci"]
        kl, kh = r["kappa_ci"]
        print(f"| {label} | {r['first']} | {r['second']} | {r['disagreements']} | "
              f"{r['observed']:.3f} [{ol:.3f}, {oh:.3f}] | {r['kappa']:.3f} [{kl:.3f}, {kh:.3f}] |")
    rows = disagreements(pairs)
    print(f"sentences with any disagreement: {len(rows)} of {n}")
    if args.list:
        for art, i, x, y, text in rows:
            print(f"{art} #{i}: first {_names(x)} | second {_names(y)} | {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
