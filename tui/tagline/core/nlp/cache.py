"""Entities (and suggestions, and corpus twins) per paragraph on disk, keyed by the text and the
model's name and version, in ``$TAGLINE_CACHE`` or the user cache folder."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from tagline.core.articles import Article
from tagline.core.nlp.model import ModelInfo

if TYPE_CHECKING:
    import sqlite3


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

        return hashlib.sha1(f"{model.key}\0{text}".encode()).hexdigest()

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
