"""Precision, recall and F1 of the rule-based suggester on the development set, per label, at the
sentence level, with bootstrap confidence intervals and a regex baseline in the same run.

    python bench/eval_suggest.py                   # table for the tuning and held-out parts
    python bench/eval_suggest.py --errors quote    # the tuning part's misses and false alarms
    python bench/eval_suggest.py --cv              # also the claim score cross-validated by article
    python bench/eval_suggest.py --model DIR       # also rules + a trained model, combined as the app does

The development set (``devset/``) has a tuning part and a held-out part, fixed by article id
(``part_of``, ``devset/README.md``). The held-out part has three sources, reported apart and pooled
("held-out, pooled"): NewsSD-ENG rows (the source the rules were first tuned on), Wikinews articles of
2019 (``wn2019-*``) and of October to December 2020 (``wn2020q4-*``), which nobody tuned on. The
tuning part pools three too ("tuning, pooled"): NewsSD-ENG, the Wikinews articles typed back from the
GUM corpus (``wikinews-*``) and Wikinews 2020 (``wn2020-*``). The GUM articles were held out until
their figures had been reported twice; they were then moved to the tuning part (the re-split,
``devset/README.md``) and are reported as a tuning group of their own.
The rules are tuned on the tuning part only; ``--errors`` and ``--tuning-only`` load the tuning part
alone (no held-out article is read or suggested for). Point figures come from scikit-learn's metrics; each has a 95 % interval from
1,000 bootstrap resamples of whole articles (percentile method, fixed seed). A goal counts as met only
when the interval's lower end meets it, on each held-out group.

``--model DIR`` loads a model made by ``tagline train`` (or ``bench/train_shipped.py``) and adds the
method "rules + model": each sentence's rule result combined with the model's probabilities by
``tagline.core.train.combine``, exactly as the app's model process combines them, beside the rules
alone measured in the same run (same resamples, same seed).
"""

from __future__ import annotations

import argparse
import hashlib
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
PARTS = ("tuning", "held-out")
#: Reporting groups: key -> (name in tables, part, source or None for any source). "held-out" is the
#: NewsSD-ENG held-out part that the earlier figures and the tests' floors refer to; "wikinews" (the
#: GUM Wikinews articles) was a held-out group until the re-split and is a tuning group since. The
#: two pooled groups are named "pooled", not for a count of sources: each part has three (NewsSD-ENG,
#: GUM Wikinews and Wikinews 2020 tuning; NewsSD-ENG, Wikinews 2019 and Wikinews 2020 October-December
#: held out), and the tables before the seventh report called them "both sources" when each had two.
GROUPS = {
    "tuning": ("tuning, pooled", "tuning", None),
    "tuning-newssd": ("tuning NewsSD-ENG", "tuning", "NewsSD-ENG"),
    "wikinews": ("tuning GUM Wikinews (held out before the re-split)", "tuning", "Wikinews"),
    "wn2020": ("tuning Wikinews 2020", "tuning", "Wikinews 2020"),
    "held-out": ("held-out NewsSD-ENG", "held-out", "NewsSD-ENG"),
    "wn2019": ("held-out Wikinews 2019", "held-out", "Wikinews 2019"),
    "wn2020q4": ("held-out Wikinews 2020 October-December", "held-out", "Wikinews 2020 Q4"),
    "pooled": ("held-out, pooled", "held-out", None),
}
TUNING_GROUPS = ("tuning", "tuning-newssd", "wikinews", "wn2020")
HELD_OUT_GROUPS = ("held-out", "wn2019", "wn2020q4", "pooled")
#: Id prefixes of the sources other than NewsSD-ENG, and their names.
_SOURCES = {"wikinews-": "Wikinews", "wn2019-": "Wikinews 2019", "wn2020-": "Wikinews 2020",
            "wn2020q4-": "Wikinews 2020 Q4"}
#: Id prefixes of the sources held out whole (nobody tunes on them): Wikinews 2019, and Wikinews
#: 2020 from October on (``wn2020q4-*``), set aside as held-out before any of it was read.
_HELD_OUT_WHOLE = ("wn2019-", "wn2020q4-")
#: Id prefixes of the sources in the tuning part whole: the GUM Wikinews articles, held out until
#: their held-out figures had been reported twice, then moved (devset/README.md, "The re-split"); and
#: the Wikinews 2020 articles (``wn2020-*``), added as fresh tuning data.
_TUNING_WHOLE = ("wikinews-", "wn2020-")
#: Articles read while the rules were written: tuning, whatever their hash says.
_TUNED_BEFORE_THE_SPLIT = frozenset(
    ["000_88201f31feaf2608", "newssd-val-1", "newssd-val-2"] + [f"newssd-train-{k}" for k in range(1, 7)]
)
RESAMPLES = 1000
SEED = 20261201
#: Goals on the held-out part: (label, measure) -> value the interval's lower end must reach.
GOALS = {("quote", "f1"): 0.88, ("quote", "recall"): 0.85, ("claim", "f1"): 0.75}


def part_of(article_id: str) -> str:
    """The part of an article, from its id alone (devset/README.md, "The split")."""
    if article_id.startswith(("newssd-test-", *_HELD_OUT_WHOLE)):
        return "held-out"
    if article_id in _TUNED_BEFORE_THE_SPLIT or article_id.startswith(_TUNING_WHOLE):
        return "tuning"
    return "held-out" if hashlib.sha256(article_id.encode()).digest()[0] < 128 else "tuning"


def source_of(article_id: str) -> str:
    """Where an article's text comes from: "Wikinews" (``wikinews-*``, through GUM), "Wikinews 2019"
    (``wn2019-*``), "Wikinews 2020" (``wn2020-*``), "Wikinews 2020 Q4" (``wn2020q4-*``) or
    "NewsSD-ENG" (the rest, with the project's sample article)."""
    for prefix, source in _SOURCES.items():
        if article_id.startswith(prefix):
            return source
    return "NewsSD-ENG"


def in_group(article_id: str, group: str) -> bool:
    _name, part, source = GROUPS[group]
    return part_of(article_id) == part and (source is None or source_of(article_id) == source)


@dataclass
class Sentence:
    article: str
    index: int
    text: str
    gold: frozenset[str]
    predicted: dict[str, frozenset[str]] = field(default_factory=dict)  # method -> labels
    scores: dict[str, float] = field(default_factory=dict)  # the rules' score of each label
    method_scores: dict[str, dict[str, float]] = field(default_factory=dict)  # method -> label -> score


def load_devset(devset: Path | None = None, parts: tuple[str, ...] = PARTS) -> tuple[list, list[Sentence]]:
    """(articles, gold sentences) of the development set's ``parts``; every sentence must be done.

    An article of another part is never read: neither its text nor its labels (an annotation file
    is named by its article's id, and the id in it must agree)."""
    devset = DEVSET if devset is None else devset
    found, problems = articles.open_corpus([devset / "articles"])  # texts read only when used
    if problems:
        raise SystemExit(f"devset: {problems[0]}")
    by_id = {a.id: a for a in found}
    sentences: list[Sentence] = []
    used = []
    for _annotator, path in annofile.iter_files(devset / "annotations", [ANNOTATOR]):
        if part_of(Path(path).stem) not in parts:
            continue
        data = annofile.read(path)
        if data["article"]["id"] != Path(path).stem:
            raise SystemExit(f"{path}: the file is named for another article than the one it labels")
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
COMBINED = "rules + model"


def predict(nlp, used, sentences: list[Sentence], trained=None) -> None:
    """Fill each sentence's predictions: the rules, the regex baseline and, given ``trained`` (a
    :class:`tagline.core.train.Trained`), the rules and that model combined as the app combines them
    (:func:`tagline.core.train.combine` over the default labels)."""
    where = {(s.article, s.index): s for s in sentences}
    rule_results = []
    for article, results in zip(used, suggest_articles(nlp, used)):
        for index, result in enumerate(results):
            sentence = where[(article.id, index)]
            sentence.predicted["rules"] = frozenset(result["labels"])
            sentence.scores = dict(result["scores"])
            sentence.method_scores["rules"] = sentence.scores
            sentence.predicted["regex baseline"] = baseline(sentence.text)
            rule_results.append((sentence, result))
    if trained is not None:
        from tagline.core.train import combine

        # the model scores each sentence's text, as the app's model process cuts it from the paragraph
        model_scores = trained.scores([sentence.text for sentence, _ in rule_results])
        for (sentence, result), scores in zip(rule_results, model_scores):
            combined = combine(result, scores, LABELS)
            sentence.predicted[COMBINED] = frozenset(combined["labels"])
            sentence.method_scores[COMBINED] = dict(combined["scores"])


def prf(sentences: list[Sentence], method: str, label: str) -> tuple[float, float, float, int]:
    """(precision, recall, F1, support) by scikit-learn (zero where undefined)."""
    from sklearn.metrics import precision_recall_fscore_support

    y_true = [label in s.gold for s in sentences]
    y_pred = [label in s.predicted[method] for s in sentences]
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average="binary", pos_label=True, zero_division=0)
    return float(p), float(r), float(f), sum(y_true)


def _counts(sentences: list[Sentence], method: str, label: str, articles_: list[str]):
    """Per article: true positives, false positives, false negatives (arrays in article order)."""
    import numpy as np

    index = {a: k for k, a in enumerate(articles_)}
    counts = np.zeros((len(articles_), 3))
    for s in sentences:
        gold, got = label in s.gold, label in s.predicted[method]
        if gold or got:
            counts[index[s.article], 0 if gold and got else 1 if got else 2] += 1
    return counts


def bootstrap(sentences: list[Sentence], method: str, label: str, resamples: int = RESAMPLES, seed: int = SEED) -> dict:
    """95 % percentile intervals of precision, recall and F1 over ``resamples`` resamples of whole
    articles (the sentences of an article are not independent, so the article is the unit)."""
    import numpy as np

    articles_ = sorted({s.article for s in sentences})
    counts = _counts(sentences, method, label, articles_)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(articles_), size=(resamples, len(articles_)))
    tp, fp, fn = (counts[draws, k].sum(axis=1) for k in range(3))
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        recall = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return {
        name: (float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5)))
        for name, values in (("precision", precision), ("recall", recall), ("f1", f1))
    }


def paired_difference(sentences: list[Sentence], method: str, base: str, label: str, resamples: int = RESAMPLES,
                      seed: int = SEED) -> dict:
    """{measure: (difference, low, high)}: ``method`` minus ``base`` on the same sentences, with a
    95 % interval over resamples of whole articles that draw the same articles for both (a paired
    bootstrap: a rise is real only when the interval stays above zero)."""
    import numpy as np

    articles_ = sorted({s.article for s in sentences})
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(articles_), size=(resamples, len(articles_)))

    def measures(counts, rows=None):
        c = counts if rows is None else counts[rows]
        axis = 0 if rows is None else 1
        tp, fp, fn = (c[..., k].sum(axis=axis) for k in range(3))
        with np.errstate(invalid="ignore", divide="ignore"):
            precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
            recall = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
            f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
        return {"precision": precision, "recall": recall, "f1": f1}

    ours, theirs = (_counts(sentences, m, label, articles_) for m in (method, base))
    a, b = measures(ours), measures(theirs)
    da, db = measures(ours, draws), measures(theirs, draws)
    point = {}
    for name in _MEASURES:
        diff = da[name] - db[name]
        point[name] = (float(a[name] - b[name]), float(np.percentile(diff, 2.5)), float(np.percentile(diff, 97.5)))
    return point


def difference_table(report: dict, method: str = "rules + model", base: str = "rules", groups=tuple(GROUPS)) -> str:
    """The paired differences of :func:`paired_difference` for every group and label."""
    lines = [f"| part | label | {method} − {base}: precision | recall | F1 |", "|---|---|---|---|---|"]
    for part in groups:
        if part not in report["scores"]:
            continue
        for label in LABELS:
            d = report["differences"][part][label]
            cells = [f"{d[m][0]:+.3f} [{d[m][1]:+.3f}, {d[m][2]:+.3f}]" for m in _MEASURES]
            lines.append(f"| {GROUPS[part][0]} | {label} | {' | '.join(cells)} |")
    return "\n".join(lines)


def evaluate(devset: Path | None = None, resamples: int = RESAMPLES, trained_dir: Path | None = None,
             parts: tuple[str, ...] = PARTS) -> dict:
    """{"scores": {group: {method: {label: (precision, recall, f1, support)}}}, "intervals": the
    same with {measure: (low, high)}, "sentences": {group: n}, "articles": {group: n}}; groups are
    the keys of ``GROUPS`` whose part is in ``parts`` (the articles of the other part are never read
    nor suggested for). With ``trained_dir`` (a model folder made by ``tagline train``) the methods
    include :data:`COMBINED`."""
    nlp, info = load_pipeline("en_core_web_sm")
    used, sentences = load_devset(devset, parts)
    trained = None
    if trained_dir is not None:
        from tagline.core import train

        try:
            trained = train._load(Path(trained_dir))
        except Exception as error:
            raise SystemExit(f"{trained_dir}: the trained model does not load ({error})") from None
    predict(nlp, used, sentences, trained)
    methods = METHODS + ((COMBINED,) if trained is not None else ())
    report: dict = {"model": info.key, "sentences": {}, "articles": {}, "scores": {}, "intervals": {}, "methods": methods}
    for part in GROUPS:
        members = [s for s in sentences if in_group(s.article, part)]
        if not members:  # a group whose articles are not in this devset (yet)
            continue
        report["sentences"][part] = len(members)
        report["articles"][part] = len({s.article for s in members})
        report["scores"][part] = {method: {label: prf(members, method, label) for label in LABELS} for method in methods}
        report.setdefault("ranking", {})[part] = {
            "claim": ranking(members, "claim", resamples),
            "distinct": len({round(s.scores.get("claim", 0.0), 3) for s in members}),
        }
        if trained is not None:
            report.setdefault("ranking_combined", {})[part] = {
                "claim": ranking(members, "claim", resamples, method=COMBINED),
                "distinct": len({round(s.method_scores[COMBINED].get("claim", 0.0), 3) for s in members}),
            }
        report["intervals"][part] = {
            method: {label: bootstrap(members, method, label, resamples) for label in LABELS} for method in methods
        }
        if trained is not None:
            report.setdefault("differences", {})[part] = {
                label: paired_difference(members, COMBINED, "rules", label, resamples) for label in LABELS
            }
    report["_sentences"] = sentences
    return report


METHODS = ("rules", "regex baseline")


def ranking(sentences: list[Sentence], label: str = "claim", resamples: int = RESAMPLES, seed: int = SEED,
            method: str = "rules") -> tuple[float, float, float]:
    """Average precision of ``method``'s ``label`` score (scikit-learn; the rules' by default) and its
    95 % interval over resamples of whole articles: how well the score ranks, whatever the threshold."""
    import numpy as np
    from sklearn.metrics import average_precision_score

    y = np.array([label in s.gold for s in sentences])
    score = np.array([s.method_scores.get(method, s.scores).get(label, 0.0) for s in sentences])
    articles_ = sorted({s.article for s in sentences})
    rows = {a: np.flatnonzero([s.article == a for s in sentences]) for a in articles_}
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(resamples):
        pick = np.concatenate([rows[articles_[k]] for k in rng.integers(0, len(articles_), len(articles_))])
        if y[pick].any():
            values.append(average_precision_score(y[pick], score[pick]))
    return float(average_precision_score(y, score)), float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))
_MEASURES = ("precision", "recall", "f1")


def goals(report: dict, group: str = "held-out", method: str = "rules") -> list[tuple[str, str, float, float, tuple[float, float], bool]]:
    """(label, measure, goal, value, interval, met) on a held-out group; met = the lower end reaches it."""
    rows = []
    for (label, measure), goal in GOALS.items():
        value = report["scores"][group][method][label][_MEASURES.index(measure)]
        low, high = report["intervals"][group][method][label][measure]
        rows.append((label, measure, goal, value, (low, high), low >= goal))
    return rows


def markdown_table(report: dict, groups=tuple(GROUPS)) -> str:
    lines = ["| part | method | label | precision | recall | F1 | support |", "|---|---|---|---:|---:|---:|---:|"]
    for part in groups:
        if part not in report["scores"]:
            continue
        for method, per_label in report["scores"][part].items():
            for label, (p, r, f, n) in per_label.items():
                ci = report["intervals"][part][method][label]
                cell = lambda v, m, ci=ci: f"{v:.2f} [{ci[m][0]:.2f}, {ci[m][1]:.2f}]"  # noqa: E731
                where = f"{GROUPS[part][0]} ({report['articles'][part]} articles, {report['sentences'][part]} sentences)"
                lines.append(f"| {where} | {method} | {label} | {cell(p, 'precision')} | {cell(r, 'recall')} | {cell(f, 'f1')} | {n} |")
    return "\n".join(lines)


def ranking_table(report: dict, parts=tuple(GROUPS)) -> str:
    combined = "ranking_combined" in report
    lines = ["| part | claim score: average precision | 95 % interval | distinct scores |", "|---|---:|---|---:|"]
    if combined:
        lines = ["| part | method | claim score: average precision | 95 % interval | distinct scores |", "|---|---|---:|---|---:|"]
    for part in parts:
        if part not in report["scores"]:
            continue
        for key, method in (("ranking", "rules"), ("ranking_combined", COMBINED)):
            if key not in report:
                continue
            ap, low, high = report[key][part]["claim"]
            where = f"{GROUPS[part][0]} | {method}" if combined else GROUPS[part][0]
            lines.append(f"| {where} | {ap:.3f} | [{low:.3f}, {high:.3f}] | {report[key][part]['distinct']} |")
    return "\n".join(lines)


def goals_table(report: dict) -> str:
    methods = [m for m in report.get("methods", METHODS) if m != "regex baseline"]
    lines = ["| goal | held-out group | method | value | 95 % interval | met (lower end) |", "|---|---|---|---:|---|---|"]
    for group in HELD_OUT_GROUPS:
        for method in methods:
            for label, measure, goal, value, (low, high), met in goals(report, group, method):
                lines.append(
                    f"| {label} {measure} >= {goal:.2f} | {GROUPS[group][0]} | {method} | {value:.3f} | [{low:.3f}, {high:.3f}] | {'yes' if met else 'no'} |"
                )
    return "\n".join(lines)


def cross_validated_claims() -> str:
    """The trained claim score cross-validated by article over everything it may be fit on (the
    tuning part): leave-one-article-out probabilities with the shipped model's L2 strength and
    threshold (bench/fit_claim.py chose both by the same leave-one-article-out, so these figures lean a
    little optimistic), F1 and average precision with article-bootstrap intervals."""
    import json

    import numpy as np

    sys.path.insert(0, str(ROOT / "bench"))
    from fit_claim import bootstrap as cv_bootstrap
    from fit_claim import features_of_devset, matrix, out_of_fold

    from tagline.core.suggest.claims import MODEL_FILE

    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    groups, feats, y, _names = features_of_devset("tuning")
    X = matrix(feats, shipped["features"])
    p = out_of_fold(X, y, groups, shipped["C"])
    result = cv_bootstrap(groups, y, p, shipped["threshold"])
    (f, fl, fh), (a, al, ah) = result["f1"], result["ap"]
    return "\n".join(
        [
            "| claim score, leave one article out | articles | sentences | F1 | average precision | distinct values |",
            "|---|---:|---:|---|---|---:|",
            f"| tuning part (all it may be fit on) | {len(set(groups))} | {len(y)} | {f:.3f} [{fl:.3f}, {fh:.3f}] "
            f"| {a:.3f} [{al:.3f}, {ah:.3f}] | {len(set(np.round(p, 3)))} |",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", choices=LABELS, help="list the tuning part's errors for this label")
    parser.add_argument("--tuning-only", action="store_true", help="score and print the tuning part only (while tuning): no held-out article is read")
    parser.add_argument("--cv", action="store_true", help="also cross-validate the trained claim score by article")
    parser.add_argument("--model", metavar="DIR", type=Path,
                        help="also score the rules combined with this trained model (a tagline train folder), as the app combines them")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    # while tuning (and for --errors, which lists the tuning part only) the held-out articles are
    # never read nor suggested for: nothing about them is computed
    tuning_only = args.tuning_only or bool(args.errors)
    report = evaluate(trained_dir=args.model, parts=("tuning",) if tuning_only else PARTS)
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
    print(f"model {report['model']}; {len(report['_sentences'])} sentences in {elapsed:.1f} s (model load included)")
    print(f"95 % intervals: {RESAMPLES} bootstrap resamples of whole articles")
    if args.tuning_only:
        print(markdown_table(report, TUNING_GROUPS))
        print()
        print(ranking_table(report, TUNING_GROUPS))
        if "differences" in report:
            print()
            print(difference_table(report, groups=TUNING_GROUPS))
        if args.cv:
            print()
            print(cross_validated_claims())
        return 0
    print(markdown_table(report))
    print()
    print(ranking_table(report))
    print()
    print(goals_table(report))
    if "differences" in report:
        print()
        print(difference_table(report))
    if args.cv:
        print()
        print(cross_validated_claims())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
