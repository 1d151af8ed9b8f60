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


#: Child processes the reader itself starts for every article it opens (cheap: no model), and the
#: readers' parse-ahead of a project's first read (a test's project of 200 files or more). Without
#: this, every Pilot test would be e2e; the model's worker (tagline.core.nlp_worker) is not here.
APP_WORKERS = ("tagline.core.duplicates_worker", "tagline.core.parse_ahead")


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
        if not any(worker in str(arg) for arg in args for worker in APP_WORKERS):
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


@pytest.fixture
def long_name_project(tmp_path) -> list[str]:
    """A team of ``tester`` and three annotators with 64-character names (the longest the contract
    allows), alike but for their ends, each with a folder of their own (they have opened tagline),
    and two short articles in ``seeds/``, in ``tmp_path``: the long names, in order."""
    names = [f"annotator_of_the_political_news_desk_in_the_northern_region_{n:04d}" for n in (1, 2, 3)]
    (tmp_path / "tagline.yaml").write_text(f"team:\n  annotators: [tester, {', '.join(names)}]\n", encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    for i, text in enumerate(("One here. Two there.", "Three here. Four there.")):
        (tmp_path / "seeds" / f"art{i}.txt").write_text(text + "\n", encoding="utf-8")
    for name in names:
        (tmp_path / "annotations" / name).mkdir(parents=True)
    return names

