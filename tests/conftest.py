"""Shared fixtures: the sample article, an isolated cache and annotation folder per test."""

from __future__ import annotations

import multiprocessing.process
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "000_88201f31feaf2608.txt"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TAGLINE_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("TAGLINE_ANNOTATOR", "tester")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


#: Child processes the reader itself starts for every article it opens (cheap: no model). Without
#: this, every Pilot test would be e2e; the model's worker (tagline.core.nlp_worker) is not here.
APP_WORKERS = ("tagline.core.duplicates_worker",)


@pytest.fixture(autouse=True)
def _processes_are_e2e(request, monkeypatch):
    """A test that starts a process (a terminal, the program, the model's worker, a pool) must be
    marked ``e2e``, so that ``pytest -m "not e2e"`` stays a fast loop: one that is not fails here."""
    if request.node.get_closest_marker("e2e") is not None:
        yield
        return
    started: list[str] = []
    popen_init = subprocess.Popen.__init__
    process_start = multiprocessing.process.BaseProcess.start

    def recording_popen(self, args, *rest, **options):
        if not any(worker in map(str, args) for worker in APP_WORKERS):
            started.append(repr(args)[:120])
        return popen_init(self, args, *rest, **options)

    def recording_start(self):
        started.append(f"multiprocessing {self.name}")
        return process_start(self)

    monkeypatch.setattr(subprocess.Popen, "__init__", recording_popen)
    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", recording_start)
    yield
    if started:
        pytest.fail(f"this test started a process ({started[0]}): mark it @pytest.mark.e2e", pytrace=False)


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
