"""Entities (and suggestions, and corpus twins) per paragraph on disk, keyed by the text and the
model's name and version, in ``$TAGLINE_CACHE`` or the user cache folder.

A team shares one more: the *project cache*, ``<annotations>/.cache/``, filled once by ``tagline
prepare`` and read by everyone (read-only, first), so on a shared server nobody parses an article a
colleague's ``prepare`` already parsed, and a session whose articles are all there starts no model."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from tagline.core.articles import Article
# Write permission the project cache's folder and file never give group or others, as an annotator
# folder's: anyone who could replace the file would choose every teammate's entities and
# suggestions ("statistic" on every sentence, accepted with ``a``).
from tagline.core.store import NOT_THEIRS, user_name
from tagline.core.nlp.model import ModelInfo

if TYPE_CHECKING:
    import sqlite3


def cache_dir() -> Path:
    explicit = os.environ.get("TAGLINE_CACHE")
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_cache_dir("tagline"))


FILE_NAME = "entities-v1.sqlite3"
PROJECT_FOLDER = ".cache"


def project_cache_dir(annotations: str | Path) -> Path:
    """The team's cache, beside the annotations."""
    return Path(annotations) / PROJECT_FOLDER


def untrusted(shared: str | Path) -> str | None:
    """Why the project cache ``shared`` (``<annotations>/.cache``) is not to be read, or None (also
    None when there is none). Trusted: its folder and file writable by their owner alone, and
    owned by the owner of the annotations folder, root, or the reader."""
    if not hasattr(os, "geteuid"):
        return None
    folder = Path(shared)
    path = folder / FILE_NAME
    try:
        if not path.is_file():
            return None
        trusted = {0, os.geteuid(), folder.parent.stat().st_uid}
        for item in (folder, path):
            info = item.stat()
            if info.st_uid not in trusted:
                return f"the project cache {item} belongs to {user_name(info.st_uid)}, not to the owner of {folder.parent}; not read"
            if info.st_mode & NOT_THEIRS:
                return (f"the project cache {item} can be changed by others than its owner; not read "
                        "(its owner: tagline prepare again, or chmod go-w)")
    except OSError as error:
        return f"the project cache {folder} cannot be read ({error.strerror or error}); not read"
    return None


class ParseCache:
    """Entities per paragraph on disk (SQLite), shared by every session and ``tagline prepare``.

    ``shared``: a project cache read before this one, never written (absent or unreadable: unused).
    ``publishing``: this is a project cache being filled, to be :meth:`publish`-ed at the end."""

    def __init__(self, folder: Path | None = None, shared: Path | None = None, publishing: bool = False):
        self.folder = folder or cache_dir()
        self.shared = shared if shared is not None and Path(shared).resolve() != Path(self.folder).resolve() else None
        self._local = threading.local()
        self._publishing = publishing
        self._connections: list = []  # with ``publishing``: every thread's, so publish() can close them
        self.error: str | None = None
        #: Set when the cache file turns out damaged part-way (a page of it malformed): what it
        #: cannot read is parsed again, every run, so whoever reads the cache says this once.
        self.damaged: str | None = None

    def _shared_db(self) -> sqlite3.Connection | None:
        import sqlite3

        if self.shared is None:
            return None
        db = getattr(self._local, "shared", None)
        if db is None:
            path = Path(self.shared) / FILE_NAME
            if not path.is_file() or untrusted(self.shared):  # said once, by whoever opens the session
                return None
            try:
                from urllib.parse import quote

                db = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=2)
                db.execute("SELECT 1 FROM entities LIMIT 1")
            except sqlite3.Error:
                return None  # being written (WAL) or not ours to read: the user's cache still works
            self._local.shared = db
        return db

    def publish(self) -> None:
        """Make this cache readable by the team: no write-ahead log (a reader without write access
        cannot open one) and read permission for the group and others on the folder and the file."""
        import sqlite3

        # Leaving WAL needs the only connection: close every thread's (their work is done).
        for db in self._connections:
            try:
                db.close()
            except sqlite3.Error:
                pass
        self._connections.clear()
        self._local = threading.local()
        try:
            with sqlite3.connect(Path(self.folder) / FILE_NAME, timeout=10) as db:
                db.execute("PRAGMA journal_mode=DELETE")
            db.close()
        except sqlite3.Error:
            pass
        for path, bits in ((Path(self.folder), 0o055), (Path(self.folder) / FILE_NAME, 0o044)):
            try:  # readable by all, writable by its owner alone whatever the umask (002 in a team)
                path.chmod((path.stat().st_mode | bits) & 0o7777 & ~NOT_THEIRS)
            except OSError:
                pass

    def _db(self) -> sqlite3.Connection | None:
        import sqlite3  # here, and in the methods below: the cache is first used after the first frame

        db = getattr(self._local, "db", None)
        if db is None and self.error is None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.folder / FILE_NAME, timeout=10, check_same_thread=not self._publishing)
                if self._publishing:
                    self._connections.append(db)
                db.execute("PRAGMA journal_mode=WAL")
                for table in self.TABLES:
                    db.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                self._local.db = db
            except OSError as error:  # "[Errno 17] File exists: '/dev/null'" said what the user must guess
                from tagline.core import safefile

                folder = self.folder
                reason = safefile.not_a_folder(folder) if os.path.lexists(folder) and not folder.is_dir() else (error.strerror or str(error))
                self.error = f"parse cache unavailable ({folder}: {reason}); parsing without it"
                return None
            except sqlite3.Error as error:  # with the file: "unable to open database file" said not which
                self.error = f"parse cache unavailable ({Path(self.folder) / FILE_NAME}: {error}); parsing without it"
                return None
        return db

    @staticmethod
    def key(model: ModelInfo, text: str) -> str:
        import hashlib  # here: needed only with a model, or after the first frame

        return hashlib.sha1(f"{model.key}\0{text}".encode()).hexdigest()

    TABLES = ("entities", "suggestions", "duplicates")

    def get_many(self, keys: list[str], table: str = "entities") -> dict[str, list]:

        assert table in self.TABLES
        if not keys:
            return {}
        found: dict[str, list] = {}
        shared = self._shared_db()
        if shared is not None:
            self._select(shared, table, keys, found)
            keys = [k for k in keys if k not in found]
            if not keys:
                return found
        db = self._db()
        if db is None:
            return found
        self._select(db, table, keys, found, own=True)
        return found

    def _select(self, db, table: str, keys: list[str], found: dict[str, list], own: bool = False) -> None:
        import sqlite3

        try:
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for key, value in db.execute(f"SELECT key, value FROM {table} WHERE key IN ({marks})", chunk):
                    found[key] = json.loads(value)
        except sqlite3.Error as error:
            if own:
                self._note_damage(error)
        except ValueError:
            pass

    def _note_damage(self, error) -> None:
        """Remember a damaged cache file (not a busy one: "database is locked" passes)."""
        import sqlite3

        if isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.OperationalError) and self.damaged is None:
            self.damaged = (f"the parse cache {Path(self.folder) / FILE_NAME} is damaged ({error}): what it cannot give is "
                            "parsed again every time; delete the file to start afresh")

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
        except sqlite3.Error as error:
            self._note_damage(error)


def corpus_duplicates_key(article: Article) -> str:
    """Where ``tagline prepare`` leaves an article's duplicates in other articles of its corpus."""
    return f"{article.id}\0{article.sha256}"
