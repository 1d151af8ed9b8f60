"""Keys per sentence for a simulated annotator over the development set, suggestions on and off.

    python bench/keystrokes.py        # the table (about a minute: the suggester runs on the devset)

The annotator knows the gold labels of every sentence (``devset/``) and uses the fewest keys:

* suggestions **off**: a label key for each label that applies (``c``, ``q``, ``s``), or ``space``
  when none does;
* suggestions **on**: ``a`` when the suggestion is right and suggests something, ``space`` when it
  is right and suggests nothing; when it is wrong, the cheaper of typing the labels as above and
  ``a`` followed by a label key for each label to add or remove.

Two counts: **decision keys**, as above (the issue's measure: with good suggestions most sentences
take one key); **with moves**, adding the key that moves to the next sentence wherever the last
key did not (``space`` confirms and moves on; ``a`` and the label keys do not move the cursor in
today's keymap); and **with moves, if a moved on**, as ``space`` does. Intervals: 95 %, 1,000 bootstrap resamples of whole articles.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_suggest import PARTS, RESAMPLES, SEED, evaluate, part_of  # noqa: E402

GOAL = 1.3


def keys_off(gold: frozenset[str]) -> tuple[int, int]:
    """(decision keys, keys with moves) without suggestions."""
    if not gold:
        return 1, 1  # space: done, and on to the next
    return len(gold), len(gold) + 1  # label keys, then a move


def keys_on(gold: frozenset[str], suggested: frozenset[str]) -> tuple[int, int, int]:
    """(decision keys, keys with moves, keys with moves if ``a`` moved on) with suggestions shown."""
    typed = keys_off(gold)
    if suggested == gold:
        return (1, 1, 1) if not gold else (1, 2, 1)  # space / a (+ a move)
    fixed = 1 + len(suggested ^ gold)  # a, then toggle each difference
    return min(typed[0], fixed), min(typed[1], fixed + 1), typed[1]


def per_article(sentences, method: str | None) -> dict[str, np.ndarray]:
    """article -> array of [sentences, decision keys, keys with moves, keys if ``a`` moved on]."""
    out: dict[str, np.ndarray] = {}
    for s in sentences:
        k = (*keys_off(s.gold), keys_off(s.gold)[1]) if method is None else keys_on(s.gold, s.predicted[method])
        out.setdefault(s.article, np.zeros(4))
        out[s.article] += (1, *k)
    return out


def with_interval(counts: dict[str, np.ndarray], column: int) -> tuple[float, float, float]:
    rows = np.array(list(counts.values()))
    point = rows[:, column].sum() / rows[:, 0].sum()
    rng = np.random.default_rng(SEED)
    draws = rng.integers(0, len(rows), size=(RESAMPLES, len(rows)))
    values = rows[draws, column].sum(axis=1) / rows[draws, 0].sum(axis=1)
    return float(point), float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


def main() -> int:
    report = evaluate()
    sentences = report["_sentences"]
    print("| part | suggestions | decision keys / sentence | with moves | with moves, if a moved on | sentences |")
    print("|---|---|---|---|---|---:|")
    results = {}
    for part in PARTS:
        members = [s for s in sentences if part_of(s.article) == part]
        for name, method in (("off", None), ("on (rules)", "rules"), ("on (regex baseline)", "regex baseline")):
            counts = per_article(members, method)
            cells = [with_interval(counts, column) for column in (1, 2, 3)]
            results[(part, name)] = cells
            shown = " | ".join(f"{v:.3f} [{lo:.3f}, {hi:.3f}]" for v, lo, hi in cells)
            print(f"| {part} | {name} | {shown} | {len(members)} |")
    print()
    for column, name in enumerate(("decision keys", "with moves", "with moves, if a moved on")):
        value, low, high = results[("held-out", "on (rules)")][column]
        verdict = "met" if high <= GOAL else "not met"
        print(f"goal <= {GOAL} keys per sentence, held-out, suggestions on, {name}: {value:.3f} [{low:.3f}, {high:.3f}] -> {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
