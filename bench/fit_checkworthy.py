"""Fit the term model of check-worthiness (``tagline.core.suggest.terms``) on ClaimBuster's sentences
of US presidential debates, cross-validated by debate, and write ``checkworthy_terms.json``.

    python bench/fit_checkworthy.py FILE.json [FILE.json ...]            # table, then fit and write
    python bench/fit_checkworthy.py FILE.json ... --dry-run              # the table only

The data stays outside the repository: ClaimBuster ("ClaimBuster: A Benchmark Dataset of Check-worthy
Factual Claims", Arslan, Hassan, Li and Tremayne, 2020, Zenodo 10.5281/zenodo.3609356, CC BY 4.0),
as JSON lists of ``{"sentence_id", "label", "text"}``: label 1 is a check-worthy factual sentence
(CFS), 0 or -1 is not (an unimportant factual or a non-factual one). Sentences are taken once by
``sentence_id`` (the first file that has one wins). ClaimBuster numbers its sentences in debate order,
about a thousand a debate, so the folds are blocks of 1,000 ids (no debate's sentences split over
many folds; none of the 2019 lab's debates or speeches is in ClaimBuster, which has only the general
elections' debates).

Each sentence is parsed by the pipeline the suggester uses and read into terms
(:func:`tagline.core.suggest.terms.terms`); terms seen in at least ``MIN_COUNT`` sentences are the
features (present or not). Five-fold cross-validation by block chooses the L2 strength by the average
precision of the out-of-fold probabilities; the baseline in the same run is the rules'
check-worthiness of the same sentences (text only, as news). The model written is fit on every
sentence with that strength; terms whose weight is under ``MIN_WEIGHT`` are left out.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tui"))

from tagline.core.suggest.terms import MODEL_FILE, terms  # noqa: E402

C_GRID = (0.03, 0.1, 0.3, 1.0)
#: Weights of the term log-odds added to the rules' check-worthiness log-odds, for the table.
COMBINED = (0.5, 1.0, 2.0, 3.0, 5.0)
FOLDS = 5
BLOCK = 1000
MIN_COUNT = 2
MIN_WEIGHT = 0.005
SEED = 20261203
RESAMPLES = 1000
SOURCE = {
    "data": "ClaimBuster: A Benchmark Dataset of Check-worthy Factual Claims (Arslan, Hassan, Li, Tremayne; 2020)",
    "doi": "10.5281/zenodo.3609356",
    "licence": "CC BY 4.0",
}


def read_sentences(paths: list[str]) -> tuple[list[int], list[str], np.ndarray]:
    """(ids, texts, labels 0/1), each ``sentence_id`` once."""
    seen: dict[int, tuple[str, int]] = {}
    for path in paths:
        rows = json.loads(Path(path).read_text(encoding="utf-8"))
        for row in rows:
            sid = int(row["sentence_id"])
            if sid not in seen and str(row["text"]).strip():
                seen[sid] = (str(row["text"]), int(int(row["label"]) == 1))
    ids = sorted(seen)
    return ids, [seen[i][0] for i in ids], np.array([seen[i][1] for i in ids], dtype=int)


def parse(texts: list[str]):
    """(terms of each text, the rules' check-worthiness of each text as news)."""
    from tagline.core.suggest import load_pipeline
    from tagline.core.suggest.claims import checkworthiness
    from tagline.core.suggest.pipeline import suggest_doc

    nlp, _info = load_pipeline("en_core_web_sm")
    found, rules = [], []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=128)):
        found.append(sorted(terms(doc)))
        features: list[dict] = []
        suggest_doc(doc, [(0, len(text))], features)
        rules.append(checkworthiness({k: v for k, v in features[0].items() if k != "terms"}) if features else 0.0)
    return found, np.array(rules)


def fit(found, y, rows, C: float):
    """(vectoriser, model) fit on ``rows``: the terms of at least ``MIN_COUNT`` of those sentences,
    present or not."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = CountVectorizer(analyzer=list, min_df=MIN_COUNT, binary=True, dtype=np.float32)
    X = vectoriser.fit_transform([found[k] for k in rows])
    model = LogisticRegression(C=C, max_iter=5000).fit(X, y[rows])
    return vectoriser, model


def out_of_fold(found, y, groups: np.ndarray, C: float) -> np.ndarray:
    """Each sentence's term log-odds (without the intercept, as the suggester reads it) from the
    model fit on the other folds."""
    p = np.zeros(len(y))
    blocks = np.unique(groups)
    fold_of = {b: k % FOLDS for k, b in enumerate(blocks)}
    folds = np.array([fold_of[g] for g in groups])
    for k in range(min(FOLDS, len(blocks))):
        train, test = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        vectoriser, model = fit(found, y, train, C)
        p[test] = model.decision_function(vectoriser.transform([found[i] for i in test])) - model.intercept_[0]
    return p


def ap_with_interval(y: np.ndarray, p: np.ndarray, groups: np.ndarray) -> tuple[float, float, float]:
    from sklearn.metrics import average_precision_score

    blocks = np.unique(groups)
    index = {b: np.flatnonzero(groups == b) for b in blocks}
    rng = np.random.default_rng(SEED)
    values = []
    for _ in range(RESAMPLES):
        rows = np.concatenate([index[blocks[k]] for k in rng.integers(0, len(blocks), len(blocks))])
        values.append(average_precision_score(y[rows], p[rows]))
    return float(average_precision_score(y, p)), float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="ClaimBuster JSON lists")
    parser.add_argument("--dry-run", action="store_true", help="print the table, write nothing")
    parser.add_argument("--out", type=Path, default=MODEL_FILE, help="where to write the model (default: the package's)")
    args = parser.parse_args(argv)
    ids, texts, y = read_sentences(args.files)
    groups = np.array([i // BLOCK for i in ids])
    found, rules = parse(texts)
    print(f"{len(ids)} sentences ({int(y.sum())} check-worthy) in {len(np.unique(groups))} blocks of {BLOCK} ids; {FOLDS}-fold by block")
    print("| ranking (out of fold) | average precision [95 % interval, blocks resampled] | ratio to the rules |")
    print("|---|---|---:|")
    base, low, high = ap_with_interval(y, rules, groups)
    print(f"| rules' check-worthiness (baseline, text only) | {base:.3f} [{low:.3f}, {high:.3f}] | 1.00 |")
    best = None
    for C in C_GRID:
        p = out_of_fold(found, y, groups, C)
        ap, low, high = ap_with_interval(y, p, groups)
        print(f"| term model, C={C} | {ap:.3f} [{low:.3f}, {high:.3f}] | {ap / base:.2f} |")
        if best is None or ap > best[1]:
            best = (C, ap, low, high, p)
    C, ap, low, high, p = best
    rules_z = 2.0 * np.log(np.clip(rules, 1e-6, 1 - 1e-6) / np.clip(1.0 - rules, 1e-6, 1))
    for weight in COMBINED:
        both, both_low, both_high = ap_with_interval(y, rules_z + weight * p, groups)
        print(f"| rules + {weight} x term log-odds (C={C}) | {both:.3f} [{both_low:.3f}, {both_high:.3f}] | {both / base:.2f} |")
    print(f"chosen C={C}")
    if args.dry_run:
        return 0
    vectoriser, model = fit(found, y, np.arange(len(y)), C)
    names = vectoriser.get_feature_names_out()
    weights = {str(t): round(float(w), 4) for t, w in zip(names, model.coef_[0]) if abs(w) >= MIN_WEIGHT}
    out = {
        **SOURCE,
        "sentences": len(ids),
        "check_worthy": int(y.sum()),
        "C": C,
        "cross_validated_average_precision": round(ap, 4),
        "intercept": round(float(model.intercept_[0]), 4),
        "weights": dict(sorted(weights.items())),
    }
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {args.out.name}: {len(weights)} terms, {args.out.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
