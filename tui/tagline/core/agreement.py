"""``tagline agree``: inter-annotator agreement from the annotation files.

For each label, every sentence is a binary item (the annotator gave the label, or did not); for the
label set as a whole, the set of labels a sentence got is one nominal value (``{claim, quote}`` and
``{claim}`` disagree). Figures:

- per pair of annotators, over the sentences both marked ``done``: observed agreement and Cohen's
  kappa;
- across all the chosen annotators, over the sentences all of them marked ``done``: observed
  agreement (the mean, over sentences, of the share of annotator pairs that agree: Fleiss' P-bar),
  Fleiss' kappa and Krippendorff's alpha (nominal).

A figure is ``None`` (JSON ``null``, "n/a" in the table) when it is undefined: no sentences, fewer
than two annotators, or chance agreement of 1 (everyone gave the same single value everywhere, so
kappa and alpha are 0/0). Reviewers' decisions are not annotations and never count here.

Arithmetic is exact (fractions) so that "expected agreement is 1" is decided without rounding.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from itertools import combinations
from collections.abc import Hashable, Sequence

from tagline.core import corpus
from tagline.core.labels import LabelScheme

LABEL_SET = "label set"


# -- the coefficients ---------------------------------------------------------------------------
def observed_agreement(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    if not a:
        return None
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two raters over the same items; ``None`` when undefined."""
    n = len(a)
    if n == 0:
        return None
    agree = Fraction(sum(x == y for x, y in zip(a, b, strict=True)), n)
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(Fraction(count_a[v] * count_b[v], n * n) for v in count_a)
    if expected == 1:
        return None
    return float((agree - expected) / (1 - expected))


def _unit_pair_agreement(values: Sequence[Hashable]) -> Fraction:
    m = len(values)
    return Fraction(sum(c * (c - 1) for c in Counter(values).values()), m * (m - 1))


def mean_pair_agreement(units: Sequence[Sequence[Hashable]], weights: Sequence[int] | None = None) -> float | None:
    """Across raters: the mean over items of the share of rater pairs that agree (Fleiss' P-bar).
    ``weights``: how many items each unit stands for (identical items counted once, weighted)."""
    weights = weights or [1] * len(units)
    rated = [(u, w) for u, w in zip(units, weights, strict=True) if len(u) >= 2]
    if not rated:
        return None
    return float(sum(_unit_pair_agreement(u) * w for u, w in rated) / sum(w for _, w in rated))


def fleiss_kappa(units: Sequence[Sequence[Hashable]]) -> float | None:
    """Fleiss' kappa; every item must have the same number (two or more) of ratings."""
    if not units:
        return None
    m = len(units[0])
    if m < 2 or any(len(u) != m for u in units):
        return None
    n = len(units)
    observed = sum(_unit_pair_agreement(u) for u in units) / n
    totals: Counter = Counter()
    for unit in units:
        totals.update(unit)
    expected = sum(Fraction(count, n * m) ** 2 for count in totals.values())
    if expected == 1:
        return None
    return float((observed - expected) / (1 - expected))


def krippendorff_alpha(units: Sequence[Sequence[Hashable]], weights: Sequence[int] | None = None) -> float | None:
    """Krippendorff's alpha, nominal metric; an item's ratings are the values given (missing ones
    left out), items with fewer than two ratings are not pairable and do not count. ``weights``: how
    many items each unit stands for."""
    coincidences: Counter = Counter()
    for unit, weight in zip(units, weights or [1] * len(units), strict=True):
        m = len(unit)
        if m < 2:
            continue
        counts = Counter(unit)
        for c, nc in counts.items():
            for k, nk in counts.items():
                pairs = nc * (nc - 1) if c == k else nc * nk
                if pairs:
                    coincidences[c, k] += Fraction(pairs * weight, m - 1)
    marginals: Counter = Counter()
    for (c, _k), value in coincidences.items():
        marginals[c] += value
    n = sum(marginals.values())
    if n <= 1:
        return None
    disagree = sum(value for (c, k), value in coincidences.items() if c != k)
    chance = sum(marginals[c] * marginals[k] for c in marginals for k in marginals if c != k)
    if chance == 0:
        return None
    return float(1 - (n - 1) * disagree / chance)


# -- the report ----------------------------------------------------------------------------------
def compute(merged: corpus.Corpus, scheme: LabelScheme, annotators: list[str] | None = None) -> dict:
    """Every figure, as data (the JSON output)."""
    names = sorted(annotators) if annotators else merged.annotators
    done_sets = [{name: labels for name, labels in unit.done.items() if name in names} for unit in merged.units]
    everyone = [d for d in done_sets if len(d) == len(names)] if names else []
    measures = [(label, lambda labels, label=label: int(label in labels)) for label in scheme.names]
    measures.append((LABEL_SET, lambda labels: tuple(sorted(labels))))
    report: dict = {
        "annotators": names,
        "sentences": len(everyone),
        "notes": {
            LABEL_SET: "the set of labels on a sentence, as one nominal value",
            "null": "undefined: no sentences, fewer than two annotators, or chance agreement of 1",
        },
        "labels": {},
    }
    for label, value in measures:
        rows = [[value(d[name]) for name in names] for d in everyone]
        pairs = []
        for a, b in combinations(names, 2):
            both = [(value(d[a]), value(d[b])) for d in done_sets if a in d and b in d]
            first, second = [x for x, _ in both], [y for _, y in both]
            pairs.append({
                "annotators": [a, b],
                "sentences": len(both),
                "observed": observed_agreement(first, second),
                "cohen_kappa": cohen_kappa(first, second),
            })
        entry = {
            "sentences": len(rows),
            "observed": mean_pair_agreement(rows) if len(names) >= 2 else None,
            "fleiss_kappa": fleiss_kappa(rows) if len(names) >= 2 else None,
            "krippendorff_alpha": krippendorff_alpha(rows) if len(names) >= 2 else None,
            "pairs": pairs,
        }
        if label != LABEL_SET:
            entry["given"] = {name: sum(row[i] for row in rows) for i, name in enumerate(names)}
        report["labels"][label] = entry
    return report
