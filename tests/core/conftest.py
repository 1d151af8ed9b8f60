"""Realistic annotation files for the core tests, written the way the reader writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagline.core import annofile
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.store import ArticleStore, SentenceState

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "seeds" / "000_88201f31feaf2608.txt"


class Annotations:
    """Writes ``<root>/<annotator>/<article>.yaml`` through :class:`ArticleStore`, as tagline does."""

    def __init__(self, root: Path):
        self.root = root

    @staticmethod
    def lines(sentences: list[str]) -> str:
        """An article of one paragraph per line, so that each given sentence is one sentence."""
        return "\n".join(sentences) + "\n"

    def write(self, annotator: str, article: Article | tuple[str, str], marks: dict[int, list[str]] | None = None, *,
              flags: tuple[int, ...] = (), notes: dict[int, str] | None = None, updated: dict[int, str] | None = None,
              entities: dict[int, list[tuple[int, int, str]]] | None = None, reviews: dict[int, dict] | None = None,
              scheme=DEFAULT_SCHEME) -> Path:
        """``marks``: sentence index -> labels; those sentences are ``done``, the rest ``todo``.
        ``reviews``: sentence index -> the ``review`` mapping of a reviewer's decision."""
        if isinstance(article, tuple):
            article = Article(article[0], f"articles/{article[0]}.txt", article[1])
        store = ArticleStore(self.root, annotator, article, scheme, {"name": "en_core_web_sm", "version": "3.8.0"})
        marks = dict(marks or {})
        notes = notes or {}
        updated = updated or {}
        reviews = reviews or {}
        touched = set(marks) | set(flags) | set(notes) | set(reviews)
        for index in sorted(touched):
            store.set(index, SentenceState(
                status="done" if index in marks or index in reviews else "todo",
                labels=tuple(marks.get(index, ())),
                flag=index in flags,
                note=notes.get(index, ""),
                updated=updated.get(index, "2026-11-20T09:00:00Z"),
                extra={"review": reviews[index]} if index in reviews else {},
            ))
        for index, found in (entities or {}).items():
            store.set_entities(index, found)
        store.fold(force=True)
        store.close()
        return store.path

    def read(self, annotator: str, article_id: str) -> dict:
        return annofile.read(self.root / annotator / f"{article_id}.yaml")


class HeldWrites:
    """Writes of annotation files held until :attr:`gate` exists (:func:`hold_yaml_writes`)."""

    def __init__(self, gate: Path):
        self.gate = gate

    def returns_meanwhile(self, call, *args) -> bool:
        """Whether ``call(*args)``, run in a thread, returned within 30 s with the writes still
        held; the writes are let through after, and the call waited for."""
        import threading

        thread = threading.Thread(target=call, args=args)
        thread.start()
        thread.join(30)
        returned = not thread.is_alive() and not self.gate.exists()
        self.gate.touch()
        thread.join()
        return returned


@pytest.fixture
def annotations(tmp_path) -> Annotations:
    return Annotations(tmp_path / "annotations")


@pytest.fixture
def sample_article() -> Article:
    return Article(SAMPLE.stem, "seeds/" + SAMPLE.name, SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def hold_yaml_writes(tmp_path, monkeypatch):
    """Call it to make every later write of an annotation file wait until the gate file of the
    :class:`HeldWrites` it returns exists (a process forked meanwhile, a fold, inherits the hold);
    touch the gate to let them through."""
    import time

    def hold() -> HeldWrites:
        gate = tmp_path / "yaml-write-gate"
        write = annofile.write

        def held(path, document, *args, **kwargs):
            while not gate.exists():
                time.sleep(0.01)
            write(path, document, *args, **kwargs)

        monkeypatch.setattr(annofile, "write", held)
        return HeldWrites(gate)

    return hold
