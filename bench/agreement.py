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

``--team 2,30,300`` measures instead what ``tagline agree`` costs a team of each size on one article
(the sample article, 34 sentences): whole processes (``python -m tagline agree``), ``--format json``
and the table, median of ``--repeats`` runs, sizes interleaved, each with its ratio against the
first size (the baseline) measured in the same run. The annotation files are the first annotator's
as tagline's store writes it, copied for the others with labels drawn around a shared answer (each
annotator with a noise of their own) and every sentence done, and without the parsed form tagline
keeps beside its own files (a team sharing files through git ignores it: the files are parsed).
``--before DIR`` also times the tagline of another checkout (``DIR/tui``) on the same files, in
the same rounds. ``--pairs`` passes ``--pairs`` (every pair listed) to the runs that accept it.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
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


# -- the cost of tagline agree for a team of N annotators ------------------------------------------
SAMPLE = ROOT / "seeds" / "000_88201f31feaf2608.txt"


def build_team(root: Path, size: int, seed: int = SEED) -> int:
    """``size`` annotators' files for the sample article under ``root``; returns its sentence count.
    The first file is written by tagline's own store, the others are it with their own labels."""
    from tagline.core.articles import Article
    from tagline.core.labels import DEFAULT_SCHEME
    from tagline.core.store import ArticleStore

    text = SAMPLE.read_text(encoding="utf-8")
    article = Article(SAMPLE.stem, f"seeds/{SAMPLE.name}", text)
    store = ArticleStore(root, "a000", article, DEFAULT_SCHEME, {"name": "en_core_web_sm", "version": "3.8.0"})
    store.fold(force=True)
    store.close()
    template = annofile.read(store.path)
    sentences = len(template["sentences"])
    rng = random.Random(seed)
    shared = [[x for x in LABELS if rng.random() < 0.3] for _ in range(sentences)]
    for k in range(size):
        name = f"a{k:03d}"
        noise = rng.choice((0.05, 0.1, 0.2, 0.4))
        records = [dict(record, status="done", labels=annofile.Flow([x for x in LABELS if (x in shared[i]) != (rng.random() < noise)]))
                   for i, record in enumerate(template["sentences"])]
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        annofile.atomic_write(folder / store.path.name, annofile.dumps({**template, "annotator": name, "sentences": records}))
    for derived in root.glob("*/.*"):  # the parsed form and the store's own files: a team's copy has none
        if derived.is_file():
            derived.unlink()
    return sentences


def time_agree(tui: Path, annotations: Path, form: str, pairs: bool) -> tuple[float, float]:
    """(wall s, CPU s) of one ``python -m tagline agree`` process run from ``tui``."""
    command = [sys.executable, "-m", "tagline", "agree", "--annotations", str(annotations), "--format", form]
    if pairs:
        command.append("--pairs")
    env = {**os.environ, "PYTHONPATH": str(tui), "COLUMNS": "80"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"tagline agree failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def team_bench(sizes: list[int], repeats: int, before: Path | None, pairs: bool) -> None:
    codes = [("after", ROOT / "tui")] + ([("before", before / "tui")] if before else [])
    with tempfile.TemporaryDirectory(prefix="tagline-agree-") as folder:
        roots = {}
        for size in sizes:
            roots[size] = Path(folder) / f"team{size}"
            sentences = build_team(roots[size], size)
        print(f"one article of {sentences} sentences, every sentence done by everyone; {repeats} runs each, median")
        times: dict[tuple, list[tuple[float, float]]] = {}
        for _round in range(repeats):
            for size in sizes:
                for code, tui in codes:
                    for form in ("json", "table"):
                        times.setdefault((code, form, size), []).append(time_agree(tui, roots[size], form, pairs and code == "after"))
    print(f"| code | format | annotators | pairs | wall s | CPU s | CPU ratio to {sizes[0]} annotators |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for code, _tui in codes:
        for form in ("json", "table"):
            base = statistics.median(c for _w, c in times[code, form, sizes[0]])
            for size in sizes:
                wall = statistics.median(w for w, _c in times[code, form, size])
                cpu = statistics.median(c for _w, c in times[code, form, size])
                print(f"| {code} | {form} | {size} | {size * (size - 1) // 2:,} | {wall:.2f} | {cpu:.2f} | {cpu / base:.1f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=Path, default=ROOT / "devset" / "annotations" / "devset")
    parser.add_argument("--second", type=Path, default=ROOT / "devset" / "agreement" / "blind")
    parser.add_argument("--only", default="", metavar="PREFIX", help="compare only the articles whose id starts with PREFIX")
    parser.add_argument("--batch", type=Path, action="append", metavar="FILE",
                        help="compare only the articles listed in the tables of this batch record (repeatable)")
    parser.add_argument("--list", action="store_true", help="print every sentence the two label differently")
    parser.add_argument("--team", metavar="SIZES", help="time tagline agree for teams of these sizes, e.g. 2,30,300")
    parser.add_argument("--repeats", type=int, default=3, help="--team: runs of each, the median is reported")
    parser.add_argument("--before", type=Path, metavar="DIR", help="--team: also time the tagline of this checkout (DIR/tui)")
    parser.add_argument("--pairs", action="store_true", help="--team: list every pair (tagline agree --pairs)")
    args = parser.parse_args(argv)
    if args.team:
        team_bench([int(n) for n in args.team.split(",")], args.repeats, args.before, args.pairs)
        return 0
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
