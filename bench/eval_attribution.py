"""How well the quote suggestions find attributed content in political news: precision, recall and F1
at the sentence level against the attributions of the PolNeAR corpus (2016 US election news,
attributions annotated by trained annotators), with bootstrap intervals over articles and the regex
baseline of ``bench/eval_suggest.py`` measured in the same run.

    python bench/eval_attribution.py PATH                   # the tuning part
    python bench/eval_attribution.py PATH --part held-out   # the held-out part (once, at the end)
    python bench/eval_attribution.py PATH --errors tuning   # the tuning part's misses and false alarms
    python bench/eval_attribution.py PATH --all             # every article of PATH, both parts
    python bench/eval_attribution.py PATH --salt polnear2:  # another split (a sample the hash drew)

The data stays outside the repository (its text is the publishers'): PATH is a folder in PolNeAR's
layout, a compartment such as ``data/train`` holding ``text/NAME.txt`` and
``attributions/NAME_ANNOTATOR.ann`` (brat standoff). Of an article annotated more than once, the
``.ann`` of the alphabetically first annotator is read; an article with no ``.ann`` is left out (and
counted). Each article is segmented by tagline's own segmenter and suggested for exactly as
``tagline suggest`` does (``articles.load`` and ``suggest_articles``, ``en_core_web_sm``).

Gold: a sentence is a quote when the ``Content`` spans of the attributions (every fragment of a
discontinuous span) cover at least 30 % of its non-space characters. PolNeAR's contents include
thoughts, intentions and stances attributed to someone, not only speech.

The split: an article is held out when the first 8 bytes of the SHA-256 of its text file's name (the
stem, as UTF-8), read as a big-endian number over 2**64, are under 0.4; the rest (about 60 %) is the
tuning part. The rule was fixed before anything was run on either part. ``--errors`` and the tuning
run read and suggest for the tuning part only; the held-out part is read only with ``--part held-out``.
A sample chosen by that same hash (the first names of each publisher by SHA-256) falls wholly in one
part; ``--salt TEXT`` splits it by the hash of ``TEXT`` + the name instead, the rule otherwise the same.

Point figures come from scikit-learn; each has a 95 % interval from 1,000 bootstrap resamples of
whole articles (``eval_suggest.bootstrap``, percentile method, fixed seed).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_suggest import RESAMPLES, Sentence, baseline, bootstrap, prf  # noqa: E402

PARTS = ("tuning", "held-out")
#: Share of the articles held out, by the hash of the file name.
HELD_OUT_SHARE = 0.4
#: A sentence is a quote when attributed content covers at least this share of its non-space characters.
COVERAGE = 0.30
METHODS = ("rules", "regex baseline")
LABEL = "quote"
_SPAN = re.compile(r"^(\d+) (\d+)$")


class DataError(ValueError):
    """A folder or file not in PolNeAR's form; the message is one line for the user."""


def part_of(name: str, salt: str = "") -> str:
    """The part of an article, from its file name's stem alone (the rule in the module's text);
    ``salt``, written before the name, gives a second split of a sample drawn by the first hash."""
    value = int.from_bytes(hashlib.sha256((salt + name).encode("utf-8")).digest()[:8], "big") / 2**64
    return "held-out" if value < HELD_OUT_SHARE else "tuning"


@dataclass
class Document:
    name: str
    text_path: Path
    ann_path: Path


def find_documents(path: Path) -> tuple[list[Document], list[str]]:
    """(articles with an attribution file, names of articles without one), in file-name order."""
    text_dir, ann_dir = path / "text", path / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise DataError(f"{path}: expected the folders text/ and attributions/ of a PolNeAR compartment")
    documents, missing = [], []
    for text_path in sorted(text_dir.glob("*.txt")):
        name = text_path.stem
        anns = sorted(p for p in ann_dir.glob(f"{glob_escape(name)}_*.ann") if p.stem.rsplit("_", 1)[0] == name)
        if anns:
            documents.append(Document(name, text_path, anns[0]))
        else:
            missing.append(name)
    if not documents and not missing:
        raise DataError(f"{text_dir}: no .txt files")
    return documents, missing


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def content_spans(ann_text: str, source: str = "") -> list[tuple[int, int]]:
    """The character spans of every ``Content`` text-bound annotation (each fragment of a
    discontinuous one) of a brat standoff file; other lines are ignored."""
    spans = []
    for n, line in enumerate(ann_text.splitlines(), 1):
        if not line.startswith("T"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or " " not in fields[1]:
            raise DataError(f"{source}:{n}: not a brat text-bound line")
        kind, where = fields[1].split(" ", 1)
        if kind != "Content":
            continue
        for fragment in where.split(";"):
            match = _SPAN.match(fragment.strip())
            if not match:
                raise DataError(f"{source}:{n}: span '{fragment}' is not 'start end'")
            spans.append((int(match.group(1)), int(match.group(2))))
    return spans


def covered_share(text: str, start: int, end: int, mask: bytearray) -> float:
    """Share of the non-space characters of ``text[start:end]`` marked in ``mask``."""
    chars = [k for k in range(start, end) if not text[k].isspace()]
    return sum(mask[k] for k in chars) / len(chars) if chars else 0.0


def gold_sentences(article, spans: list[tuple[int, int]]) -> list[Sentence]:
    """One :class:`Sentence` per sentence of the article (tagline's segmenter), gold quote when the
    contents cover at least :data:`COVERAGE` of its non-space characters."""
    text = article.text
    mask = bytearray(len(text))
    for a, b in spans:
        if not 0 <= a <= b <= len(text):
            raise DataError(f"{article.path}: span {a}-{b} outside the text ({len(text)} characters)")
        mask[a:b] = b"\x01" * (b - a)
    out = []
    for index, span in enumerate(article.sentences):
        quote = covered_share(text, span.start, span.end, mask) >= COVERAGE
        out.append(Sentence(article.id, index, text[span.start : span.end], frozenset({LABEL} if quote else ())))
    return out


def load(path: Path, parts: tuple[str, ...], salt: str = "") -> tuple[list, list[Sentence], int]:
    """(articles, gold sentences, articles left out for want of an .ann) of the ``parts``; an
    article of another part is neither read nor suggested for."""
    from tagline.core import articles

    documents, missing = find_documents(path)
    chosen = [d for d in documents if part_of(d.name, salt) in parts]
    found, problems = articles.load([d.text_path for d in chosen])
    if problems:
        raise DataError(str(problems[0]))
    by_id = {d.name: d for d in chosen}
    sentences: list[Sentence] = []
    for article in found:
        document = by_id[article.id]
        raw = document.text_path.read_text(encoding="utf-8")
        if article.text != raw:  # offsets count characters of the file as it is
            raise DataError(f"{document.text_path}: read differently from the file; offsets would not match")
        spans = content_spans(document.ann_path.read_text(encoding="utf-8"), str(document.ann_path))
        sentences.extend(gold_sentences(article, spans))
    return found, sentences, sum(1 for name in missing if part_of(name, salt) in parts)


def predict(nlp, found, sentences: list[Sentence]) -> None:
    """The rules' quote decision (``tagline suggest``'s) and the regex baseline for every sentence."""
    from tagline.core.suggest import suggest_articles

    where = {(s.article, s.index): s for s in sentences}
    for article, results in zip(found, suggest_articles(nlp, found)):
        for index, result in enumerate(results):
            sentence = where[(article.id, index)]
            sentence.predicted["rules"] = frozenset(result["labels"]) & {LABEL}
            sentence.predicted["regex baseline"] = baseline(sentence.text) & {LABEL}
            sentence.scores = {LABEL: float(result["scores"][LABEL])}


def table(sentences: list[Sentence], part: str, resamples: int = RESAMPLES) -> str:
    n_articles = len({s.article for s in sentences})
    lines = [
        "| part | method | precision | recall | F1 | gold quotes | sentences | articles |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    f1s = {}
    for method in METHODS:
        p, r, f, support = prf(sentences, method, LABEL)
        ci = bootstrap(sentences, method, LABEL, resamples)
        f1s[method] = f
        cells = [f"{v:.3f} [{ci[m][0]:.3f}, {ci[m][1]:.3f}]" for v, m in ((p, "precision"), (r, "recall"), (f, "f1"))]
        lines.append(f"| {part} | {method} | {' | '.join(cells)} | {support} | {len(sentences)} | {n_articles} |")
    base = f1s["regex baseline"]
    ratio = f"{f1s['rules'] / base:.2f}" if base else "n/a"
    lines.append("")
    lines.append(f"F1 ratio rules / regex baseline (same run): {ratio}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="a PolNeAR compartment folder (text/ and attributions/)")
    parser.add_argument("--part", choices=PARTS, default="tuning", help="the part to score (default: tuning)")
    parser.add_argument("--errors", choices=PARTS, help="list this part's misses and false alarms instead of scoring")
    parser.add_argument("--salt", default="", help="text hashed before each name: a split of its own for a sample "
                                                   "that the plain hash chose (see the module's text)")
    parser.add_argument("--all", action="store_true", help="score every article of the folder, both parts together")
    args = parser.parse_args(argv)
    if args.all and args.errors:
        parser.error("--errors lists one part's errors; --all scores both")
    part = args.errors or args.part
    began = time.perf_counter()
    try:
        found, sentences, left_out = load(args.path, PARTS if args.all else (part,), args.salt)
    except (DataError, OSError, UnicodeDecodeError) as error:
        print(f"eval_attribution: {error}", file=sys.stderr)
        return 1
    from tagline.core.suggest import load_pipeline

    nlp, info = load_pipeline("en_core_web_sm")
    predict(nlp, found, sentences)
    if args.errors:
        for s in sentences:
            gold, got = LABEL in s.gold, LABEL in s.predicted["rules"]
            if gold != got:
                print(f"{'MISS' if gold else 'FALSE'} {s.article}#{s.index}: {s.text}")
        return 0
    elapsed = time.perf_counter() - began
    part = "all" if args.all else part
    print(f"model {info.key}; {part}: {len(found)} articles, {len(sentences)} sentences in {elapsed:.1f} s"
          f"{f'; {left_out} articles without an .ann left out' if left_out else ''}")
    print(f"gold quote: Content spans cover >= {COVERAGE:.0%} of a sentence's non-space characters; "
          f"95 % intervals: {RESAMPLES} bootstrap resamples of whole articles")
    print(table(sentences, part))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
