"""The annotation store of one annotator on one article: durable on every action, cheap at any size.

Each action appends the sentence's whole new state as one JSON line to a journal and fsyncs it, so the
cost of a key does not grow with the article. The journal is folded into the YAML file (atomically)
when the article is closed, on quit, and in the background while the annotator works. Folding rotates
the journal first, so actions taken while the YAML is written are never lost:

    <id>.journal          actions since the last fold began
    <id>.journal.folding  actions being folded (deleted once the YAML is on disk)

Loading replays the YAML, then ``.journal.folding``, then ``.journal``; replay is idempotent because
every line holds a whole state. A lock file, held with ``flock`` while the article is open, keeps a
second session read-only; the kernel drops it when the process dies, even by ``kill -9``.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import socket
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from tui.core import annofile, schema
from tui.core.articles import Article
from tui.core.labels import LabelScheme

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None

_fdatasync = getattr(os, "fdatasync", os.fsync)


@dataclass(frozen=True)
class SentenceState:
    status: str = schema.TODO
    labels: tuple[str, ...] = ()
    flag: bool = False
    note: str = ""
    updated: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)  # unknown keys, kept

    @property
    def is_blank(self) -> bool:
        return self.status == schema.TODO and not self.labels and not self.flag and not self.note and not self.extra


BLANK = SentenceState()


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def safe_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_.@" else "_" for c in name).strip(".")
    return cleaned or "anonymous"


class ArticleStore:
    """Annotation state for (annotator, article), keyed by sentence index."""

    def __init__(self, root: str | Path, annotator: str, article: Article, scheme: LabelScheme, model: dict | None = None):
        self.annotator = annotator
        self.article = article
        self.scheme = scheme
        self.model = model or {"name": "none", "version": None}
        folder = Path(root) / safe_name(annotator)
        self.path = folder / f"{article.id}{schema.ANNOTATION_SUFFIX}"
        self.journal_path = folder / f"{article.id}{schema.JOURNAL_SUFFIX}"
        self.folding_path = folder / f"{article.id}{schema.JOURNAL_SUFFIX}.folding"
        self.lock_path = folder / f".{article.id}.lock"
        self.read_only: str | None = None  # why this article cannot be saved, if it cannot
        self.notice: str | None = None  # something the annotator should know (re-anchored, …)
        self.states: dict[int, SentenceState] = {}
        self.orphans: list[dict] = []
        self.extra_top: dict = {}
        self._entities: dict[int, list] = {}
        self._lock = threading.RLock()
        self._journal = None
        self._lock_handle = None
        self._dirty = False
        self._done = self._flagged = 0
        self._label_counts: dict[str, int] = {}
        self._sentences = article.sentences
        self._by_start = {span.start: i for i, span in enumerate(self._sentences)}
        self._load()

    # -- reading -----------------------------------------------------------------------------
    def _load(self) -> None:
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self.read_only = f"cannot create {folder} ({error.strerror})"
            return
        self._take_lock()
        data: dict = {}
        if self.path.exists():
            try:
                data = annofile.read(self.path)
            except annofile.AnnotationFileError as error:
                self.read_only = f"{error}; it is left as it is and this article is read-only"
                return
        self.extra_top = {k: v for k, v in data.items() if k not in schema.FILE_KEYS and k != "orphans"}
        self.orphans = [o for o in data.get("orphans") or [] if isinstance(o, dict)]
        changed = (data.get("article") or {}).get("sha256") not in (None, self.article.sha256)
        placed = lost = 0
        for record in data.get("sentences") or []:
            state = _state_from_record(record)
            index = self._place(record.get("start"), record.get("end"), record.get("text"))
            if index is None:
                if not state.is_blank:
                    self.orphans.append(dict(record))
                    lost += 1
                continue
            placed += 1
            if not state.is_blank or state.extra:
                self._put(index, state)
            entities = record.get("entities")  # kept, so a run without the model loses none
            if isinstance(entities, list) and entities:
                self._entities[index] = [
                    (e["start"], e["end"], e["label"]) for e in entities
                    if isinstance(e, dict) and isinstance(e.get("start"), int) and isinstance(e.get("end"), int) and isinstance(e.get("label"), str)
                ]
        previous_model = data.get("model")
        if self.model.get("name") == "none" and isinstance(previous_model, dict) and self._entities:
            self.model = dict(previous_model)  # entities from that model are kept
        for journal in (self.folding_path, self.journal_path):
            self._replay(journal)
        if changed:
            note = "the article changed since it was annotated; annotations were re-anchored"
            if lost:
                note += f", {lost} kept as orphans"
            self.notice = note
            self._dirty = True
        if self.read_only is None and (self.journal_path.exists() or self.folding_path.exists()):
            self._dirty = True

    def _place(self, start, end, text) -> int | None:
        """The sentence index a record belongs to: same offsets and text, else the same text."""
        index = self._by_start.get(start)
        if index is not None:
            span = self._sentences[index]
            if span.end == end and (text is None or self.article.text[span.start : span.end] == text):
                return index
        if isinstance(text, str):
            for i, span in enumerate(self._sentences):
                if self.article.text[span.start : span.end] == text and i not in self.states:
                    return i
        return None

    def _replay(self, journal: Path) -> None:
        try:
            lines = journal.read_bytes().splitlines()
        except FileNotFoundError:
            return
        except OSError:
            return
        for raw in lines:
            try:
                entry = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                continue  # the action in flight when the process died
            if not isinstance(entry, dict):
                continue
            index = self._place(entry.get("start"), entry.get("end"), entry.get("text"))
            if index is None:
                continue
            state = _state_from_record(entry)
            previous = self.states.get(index)
            if previous is not None and previous.extra:
                state = replace(state, extra=previous.extra)
            self._put(index, state)

    def _take_lock(self) -> None:
        if fcntl is None:
            return
        try:
            handle = open(self.lock_path, "a+")
        except OSError:
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another session"
            handle.close()
            self.read_only = f"open in another session ({holder}); read-only here"
            return
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}")
        handle.flush()
        self._lock_handle = handle

    # -- state -------------------------------------------------------------------------------
    def get(self, index: int) -> SentenceState:
        return self.states.get(index, BLANK)

    def _put(self, index: int, state: SentenceState) -> None:
        previous = self.states.pop(index, None)
        if previous is not None:
            self._count(previous, -1)
        if not state.is_blank:
            self.states[index] = state
            self._count(state, +1)

    def _count(self, state: SentenceState, sign: int) -> None:
        """Keep the counts the status line shows current, so no key has to recount the article."""
        if state.status == schema.DONE:
            self._done += sign
        if state.flag:
            self._flagged += sign
        for name in state.labels:
            self._label_counts[name] = self._label_counts.get(name, 0) + sign

    def set(self, index: int, state: SentenceState) -> None:
        """Record ``state`` for sentence ``index``, durably, before returning."""
        if self.read_only:
            raise PermissionError(self.read_only)
        span = self._sentences[index]
        with self._lock:
            self._put(index, state)
            entry = {
                "start": span.start,
                "end": span.end,
                "text": self.article.text[span.start : span.end],
                "status": state.status,
                "labels": list(state.labels),
                "flag": state.flag,
                "note": state.note,
                "updated": state.updated,
            }
            line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
            if self._journal is None:
                self._journal = open(self.journal_path, "ab")
            self._journal.write(line)
            self._journal.flush()
            _fdatasync(self._journal.fileno())
            self._dirty = True

    def set_entities(self, index: int, entities: list) -> None:
        """Entities for sentence ``index`` (sentence offsets), written with the next fold."""
        entities = [tuple(e) for e in entities]
        with self._lock:
            if self._entities.get(index, []) != entities:
                self._entities[index] = entities
                self._dirty = True

    def entities(self) -> dict[int, list]:
        """Entities known for this article so far: {sentence index: [(start, end, label)]}."""
        with self._lock:
            return dict(self._entities)

    @property
    def dirty(self) -> bool:
        return self._dirty

    def counts(self) -> tuple[int, dict[str, int], int]:
        """(done, label -> count, flagged), kept current by every change: O(labels), not O(article)."""
        per_label = {name: self._label_counts.get(name, 0) for name in self.scheme.names}
        per_label.update({k: v for k, v in self._label_counts.items() if k not in per_label and v})
        return self._done, per_label, self._flagged

    # -- writing -----------------------------------------------------------------------------
    def document(self) -> dict:
        """The whole annotation file as data, in the contract's key order."""
        text = self.article.text
        sentences = []
        with self._lock:
            states = dict(self.states)
            entities = dict(self._entities)
        for index, span in enumerate(self._sentences):
            state = states.get(index, BLANK)
            record = {
                "index": index,
                "start": span.start,
                "end": span.end,
                "text": text[span.start : span.end],
                "status": state.status,
                "labels": annofile.Flow(state.labels),
                "entities": annofile.Flow(annofile.FlowMap(start=s, end=e, label=label) for s, e, label in entities.get(index, ())),
            }
            if state.flag:
                record["flag"] = True
            if state.note:
                record["note"] = state.note
            if state.updated:
                record["updated"] = state.updated
            for key, value in state.extra.items():
                record.setdefault(key, value)
            sentences.append(record)
        document = {
            "schema": schema.SCHEMA_VERSION,
            "article": {"id": self.article.id, "path": self.article.path, "sha256": self.article.sha256},
            "annotator": self.annotator,
            "labels": annofile.Flow(self.scheme.names),
            "model": annofile.FlowMap(self.model),
            "sentences": sentences,
        }
        document.update({k: v for k, v in self.extra_top.items() if k not in document})
        if self.orphans:
            document["orphans"] = self.orphans
        return document

    def fold(self, force: bool = False) -> bool:
        """Write the YAML file and retire the journal. Safe to call from a worker thread."""
        if self.read_only or not (self._dirty or force):
            return False
        with self._lock:
            if self._journal is not None:
                self._journal.close()
                self._journal = None
            if self.journal_path.exists():
                if self.folding_path.exists():
                    # A fold that died: keep both histories in order inside .folding.
                    with open(self.folding_path, "ab") as out:
                        out.write(self.journal_path.read_bytes())
                        out.flush()
                        os.fsync(out.fileno())
                    self.journal_path.unlink()
                else:
                    os.replace(self.journal_path, self.folding_path)
            self._dirty = False
            document = self.document()
        try:
            annofile.atomic_write(self.path, annofile.dumps(document))
        except BaseException:
            self._dirty = True
            raise
        try:
            self.folding_path.unlink()
        except FileNotFoundError:
            pass
        return True

    def close(self) -> None:
        """Fold and let go of the lock."""
        try:
            self.fold()
        finally:
            with self._lock:
                if self._journal is not None:
                    self._journal.close()
                    self._journal = None
            if self._lock_handle is not None:
                try:
                    self._lock_handle.close()
                finally:
                    self._lock_handle = None


def _state_from_record(record: dict) -> SentenceState:
    known = set(schema.SENTENCE_KEYS) | {"flag", "note", "updated"}
    labels = record.get("labels") or []
    status = record.get("status", schema.TODO)
    return SentenceState(
        status=status if status in schema.STATUSES else schema.TODO,
        labels=tuple(str(x) for x in labels) if isinstance(labels, list) else (),
        flag=bool(record.get("flag", False)),
        note=str(record.get("note") or ""),
        updated=str(record.get("updated") or ""),
        extra={k: v for k, v in record.items() if k not in known},
    )
