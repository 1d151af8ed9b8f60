"""The term model of check-worthiness: how a sentence is read into terms, how the shipped model is
loaded and weighed, and the script that fits it (run on a small set written here)."""

from __future__ import annotations

import json

import pytest
from bench_modules import bench_module

from tagline.core.suggest import load_pipeline, suggest_doc
from tagline.core.suggest import terms as term_module
from tagline.core.suggest.claims import ANSWERS, checkworthiness
from tagline.core.suggest.terms import term_log_odds, term_model, terms, units


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("en_core_web_sm")[0]


def test_numbers_and_names_are_read_as_their_kind(nlp):
    read = units(nlp("Senator John McCain voted against 700,000 jobs in Ohio, didn't he?"))
    assert "<num>" in read and "<gpe>" in read and "?" in read
    assert read.count("<person>") == 1  # one unit for a name of several words
    assert "john" not in read and "ohio" not in read and "," not in read
    assert "voted" in read  # words as written, in lower case


def test_terms_are_words_and_the_pairs_side_by_side(nlp):
    found = terms(nlp("Taxes went up 35 percent."))
    assert {"taxes", "went", "up", "<num>", "percent"} <= found
    assert {"went up", "up <num>", "<num> percent"} <= found
    assert "taxes percent" not in found


def test_log_odds_sums_the_weights_of_the_terms_present(nlp):
    model = {"intercept": -1.0, "weights": {"taxes": 0.5, "<num> percent": 1.25, "unseen": 9.0}}
    assert term_log_odds(nlp("Taxes went up 35 percent."), model) == pytest.approx(1.75)
    assert term_log_odds(nlp("Thank you."), model) == 0.0


@pytest.mark.parametrize("content", ["not json", '{"weights": {"a": "b"}, "intercept": 0}', '{"weights": {}}', "[]"])
def test_a_malformed_model_file_weighs_nothing(tmp_path, monkeypatch, nlp, content):
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    monkeypatch.setattr(term_module, "MODEL_FILE", path)
    term_model.cache_clear()
    try:
        assert term_model() is None
        assert term_log_odds(nlp("We cut taxes by 35 percent.")) == 0.0
    finally:
        term_model.cache_clear()


def test_the_shipped_model_is_readable_and_says_where_it_comes_from():
    model = term_model()
    assert model is not None
    assert model["licence"] == "CC BY 4.0" and "ClaimBuster" in model["data"]
    assert len(model["weights"]) > 1000


def ranked(nlp, lines: list[str]) -> list[str]:
    """``lines`` by the shipped model's term log-odds, highest first."""
    return sorted(lines, key=lambda line: -term_log_odds(nlp(line)))


def test_the_shipped_model_ranks_a_politicians_record_over_talk(nlp):
    record = "My opponent voted against the tax cut and raised spending by billions of dollars."
    talk = ["Thank you all for being here tonight.", "I love this country and I love its people.", "Let me answer that."]
    assert ranked(nlp, [*talk, record])[0] == record


def test_a_transcript_reads_the_terms_and_news_does_not(nlp):
    line = "We lost 700,000 jobs last year."
    features: list[dict] = []
    suggest_doc(nlp(line), [(0, len(line))], features)
    assert features[0]["terms"] == pytest.approx(term_log_odds(nlp(line)))
    higher = dict(features[0], terms=features[0]["terms"] + 2.0)
    assert checkworthiness(higher, role=ANSWERS) > checkworthiness(features[0], role=ANSWERS)
    assert checkworthiness(higher) == checkworthiness(features[0])


def test_fit_writes_a_model_the_suggester_reads(tmp_path, capsys, nlp):
    worthy = ["We cut taxes by {} percent for the middle class.", "The deficit rose to {} billion dollars last year.",
              "He voted against the budget {} times.", "Unemployment fell to {} percent in my state."]
    idle = ["Thank you, {} times over.", "I will say this to you.", "That is a good question.", "Let me be clear, folks."]
    rows = []
    for k in range(2400):
        text = (worthy if k % 2 else idle)[k % 4].format(k)
        rows.append({"sentence_id": 10 * k, "label": 1 if k % 2 else -1, "text": text})
    source = tmp_path / "claimbuster.json"
    source.write_text(json.dumps(rows), encoding="utf-8")
    out = tmp_path / "terms.json"
    assert bench_module("fit_checkworthy").main([str(source), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "2400 sentences (1200 check-worthy)" in printed and "term model, C=" in printed
    model = json.loads(out.read_text(encoding="utf-8"))
    assert model["licence"] == "CC BY 4.0" and model["sentences"] == 2400
    assert model["cross_validated_average_precision"] > 0.95
    assert term_log_odds(nlp("Taxes fell by 12 percent."), model) > term_log_odds(nlp("Thank you, folks."), model)
