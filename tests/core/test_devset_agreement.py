"""The blind second annotation of the Wikinews articles and ``bench/agreement.py``: the second
annotator's files cover every Wikinews article sentence by sentence, and the script's kappa is
scikit-learn's, inside its own article-bootstrap interval."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench_modules import bench_module

ROOT = Path(__file__).resolve().parents[2]
FIRST = ROOT / "devset" / "annotations" / "devset"
SECOND = ROOT / "devset" / "agreement" / "blind"


def agreement_module():
    return bench_module("agreement")


def test_the_second_annotation_covers_every_wikinews_article():
    module = agreement_module()
    first, second = module.load(FIRST), module.load(SECOND)
    wikinews = {a for a in first if a.startswith("wikinews-")}
    assert set(second) == wikinews and len(wikinews) == 23
    pairs = module.paired(first, second)  # refuses files that split an article differently
    assert sum(len(rows) for rows in pairs.values()) == 615


def test_kappa_is_scikit_learns_and_inside_its_interval():
    from sklearn.metrics import cohen_kappa_score

    module = agreement_module()
    pairs = module.paired(module.load(FIRST), module.load(SECOND))
    report = module.report(pairs, resamples=200)
    for label, entry in report.items():
        a = [label in x for rows in pairs.values() for (_i, _t, x, _y) in rows]
        b = [label in y for rows in pairs.values() for (_i, _t, _x, y) in rows]
        assert entry["kappa"] == pytest.approx(cohen_kappa_score(a, b))
        low, high = entry["kappa_ci"]
        assert low <= entry["kappa"] <= high
        assert entry["disagreements"] == sum(x != y for x, y in zip(a, b))


def test_paired_refuses_a_different_split():
    module = agreement_module()
    first = {"a": [{"index": 0, "text": "One.", "status": "done", "labels": []}]}
    second = {"a": [{"index": 0, "text": "One. Two.", "status": "done", "labels": []}]}
    with pytest.raises(SystemExit, match="split the text differently"):
        module.paired(first, second)
