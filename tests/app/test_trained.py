"""The model in the loop, end to end in the app: a model trained on the development set changes the
suggestions the annotator sees, and says so in their reasons."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tagline.core import nlp, train
from tagline.core.labels import DEFAULT_SCHEME

pytestmark = pytest.mark.e2e  # starts the model's child process (tagline.core.nlp_worker)

DEVSET = Path(__file__).resolve().parents[2] / "devset" / "annotations"


async def test_suggestions_combine_rules_and_the_trained_model(make_app, tmp_path):
    annotations = tmp_path / "annotations"
    shutil.copytree(DEVSET, annotations)
    report = train.train(annotations, DEFAULT_SCHEME)
    assert report.sentences > 100
    assert train.trained_stamp(annotations)
    app = make_app(model=nlp.resolve_model("en_core_web_sm"))
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(1200):
            if len(app.session.suggestions) == app.session.total:
                break
            await pilot.pause(0.05)
        reasons = [r for s in app.session.suggestions.values() for r in (s.get("reasons") or {}).values()]
        assert reasons and any("model" in r for r in reasons)
        await pilot.press("ctrl+q")
