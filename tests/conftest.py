"""Shared fixtures: the sample article, an isolated cache and annotation folder per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "000_88201f31feaf2608.txt"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TAGLINE_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("TAGLINE_ANNOTATOR", "tester")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """A working folder with the sample article in ./seeds, as a new user would have it."""
    (tmp_path / "seeds").mkdir()
    shutil.copy(SAMPLE, tmp_path / "seeds" / SAMPLE.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path
