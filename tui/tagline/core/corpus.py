"""Every annotation file under an annotations folder, validated and merged per article and sentence.

This is the one place that turns YAML files into data for agreement, export and statistics. It needs
the files alone: no article files, no model.

A file is left out, with its path and a one-line reason, when it does not parse, when a sentence's
``text`` does not span its offsets, when its sentences are unsorted or overlap, when an entity falls
outside its sentence, or when it uses a label that is not in the label scheme. The rest is still used.

A sentence that carries a ``review`` mapping (see ``docs/review.md``) is a reviewer's decision, not
an annotation: it never counts towards agreement, and export prefers it over the annotators' labels.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tagline.core import annofile, schema
from tagline.core.labels import LabelScheme


@dataclass(frozen=True)
class Problem:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class Entity:
    start: int  # offsets into the sentence text
    end: int
    label: str


@dataclass(frozen=True)
class Review:
    """A reviewer's decision on one sentence: the provenance written beside the decided labels."""

    decided_by: str
    annotators: dict = field(default_factory=dict, compare=False, hash=False)  # name -> labels they gave
    note: str = ""
    decided_at: str = ""

    def as_data(self) -> dict:
        data: dict = {"decided_by": self.decided_by}
        if self.decided_at:
            data["decided_at"] = self.decided_at
        data["annotators"] = {name: list(labels) for name, labels in self.annotators.items()}
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int  # offsets into the article text, code points, end exclusive
    end: int
    text: str
    status: str = schema.TODO
    labels: tuple[str, ...] = ()
    entities: tuple[Entity, ...] = ()
    flag: bool = False
    note: str = ""
    updated: str = ""
    review: Review | None = None

    @property
    def done(self) -> bool:
        return self.status == schema.DONE

    @property
    def is_decision(self) -> bool:
        return self.review is not None and self.done


@dataclass
class AnnotationFile:
    path: Path
    annotator: str
    article_id: str
    article_path: str
    sha256: str
    sentences: list[Sentence]


@dataclass
class Unit:
    """One sentence of one article, as every annotator and reviewer saw it."""

    article: str
    index: int
    start: int
    end: int
    text: str
    sha256: str = ""
    article_path: str = ""
    judgements: dict[str, Sentence] = field(default_factory=dict)  # annotator -> own annotation
    decisions: list[Sentence] = field(default_factory=list)  # sentences with a review mapping, done

    @property
    def done(self) -> dict[str, tuple[str, ...]]:
        """annotator -> labels, for the annotators who marked this sentence done."""
        return {name: s.labels for name, s in self.judgements.items() if s.done}

    @property
    def decision(self) -> Sentence | None:
        """The reviewers' decision in force: the latest by ``decided_at``, then by reviewer name."""
        if not self.decisions:
            return None
        return max(self.decisions, key=lambda s: (s.review.decided_at, s.review.decided_by))  # type: ignore[union-attr]

    @property
    def entities(self) -> tuple[Entity, ...]:
        """Entities are the model's, the same for everyone: the first non-empty list found."""
        for sentence in [*self.decisions, *self.judgements.values()]:
            if sentence.entities:
                return sentence.entities
        return ()


@dataclass
class Corpus:
    files: list[AnnotationFile]
    units: list[Unit]  # in article id order, then by offset
    problems: list[Problem]

    @property
    def annotators(self) -> list[str]:
        """Everyone who marked at least one sentence ``done`` (decisions aside), sorted."""
        return sorted({name for unit in self.units for name in unit.done})

    def by_article(self) -> dict[str, list[Unit]]:
        grouped: dict[str, list[Unit]] = {}
        for unit in self.units:
            grouped.setdefault(unit.article, []).append(unit)
        return grouped


def normalise(text: str) -> str:
    """Text as compared for duplicates: Unicode NFKC, case folded, runs of white space as one space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def load(root: str | Path, scheme: LabelScheme, annotators: list[str] | None = None) -> Corpus:
    """Every valid annotation file under ``root``, merged. ``annotators`` limits whose annotations are
    used; reviewers' decisions are read from every folder, since they stand over the annotators'."""
    root = Path(root)
    problems: list[Problem] = []
    files: list[AnnotationFile] = []
    if not root.is_dir():
        problems.append(Problem(str(root), "no such annotations folder"))
        return Corpus([], [], problems)
    wanted = set(annotators) if annotators else None
    seen: dict[tuple[str, str], Path] = {}
    try:
        found = list(annofile.iter_files(root))
    except OSError as error:
        problems.append(Problem(str(error.filename or root), f"cannot be listed ({error.strerror or error})"))
        found = []
    for folder, path in found:
        try:
            loaded = parse_file(path, folder, scheme)
        except annofile.AnnotationFileError as error:
            problems.append(Problem(error.path, error.reason))
            continue
        key = (loaded.annotator, loaded.article_id)
        if key in seen:
            problems.append(Problem(str(path), f"article '{loaded.article_id}' of '{loaded.annotator}' is already in {seen[key]}; left out"))
            continue
        seen[key] = path
        files.append(loaded)
    units = _merge(files, wanted)
    return Corpus(files, units, problems)


def _merge(files: list[AnnotationFile], wanted: set[str] | None) -> list[Unit]:
    units: dict[tuple[str, int, int, str], Unit] = {}
    for loaded in files:
        chosen = wanted is None or loaded.annotator in wanted or loaded.path.parent.name in wanted
        for sentence in loaded.sentences:
            key = (loaded.article_id, sentence.start, sentence.end, sentence.text)
            if sentence.is_decision:
                unit = units.get(key)
                if unit is None:
                    unit = units[key] = _unit(loaded, sentence)
                unit.decisions.append(sentence)
            elif chosen and sentence.review is None:
                unit = units.get(key)
                if unit is None:
                    unit = units[key] = _unit(loaded, sentence)
                unit.judgements[loaded.annotator] = sentence
    return sorted(units.values(), key=lambda u: (u.article, u.start, u.end, u.text))


def _unit(loaded: AnnotationFile, sentence: Sentence) -> Unit:
    return Unit(loaded.article_id, sentence.index, sentence.start, sentence.end, sentence.text, loaded.sha256, loaded.article_path)


def parse_file(path: Path, folder: str, scheme: LabelScheme) -> AnnotationFile:
    """One annotation file, validated; :class:`annofile.AnnotationFileError` says why it is unusable."""
    data = annofile.read(path)
    article = data.get("article") if isinstance(data.get("article"), dict) else {}
    article_id = article.get("id")
    article_id = str(article_id) if article_id not in (None, "") else path.stem
    annotator = data.get("annotator")
    annotator = annotator if isinstance(annotator, str) and annotator.strip() else folder
    sentences: list[Sentence] = []
    previous_end = 0
    known = set(scheme.names)
    for position, record in enumerate(data.get("sentences") or []):
        where = f"sentence {record.get('index', position)}"
        start, end, text = record["start"], record["end"], record["text"]  # checked by annofile
        if start < previous_end:
            raise annofile.AnnotationFileError(path, f"{where}: sentences overlap or are out of order (starts at {start}, before the previous end {previous_end})")
        previous_end = end
        index = record.get("index", position)
        if not isinstance(index, int) or index != position:
            raise annofile.AnnotationFileError(path, f"{where}: 'index' is {index!r} but it is sentence {position} in the file")
        labels = tuple(record.get("labels") or ())
        unknown = [name for name in labels if name not in known]
        if unknown:
            raise annofile.AnnotationFileError(path, f"{where}: label '{unknown[0]}' is not in the label scheme ({', '.join(scheme.names)})")
        if len(set(labels)) != len(labels):
            raise annofile.AnnotationFileError(path, f"{where}: a label is given twice")
        sentences.append(
            Sentence(
                index=index,
                start=start,
                end=end,
                text=text,
                status=record.get("status", schema.TODO),
                labels=tuple(scheme.order(labels)),
                entities=_entities(record.get("entities"), len(text), path, where),
                flag=bool(record.get("flag", False)),
                note=str(record.get("note") or ""),
                updated=str(record.get("updated") or ""),
                review=_review(record.get("review"), path, where),
            )
        )
    return AnnotationFile(path, annotator, article_id, str(article.get("path") or ""), str(article.get("sha256") or ""), sentences)


def _entities(raw, length: int, path: Path, where: str) -> tuple[Entity, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise annofile.AnnotationFileError(path, f"{where}: 'entities' is not a list")
    entities = []
    for item in raw:
        if not isinstance(item, dict):
            raise annofile.AnnotationFileError(path, f"{where}: an entity is not a mapping")
        start, end, label = item.get("start"), item.get("end"), item.get("label")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length and isinstance(label, str) and label):
            raise annofile.AnnotationFileError(path, f"{where}: entity {start}..{end} {label!r} is not inside the sentence")
        entities.append(Entity(start, end, label))
    return tuple(entities)


def _review(raw, path: Path, where: str) -> Review | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("decided_by"), str) or not raw["decided_by"].strip():
        raise annofile.AnnotationFileError(path, f"{where}: 'review' must be a mapping with 'decided_by'")
    given = raw.get("annotators") or {}
    if not isinstance(given, dict) or not all(isinstance(v, list) for v in given.values()):
        raise annofile.AnnotationFileError(path, f"{where}: 'review.annotators' must map names to label lists")
    return Review(
        decided_by=raw["decided_by"],
        annotators={str(k): tuple(str(x) for x in v) for k, v in given.items()},
        note=str(raw.get("note") or ""),
        decided_at=str(raw.get("decided_at") or ""),
    )


def reconstruct_text(spans: list[tuple[int, int, str]]) -> str:
    """Article text rebuilt from (start, end, text) sentences; what lies between sentences is not in
    the files, so gaps are filled with spaces. Offsets hold: ``result[start:end] == text``."""
    pieces: list[str] = []
    position = 0
    for start, end, text in sorted(set(spans)):
        if start < position:
            continue  # the same offsets from two files, already placed
        pieces.append(" " * (start - position))
        pieces.append(text)
        position = end
    return "".join(pieces)


@dataclass(frozen=True)
class Example:
    """One training example: a ``done`` sentence with the labels of one annotator, or a reviewer's
    decision, which stands in for every annotator's labels on that sentence."""

    article: str
    index: int
    start: int
    end: int
    text: str
    labels: tuple[str, ...]
    entities: tuple[Entity, ...]
    annotator: str  # who gave these labels: an annotator, or the reviewer for a decision
    sha256: str = ""
    article_path: str = ""
    flag: bool = False
    note: str = ""
    review: Review | None = None
    annotations: dict = field(default_factory=dict, compare=False, hash=False)  # annotator -> labels (done only)

    @property
    def reviewed(self) -> bool:
        return self.review is not None


def examples(corpus: Corpus, reviewed: bool = True, keep_duplicates: bool = False) -> list[Example]:
    """Training examples from ``corpus``: ``done`` sentences only (``done`` with no labels is a real
    negative). With ``reviewed``, a sentence with a reviewer's decision gives that one example in place
    of the annotators'. Unless ``keep_duplicates``, a text that repeats (after :func:`normalise`) is
    kept once: the reviewed example when there is one, else the first in article, offset and
    annotator order."""
    found: list[Example] = []
    for unit in corpus.units:
        done = unit.done
        decision = unit.decision if reviewed else None
        common = dict(
            article=unit.article, index=unit.index, start=unit.start, end=unit.end, text=unit.text,
            entities=unit.entities, sha256=unit.sha256, article_path=unit.article_path, annotations=done,
        )
        if decision is not None:
            found.append(Example(labels=decision.labels, annotator=decision.review.decided_by, flag=decision.flag, note=decision.note, review=decision.review, **common))  # type: ignore[union-attr]
            continue
        for name in sorted(done):
            sentence = unit.judgements[name]
            found.append(Example(labels=sentence.labels, annotator=name, flag=sentence.flag, note=sentence.note, **common))
    if keep_duplicates:
        return found
    chosen: dict[str, int] = {}
    for position, example in enumerate(found):
        key = normalise(example.text)
        if key not in chosen or (example.reviewed and not found[chosen[key]].reviewed):
            chosen[key] = position
    keep = set(chosen.values())
    return [example for position, example in enumerate(found) if position in keep]
