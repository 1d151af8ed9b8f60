"""What a trained model adds to the rules: F1 per label on the held-out part of the development set
against the number of labelled training sentences, for the rules alone, the model alone and the
combination (``tagline.core.train.combine``).

    python bench/learning_curve.py                  # the learning curve (held-out part)
    python bench/learning_curve.py --choose         # how the combination was chosen (tuning part)
    python bench/learning_curve.py --active         # most uncertain first against random order

Training sentences are drawn from the tuning part of ``devset/`` (the sample article and NewsSD-ENG
val and train rows), each text once, as ``tagline train`` would take them; below the full tuning
part every size is drawn ``--repeats`` times with different seeds and the figures are the mean.
``--choose`` never looks at the held-out part: it trains on all tuning articles but one, scores the
one left out, for each article in turn, and compares ways of combining rule scores and model
probabilities on those out-of-article predictions. ``--active`` simulates the app's ``n`` taking the
most uncertain sentence (``tagline.core.train.uncertainty`` of the combined suggestion): from 25 random
tuning sentences, it retrains and adds the 25 most uncertain of the rest, round after round, and
compares held-out F1 with adding sentences in random order.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_suggest import ANNOTATOR, DEVSET, load_devset, part_of  # noqa: E402

from tagline.core import corpus, train  # noqa: E402
from tagline.core.labels import DEFAULT_SCHEME  # noqa: E402
from tagline.core.suggest import LABELS, load_pipeline, suggest_articles  # noqa: E402

SIZES = (25, 50, 100, 200)


def rule_suggestions() -> tuple[list, dict]:
    """(the devset's gold sentences, (article, index) -> the rules' suggestion)."""
    nlp, _info = load_pipeline("en_core_web_sm")
    used, sentences = load_devset()
    rules = {}
    for article, results in zip(used, suggest_articles(nlp, used)):
        for index, result in enumerate(results):
            rules[(article.id, index)] = result
    return sentences, rules


def training_pool() -> list[corpus.Example]:
    """The tuning part as ``tagline train`` reads it: done sentences, each text once."""
    merged = corpus.load(DEVSET / "annotations", DEFAULT_SCHEME, [ANNOTATOR])
    if merged.problems:
        raise SystemExit(f"devset: {merged.problems[0]}")
    return [e for e in corpus.examples(merged) if part_of(e.article) == "tuning"]


# -- ways of combining, compared by --choose -----------------------------------------------------
def _weighted(weight: float):
    return lambda rule, model: weight * rule + (1 - weight) * model


COMBINATIONS = {
    "rules alone": lambda rule, model: rule,
    "model alone": lambda rule, model: model,
    "mean": _weighted(0.5),
    f"{train.RULE_WEIGHT} rules + {1 - train.RULE_WEIGHT} model (chosen)": _weighted(train.RULE_WEIGHT),
    "0.25 rules + 0.75 model": _weighted(0.25),
    "max": max,
    "min": min,
}


def f1_table(gold_sets: list[frozenset[str]], predicted: list[frozenset[str]]) -> dict[str, float]:
    return {label: train.prf(gold_sets, predicted, label)[2] for label in LABELS}


def choose(rules: dict, pool: list[corpus.Example]) -> None:
    articles = sorted({e.article for e in pool})
    model_scores: dict[tuple[str, int], dict[str, float]] = {}
    for left_out in articles:
        rest = [e for e in pool if e.article != left_out]
        held = [e for e in pool if e.article == left_out]
        nlp = train.fit([e.text for e in rest], [e.labels for e in rest], list(LABELS))
        for example, scores in zip(held, train.predict(nlp, [e.text for e in held])):
            model_scores[(example.article, example.index)] = scores
    truth = [frozenset(e.labels) for e in pool]
    print(f"leave one article out over the {len(articles)} tuning articles ({len(pool)} sentences), threshold {train.THRESHOLD}")
    print("| combination | " + " | ".join(f"{label} F1" for label in LABELS) + " | mean F1 |")
    print("|---|" + "---:|" * (len(LABELS) + 1))
    for name, how in COMBINATIONS.items():
        predicted = []
        for e in pool:
            rule = rules[(e.article, e.index)]["scores"]
            model = model_scores[(e.article, e.index)]
            predicted.append(frozenset(label for label in LABELS if how(rule[label], model[label]) >= train.THRESHOLD))
        f1 = f1_table(truth, predicted)
        print(f"| {name} | " + " | ".join(f"{f1[label]:.3f}" for label in LABELS) + f" | {statistics.mean(f1.values()):.3f} |")


# -- the learning curve --------------------------------------------------------------------------
def curve(sentences: list, rules: dict, pool: list[corpus.Example], repeats: int) -> list[tuple[int, str, dict[str, float]]]:
    held_out = [s for s in sentences if part_of(s.article) == "held-out"]
    truth = [s.gold for s in held_out]
    texts = [s.text for s in held_out]
    rule_results = [rules[(s.article, s.index)] for s in held_out]
    rows = [(0, "rules", f1_table(truth, [frozenset(r["labels"]) for r in rule_results]))]
    sizes = [n for n in SIZES if n < len(pool)] + [len(pool)]
    for size in sizes:
        seeds = range(repeats) if size < len(pool) else range(1)
        runs: dict[str, list[dict[str, float]]] = {"model": [], "rules + model": []}
        for seed in seeds:
            chosen = random.Random(seed).sample(pool, size) if size < len(pool) else pool
            nlp = train.fit([e.text for e in chosen], [e.labels for e in chosen], list(LABELS), seed=seed)
            model = train.predict(nlp, texts)
            runs["model"].append(f1_table(truth, [train.above(m) for m in model]))
            combined = [train.combine(r, m, LABELS) for r, m in zip(rule_results, model)]
            runs["rules + model"].append(f1_table(truth, [frozenset(c["labels"]) for c in combined]))
        for method, tables in runs.items():
            rows.append((size, method, {label: statistics.mean(t[label] for t in tables) for label in LABELS}))
    return rows


def active(sentences: list, rules: dict, pool: list[corpus.Example], repeats: int, step: int = 25, until: int = 200) -> list[tuple[int, str, dict[str, float]]]:
    held_out = [s for s in sentences if part_of(s.article) == "held-out"]
    truth = [s.gold for s in held_out]
    texts = [s.text for s in held_out]
    held_rules = [rules[(s.article, s.index)] for s in held_out]
    results: dict[tuple[int, str], list[dict[str, float]]] = {}

    def score(labelled: list[corpus.Example], seed: int):
        nlp = train.fit([e.text for e in labelled], [e.labels for e in labelled], list(LABELS), seed=seed)
        combined = [train.combine(r, m, LABELS) for r, m in zip(held_rules, train.predict(nlp, texts))]
        return nlp, f1_table(truth, [frozenset(c["labels"]) for c in combined])

    for seed in range(repeats):
        order = list(pool)
        random.Random(seed).shuffle(order)
        for size in range(step, until + 1, step):
            results.setdefault((size, "random order"), []).append(score(order[:size], seed)[1])
        labelled, rest = order[:step], order[step:]
        while True:
            nlp, f1 = score(labelled, seed)
            results.setdefault((len(labelled), "most uncertain first"), []).append(f1)
            if len(labelled) >= until:
                break
            model = train.predict(nlp, [e.text for e in rest])
            doubt = [train.uncertainty(train.combine(rules[(e.article, e.index)], m, LABELS)) for e, m in zip(rest, model)]
            ranked = sorted(range(len(rest)), key=lambda k: -doubt[k])  # stable: ties keep the random order
            chosen = set(ranked[:step])
            labelled += [rest[k] for k in sorted(chosen)]
            rest = [e for k, e in enumerate(rest) if k not in chosen]
    return [(size, how, {label: statistics.mean(t[label] for t in tables) for label in LABELS})
            for (size, how), tables in sorted(results.items())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--choose", action="store_true", help="compare combinations on the tuning part (leave one article out)")
    parser.add_argument("--active", action="store_true", help="most uncertain sentences first against random order (held-out part)")
    parser.add_argument("--repeats", type=int, default=3, help="random draws per training size (default 3)")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    sentences, rules = rule_suggestions()
    pool = training_pool()
    if args.choose:
        choose(rules, pool)
    elif args.active:
        print(f"F1 of rules + model on the held-out part; mean of {args.repeats} runs")
        print("| training sentences | order | " + " | ".join(f"{label} F1" for label in LABELS) + " |")
        print("|---:|---|" + "---:|" * len(LABELS))
        for size, how, f1 in active(sentences, rules, pool, args.repeats):
            print(f"| {size} | {how} | " + " | ".join(f"{f1[label]:.2f}" for label in LABELS) + " |")
    else:
        held = sum(1 for s in sentences if part_of(s.article) == "held-out")
        print(f"F1 on the held-out part ({held} sentences); training sentences from the tuning part ({len(pool)} distinct); "
              f"mean of {args.repeats} draws below the full part")
        print("| training sentences | method | " + " | ".join(f"{label} F1" for label in LABELS) + " |")
        print("|---:|---|" + "---:|" * len(LABELS))
        for size, method, f1 in curve(sentences, rules, pool, args.repeats):
            shown = "-" if method == "rules" else str(size)
            print(f"| {shown} | {method} | " + " | ".join(f"{f1[label]:.2f}" for label in LABELS) + " |")
    print(f"({time.perf_counter() - began:.0f} s, model load and parsing included)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
