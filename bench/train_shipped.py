"""Build a model that could ship in the wheel: ``tagline train``'s own code on the NewsSD-ENG
articles of the development set's tuning part, never a held-out article.

    python bench/train_shipped.py --cv              # choose the epochs: leave one tuning article out
    python bench/train_shipped.py --out DIR         # train with the chosen epochs, save, say the size
    python bench/train_shipped.py --out DIR --epochs 20
    python bench/train_shipped.py --data tuning --cv    # every tuning article, not only NewsSD-ENG's

Training data (``--data``): ``newssd`` (the default), every ``devset/annotations/devset/newssd-*.yaml``
whose article ``part_of`` calls tuning (NewsSD-ENG, CC BY 4.0; see ``devset/README.md``); ``tuning``,
every tuning article (since the re-split also the GUM Wikinews articles, CC BY 2.5, and the project's
sample article). The script asserts that no held-out article is among them before anything is trained. The files are copied to a temporary annotations folder and
``tagline.core.train.train`` is run on it, so the rows are exactly what ``tagline train`` takes (done
sentences, merged, each repeated text once) and the model is saved as ``tagline train`` saves it.
Seed fixed (:data:`SEED`): the same files give the same weights.

``--cv`` compares numbers of epochs (the one setting ``tagline.core.train.fit`` takes besides the seed)
by leaving one tuning article out at a time (or one of ``--folds`` groups of articles): a model trained on the others scores the one left out,
combined with the rules' suggestion as the app combines them (``tagline.core.train.combine``), and
the pooled out-of-article F1 per label is printed beside the rules alone, with 95 % intervals over
1,000 bootstrap resamples of whole articles. The rules and the claim score were tuned on these same
articles, so the rules look better here than on held-out text; the comparison between epochs is
what the table is for.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_suggest import ANNOTATOR, DEVSET, RESAMPLES, Sentence, bootstrap, paired_difference, part_of, prf  # noqa: E402

from tagline.core import annofile, articles, corpus, train  # noqa: E402
from tagline.core.labels import DEFAULT_SCHEME  # noqa: E402
from tagline.core.suggest import LABELS, load_pipeline, suggest_articles  # noqa: E402

SEED = 0
EPOCH_GRID = (1, 2, 3, 5, 10, 20, 40)
#: Chosen by ``--cv`` (the highest mean out-of-article F1 of rules + model over the three labels).
EPOCHS = 5
SOURCE = "NewsSD-ENG"
LICENCE = "CC BY 4.0"


#: --data: which tuning articles to train on.
DATA = {"newssd": ("newssd-",), "tuning": ("",)}


def training_files(devset: Path = DEVSET, data: str = "newssd") -> list[Path]:
    """The annotation files of the tuning articles ``data`` names; refuses a held-out one."""
    prefixes = DATA[data]
    chosen = []
    for _annotator, path in annofile.iter_files(devset / "annotations", [ANNOTATOR]):
        article_id = annofile.read(path)["article"]["id"]
        if article_id.startswith(prefixes) and part_of(article_id) == "tuning":
            chosen.append(path)
    for path in chosen:  # never a held-out article, whatever changes above
        article_id = annofile.read(path)["article"]["id"]
        assert part_of(article_id) == "tuning", f"{article_id} is held out"
        assert article_id.startswith(prefixes), f"{article_id} is not in --data {data}"
    if not chosen:
        raise SystemExit("no tuning articles found")
    return sorted(chosen)


def staged(folder: Path, devset: Path = DEVSET, data: str = "newssd") -> Path:
    """A fresh annotations folder under ``folder`` holding only the training files; its path."""
    annotations = folder / "annotations"
    (annotations / ANNOTATOR).mkdir(parents=True)
    for path in training_files(devset, data):
        shutil.copy2(path, annotations / ANNOTATOR / path.name)
    return annotations


def examples_of(annotations: Path) -> list[corpus.Example]:
    """The rows ``tagline train`` trains on, from :func:`staged`'s folder."""
    merged = corpus.load(annotations, DEFAULT_SCHEME)
    rows = corpus.examples(merged, "reviewed", keep_duplicates=False, scheme=DEFAULT_SCHEME)
    assert all(part_of(e.article) == "tuning" for e in rows)
    return rows


def rule_results(ids: set[str]) -> dict[tuple[str, int], dict]:
    """(article, sentence index) -> the rules' suggestion, for the articles ``ids``."""
    found, problems = articles.load([DEVSET / "articles"])
    if problems:
        raise SystemExit(f"devset: {problems[0]}")
    used = [a for a in found if a.id in ids]
    assert all(part_of(a.id) == "tuning" for a in used)
    nlp, _info = load_pipeline("en_core_web_sm")
    return {(a.id, k): r for a, results in zip(used, suggest_articles(nlp, used)) for k, r in enumerate(results)}


def folds_of(ids: list[str], folds: int | None) -> list[list[str]]:
    """One article a fold, or ``folds`` groups of articles dealt out in a seeded shuffle."""
    if not folds or folds >= len(ids):
        return [[i] for i in ids]
    import random

    order = list(ids)
    random.Random(SEED).shuffle(order)
    return [order[k::folds] for k in range(folds)]


def cross_validate(grid=EPOCH_GRID, resamples: int = RESAMPLES, data: str = "newssd", folds: int | None = None) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        rows = examples_of(staged(Path(tmp), data=data))
    ids = sorted({e.article for e in rows})
    rules = rule_results(set(ids))
    sentences = [Sentence(e.article, e.index, e.text, frozenset(e.labels)) for e in rows]
    for s in sentences:
        s.predicted["rules"] = frozenset(rules[(s.article, s.index)]["labels"])
    spent = {}
    for epochs in grid:
        began = time.process_time()
        method = f"rules + model, {epochs} epochs"
        for left_out in folds_of(ids, folds):
            train_rows = [e for e in rows if e.article not in left_out]
            test = [(e, s) for e, s in zip(rows, sentences) if e.article in left_out]
            nlp = train.fit([e.text for e in train_rows], [e.labels for e in train_rows], list(LABELS), seed=SEED, epochs=epochs)
            for (e, s), scores in zip(test, train.predict(nlp, [e.text for e, _ in test])):
                s.predicted[method] = frozenset(train.combine(rules[(e.article, e.index)], scores, LABELS)["labels"])
        spent[method] = time.process_time() - began
    methods = ["rules"] + [f"rules + model, {n} epochs" for n in grid]
    lines = [
        f"{'leave one article out' if not folds or folds >= len(ids) else f'{folds} folds of articles'} over the "
        f"{len(ids)} tuning articles of --data {data} ({len(rows)} distinct sentences); "
        f"95 % intervals: {resamples} resamples of whole articles",
        "| method | claim F1 | quote F1 | quote recall | statistic F1 | mean F1 | CPU s (all folds) |",
        "|---|---|---|---|---|---:|---:|",
    ]
    best, best_mean = None, -1.0
    for method in methods:
        cells, f1s = [], []
        for label, measure in (("claim", "f1"), ("quote", "f1"), ("quote", "recall"), ("statistic", "f1")):
            p, r, f, _n = prf(sentences, method, label)
            value = f if measure == "f1" else r
            low, high = bootstrap(sentences, method, label, resamples)[measure]
            cells.append(f"{value:.3f} [{low:.3f}, {high:.3f}]")
            if measure == "f1":
                f1s.append(f)
        mean = sum(f1s) / len(f1s)
        if method != "rules" and mean > best_mean + 1e-9:
            best, best_mean = method, mean
        lines.append(f"| {method} | {' | '.join(cells)} | {mean:.3f} | {spent.get(method, 0.0):.1f} |")
    lines.append(f"best mean F1 (fewest epochs among equals): {best}")
    lines.append(f"{best} − rules, paired (the same articles drawn for both), F1:")
    for label in LABELS:
        d, low, high = paired_difference(sentences, best, "rules", label, resamples)["f1"]
        lines.append(f"  {label:<10} {d:+.3f} [{low:+.3f}, {high:+.3f}]")
    return "\n".join(lines)


def size_on_disk(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def build(out: Path, epochs: int = EPOCHS, data: str = "newssd") -> train.Report:
    """Train on the tuning articles with ``tagline train``'s code and save the model to ``out``."""
    with tempfile.TemporaryDirectory() as tmp:
        annotations = staged(Path(tmp), data=data)
        report = train.train(annotations, DEFAULT_SCHEME, out=out, seed=SEED, epochs=epochs)
    if report.problems:
        raise SystemExit(f"{report.problems[0]}")
    meta_path = out / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta[train.META_KEY]["provenance"] = provenance(epochs, report, data)
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return report


def provenance(epochs: int, report: train.Report, data: str = "newssd") -> dict:
    ids = sorted(annofile.read(p)["article"]["id"] for p in training_files(data=data))
    licences = [f"{LICENCE}: NewsSD-ENG by its authors (nlp-unibo/newssd-eng), https://creativecommons.org/licenses/by/4.0/"]
    if any(i.startswith("wikinews-") for i in ids):
        licences.append("CC BY 2.5: Wikinews contributors (https://en.wikinews.org), https://creativecommons.org/licenses/by/2.5/")
    return {
        "data": f"the development set's tuning part, --data {data} (devset/README.md)",
        "articles": ids,
        "licence": "; ".join(licences) + "; labels by the tagline project",
        "seed": SEED,
        "epochs": epochs,
        "command": f"python bench/train_shipped.py --data {data} --out DIR --epochs {epochs}",
        "sentences": report.sentences,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true", help="choose the epochs by leaving one tuning article out")
    parser.add_argument("--out", type=Path, help="train on every tuning article and save the model here")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--data", choices=sorted(DATA), default="newssd", help="which tuning articles to train on")
    parser.add_argument("--folds", type=int, help="--cv with this many groups of articles (default: one article a fold)")
    parser.add_argument("--grid", type=lambda v: tuple(int(x) for x in v.split(",")), default=EPOCH_GRID,
                        help="the numbers of epochs --cv compares (comma-separated)")
    args = parser.parse_args(argv)
    if not args.cv and args.out is None:
        parser.error("give --cv, --out DIR or both")
    if args.cv:
        print(cross_validate(args.grid, data=args.data, folds=args.folds))
    if args.out is not None:
        report = build(args.out, args.epochs, args.data)
        print(report.summary())
        print(f"{args.out}: {size_on_disk(args.out) / 1e6:.2f} MB on disk ({args.epochs} epochs, seed {SEED})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
