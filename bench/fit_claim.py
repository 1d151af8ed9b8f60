"""Fit the claim score: a logistic combination of the rules' evidence, cross-validated by article on
the tuning part of the development set, written to ``tui/tagline/core/suggest/claim_model.json``.

    python bench/fit_claim.py            # cross-validation table, then fit and write the model
    python bench/fit_claim.py --dry-run  # the table only

Never reads the held-out part. Leave-one-article-out over the tuning articles chooses the L2
strength (by log loss) and the decision threshold (by F1 of the out-of-fold probabilities); the
model shipped is fit on every tuning article with those. The decision point is moved to 0.5 by a
shift of the log-odds (stored beside the coefficients), so the shipped score orders sentences exactly
as the calibrated probability does. Intervals: 1,000 bootstrap resamples of whole articles.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_suggest import RESAMPLES, SEED, load_devset, part_of  # noqa: E402

from tagline.core.suggest import load_pipeline  # noqa: E402
from tagline.core.suggest.claims import CHECKWORTHY_ONLY, MODEL_FILE, hand_score  # noqa: E402
from tagline.core.suggest.pipeline import suggest_doc  # noqa: E402

C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
THRESHOLDS = np.round(np.arange(0.15, 0.75, 0.01), 2)


def features_of_devset(part: str = "tuning") -> tuple[list[str], list[dict], np.ndarray, list[str]]:
    """(article of each sentence, features of each sentence, gold claim 0/1, sentence keys) for ``part``."""
    nlp, _info = load_pipeline("en_core_web_sm")
    used, sentences = load_devset(parts=(part,))
    gold = {(s.article, s.index): "claim" in s.gold for s in sentences}
    used = [a for a in used if part_of(a.id) == part]
    groups, feats, y = [], [], []
    for article in used:
        paras, sents, _owner = article.split()
        texts = [article.text[p.start : p.end] for p in paras]
        for p, (para, doc) in enumerate(zip(paras, nlp.pipe(texts, batch_size=64))):
            spans = [(sents[i].start - para.start, sents[i].end - para.start) for i in article.sentence_range(p)]
            out: list[dict] = []
            suggest_doc(doc, spans, out)
            for i, f in zip(article.sentence_range(p), out):
                groups.append(article.id)
                feats.append(f)
                y.append(gold[(article.id, i)])
    return groups, feats, np.array(y, dtype=int), feature_names(feats)


def feature_names(feats: list[dict]) -> list[str]:
    """The claim model's features, sorted: every one the sentences have but those only
    check-worthiness weighs (the term model's log-odds among them), which it was never fit on."""
    return sorted({k for f in feats for k in f} - CHECKWORTHY_ONLY)


def matrix(feats: list[dict], names: list[str]) -> np.ndarray:
    return np.array([[f.get(n, 0.0) for n in names] for f in feats], dtype=float)


def fit(X: np.ndarray, y: np.ndarray, C: float):
    """(coef, intercept) in the units of ``X`` (standardised inside, folded back out)."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=5000).fit((X - mean) / scale, y)
    coef = model.coef_[0] / scale
    intercept = float(model.intercept_[0] - np.sum(model.coef_[0] * mean / scale))
    return coef, intercept


def probabilities(X: np.ndarray, coef: np.ndarray, intercept: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(X @ coef + intercept)))


def out_of_fold(X: np.ndarray, y: np.ndarray, groups: list[str], C: float) -> np.ndarray:
    """Leave-one-article-out probabilities."""
    groups_arr = np.array(groups)
    p = np.zeros(len(y))
    for article in sorted(set(groups)):
        test = groups_arr == article
        coef, intercept = fit(X[~test], y[~test], C)
        p[test] = probabilities(X[test], coef, intercept)
    return p


def f1_at(y: np.ndarray, p: np.ndarray, threshold: float) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y, p >= threshold, zero_division=0))


def bootstrap(groups: list[str], y: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    """Point values and 95 % intervals (articles resampled) of F1 at ``threshold`` and average precision."""
    from sklearn.metrics import average_precision_score

    articles = sorted(set(groups))
    index = {a: np.flatnonzero(np.array(groups) == a) for a in articles}
    rng = np.random.default_rng(SEED)
    f1s, aps = [], []
    for _ in range(RESAMPLES):
        rows = np.concatenate([index[articles[k]] for k in rng.integers(0, len(articles), len(articles))])
        if y[rows].sum() == 0:
            continue
        f1s.append(f1_at(y[rows], p[rows], threshold))
        aps.append(average_precision_score(y[rows], p[rows]))
    ci = lambda v: (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5)))  # noqa: E731
    return {
        "f1": (f1_at(y, p, threshold), *ci(f1s)),
        "ap": (float(average_precision_score(y, p)), *ci(aps)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the table, write nothing")
    args = parser.parse_args(argv)
    from sklearn.metrics import brier_score_loss, log_loss

    groups, feats, y, names = features_of_devset("tuning")
    X = matrix(feats, names)
    print(f"tuning part: {len(set(groups))} articles, {len(y)} sentences, {int(y.sum())} claims; {len(names)} features")
    losses = {}
    for C in C_GRID:
        losses[C] = log_loss(y, np.clip(out_of_fold(X, y, groups, C), 1e-6, 1 - 1e-6))
    C = min(losses, key=losses.get)
    p = out_of_fold(X, y, groups, C)
    threshold = float(max(THRESHOLDS, key=lambda t: (f1_at(y, p, t), -abs(t - 0.5))))
    hand = np.array([hand_score(f) for f in feats])
    cv = bootstrap(groups, y, p, threshold)
    base = bootstrap(groups, y, hand, 0.5)
    print(f"L2 strength C by leave-one-article-out log loss: {C} ({', '.join(f'{c}: {v:.3f}' for c, v in losses.items())})")
    print(f"decision threshold by out-of-fold F1: {threshold:.2f}")
    print()
    print("| claim score (tuning part, leave one article out) | F1 | average precision | Brier | distinct values |")
    print("|---|---|---|---:|---:|")
    for name, scores, result, brier in (
        ("hand weights (before)", hand, base, None),
        ("logistic, out of fold", p, cv, brier_score_loss(y, p)),
    ):
        f, fl, fh = result["f1"]
        a, al, ah = result["ap"]
        b = f"{brier:.3f}" if brier is not None else "-"
        print(f"| {name} | {f:.3f} [{fl:.3f}, {fh:.3f}] | {a:.3f} [{al:.3f}, {ah:.3f}] | {b} | {len(set(np.round(scores, 3)))} |")
    if args.dry_run:
        return 0
    coef, intercept = fit(X, y, C)
    model = {
        "about": "Claim score of tagline's suggester: logistic regression on the rules' evidence "
        "(bench/fit_claim.py), fit on the tuning part of devset/; shift = log-odds of the decision threshold.",
        "features": names,
        "coef": [round(float(c), 6) for c in coef],
        "intercept": round(intercept, 6),
        "shift": round(math.log(threshold / (1 - threshold)), 6),
        "threshold": threshold,
        "C": C,
        "cv": {"f1": [round(v, 4) for v in cv["f1"]], "average_precision": [round(v, 4) for v in cv["ap"]]},
    }
    MODEL_FILE.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {MODEL_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
