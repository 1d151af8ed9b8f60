from __future__ import annotations

import pytest

from tui.app.app import TaglineApp
from tui.app.launch import theme_folders
from tui.core.articles import Article, load
from tui.core.labels import DEFAULT_SCHEME
from tui.core.session import Session


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
