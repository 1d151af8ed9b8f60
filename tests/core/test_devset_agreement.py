"""The blind second annotations and ``bench/agreement.py``: the second annotators' files cover every
GUM Wikinews article, a set of Wikinews 2019 articles and the Wikinews 2020 October-December
articles sentence by sentence, and the script's kappa is scikit-learn's, inside its own
article-bootstrap interval."""

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
    assert {a for a in second if a.startswith("wikinews-")} == wikinews and len(wikinews) == 23
    pairs = module.paired(first, second, "wikinews-")  # refuses files that split an article differently
    assert set(pairs) == wikinews and sum(len(rows) for rows in pairs.values()) == 615


def test_the_wn2019_second_annotation_is_blind2s_and_whole():
    module = agreement_module()
    first, second = module.load(FIRST), module.load(SECOND)
    wn2019 = {a for a in second if a.startswith("wn2019-")}
    assert wn2019 <= set(first)
    wn2020q4 = {a for a in second if a.startswith("wn2020q4-")}
    assert set(second) == wn2019 | wn2020q4 | {a for a in first if a.startswith("wikinews-")}
    july = module.listed([ROOT / "devset" / "sources" / "wikinews-2019-july-october.md"])
    pairs = module.paired(first, second, "wn2019-", july)  # the July-October batch's 55 of its 60
    assert len(pairs) == 55 and sum(len(rows) for rows in pairs.values()) == 1016
    autumn = module.listed([ROOT / "devset" / "sources" / "wikinews-2019-october-december-blind.md"])
    pairs = module.paired(first, second, "wn2019-", autumn)  # all 38 of 8 October to 30 December
    assert len(pairs) == 38 and sum(len(rows) for rows in pairs.values()) == 690
    pairs = module.paired(first, second, "wn2019-")  # refuses files that split an article differently
    assert set(pairs) == wn2019 and len(wn2019) == 55 + 38
    annotators = {module.annofile.read(SECOND / f"{a}.yaml")["annotator"] for a in wn2019}
    assert annotators == {"blind2"}


def test_the_wn2020q4_second_annotation_is_blind2s_and_whole():
    module = agreement_module()
    first, second = module.load(FIRST), module.load(SECOND)
    held_out = {a for a in first if a.startswith("wn2020q4-")}
    assert {a for a in second if a.startswith("wn2020q4-")} == held_out and len(held_out) == 12
    pairs = module.paired(first, second, "wn2020q4-")  # refuses files that split an article differently
    assert set(pairs) == held_out and sum(len(rows) for rows in pairs.values()) == 168
    record = module.listed([ROOT / "devset" / "sources" / "wikinews-2020-october-december-blind.md"])
    assert set(module.paired(first, second, "", record)) == held_out  # the record lists all 12
    annotators = {module.annofile.read(SECOND / f"{a}.yaml")["annotator"] for a in held_out}
    assert annotators == {"blind2"}


def test_only_keeps_the_articles_with_the_prefix(capsys):
    module = agreement_module()
    wn2019 = [a for a in module.load(SECOND) if a.startswith("wn2019-")]
    assert module.main(["--only", "wn2019-"]) == 0
    assert capsys.readouterr().out.startswith(f"{len(wn2019)} articles, ")
    with pytest.raises(SystemExit, match="no article"):
        module.main(["--only", "no-such-prefix-"])


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


def test_batch_keeps_the_articles_a_record_lists_in_its_tables(tmp_path, capsys):
    module = agreement_module()
    record = tmp_path / "batch.md"
    record.write_text(
        "# A batch\n\n| article | sentences |\n|---|---:|\n| `wn2019-ebola` | 17 |\n\n"
        "| sentence | label |\n|---|---|\n| `abqaiq` #13 | claim |\n| `wn2019-waterloo` #4 | claim |\n",
        encoding="utf-8",
    )
    assert module.listed([record]) == {"wn2019-ebola"}
    assert module.main(["--only", "wn2019-", "--batch", str(record)]) == 0
    assert capsys.readouterr().out.startswith("1 articles, ")
    july = ROOT / "devset" / "sources" / "wikinews-2019-july-october.md"
    assert module.main(["--batch", str(july)]) == 0
    assert capsys.readouterr().out.startswith("55 articles, 1016 sentences")


def test_the_team_scenario_builds_a_team_that_tagline_agree_reads(tmp_path):
    from tagline.core import agreement, corpus
    from tagline.core.labels import DEFAULT_SCHEME

    module = agreement_module()
    sentences = module.build_team(tmp_path / "team", 12)
    merged = corpus.load(tmp_path / "team", DEFAULT_SCHEME)
    assert not merged.problems and merged.annotators == [f"a{k:03d}" for k in range(12)]
    assert not list((tmp_path / "team").glob("*/.*"))  # no parsed form beside the files: they are parsed
    report = agreement.compute(merged, DEFAULT_SCHEME)
    assert report["sentences"] == sentences == 34
    assert "pairs" not in report["labels"]["claim"] and report["labels"]["claim"]["pair_summary"]["pairs"] == 66
    assert 0 < report["labels"]["claim"]["fleiss_kappa"] < 1  # noisy, but around a shared answer
