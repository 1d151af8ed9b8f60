"""How well the claim score ranks check-worthy political speech: mean average precision (MAP) over
the debates and speeches of the CLEF-2019 CheckThat! lab, task 1, with a bootstrap interval over
debates.

    python bench/checkworthy.py PATH [PATH ...]     # .tsv files, or folders holding them

The data stays outside the repository (it is the lab's, not ours): one ``.tsv`` file per debate or
speech, each line ``line_number<TAB>speaker<TAB>text<TAB>label``, label 1 when fact-checkers chose
the line (the lab's ``test_annotated`` files have this form). Every line is scored by the suggester as
shipped (``tagline suggest``'s), never trained on such data, the whole line as one span: its
check-worthiness (the order of "most check-worthy first"), and beside it, as the baseline measured
in the same run, its claim score. The check-worthiness reads the speaker column the way
``tagline.core.suggest.speakers`` does for any transcript (the lines of those who ask weigh less);
``--text-only`` leaves the speakers out, as for news. Lines are
ranked by score, ties in file order (as the lab's scorer ranks a submission
written in file order); average precision is the lab's (precision at each check-worthy line, summed,
over the number of check-worthy lines), MAP its mean over debates, and the 95 % interval comes from
1,000 resamples of whole debates (percentile method, fixed seed). The lab's 2019 results for
reference: best primary run 0.166, median about 0.12.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESAMPLES = 1000
SEED = 20261202
#: CLEF-2019 CheckThat! task 1, primary runs (MAP): the best, and about the median of 12.
REFERENCE = {"best 2019 run": 0.166, "2019 median": 0.12}


class DataError(ValueError):
    """A file that is not in the lab's annotated form; the message is one line for the user."""


@dataclass
class Debate:
    name: str
    lines: list[tuple[int, str, str, int]]  # (line number, speaker, text, label)


def read_debate(path: Path) -> Debate:
    """One annotated debate; a row that is not ``number, speaker, text, 0/1`` stops with where it is."""
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        for n, raw in enumerate(handle, 1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            cells = line.split("\t")
            if len(cells) != 4 or not cells[0].strip().isdigit() or cells[3].strip() not in ("0", "1"):
                raise DataError(f"{path.name}:{n}: expected line_number, speaker, text and a 0/1 label, tab-separated")
            rows.append((int(cells[0]), cells[1], cells[2], int(cells[3])))
    if not rows:
        raise DataError(f"{path.name}: no lines")
    return Debate(path.stem, rows)


def find_debates(paths: list[str]) -> list[Debate]:
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files.extend(sorted(path.glob("*.tsv")))
        elif path.is_file():
            files.append(path)
        else:
            raise DataError(f"{given}: no such file or folder")
    if not files:
        raise DataError("no .tsv files given")
    return [read_debate(f) for f in files]


def average_precision(labels: list[int], scores: list[float]) -> float:
    """The lab's average precision: rank by score (highest first, ties in the given order), sum the
    precision at each relevant line, divide by the number of relevant lines (0 when there are none)."""
    order = sorted(range(len(labels)), key=lambda k: -scores[k])  # stable: ties keep file order
    hits, total = 0, 0.0
    for rank, k in enumerate(order, 1):
        if labels[k] == 1:
            hits += 1
            total += hits / rank
    relevant = sum(1 for v in labels if v == 1)
    return total / relevant if relevant else 0.0


def mean_with_interval(values: list[float], resamples: int = RESAMPLES, seed: int = SEED) -> tuple[float, float, float]:
    """(mean, low, high): the mean and its 95 % percentile interval over resamples of the debates."""
    import numpy as np

    array = np.array(values, dtype=float)
    rng = np.random.default_rng(seed)
    means = array[rng.integers(0, len(array), size=(resamples, len(array)))].mean(axis=1)
    return float(array.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def line_scores(nlp, texts: list[str], speakers: list[str] | None = None) -> tuple[list[float], list[float]]:
    """(check-worthiness, claim score) of each text as the suggester gives them, the whole text as one
    span; with ``speakers`` (one per text), the check-worthiness of a transcript's lines."""
    from tagline.core.suggest.pipeline import suggest_doc
    from tagline.core.suggest.speakers import transcript_checkworthiness

    ranks, claims, features = [], [], []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=64)):
        [result] = suggest_doc(doc, [(0, len(text))], features)
        ranks.append(float(result["checkworthy"]))
        claims.append(float(result["scores"]["claim"]))
    if speakers is not None:
        ranks = transcript_checkworthiness(speakers, texts, features)
    return ranks, claims


def set_weights(given: list[str]) -> dict[str, float]:
    """Set each ``NAME=VALUE`` in the table of check-worthiness weights that has ``NAME`` (the
    transcript's or the general one; a new name goes in the general one; ``asking`` is the weight of
    the lines of those who ask), in this process only."""
    from tagline.core.suggest import claims

    tried = {}
    for item in given:
        name, sep, value = item.partition("=")
        try:
            weight = float(value)
        except ValueError:
            sep = ""
        if not sep or not name:
            raise ValueError(f"--weight {item}: expected NAME=NUMBER")
        if name == "asking":
            claims.ASKING_WEIGHT = weight
        else:
            table = claims.TRANSCRIPT_WEIGHTS if name in claims.TRANSCRIPT_WEIGHTS else claims.CHECKWORTHY_WEIGHTS
            table[name] = weight
        tried[name] = weight
    return tried


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="annotated .tsv files, or folders holding them")
    parser.add_argument("--text-only", action="store_true", help="leave the speaker column out of the check-worthiness")
    parser.add_argument("--weight", action="append", default=[], metavar="NAME=VALUE",
                        help="try another weight for one feature of the check-worthiness (repeatable; development only)")
    args = parser.parse_args(argv)
    try:
        tried = set_weights(args.weight)
    except ValueError as error:
        print(f"checkworthy: {error}", file=sys.stderr)
        return 2
    try:
        debates = find_debates(args.paths)
    except (DataError, OSError, UnicodeDecodeError) as error:
        print(f"checkworthy: {error}", file=sys.stderr)
        return 1
    from tagline.core.suggest import load_pipeline

    began = time.perf_counter()
    nlp, info = load_pipeline("en_core_web_sm")
    rows = []
    for debate in debates:
        labels = [label for _n, _speaker, _text, label in debate.lines]
        texts = [text for _n, _speaker, text, _label in debate.lines]
        speakers = None if args.text_only else [speaker for _n, speaker, _text, _label in debate.lines]
        ranks, claims = line_scores(nlp, texts, speakers)
        rows.append((debate.name, len(labels), sum(labels), average_precision(labels, ranks), average_precision(labels, claims)))
    value, low, high = mean_with_interval([row[3] for row in rows])
    base, base_low, base_high = mean_with_interval([row[4] for row in rows])
    elapsed = time.perf_counter() - began
    lines = sum(row[1] for row in rows)
    if tried:
        print("weights tried: " + ", ".join(f"{name}={value:g}" for name, value in tried.items()))
    print(f"model {info.key}; {len(rows)} debates, {lines} lines in {elapsed:.1f} s; speakers {'left out' if args.text_only else 'read'}")
    print("| debate | lines | check-worthy | AP, check-worthiness | AP, claim score |")
    print("|---|---:|---:|---:|---:|")
    for name, n, positives, ap, claim_ap in rows:
        print(f"| {name} | {n} | {positives} | {ap:.4f} | {claim_ap:.4f} |")
    print()
    print(f"MAP of the check-worthiness: {value:.4f} [{low:.4f}, {high:.4f}] (95 % interval, {RESAMPLES} resamples of debates)")
    ratio = f"{value / base:.2f}" if base else "n/a"
    print(f"MAP of the claim score (baseline, same run): {base:.4f} [{base_low:.4f}, {base_high:.4f}]; ratio {ratio}")
    print("for reference: " + ", ".join(f"{name} {v:.3f}" for name, v in REFERENCE.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
