"""The progress index: one small JSON file per annotator folder (``.progress.json``) that says, per
article, how far the annotator has got, so the article list, the team's routing and ``tagline
status`` never parse every YAML file.

It is a cache: the YAML files are the truth. An entry is written when an article is closed (after
its YAML file is), and records the YAML file's modification time, so a reader can tell whether the
entry still describes the file (:func:`entry_is_current`). Per article::

    {"done": 12, "total": 30, "labels": {"claim": 4, …}, "sha256": "…", "first": "first line…",
     "mtime_ns": 1764…, "names": ["claim", "quote", "statistic"], "marks": ".0153..", "times": "1764… 9 12 …"}

``marks``: one character per sentence, ``.`` for todo, else ``chr(48 + mask)`` where bit *i* of
``mask`` stands for ``names[i]`` (``0``: done, none of them); with more than six labels in use, a
list of strings instead (``null`` or the labels joined by ``+``). ``times``: the ``updated`` stamps of
the sentences in time order, as seconds since the epoch: the first, then the gaps. Compact, because
``tagline status`` reads the indexes of every annotator at once (10,000 articles: a few megabytes).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from tagline.core import annofile, safefile, safejson, schema
from tagline.core.anchoring import whole as _whole
from tagline.core.store import NOT_THEIRS, folder_owner, foreign_owner

FILE_NAME = ".progress.json"


def read_index(folder: str | Path) -> dict[str, dict]:
    """The index of one annotator folder (empty when missing or unreadable)."""
    path = Path(folder) / FILE_NAME
    if foreign_owner(path, folder_owner(folder)):  # planted: routing and status would trust it
        return {}
    try:
        # A cache of tagline's own (json.dumps of a dict: no key twice), checked against each YAML
        # file's mtime and read whole by status over 10,000 articles: the fast path, no hook.
        data = safejson.loads(safefile.read_text(path, annofile.MAX_BYTES), unique=False)
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    # A cache, never the truth: an entry not as tagline writes it ("done": -5 showed as -5/9,
    # "total": 1e308 as 1/0) is not used, and the YAML file it stood for is read instead.
    return {key: entry for key, entry in data.items() if _entry_ok(entry)}


#: More sentences than any article tagline opens has (MAX_ARTICLE_BYTES of one-character sentences).
MOST_SENTENCES = 10_000_000


def _entry_ok(entry: object) -> bool:
    """Whether an index entry's counts are as :meth:`ProgressIndex.update` writes them: whole
    numbers, 0 <= done <= total, and per-label counts that are whole numbers from 0 to total."""
    if not isinstance(entry, dict):
        return False
    done, total, labels = entry.get("done"), entry.get("total"), entry.get("labels", {})
    return (_whole(done) and _whole(total) and 0 <= done <= total <= MOST_SENTENCES and isinstance(labels, dict)
            and all(_whole(n) and 0 <= n <= total for n in labels.values()))


def entry_is_current(entry: object, yaml_mtime_ns: int | None) -> bool:
    """Whether ``entry`` describes the YAML file whose modification time is ``yaml_mtime_ns``
    (complete with marks and times, as written by this version)."""
    return (
        isinstance(entry, dict) and yaml_mtime_ns is not None and entry.get("mtime_ns") == yaml_mtime_ns
        and _marks_ok(entry.get("marks")) and isinstance(entry.get("times"), str)
    )


def _marks_ok(marks: object) -> bool:
    """Marks as :func:`entry_for` writes them: a string, or a list of label strings and nulls (an
    index edited by hand with other values is not used: the YAML file is read instead)."""
    return isinstance(marks, str) or (isinstance(marks, list) and all(m is None or isinstance(m, str) for m in marks))


class ProgressIndex:
    """The progress index of one annotator folder, updated on every close."""

    def __init__(self, folder: Path):
        self._lock = threading.Lock()
        self.path = folder / FILE_NAME
        self.entries: dict[str, dict] = read_index(folder)

    def get(self, article) -> tuple[int, int] | None:
        """(done, total) as last saved; for an article not read yet, trusted without reading it."""
        entry = self.entries.get(article.id)
        if not isinstance(entry, dict):
            return None
        if article.loaded and entry.get("sha256") != article.sha256:
            return None
        done, total = entry.get("done", 0), entry.get("total", 0)
        if type(done) is not int or type(total) is not int or not 0 <= done <= total:  # an index edited by hand
            return None
        return done, total

    def first_line(self, article) -> str:
        if article.loaded:
            return article.first_line
        entry = self.entries.get(article.id)
        return str(entry.get("first", "")) if isinstance(entry, dict) else ""

    def complete(self, article) -> bool:
        known = self.get(article)
        return known is not None and known[1] > 0 and known[0] >= known[1]

    def update(self, article, done: int, total: int, per_label: dict[str, int], store=None) -> None:
        """Record the article as just closed; ``store``: its :class:`ArticleStore`, whose states and
        YAML file give the marks, the times and the file's modification time."""
        # The sha256 lets a changed article invalidate its entry.
        entry = {
            "done": done, "total": total, "labels": per_label, "sha256": article.sha256,
            "first": article.first_line[:160],
        }
        if store is not None:
            entry.update(_details(store, total))
        with self._lock:
            if self.entries.get(article.id) == entry:
                return  # as written before (nothing changed since): no rewrite, no fsync
            self.entries[article.id] = entry
            try:
                annofile.atomic_write(self.path, json.dumps(self.entries, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                                     NOT_THEIRS)
            except OSError:
                pass

    def note(self, article, done: int, total: int, per_label: dict[str, int]) -> None:
        """Record the article's counts here only (the article list reads them), while a process
        forked to fold it writes its whole entry to the file (:meth:`update`)."""
        entry = {"done": done, "total": total, "labels": per_label, "sha256": article.sha256,
                 "first": article.first_line[:160]}
        with self._lock:
            self.entries[article.id] = entry


def _details(store, total: int) -> dict:
    names = list(store.scheme.names)
    masks: list[int | None] = [None] * total
    stamps: list[int] = []
    for index, state in list(store.states.items()):
        if 0 <= index < total and state.status == schema.DONE:
            mask = 0
            for label in state.labels:
                if label not in names:
                    names.append(label)
                mask |= 1 << names.index(label)
            masks[index] = mask
        stamp = epoch(state.updated)
        if stamp is not None:
            stamps.append(stamp)
    try:
        mtime = os.stat(store.path).st_mtime_ns
    except OSError:
        return {}
    if all(m is None or m < 64 for m in masks):
        marks: str | list = "".join("." if m is None else chr(48 + m) for m in masks)
    else:
        marks = [None if m is None else "+".join(n for i, n in enumerate(names) if m >> i & 1) for m in masks]
    return {"names": names, "marks": marks, "times": encode_times(stamps), "mtime_ns": mtime}


def encode_times(stamps: list[int]) -> str:
    stamps = sorted(stamps)
    return " ".join(str(t) for t in stamps[:1] + [b - a for a, b in zip(stamps, stamps[1:])])


def decode_times(text: object) -> list[int]:
    """[first stamp, gap, gap, …] as :func:`encode_times` wrote them; [] for anything else."""
    if not isinstance(text, str):
        return []
    try:
        return list(map(int, text.split()))
    except ValueError:
        return []


def decode_marks(entry: dict) -> list[str | None]:
    """Per sentence: None for todo, else its labels joined by ``+`` (in the scheme's order)."""
    marks = entry.get("marks")
    if isinstance(marks, list):
        return [m if isinstance(m, str) else None for m in marks]
    names = entry.get("names") if isinstance(entry.get("names"), list) else []
    return [None if c == "." else mask_labels(ord(c) - 48, names) for c in str(marks or "")]


def mask_labels(mask: int, names: list) -> str:
    return "+".join(str(n) for i, n in enumerate(names) if mask >> i & 1)


def epoch(value: str) -> int | None:
    """An ``updated`` stamp (ISO 8601) as whole seconds since the epoch, or None."""
    if not value:
        return None
    import datetime as _dt

    try:
        moment = _dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.UTC)
    try:  # a stamp such as 9999-12-31T23:59:59-12:00 is no date in UTC: no time tagline can show
        moment.astimezone(_dt.UTC)
    except OverflowError:
        return None
    return int(moment.timestamp())
