"""``tagline export``: annotation files to training data (see ``docs/guide/export.md``).

Only ``done`` sentences become examples (``done`` with no labels is a real negative); a reviewer's
decision replaces the annotators' labels on its sentence unless ``--no-reviewed``; a repeated text is
kept once unless ``--keep-duplicates``. ``--split`` divides by article, and articles that share a
sentence text always land on the same side.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import random
import shutil
import stat
import sys
import tempfile
import uuid
from pathlib import Path

from tagline.core import annofile, corpus, safefile, sanitize
from tagline.core.labels import LabelScheme

STREAM_FORMATS = ("yaml", "jsonl", "prodigy", "doccano", "csv")
SUFFIXES = {"yaml": ".yaml", "jsonl": ".jsonl", "prodigy": ".jsonl", "doccano": ".jsonl", "csv": ".csv", "spacy": ".spacy", "brat": ""}
EXPORT_VERSION = "tagline.export/1"

# Prodigy's hashing: the input hash covers the input keys, the task hash the input hash and the task
# keys (Prodigy's INPUT_HASH_KEYS and TASK_HASH_KEYS); each is MurmurHash3 (32-bit, signed) of the
# compact JSON of those keys, sorted.
PRODIGY_INPUT_KEYS = ("text", "image", "html", "input")
PRODIGY_TASK_KEYS = ("spans", "label", "options", "arcs")


#: Between the names of the ``annotators`` CSV column (annotator names are folder names: no ``;``).
ANNOTATOR_SEPARATOR = ";"


class ExportError(Exception):
    """A usage problem with the options: reported in one line, exit status 2."""


# -- rows ----------------------------------------------------------------------------------------
def record(example: corpus.Example) -> dict:
    """Our own JSONL row: every field an example has."""
    row = {
        "text": example.text,
        "labels": list(example.labels),
        "entities": [{"start": e.start, "end": e.end, "label": e.label} for e in example.entities],
        "article": example.article,
        "index": example.index,
        "start": example.start,
        "end": example.end,
        "status": "done",
        "annotator": example.annotator,
        "article_path": example.article_path,
        "article_meta": example.article_meta,
        "sha256": example.sha256,
        "flag": example.flag,
        "note": example.note,
        "reviewed": example.reviewed,
        "annotators": list(example.annotators),
        "decided": example.decided,
        "annotations": {name: list(labels) for name, labels in example.annotations.items()},
    }
    if example.review is not None:
        row["review"] = example.review.as_data()
    return row


def _meta(example: corpus.Example) -> dict:
    meta = {"article": example.article, "index": example.index, "start": example.start, "end": example.end,
            "annotator": example.annotator, "sha256": example.sha256,
            "annotators": list(example.annotators), "decided": example.decided}
    if example.reviewed:
        meta["reviewed"] = True
    if example.article_meta:  # a .jsonl line's meta, carried through (Prodigy's and doccano's meta too)
        meta["article_meta"] = example.article_meta
    return meta


def prodigy_hash(task: dict, keys: tuple[str, ...], prefix: int | None = None) -> int:
    from murmurhash import hash as murmur

    values = {key: task[key] for key in keys if key in task}
    # As Prodigy writes it (srsly.json_dumps with sort_keys: compact separators); with json's default
    # ", " and ": " every hash differed from Prodigy's own, so its dedupe saw our rows as new.
    text = json.dumps(values, sort_keys=True, separators=(",", ":"))
    return murmur((str(prefix) if prefix is not None else "") + text)


def prodigy_row(example: corpus.Example, scheme: LabelScheme) -> dict:
    task = {
        "text": example.text,
        "options": [{"id": name, "text": name} for name in scheme.names],
        "spans": [{"start": e.start, "end": e.end, "label": e.label} for e in example.entities],
        "accept": list(example.labels),
        "answer": "accept",
        "meta": _meta(example),
        "_view_id": "choice",
    }
    task["_input_hash"] = prodigy_hash(task, PRODIGY_INPUT_KEYS)
    task["_task_hash"] = prodigy_hash(task, PRODIGY_TASK_KEYS, prefix=task["_input_hash"])
    return task


def doccano_row(example: corpus.Example) -> dict:
    return {"text": example.text, "label": list(example.labels), "meta": _meta(example)}


def csv_columns(scheme: LabelScheme) -> tuple[list[str], dict[str, str]]:
    fixed = ["text", "article", "index", "start", "end", "annotator", "reviewed", "annotators", "decided"]
    label_columns = {name: (name if name not in fixed else f"label:{name}") for name in scheme.names}
    return fixed + list(label_columns.values()), label_columns


# -- writers (text formats give a string; spacy and brat write to a path) ------------------------
def _jsonl(rows) -> str:
    return "".join(sanitize.json_text(row) + "\n" for row in rows)


def render(fmt: str, examples: list[corpus.Example], scheme: LabelScheme) -> str:
    if fmt == "jsonl":
        return _jsonl(record(e) for e in examples)
    if fmt == "prodigy":
        return _jsonl(prodigy_row(e, scheme) for e in examples)
    if fmt == "doccano":
        return _jsonl(doccano_row(e) for e in examples)
    if fmt == "csv":
        columns, label_columns = csv_columns(scheme)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for e in examples:
            row = {"text": e.text, "article": e.article, "index": e.index, "start": e.start, "end": e.end,
                   "annotator": e.annotator, "reviewed": int(e.reviewed), "annotators": ANNOTATOR_SEPARATOR.join(e.annotators),
                   "decided": e.decided}
            row.update({column: int(name in e.labels) for name, column in label_columns.items()})
            writer.writerow(row)
        return buffer.getvalue()
    if fmt == "yaml":
        return annofile.dumps(merged_document(examples, scheme))
    raise ValueError(fmt)


def merged_document(examples: list[corpus.Example], scheme: LabelScheme) -> dict:
    """The ``yaml`` format: examples grouped by article, each sentence with every annotator's labels."""
    articles: dict[str, dict] = {}
    for e in examples:
        article = articles.setdefault(e.article, {"id": e.article, "path": e.article_path, "sha256": e.sha256,
                                                  **({"meta": e.article_meta} if e.article_meta else {}), "sentences": []})
        sentence = {
            "index": e.index, "start": e.start, "end": e.end, "text": e.text, "status": "done",
            "labels": annofile.Flow(e.labels),
            "entities": annofile.Flow(annofile.FlowMap(start=x.start, end=x.end, label=x.label) for x in e.entities),
            "annotator": e.annotator,
            "annotators": annofile.Flow(e.annotators),
            "decided": e.decided,
            "annotations": {name: annofile.Flow(labels) for name, labels in e.annotations.items()},
        }
        if e.flag:
            sentence["flag"] = True
        if e.note:
            sentence["note"] = e.note
        if e.review is not None:
            sentence["review"] = e.review.as_data()
        article["sentences"].append(sentence)
    return {"format": EXPORT_VERSION, "labels": annofile.Flow(scheme.names), "articles": list(articles.values())}


def write_spacy(examples: list[corpus.Example], scheme: LabelScheme, path: Path) -> int:
    """The DocBin of ``examples`` in ``path``; returns how many entities it left out: ``doc.ents``
    takes no two that overlap (an imported or hand-edited file can hold such), and the longest is
    kept."""
    import spacy
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    nlp = spacy.blank("en")
    docs = DocBin(store_user_data=True)
    left_out = 0
    for e in examples:
        doc = nlp.make_doc(e.text)
        doc.cats = {name: float(name in e.labels) for name in scheme.names}
        spans = [s for s in (doc.char_span(x.start, x.end, label=x.label, alignment_mode="expand") for x in e.entities) if s is not None]
        kept = filter_spans(spans)
        left_out += len(e.entities) - len(kept)
        doc.ents = kept
        doc.user_data["tagline"] = _meta(e)
        docs.add(doc)
    data = docs.to_bytes()
    if _special(path):  # --out /dev/stdout, a named pipe: write into it
        with open(path, "wb") as handle:
            handle.write(data)
    else:  # beside the earlier export, which a full disk then leaves whole (to_disk wrote over it)
        annofile.atomic_write(Path(os.path.realpath(path)), data)
    return left_out


def _brat_fragments(text: str, offset: int) -> tuple[str, str]:
    """brat offsets and text for a span; a span across a line break becomes discontinuous fragments."""
    pieces, position = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            start = offset + position + lead
            pieces.append((start, start + len(stripped), stripped))
        position += len(line) + 1
    return ";".join(f"{a} {b}" for a, b, _ in pieces), " ".join(t for _, _, t in pieces)


def brat_note(example: corpus.Example) -> str:
    """The note on a brat label span: how it was decided and on whose answers (one line)."""
    note = f"decided: {example.decided}; annotators: {', '.join(example.annotators)}"
    if example.reviewed:
        note += f"; reviewer: {example.annotator}"
    elif example.annotator:
        note += f"; annotator: {example.annotator}"
    return note


def write_brat(examples: list[corpus.Example], merged: corpus.Corpus, scheme: LabelScheme, folder: Path) -> None:
    if os.path.lexists(folder) and not folder.is_dir():  # mkdir said only "File exists"
        raise NotADirectoryError(errno.ENOTDIR, f"{safefile.kind(folder) or 'a broken link'}, not a folder; brat writes a folder of files")
    folder.mkdir(parents=True, exist_ok=True)
    by_article: dict[str, list[corpus.Example]] = {}
    for e in examples:
        by_article.setdefault(e.article, []).append(e)
    units = merged.by_article()
    entity_types: set[str] = set()
    for article, chosen in by_article.items():
        text = corpus.reconstruct_text([(u.start, u.end, u.text) for u in units.get(article, [])] + [(e.start, e.end, e.text) for e in chosen])
        lines: list[str] = []
        spans = notes = 0
        for e in chosen:
            for label in e.labels:
                where, shown = _brat_fragments(e.text, e.start)
                if where:
                    spans += 1
                    lines.append(f"T{spans}\t{label} {where}\t{shown}")
                    notes += 1
                    lines.append(f"#{notes}\tAnnotatorNotes T{spans}\t{brat_note(e)}")
            for x in e.entities:
                where, shown = _brat_fragments(e.text[x.start : x.end], e.start + x.start)
                if where:
                    entity_types.add(x.label)
                    spans += 1
                    lines.append(f"T{spans}\t{x.label} {where}\t{shown}")
        annofile.atomic_write(folder / f"{article}.txt", text)
        annofile.atomic_write(folder / f"{article}.ann", "".join(line + "\n" for line in lines))
    conf = ["[entities]", *scheme.names, *sorted(entity_types - set(scheme.names)), "[relations]", "[events]", "[attributes]"]
    annofile.atomic_write(folder / "annotation.conf", "\n".join(conf) + "\n")


# -- the split -----------------------------------------------------------------------------------
def split_by_article(examples: list[corpus.Example], fraction: float, seed: int) -> tuple[list[corpus.Example], list[corpus.Example]]:
    """(train, dev): about ``fraction`` of the articles in dev, chosen with ``seed``. Articles that
    share a sentence text (after :func:`corpus.normalise`) are one group and stay together."""
    articles = sorted({e.article for e in examples})
    parent = {a: a for a in articles}

    def find(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    first_seen: dict[str, str] = {}
    for e in examples:
        key = corpus.normalise(e.text)
        other = first_seen.setdefault(key, e.article)
        a, b = find(other), find(e.article)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for a in articles:
        groups.setdefault(find(a), []).append(a)
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    target = round(fraction * len(articles))
    if len(articles) >= 2:
        target = min(max(target, 1), len(articles) - 1)
    else:
        target = 0
    dev: set[str] = set()
    for root in order:
        if len(dev) + len(groups[root]) <= target:
            dev.update(groups[root])
    if not dev and target:
        smallest = min(order, key=lambda r: len(groups[r]))  # first of the smallest, in shuffled order
        if len(groups[smallest]) < len(articles):
            dev.update(groups[smallest])
    return [e for e in examples if e.article not in dev], [e for e in examples if e.article in dev]


def destinations(fmt: str, out: str | None, split: bool) -> dict[str, Path | None]:
    """Where each part goes: ``{"all": path-or-None}``, or ``{"train": …, "dev": …}`` with a split."""
    suffix = SUFFIXES[fmt]
    if out == "-":  # standard output, as without --out (before: a file named "-"; ./- still is one)
        if split or fmt not in STREAM_FORMATS:
            raise ExportError(f"--out -: standard output takes one text file; --format {fmt}{' --split' if split else ''} writes files")
        return {"all": None}
    if not split:
        if out is None and fmt not in STREAM_FORMATS:
            raise ExportError(f"--format {fmt} writes files: give --out")
        return {"all": Path(out) if out is not None else None}
    if out is None:
        raise ExportError("--split writes a train and a dev part: give --out (a folder, or a file name to derive both from)")
    target = Path(out)
    if fmt == "brat" or target.is_dir() or not target.suffix:
        return {part: target / f"{part}{suffix}" for part in ("train", "dev")}
    return {part: target.with_name(f"{target.stem}.{part}{target.suffix}") for part in ("train", "dev")}


def write(fmt: str, examples: list[corpus.Example], merged: corpus.Corpus, scheme: LabelScheme, path: Path | None) -> int:
    """Write ``examples`` in ``fmt``; returns how many entities the format could not hold (spaCy's)."""
    if fmt == "spacy":
        return write_spacy(examples, scheme, path)  # type: ignore[arg-type]
    elif fmt == "brat":
        write_brat(examples, merged, scheme, path)  # type: ignore[arg-type]
    elif path is None:
        text = render(fmt, examples, scheme)
        sys.stdout.write(sanitize.terminal_data(text) if sys.stdout.isatty() else text)
        sys.stdout.flush()
    else:
        text = render(fmt, examples, scheme)
        if _special(path):  # a device or a FIFO (--out /dev/stdout, a named pipe): write into it
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        else:  # through a link to the file it names: replacing the link would leave the file as it was
            annofile.atomic_write(Path(os.path.realpath(path)), text)
    return 0


class Staging:
    """An export written whole or not at all: each part goes to a place beside its target (a
    temporary file, or for brat a temporary folder), and only when every part is written are they
    moved into place. A full disk half-way left the brat files written so far in the target folder,
    and with ``--split`` a new train part beside the old dev part; now :meth:`discard` removes what
    was staged (and the folders made for it) and what existed is as it was.

    A device or a FIFO (``--out /dev/stdout``) is written into directly: it cannot be staged."""

    def __init__(self) -> None:
        self.moves: list[tuple[Path, Path]] = []  # (staged, target)
        self.made: list[Path] = []  # folders made for the targets, outermost first

    def place(self, fmt: str, target: Path | None) -> Path | None:
        """Where to write the part meant for ``target``."""
        if target is None or (fmt != "brat" and _special(target)):
            return target
        if fmt == "brat" and os.path.lexists(target) and not target.is_dir():  # mkdir said only "File exists"
            raise NotADirectoryError(errno.ENOTDIR, f"{safefile.kind(target) or 'a broken link'}, not a folder; brat writes a folder of files")
        real = Path(os.path.realpath(target))  # through a link to what it names: the link is left as it is
        self._make_folders(real.parent)
        if fmt == "brat":
            staged = Path(tempfile.mkdtemp(prefix=f".{real.name}.export-", dir=real.parent))
            os.chmod(staged, 0o777 & ~_umask())
        else:  # not made yet: atomic_write gives it the mode of a new file
            staged = real.parent / f".{real.name}.export-{uuid.uuid4().hex[:12]}"
        self.moves.append((staged, real))
        return staged

    def _make_folders(self, folder: Path) -> None:
        missing = []
        while not folder.exists() and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        for here in reversed(missing):
            here.mkdir()
            self.made.append(here)

    def publish(self) -> None:
        """Every staged part into place: a file renamed over the old one (keeping its mode), a brat
        folder renamed into place, or its files moved into the folder that is there."""
        for staged, target in self.moves:
            if staged.is_dir():
                if not target.exists():
                    os.replace(staged, target)
                else:
                    for entry in sorted(os.listdir(staged)):
                        os.replace(staged / entry, target / entry)
                    staged.rmdir()
                    annofile.fsync_dir(target)
            else:
                try:
                    os.chmod(staged, stat.S_IMODE(os.stat(target).st_mode))
                except OSError:
                    pass
                os.replace(staged, target)
            annofile.fsync_dir(target.parent)
        self.moves = []

    def discard(self) -> None:
        """Remove what was staged and the folders made for it; what was there is left as it was."""
        for staged, _ in self.moves:
            if staged.is_dir():
                shutil.rmtree(staged, ignore_errors=True)
            else:
                try:
                    os.unlink(staged)
                except OSError:
                    pass
        for folder in reversed(self.made):
            try:
                folder.rmdir()
            except OSError:
                pass
        self.moves, self.made = [], []


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _special(path: Path) -> bool:
    """Whether ``path`` is something other than a regular file or a folder (a device, a FIFO, a
    socket): an atomic write would replace it with a regular file (as root: /dev/full itself)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))
