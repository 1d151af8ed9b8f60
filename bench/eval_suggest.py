"""Precision, recall and F1 of the rule-based suggester on the development set, per label, at the
sentence level, with a regex baseline in the same run.

    python bench/eval_suggest.py                   # table for the tuning and held-out parts
    python bench/eval_suggest.py --errors quote    # the tuning part's misses and false alarms

The development set (``devset/``) has a tuning part (the sample article and NewsSD-ENG val and
train rows) and a held-out part (NewsSD-ENG test rows, article ids ``newssd-test-*``). The rules
are tuned on the first only; ``--errors`` refuses to show the held-out part.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tagline.core import annofile, articles, schema  # noqa: E402
from tagline.core.suggest import LABELS, load_pipeline, suggest_articles  # noqa: E402

DEVSET = ROOT / "devset"
ANNOTATOR = "devset"
HELD_OUT_PREFIX = "newssd-test-"
PARTS = ("tuning", "held-out")


def part_of(article_id: str) -> str:
    return "held-out" if article_id.startswith(HELD_OUT_PREFIX) else "tuning"


@dataclass
class Sentence:
    article: str
    index: int
    text: str
    gold: frozenset[str]
    predicted: dict[str, frozenset[str]] = field(default_factory=dict)  # method -> labels


def load_devset(devset: Path = DEVSET) -> tuple[list, list[Sentence]]:
    """(articles, gold sentences) of the development set; every sentence must be done."""
    found, problems = articles.load([devset / "articles"])
    if problems:
        raise SystemExit(f"devset: {problems[0]}")
    by_id = {a.id: a for a in found}
    sentences: list[Sentence] = []
    used = []
    for annotator, path in annofile.iter_files(devset / "annotations", [ANNOTATOR]):
        data = annofile.read(path)
        article = by_id.get(data["article"]["id"])
        if article is None or article.sha256 != data["article"]["sha256"]:
            raise SystemExit(f"{path}: its article text is missing or changed")
        records = data["sentences"]
        if len(records) != len(article.sentences) or any(r["status"] != schema.DONE for r in records):
            raise SystemExit(f"{path}: not every sentence is labelled")
        used.append(article)
        for record in records:
            sentences.append(Sentence(article.id, record["index"], record["text"], frozenset(record["labels"])))
    return used, sentences


# -- the baseline: regular expressions only ------------------------------------------------------
_BASE_QUOTE = re.compile(
    r"[\"“”]|‘[^’]*’|\b(?:said|says|say|told|tells|warned|argued|claimed|added|according to|stated|insisted)\b",
    re.IGNORECASE,
)
_BASE_STAT = re.compile(r"\d|\b(?:percent|per cent|million|billion|thousand|hundred|dozen)\b", re.IGNORECASE)
_BASE_YEAR_ONLY = re.compile(r"^\D*(?:(?:1[5-9]|20)\d\d\D*)+$")


def baseline(text: str) -> frozenset[str]:
    """Quote: a quotation mark or a speech verb; statistic: a digit or a number word that is not only
    a year; claim: any sentence that ends with a full stop."""
    labels = set()
    if _BASE_QUOTE.search(text):
        labels.add("quote")
    if _BASE_STAT.search(text) and not _BASE_YEAR_ONLY.match(text):
        labels.add("statistic")
    if text.rstrip(" ”’\"')]").endswith("."):
        labels.add("claim")
    return frozenset(labels)


# -- scoring -------------------------------------------------------------------------------------
def predict(nlp, used, sentences: list[Sentence]) -> None:
    where = {(s.article, s.index): s for s in sentences}
    for article, results in zip(used, suggest_articles(nlp, used)):
        for index, result in enumerate(results):
            sentence = where[(article.id, index)]
            sentence.predicted["rules"] = frozenset(result["labels"])
            sentence.predicted["regex baseline"] = baseline(sentence.text)


def prf(sentences: list[Sentence], method: str, label: str) -> tuple[float, float, float, int]:
    tp = sum(1 for s in sentences if label in s.gold and label in s.predicted[method])
    fp = sum(1 for s in sentences if label not in s.gold and label in s.predicted[method])
    fn = sum(1 for s in sentences if label in s.gold and label not in s.predicted[method])
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp + fn


def evaluate(devset: Path = DEVSET) -> dict:
    """{part: {method: {label: (precision, recall, f1, support)}}} plus the sentence counts."""
    nlp, info = load_pipeline("en_core_web_sm")
    used, sentences = load_devset(devset)
    predict(nlp, used, sentences)
    report: dict = {"model": info.key, "sentences": {}, "scores": {}}
    for part in PARTS:
        members = [s for s in sentences if part_of(s.article) == part]
        report["sentences"][part] = len(members)
        report["scores"][part] = {
            method: {label: prf(members, method, label) for label in LABELS} for method in ("rules", "regex baseline")
        }
    report["_sentences"] = sentences
    return report


def markdown_table(report: dict) -> str:
    lines = ["| part | method | label | precision | recall | F1 | support |", "|---|---|---|---:|---:|---:|---:|"]
    for part in PARTS:
        for method, per_label in report["scores"][part].items():
            for label, (p, r, f, n) in per_label.items():
                lines.append(f"| {part} ({report['sentences'][part]} sentences) | {method} | {label} | {p:.2f} | {r:.2f} | {f:.2f} | {n} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", choices=LABELS, help="list the tuning part's errors for this label")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    report = evaluate()
    elapsed = time.perf_counter() - began
    if args.errors:
        label = args.errors
        for s in report["_sentences"]:
            if part_of(s.article) != "tuning":
                continue  # never look at the held-out part while tuning
            gold, got = label in s.gold, label in s.predicted["rules"]
            if gold != got:
                print(f"{'MISS' if gold else 'FALSE'} {s.article}#{s.index}: {s.text}")
        return 0
    print(f"model {report['model']}; {sum(report['sentences'].values())} sentences in {elapsed:.1f} s (model load included)")
    print(markdown_table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
