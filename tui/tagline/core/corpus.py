"""Every annotation file under an annotations folder, validated and merged per article and sentence.

This is the one place that turns YAML files into data for agreement, export and statistics. It needs
the files alone: no article files, no model.

A file is left out, with its path and a one-line reason, when it does not parse, when a sentence's
``text`` does not span its offsets, when its sentences are unsorted or overlap, when an entity falls
outside its sentence, or when it uses a label that is not in the label scheme. The rest is still used.

A reviewer's decisions are kept apart from every annotator's own answer, in
``<annotations>/<reviewer>/decisions/<article-id>.yaml`` (see ``docs/guide/review.md``): they never count
towards agreement, and export prefers them over the annotators' labels. A sentence of an ordinary
annotation file that carries a ``review`` mapping (how decisions were kept before) is read as a
decision too.

:func:`merge` turns the annotations into training rows under one of :data:`POLICIES`, and counts
every sentence it leaves out.
"""

from __future__ import annotations

import gc
import os
import unicodedata
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from tagline.core import annofile, articles, parse_ahead, safefile, schema, store
from tagline.core.labels import LabelScheme
from tagline.core.sanitize import visible


@dataclass(frozen=True)
class Problem:
    """An annotation file (or folder) left out, or read with a caveat: its path and a one-line reason."""

    path: str
    reason: str

    def __str__(self) -> str:
        # A path or a value from a file may hold newlines or escape sequences: one harmless line.
        return visible(f"{self.path}: {self.reason}")


@dataclass(frozen=True)
class Entity:
    """A named entity the model found in a sentence."""

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
        """The decision as the ``review`` mapping of an annotation file holds it."""
        data: dict = {"decided_by": self.decided_by}
        if self.decided_at:
            data["decided_at"] = self.decided_at
        data["annotators"] = {name: list(labels) for name, labels in self.annotators.items()}
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True)
class Sentence:
    """One sentence of one annotation file, as its annotator (or reviewer) left it."""

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
    decisions: bool = False  # a reviewer's decisions file, not an annotation
    article_meta: dict = field(default_factory=dict)  # the article's ``meta`` (a .jsonl line's), JSON data


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
    article_meta: dict = field(default_factory=dict, compare=False)
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
    """An annotations folder read by :func:`load`: every annotator's files, their sentences merged
    per article and sentence (:class:`Unit`), and every file left out, with why."""

    files: list[AnnotationFile]  # the annotators' own files
    units: list[Unit]  # in article id order, then by offset
    problems: list[Problem]
    decision_files: list[AnnotationFile] = field(default_factory=list)  # reviewers' decisions files

    @property
    def annotators(self) -> list[str]:
        """Everyone who marked at least one sentence ``done`` (decisions aside), sorted."""
        return sorted({name for unit in self.units for name in unit.done})

    def by_article(self) -> dict[str, list[Unit]]:
        """The units, grouped by article id."""
        grouped: dict[str, list[Unit]] = {}
        for unit in self.units:
            grouped.setdefault(unit.article, []).append(unit)
        return grouped


def normalise(text: str) -> str:
    """Text as compared for duplicates: Unicode NFKC, case folded, runs of white space as one space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def missing_root(root: str | Path) -> Problem | None:
    """Why ``root`` is no annotations folder to read (None when it is one): what a command that
    only reads annotations says, alone, before anything else (an empty table, a summary of nothing
    or "nothing to review" after it said no more)."""
    if Path(root).is_dir():
        return None
    return Problem(str(root), safefile.not_a_folder(root, "annotations folder"))


@contextmanager
def collector_paused():
    """Python's cycle collector off while a project is read, back on after (as it was). A read
    builds millions of small objects that stay alive, none of them in a cycle, and the collector
    walked them all again at each full collection: about half of a first `agree`, `export`,
    `stats` or `review` over 1,000 to 30,000 files nobody had cached (speed audit)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def load(root: str | Path, scheme: LabelScheme, annotators: list[str] | None = None,
         reviewers: Iterable[str] | None = None, *, article_ids: set[str] | None = None,
         others_unread: bool = False) -> Corpus:
    """Every valid annotation file under ``root``, merged. ``annotators`` limits whose annotations are
    used; reviewers' decisions are read from every folder, since they stand over the annotators', unless
    ``reviewers`` names who may decide (the team's ``reviewers:``): then the decisions in anyone
    else's folder are left out, each file said.

    What a narrowed review needs, read alone (a review of one article by two annotators of thirty
    read all 3,000 files first, 8 s): ``article_ids``, only the files of those articles;
    ``others_unread``, with ``annotators``, not the answers of anyone else (their folders' files are
    not parsed, so neither counted nor said)."""
    if isinstance(annotators, str):  # "alice" read as the names "a", "l", "i", …: an empty corpus, unsaid
        raise TypeError(f"annotators must be a list of names, not the string {annotators!r}")
    with collector_paused():
        return _load(root, scheme, annotators, reviewers, article_ids, others_unread)


def _load(root: str | Path, scheme: LabelScheme, annotators: list[str] | None = None,
          reviewers: Iterable[str] | None = None, article_ids: set[str] | None = None,
          others_unread: bool = False) -> Corpus:
    """The body of :func:`load`."""
    root = Path(root)
    problems: list[Problem] = []
    files: list[AnnotationFile] = []
    missing = missing_root(root)
    if missing:
        problems.append(missing)
        return Corpus([], [], problems)
    wanted = set(annotators) if annotators else None
    seen: dict[tuple[str, str], Path] = {}
    store.wait_for_folds_after_quit(root, first_only=True)  # a file that exists is read with its journal
    try:
        folders = annofile.annotator_folders(root)
        found = _with_first_folds(list(annofile.iter_files(root)), folders)
    except OSError as error:
        problems.append(Problem(str(error.filename or root), f"cannot be listed ({error.strerror or error})"))
        folders, found = [], []
    deciders = set(reviewers) if reviewers else None
    decided: list[AnnotationFile] = []
    decided_seen: dict[tuple[str, str], Path] = {}
    owners: dict[str, int | None] = {}
    refused: set[str] = set()  # folders named for a colleague by someone else (store.named_for_another)
    twice = same_folders(root, {folder for folder, _ in found}, problems)
    readable: list[tuple[str, Path, bool]] = []  # (folder, path, is_decisions): every check but the file's own
    decision_paths = _decision_paths(folders, problems)
    for folder, path in [*found, *decision_paths]:
        if folder in twice:
            continue
        if article_ids is not None and path.name[: -len(schema.ANNOTATION_SUFFIX)] not in article_ids:
            continue
        is_decisions = path.parent.name == schema.DECISIONS_FOLDER and path.parent.parent.parent == root
        if others_unread and wanted is not None and not is_decisions and folder not in wanted:
            continue
        if is_decisions and deciders is not None and folder not in deciders:
            problems.append(Problem(str(path), f"decisions of '{folder}', who is not among the team's reviewers; left out"))
            continue
        if folder not in owners:
            owners[folder] = store.folder_owner(root / folder)
            impostor = store.named_for_another(root / folder)
            if impostor:  # said once for the folder, and none of its files read
                problems.append(Problem(str(root / folder), impostor))
                refused.add(folder)
        if folder in refused:
            continue
        foreign = store.foreign_owner(path, owners[folder])
        if foreign:  # planted while the folder was group-writable: never read as the folder's
            problems.append(Problem(str(path), foreign))
            continue
        readable.append((folder, path, is_decisions))
    with parse_ahead.warming(path for _, path, _ in readable):  # only what is read: nothing planted
        for folder, path, is_decisions in readable:
            said: list[tuple[str, str]] = []
            try:
                loaded = parse_file(path, folder, scheme, current=True, owner_uid=owners[folder], said=said)
            except store.FirstFoldPending as error:
                # Its fold has not written it (killed): the journal stays for the next session.
                problems.append(Problem(str(path), f"{error.reason}; its journal stays: open the article in tagline to save it; left out"))
                continue
            except annofile.AnnotationFileError as error:
                problems.append(Problem(error.path, error.reason))
                continue
            finally:
                problems.extend(Problem(where, why) for where, why in said)
            belongs_to_folder(loaded, folder, problems)
            if not is_decisions and deciders is not None and folder not in deciders:
                _drop_decisions(loaded, problems)
            key = (loaded.annotator, loaded.article_id)
            known = decided_seen if is_decisions else seen
            if key in known:
                problems.append(Problem(str(path), f"article '{loaded.article_id}' of '{loaded.annotator}' is already in {known[key]}; left out"))
                continue
            known[key] = path
            if is_decisions:
                loaded.decisions = True
                decided.append(loaded)
            else:
                files.append(loaded)
    # A reviewer's decisions too: killed before its first save, a review left only a journal there,
    # and export counted those sentences as in dispute without a word.
    decision_folders = [folder / schema.DECISIONS_FOLDER for folder in folders if (folder / schema.DECISIONS_FOLDER).is_dir()]
    _unsaved_journals([*folders, *decision_folders], [*found, *decision_paths], problems)
    units = _merge(files + decided, wanted)
    return Corpus(files, units, problems, decided)


def _unsaved_journals(folders: list[Path], found: list[tuple[str, Path]], problems: list[Problem]) -> None:
    """Say each journal of an article that has no file, no first fold's head and no session open on
    it: a session stopped (killed, the machine down) before its first fold saved the article. Its
    actions are safe in the journal and the next session on the article saves them, but until then
    no reader can place them (the article's sentences are in no file), so they are left out, said.
    An article open now is not said: its session saves it."""
    listed = {path for _folder, path in found}
    held: set[tuple[int, int, int]] | None = None
    seen: set[str] = set()
    for folder in folders:
        real = os.path.realpath(folder)
        if real in seen:
            continue  # a link to a folder already read: its journals are said once
        seen.add(real)
        owner = store.folder_owner(folder)
        try:
            journals = sorted({*folder.glob(f"*{schema.JOURNAL_SUFFIX}"), *folder.glob(f"*{schema.JOURNAL_SUFFIX}.folding")})
        except OSError:
            continue
        for journal in journals:
            name = journal.name.removesuffix(".folding")
            article_id = name[: -len(schema.JOURNAL_SUFFIX)]
            path = folder / f"{article_id}{schema.ANNOTATION_SUFFIX}"
            if article_id.startswith(".") or path in listed or store.foreign_owner(journal, owner):
                continue
            if held is None:
                held = store.held_locks() or set()
            if store.stopped_before_first_save(folder, article_id, held):
                problems.append(Problem(str(journal), UNSAVED_JOURNAL))


#: What a reader says of the journal of an article with no file whose session stopped before saving it.
UNSAVED_JOURNAL = ("annotations of an article that has no file yet (its session stopped before saving it); "
                   "open the article in tagline to save them; left out")


def _with_first_folds(found: list[tuple[str, Path]], folders: list[Path]) -> list[tuple[str, Path]]:
    """``found`` (folder, annotation file), with the files :func:`first_folds` adds."""
    return sorted(found + [(folder.name, path) for folder in folders for path in first_folds(folder)])


def first_folds(folder: Path) -> list[Path]:
    """The annotation file of each article in ``folder`` that has none yet, but whose first fold a
    session that has quit left the head of (:func:`tagline.core.store.first_fold_path`): read from
    that head and its journals (:func:`tagline.core.store.current_document`), not waited for."""
    found = []
    owner = store.folder_owner(folder)
    for head in folder.glob(f".*{store.FIRST_FOLD_SUFFIX}"):
        path = head.with_name(head.name[1 : -len(store.FIRST_FOLD_SUFFIX)] + schema.ANNOTATION_SUFFIX)
        if not path.name.startswith(".") and not os.path.lexists(path) and not store.foreign_owner(head, owner):
            found.append(path)
    return sorted(found)


def same_folders(root: Path, folders: set[str], problems: list[Problem]) -> set[str]:
    """The annotator folders that are another one under a second name (a link to it): read, they
    counted its annotations twice, as two annotators who always agree."""
    first: dict[str, str] = {}
    twice: set[str] = set()
    for folder in sorted(folders, key=lambda name: ((root / name).is_symlink(), name)):  # the folder itself first
        real = os.path.realpath(root / folder)
        if first.setdefault(real, folder) != folder:
            problems.append(Problem(str(root / folder), f"the same folder as {root / first[real]} (a link to it); left out"))
            twice.add(folder)
    return twice


def belongs_to_folder(loaded: AnnotationFile, folder: str, problems: list[Problem]) -> None:
    """Whose a file is, is the folder it sits in: on a shared server each folder is its owner's
    (:func:`tagline.core.store.not_yours`), while the names written inside a file are whatever its
    writer typed. A file, or a decision, that names someone else is read as the folder's, and said."""
    claimed = loaded.annotator
    if claimed != folder:
        problems.append(Problem(str(loaded.path), f"says annotator '{claimed}' but sits in the folder of '{folder}'; read as that folder's"))
        loaded.annotator = folder
    forged = sorted({s.review.decided_by for s in loaded.sentences if s.review is not None and s.review.decided_by != folder})
    if forged:
        problems.append(Problem(str(loaded.path), f"decisions say decided_by {forged[0]!r} but sit in the folder of {folder!r}; read as {folder!r}'s"))
        loaded.sentences = [
            replace(s, review=replace(s.review, decided_by=folder)) if s.review is not None and s.review.decided_by != folder else s
            for s in loaded.sentences
        ]


def _drop_decisions(loaded: AnnotationFile, problems: list[Problem]) -> None:
    """Take out the decisions an annotator's own file holds (the form before decisions had a folder)
    when its annotator is not among the team's reviewers; the file's answers stay, the drop is said."""
    kept = [s for s in loaded.sentences if not s.is_decision]
    if len(kept) < len(loaded.sentences):
        dropped = len(loaded.sentences) - len(kept)
        problems.append(Problem(str(loaded.path), f"{dropped} decision(s) of '{loaded.annotator}', who is not among the team's reviewers; left out"))
        loaded.sentences = kept


def _decision_paths(folders: list[Path], problems: list[Problem]) -> list[tuple[str, Path]]:
    """(reviewer folder, path) of every decisions file: ``<root>/<reviewer>/decisions/*.yaml``."""
    found = []
    for folder in folders:
        decisions = folder / schema.DECISIONS_FOLDER
        try:
            if not decisions.is_dir():
                continue
            paths = sorted([*decisions.glob(f"*{schema.ANNOTATION_SUFFIX}"), *first_folds(decisions)])
        except OSError as error:
            problems.append(Problem(str(decisions), f"cannot be listed ({error.strerror or error})"))
            continue
        found += [(folder.name, path) for path in paths if not path.name.startswith(".")]
    return found


def _merge(files: list[AnnotationFile], wanted: set[str] | None) -> list[Unit]:
    units: dict[tuple[str, int, int, str], Unit] = {}
    for loaded in files:
        chosen = not loaded.decisions and (wanted is None or loaded.annotator in wanted or loaded.path.parent.name in wanted)
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
    return Unit(loaded.article_id, sentence.index, sentence.start, sentence.end, sentence.text, loaded.sha256,
                loaded.article_path, loaded.article_meta)


def parse_file(path: Path, folder: str, scheme: LabelScheme, current: bool = False,
               owner_uid: int | None = None, said: list[tuple[str, str]] | None = None) -> AnnotationFile:
    """One annotation file, validated; :class:`annofile.AnnotationFileError` says why it is unusable.
    ``current``: with the actions its journals hold that no fold has written into it yet
    (:func:`tagline.core.store.current_document`: a session open, or one that has quit and whose fold
    is still being written), read without waiting; ``owner_uid``: whose journals may be read.
    ``said``: gets (where, why) of what was read past (journal lines that are not tagline's actions)."""
    data = store.current_document(path, owner_uid, said) if current else annofile.read(path)
    article = data.get("article") if isinstance(data.get("article"), dict) else {}
    given = article.get("id")
    article_id = str(given) if given not in (None, "") else path.stem
    if not articles.safe_id(article_id):  # brat's export names files by it: "../x" wrote outside --out
        raise annofile.AnnotationFileError(path, f"article id {article_id!r} cannot name a file")
    if given not in (None, "") and given != path.stem and said is not None:
        # Read as the file's name, as status and the app read it: under another id its answers
        # went out apart from the other annotators' of the article, their dispute hidden.
        from tagline.core.sanitize import one_line

        said.append((str(path), f"article.id {one_line(repr(given), 40)} is not the file's name; read as '{path.stem}'"))
        article_id = path.stem
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
        index = position  # annofile.check refused a file whose 'index' is not the sentence's place
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
                entities=_entities(record.get("entities")),
                flag=bool(record.get("flag", False)),
                note=str(record.get("note") or ""),
                updated=str(record.get("updated") or ""),
                review=_review(record.get("review")),
            )
        )
    return AnnotationFile(path, annotator, article_id, str(article.get("path") or ""), str(article.get("sha256") or ""), sentences,
                          article_meta=_json_data(article.get("meta")))


def _json_data(meta) -> dict:
    """An article's ``meta`` as JSON data, for the exports that carry it: a mapping (anything else,
    or one too deeply nested to write, is none), its dates and other YAML values as text."""
    if not isinstance(meta, dict) or not meta:
        return {}
    import json

    try:
        return json.loads(json.dumps(meta, default=str))
    except (ValueError, TypeError, RecursionError):
        return {}


def _entities(raw) -> tuple[Entity, ...]:
    """A sentence's entities, which :func:`annofile.check` has checked (a list of mappings, each
    inside the sentence with a label) before any reader gets here."""
    return tuple(Entity(item["start"], item["end"], item["label"]) for item in raw or ())


def _review(raw) -> Review | None:
    """A sentence's review, which :func:`annofile.check` has checked (a mapping with decided_by, its
    annotators mapping names to label lists, its note and time text) before any reader gets here."""
    if raw is None:
        return None
    return Review(
        decided_by=raw["decided_by"],
        annotators={str(k): tuple(v) for k, v in (raw.get("annotators") or {}).items()},
        note=raw.get("note") or "",
        decided_at=raw.get("decided_at") or "",
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


#: How ``tagline export --merge`` turns several annotators' answers into rows (docs/guide/export.md).
POLICIES = ("reviewed", "unanimous", "majority", "each")
#: How a row was decided, as every export format records it.
REVIEWED, UNANIMOUS, MAJORITY, SINGLE = "reviewed", "unanimous", "majority", "single"
#: Why a sentence (or, under ``each``, an answer) was left out, in the order the summary gives them.
DISPUTED, TIE, DECISION_ONLY, REPEATED = "in dispute", "tied", "decided by a reviewer only", "repeated text"


@dataclass(frozen=True)
class Example:
    """One training row: a ``done`` sentence with the labels a merge policy gave it, the annotators
    those labels rest on and how they were decided (:data:`REVIEWED`, :data:`UNANIMOUS`,
    :data:`MAJORITY` or :data:`SINGLE`)."""

    article: str
    index: int
    start: int
    end: int
    text: str
    labels: tuple[str, ...]
    entities: tuple[Entity, ...]
    annotator: str  # the one name behind the row: the annotator, or the reviewer; "" when several agree
    sha256: str = ""
    article_path: str = ""
    article_meta: dict = field(default_factory=dict, compare=False, hash=False)  # the article's meta, as its file has it
    flag: bool = False
    note: str = ""
    review: Review | None = None
    annotations: dict = field(default_factory=dict, compare=False, hash=False)  # annotator -> labels (done only)
    annotators: tuple[str, ...] = ()  # the annotators whose answers the row rests on
    decided: str = SINGLE

    @property
    def reviewed(self) -> bool:
        return self.review is not None


@dataclass
class Merge:
    """What :func:`merge` made: the rows, and every count the summary gives. Rows in are sentences
    (answers under ``each``); ``len(examples) == rows_in - sum(left_out.values())`` always holds."""

    policy: str
    examples: list[Example]
    rows_in: int = 0
    sentences_in: int = 0
    left_out: dict[str, int] = field(default_factory=dict)  # reason -> how many
    decisions_unused: int = 0  # sentences with a reviewer's decision this policy does not use
    overruled: int = 0  # sentences two reviewers decided differently: the later decision is used

    @property
    def outcomes(self) -> dict[str, int]:
        """How the rows out were decided: outcome -> rows."""
        counted: dict[str, int] = {}
        for example in self.examples:
            counted[example.decided] = counted.get(example.decided, 0) + 1
        return {k: counted[k] for k in (REVIEWED, UNANIMOUS, MAJORITY, SINGLE) if k in counted}

    def drop(self, reason: str, count: int = 1) -> None:
        """Count ``count`` rows left out for ``reason``."""
        self.left_out[reason] = self.left_out.get(reason, 0) + count


def _overruled(unit: Unit) -> bool:
    """Two reviewers decided ``unit`` with different labels: one decision silently stands over the
    other (the later), which its reviewer may not know."""
    latest: dict[str, Sentence] = {}
    for sentence in unit.decisions:
        name = sentence.review.decided_by  # type: ignore[union-attr]
        if name not in latest or sentence.review.decided_at >= latest[name].review.decided_at:  # type: ignore[union-attr]
            latest[name] = sentence
    return len({s.labels for s in latest.values()}) > 1


def merge(corpus: Corpus, policy: str = "reviewed", keep_duplicates: bool = False, scheme: LabelScheme | None = None) -> Merge:
    """Training rows from ``corpus`` under ``policy`` (one of :data:`POLICIES`); ``done`` sentences
    only (``done`` with no labels is a real negative). ``scheme`` orders a majority's labels.

    - ``reviewed``: a reviewer's decision where there is one, else the labels when every annotator
      who finished the sentence gave the same ones; the rest are left out as in dispute.
    - ``unanimous``: the same without decisions.
    - ``majority``: each label that more than half of the annotators who finished the sentence gave;
      a label given by exactly half is a tie, and the sentence is left out.
    - ``each``: one row per annotator per sentence (reviewers' decisions are not answers).

    Unless ``keep_duplicates``, a row whose text repeats (after :func:`normalise`) an earlier row with
    the same labels (under ``each``: the same annotator and labels) is left out: a repeat never hides
    a different answer. A reviewed row is preferred over an equal one that is not."""
    if policy not in POLICIES:
        raise ValueError(f"unknown merge policy {policy!r} (one of {', '.join(POLICIES)})")
    result = Merge(policy, [])
    found: list[Example] = []
    for unit in corpus.units:
        done = unit.done
        decision = unit.decision
        if not done and decision is None:
            continue
        result.sentences_in += 1
        common = dict(
            article=unit.article, index=unit.index, start=unit.start, end=unit.end, text=unit.text,
            entities=unit.entities, sha256=unit.sha256, article_path=unit.article_path, article_meta=unit.article_meta,
            annotations=done,
        )
        if policy == "each":
            result.rows_in += len(done)
            result.decisions_unused += decision is not None
            for name in sorted(done):
                sentence = unit.judgements[name]
                found.append(Example(labels=sentence.labels, annotator=name, flag=sentence.flag, note=sentence.note,
                                     annotators=(name,), decided=SINGLE, **common))
            continue
        result.rows_in += 1
        if decision is not None and policy == "reviewed":
            review = decision.review
            result.overruled += _overruled(unit)
            rests_on = tuple(sorted(done)) or tuple(sorted(review.annotators))  # type: ignore[union-attr]
            # The annotators' flags and notes, as on every other row (the reviewer's note is the
            # review's): a decision once dropped them, its own file's (empty) taken instead.
            names = tuple(name for name in sorted(done) if name in unit.judgements)
            flag = decision.flag or any(unit.judgements[name].flag for name in names)
            note = "; ".join(part for part in (_notes(unit, names), decision.note) if part)
            found.append(Example(labels=decision.labels, annotator=review.decided_by, flag=flag, note=note,  # type: ignore[union-attr]
                                 review=review, annotators=rests_on, decided=REVIEWED, **common))
            continue
        result.decisions_unused += decision is not None
        if not done:
            result.drop(DECISION_ONLY)
            continue
        names = tuple(sorted(done))
        flag = any(unit.judgements[name].flag for name in names)
        note = _notes(unit, names)
        if len(names) == 1:
            [name] = names
            found.append(Example(labels=done[name], annotator=name, flag=flag, note=note, annotators=names, decided=SINGLE, **common))
            continue
        if len(set(done.values())) == 1:
            found.append(Example(labels=done[names[0]], annotator="", flag=flag, note=note, annotators=names, decided=UNANIMOUS, **common))
            continue
        if policy != "majority":
            result.drop(DISPUTED)
            continue
        counts: dict[str, int] = {}
        for labels in done.values():
            for label in labels:
                counts[label] = counts.get(label, 0) + 1
        if any(2 * n == len(names) for n in counts.values()):
            result.drop(TIE)
            continue
        labels = [label for label, n in counts.items() if 2 * n > len(names)]
        labels = scheme.order(labels) if scheme is not None else sorted(labels)
        found.append(Example(labels=tuple(labels), annotator="", flag=flag, note=note, annotators=names, decided=MAJORITY, **common))
    if keep_duplicates:
        result.examples = found
        return result
    chosen: dict[tuple, int] = {}
    for position, example in enumerate(found):
        key = (normalise(example.text), example.labels, example.annotator if policy == "each" else "")
        if key not in chosen or (example.reviewed and not found[chosen[key]].reviewed):
            chosen[key] = position
    keep = set(chosen.values())
    result.examples = [example for position, example in enumerate(found) if position in keep]
    if len(found) > len(keep):
        result.drop(REPEATED, len(found) - len(keep))
    return result


def _notes(unit: Unit, names: tuple[str, ...]) -> str:
    notes = [(name, unit.judgements[name].note) for name in names if unit.judgements[name].note]
    if len(names) == 1:
        return notes[0][1] if notes else ""
    return "; ".join(f"{name}: {note}" for name, note in notes)


def examples(corpus: Corpus, policy: str = "reviewed", keep_duplicates: bool = False, scheme: LabelScheme | None = None) -> list[Example]:
    """The rows of :func:`merge`, without the counts."""
    return merge(corpus, policy, keep_duplicates, scheme).examples
