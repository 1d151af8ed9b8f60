"""The processes tagline starts for itself never import a module from the folder it runs in: a
``tagline.py`` there (a decoy, or an unlucky file name) would run in tagline's place."""

from __future__ import annotations

import asyncio

import pytest

from tagline.core import nlp
from tagline.core.duplicates_worker import DuplicateScan

pytestmark = pytest.mark.e2e


@pytest.fixture
def decoy_folder(tmp_path, monkeypatch):
    marker = tmp_path / "DECOY-RAN"
    (tmp_path / "tagline.py").write_text(f"open({str(marker)!r}, 'a').write('ran')\nraise SystemExit(0)\n")
    monkeypatch.chdir(tmp_path)
    return marker


def test_the_duplicate_scan_ignores_a_tagline_py_in_the_working_folder(decoy_folder):
    text = "The same words again. Something else. The same words again."
    spans = [(0, 21), (22, 37), (38, 59)]
    found = asyncio.run(DuplicateScan().run(text, spans))
    assert not decoy_folder.exists()
    assert found == {2: 0}


@pytest.mark.model
def test_the_model_process_ignores_a_tagline_py_in_the_working_folder(decoy_folder):
    service = nlp.EntityService(nlp.resolve_model("en_core_web_sm"))
    try:
        [entities] = service.submit(["Angela Merkel spoke in Berlin."]).result(timeout=120)
    finally:
        service.close()
    assert not decoy_folder.exists()
    assert [label for _, _, label in entities] == ["PERSON", "GPE"]
