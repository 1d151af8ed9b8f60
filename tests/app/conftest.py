from __future__ import annotations

import gc

import pytest

from tagline.app.app import TaglineApp
from tagline.app.launch import theme_folders
from tagline.core.articles import Article, load
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session


@pytest.fixture
def make_app(tmp_path, sample_path):
    """An app on the sample article (or given texts), saving under tmp_path, with no model."""

    def build(*texts: str, model=None, theme=None) -> TaglineApp:
        if texts:
            articles = [Article(f"art{i}", f"art{i}.txt", text) for i, text in enumerate(texts)]
        else:
            articles, _ = load([sample_path])
        session = Session(articles, tmp_path / "annotations", "tester", DEFAULT_SCHEME, model.as_dict() if model else None)
        return TaglineApp(session, model, theme=theme, theme_folders=theme_folders())

    return build


@pytest.fixture(autouse=True)
def _collect_between_tests():
    """The app freezes an open article's objects out of the collector (gc.freeze); after a test,
    what it froze goes back, so one test's garbage does not stay for the rest of the run; so does
    the collector's threshold."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
