"""``tagline agree``: inter-annotator agreement from the annotation files.

For each label, every sentence is a binary item (the annotator gave the label, or did not); for the
label set as a whole, the set of labels a sentence got is one nominal value (``{claim, quote}`` and
``{claim}`` disagree). Figures:

- per pair of annotators, over the sentences both marked ``done``: observed agreement and Cohen's
  kappa;
- across all the chosen annotators, over the sentences all of them marked ``done``: observed
  agreement (the mean, over sentences, of the share of annotator pairs that agree: Fleiss' P-bar)
  and Fleiss' kappa; Krippendorff's alpha (nominal), which is made for missing answers, over every
  sentence at least two of them marked ``done`` (``alpha_sentences``): a team routed two to an
  article, of three or more, has no sentence done by all, and ``tagline status`` reports the same
  alpha.

A figure is ``None`` (JSON ``null``, "n/a" in the table) when it is undefined: no sentences, fewer
than two annotators, or chance agreement of 1 (everyone gave the same single value everywhere, so
kappa and alpha are 0/0). Reviewers' decisions are not annotations and never count here.

Arithmetic is exact (fractions) so that "expected agreement is 1" is decided without rounding.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from itertools import combinations
import statistics
from collections.abc import Callable, Hashable, Mapping, Sequence

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


def mean_pair_agreement(units: Sequence[Sequence[Hashable]], weights: Sequence[int] | None = None) -> float | None:
    """Across raters: the mean over items of the share of rater pairs that agree (Fleiss' P-bar).
    ``weights``: how many items each unit stands for (identical items counted once, weighted)."""
    return mean_pair_agreement_counts([Counter(u) for u in units], weights)


def mean_pair_agreement_counts(units: Sequence[Mapping[Hashable, int]], weights: Sequence[int] | None = None) -> float | None:
    """:func:`mean_pair_agreement` from each item's counts (value -> raters who gave it)."""
    agreeing: Counter = Counter()  # raters -> agreeing pairs (weighted) over the items with that many
    total = 0
    for counts, weight in zip(units, weights or [1] * len(units), strict=True):
        m = sum(counts.values())
        if m >= 2:
            agreeing[m] += sum(c * (c - 1) for c in counts.values()) * weight
            total += weight
    if not total:
        return None
    return float(sum(Fraction(pairs, m * (m - 1)) for m, pairs in agreeing.items()) / total)


def fleiss_kappa(units: Sequence[Sequence[Hashable]]) -> float | None:
    """Fleiss' kappa; every item must have the same number (two or more) of ratings."""
    return fleiss_kappa_counts([Counter(u) for u in units])


def fleiss_kappa_counts(units: Sequence[Mapping[Hashable, int]]) -> float | None:
    """:func:`fleiss_kappa` from each item's counts (value -> raters who gave it)."""
    if not units:
        return None
    m = sum(units[0].values())
    if m < 2 or any(sum(u.values()) != m for u in units):
        return None
    n = len(units)
    observed = Fraction(sum(c * (c - 1) for u in units for c in u.values()), m * (m - 1) * n)
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
    return krippendorff_alpha_counts([Counter(u) for u in units], weights)


def krippendorff_alpha_counts(units: Sequence[Mapping[Hashable, int]], weights: Sequence[int] | None = None) -> float | None:
    """:func:`krippendorff_alpha` from each item's counts (value -> raters who gave it), through the
    coincidence matrix: the cost is in items x values, whatever the number of raters."""
    paired: Counter = Counter()  # (value, value, raters) -> pairs (weighted), whole numbers
    for counts, weight in zip(units, weights or [1] * len(units), strict=True):
        m = sum(counts.values())
        if m < 2:
            continue
        for c, nc in counts.items():
            for k, nk in counts.items():
                pairs = nc * (nc - 1) if c == k else nc * nk
                if pairs:
                    paired[c, k, m] += pairs * weight
    coincidences: Counter = Counter()
    for (c, k, m), pairs in paired.items():  # one division for each number of raters
        coincidences[c, k] += Fraction(pairs, m - 1)
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
#: Pairs of annotators listed one by one (10 annotators); beyond, a summary of them, unless asked.
PAIRS_LISTED = 45


def compute(merged: corpus.Corpus, scheme: LabelScheme, annotators: list[str] | None = None,
            pairs: bool | None = None) -> dict:
    """Every figure, as data (the JSON output). ``pairs``: list every pair of annotators (True), only
    summarise them (False), or list them when there are at most :data:`PAIRS_LISTED` (None).

    The cost is in annotators x sentences for everything but the pairs, which are counted on bit
    sets of sentences (one machine word covers 64): a pair costs a few word operations a value, so
    300 annotators' 44,850 pairs take a fraction of a second."""
    names = sorted(annotators) if annotators else merged.annotators
    chosen = set(names)
    done_sets = [{name: labels for name, labels in unit.done.items() if name in chosen} for unit in merged.units]
    everyone = [d for d in done_sets if len(d) == len(names)] if names else []
    pairable = [d for d in done_sets if len(d) >= 2]
    measures: list[tuple[str, Callable]] = [(label, lambda labels, label=label: int(label in labels)) for label in scheme.names]
    measures.append((LABEL_SET, lambda labels: tuple(sorted(labels))))
    pair_names = list(combinations(names, 2))
    listed = len(pair_names) <= PAIRS_LISTED if pairs is None else pairs
    report: dict = {
        "annotators": names,
        "sentences": len(everyone),
        "notes": {
            LABEL_SET: "the set of labels on a sentence, as one nominal value",
            "null": "undefined: no sentences, fewer than two annotators, or chance agreement of 1",
            "pairs": f"each pair of annotators is listed when there are at most {PAIRS_LISTED} pairs, or when asked "
                     "(--pairs); pair_summary sums them up",
        },
        "labels": {},
    }
    by_pair = _pair_figures(names, done_sets, measures)
    for label, value in measures:
        counts = [Counter(value(d[name]) for name in names) for d in everyone]
        team = len(names) >= 2
        entry: dict = {
            "sentences": len(counts),
            "observed": mean_pair_agreement_counts(counts) if team else None,
            "fleiss_kappa": fleiss_kappa_counts(counts) if team else None,
            "krippendorff_alpha": krippendorff_alpha_counts([Counter(map(value, d.values())) for d in pairable]) if team else None,
            "alpha_sentences": len(pairable),
        }
        figures = by_pair[label]
        if listed:
            entry["pairs"] = [
                {"annotators": [a, b], "sentences": n, "observed": observed, "cohen_kappa": kappa}
                for (a, b), (n, observed, kappa) in zip(pair_names, figures, strict=True)
            ]
        entry["pair_summary"] = _pair_summary(names, pair_names, figures)
        if label != LABEL_SET:
            entry["given"] = {name: sum(value(d[name]) for d in everyone) for name in names}
        report["labels"][label] = entry
    return report


def _bits(positions: list[int], size: int) -> int:
    """The set of ``positions`` (each below ``size``) as the bits of an int."""
    field = bytearray((size + 7) // 8)
    for p in positions:
        field[p >> 3] |= 1 << (p & 7)
    return int.from_bytes(field, "little")


def _pair_figures(names: list[str], done_sets: list[dict], measures: list[tuple[str, Callable]]) -> dict[str, list[tuple]]:
    """label -> for each pair of ``names`` (in :func:`itertools.combinations` order): (sentences both
    marked done, observed agreement, Cohen's kappa), the same figures as :func:`observed_agreement`
    and :func:`cohen_kappa` over those sentences, to the last bit.

    Each annotator's done sentences, and for each value of a measure the sentences they gave it, are
    bit sets; a pair's counts are the sizes of intersections. Kappa is (agree·n - E) / (n² - E) with
    E the sum over values of the two annotators' counts multiplied: the exact fraction Cohen's
    formula gives, divided once (correctly rounded) as :func:`cohen_kappa` does."""
    size = len(done_sets)
    where: dict[str, list[int]] = {name: [] for name in names}
    given: dict[str, dict[str, dict]] = {label: {name: {} for name in names} for label, _ in measures}
    for position, done in enumerate(done_sets):
        for name, labels in done.items():
            where[name].append(position)
            for label, value in measures:
                given[label][name].setdefault(value(labels), []).append(position)
    done_bits = [_bits(where[name], size) for name in names]
    value_bits = {label: [{v: _bits(p, size) for v, p in given[label][name].items()} for name in names] for label, _ in measures}
    result: dict[str, list[tuple]] = {label: [] for label, _ in measures}
    plan = [(result[label], value_bits[label]) for label, _ in measures]
    for i, j in combinations(range(len(names)), 2):
        done_i, done_j = done_bits[i], done_bits[j]
        n = (done_i & done_j).bit_count()
        if n == 0:
            for out, _bits_of in plan:
                out.append((0, None, None))
            continue
        square = n * n
        for out, bits_of in plan:
            agree = expected = 0
            mine, theirs = bits_of[i], bits_of[j]
            for v, a in mine.items():
                b = theirs.get(v)
                if b is None:
                    continue
                count_a = (a & done_j).bit_count()
                if count_a:
                    expected += count_a * (b & done_i).bit_count()
                    agree += (a & b).bit_count()
            kappa = None if expected == square else (agree * n - expected) / (square - expected)
            out.append((n, agree / n, kappa))
    return result


def _pair_summary(names: list[str], pair_names: list[tuple[str, str]], figures: list[tuple]) -> dict:
    """What a team's pairs come to: how many, the spread of their kappas, the lowest pair, and each
    annotator's mean kappa with the others (an annotator far from everyone stands out there)."""
    defined = [(kappa, pair, n) for pair, (n, _observed, kappa) in zip(pair_names, figures, strict=True) if kappa is not None]
    kappas = sorted(k for k, _pair, _n in defined)
    by_annotator: dict[str, list[float]] = {name: [] for name in names}
    for kappa, (a, b), _n in defined:
        by_annotator[a].append(kappa)
        by_annotator[b].append(kappa)
    lowest = min(defined, key=lambda d: (d[0], d[1]), default=None)
    return {
        "pairs": len(pair_names),
        "compared": sum(1 for n, _o, _k in figures if n),
        "defined": len(kappas),
        "cohen_kappa": {
            "min": kappas[0] if kappas else None,
            "median": statistics.median(kappas) if kappas else None,
            "mean": statistics.fmean(kappas) if kappas else None,
            "max": kappas[-1] if kappas else None,
        },
        "lowest": None if lowest is None else {"annotators": list(lowest[1]), "sentences": lowest[2], "cohen_kappa": lowest[0]},
        "mean_kappa_by_annotator": {name: statistics.fmean(k) if k else None for name, k in by_annotator.items()},
    }
