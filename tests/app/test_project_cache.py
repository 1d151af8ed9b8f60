"""One parse per team: ``tagline prepare --annotations DIR`` fills ``DIR/.cache``; every annotator's
session reads it first, and a session whose articles are all there starts no model process."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from tagline import cli
from tagline.app.app import TaglineApp
from tagline.app.launch import theme_folders
from tagline.core import nlp
from tagline.core.articles import load
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session

pytestmark = [pytest.mark.model, pytest.mark.e2e]  # starts model processes


def model_processes() -> list[int]:
    """Children of this process that run the model (tagline.core.nlp_worker)."""
    me = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        parent = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("PPid:")), 0)
        if parent == me and "nlp_worker" in cmdline:
            found.append(int(entry.name))
    return found


@pytest.fixture
def prepared(tmp_path, sample_path, monkeypatch):
    try:
        model = nlp.resolve_model("en_core_web_sm")
    except nlp.ModelError as error:
        pytest.skip(str(error))
    corpus = tmp_path / "articles"
    corpus.mkdir()
    shutil.copy(sample_path, corpus / sample_path.name)
    annotations = tmp_path / "annotations"
    monkeypatch.chdir(tmp_path)
    assert cli.main(["prepare", str(corpus), "--annotations", str(annotations), "--jobs", "1"]) == 0
    return model, corpus, annotations


def test_prepare_fills_the_project_cache_readable_by_the_team(prepared):
    _, _, annotations = prepared
    cache = annotations / ".cache" / "entities-v1.sqlite3"
    assert cache.is_file() and cache.stat().st_mode & 0o044 == 0o044
    with sqlite3.connect(f"file:{cache}?mode=ro", uri=True) as db:  # no write-ahead log left to need
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert db.execute("SELECT count(*) FROM suggestions").fetchone()[0] > 0


async def test_a_session_on_a_prepared_corpus_starts_no_model(prepared, tmp_path, monkeypatch):
    model, corpus, annotations = prepared
    monkeypatch.setenv("TAGLINE_CACHE", str(tmp_path / "empty-user-cache"))  # nothing of the user's
    articles, _ = load([corpus])
    session = Session(articles, annotations, "tester", DEFAULT_SCHEME, model.as_dict())
    app = TaglineApp(session, model, theme_folders=theme_folders())
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app._reader
        for _ in range(200):
            if app._parse_finished_for == session.article.id and any(session.store.entities().values()):
                break
            await pilot.pause(0.05)
        assert app._parse_finished_for == session.article.id
        assert any(session.store.entities().values())  # the entities came, from the project cache
        assert app.service is not None and app.service._process is None
        assert model_processes() == []
        assert reader is not None
        await pilot.press("ctrl+q")
    assert not (tmp_path / "empty-user-cache").exists()  # the user's cache was never needed


async def test_without_the_project_cache_the_model_runs_as_before(tmp_path, sample_path, monkeypatch):
    try:
        model = nlp.resolve_model("en_core_web_sm")
    except nlp.ModelError as error:
        pytest.skip(str(error))
    articles, _ = load([sample_path])
    session = Session(articles, tmp_path / "annotations", "tester", DEFAULT_SCHEME, model.as_dict())
    app = TaglineApp(session, model, theme_folders=theme_folders())
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(100):
            if model_processes():
                break
            await pilot.pause(0.05)
        assert model_processes()  # the check above can see a model process
        await pilot.press("ctrl+q")
