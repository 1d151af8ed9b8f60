"""The bench behind the decision on shipping a trained model (docs/design/records/suggestions-reports.md, "A trained
model in the wheel"): ``bench/train_shipped.py`` trains on tuning articles only, and
``bench/eval_suggest.py --model`` scores the rules combined with a model as the app combines them,
with paired differences against the rules alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bench_modules import bench_module

from tagline.core import train
from tagline.core.labels import DEFAULT_SCHEME

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT / "devset"
NEWSSD_TUNING = {"newssd-val-1", "newssd-val-2"} | {f"newssd-train-{k}" for k in (1, 2, 3, 4, 5, 6, 7, 8, 11, 15)}


def article_id(path: Path) -> str:
    from tagline.core import annofile

    return annofile.read(path)["article"]["id"]


def test_the_training_files_are_the_newssd_tuning_articles():
    shipped = bench_module("train_shipped")
    ids = {article_id(p) for p in shipped.training_files()}
    assert ids == NEWSSD_TUNING
    part_of = bench_module("eval_suggest").part_of
    assert all(part_of(i) == "tuning" for i in ids)


def test_the_whole_tuning_part_holds_every_tuning_article_and_no_held_out_one():
    shipped = bench_module("train_shipped")
    ev = bench_module("eval_suggest")
    ids = {article_id(p) for p in shipped.training_files(data="tuning")}
    every = {article_id(p) for p in (DEVSET / "annotations" / "devset").glob("*.yaml")}
    assert ids == {i for i in every if ev.part_of(i) == "tuning"}
    assert NEWSSD_TUNING < ids and not any(i.startswith(("newssd-test-", "wn2019-")) for i in ids)


def test_a_held_out_article_is_never_trained_on_whatever_its_file_is_called(tmp_path):
    """The part is read from the article id inside the file, not from the file's name."""
    shipped = bench_module("train_shipped")
    folder = tmp_path / "devset" / "annotations" / "devset"
    folder.mkdir(parents=True)
    source = DEVSET / "annotations" / "devset"
    shutil.copy(source / "newssd-val-1.yaml", folder / "newssd-val-1.yaml")
    shutil.copy(source / "newssd-test-1.yaml", folder / "newssd-train-1.yaml")  # held out, misnamed
    shutil.copy(source / "wikinews-clock.yaml", folder / "wikinews-clock.yaml")
    shutil.copy(source / "000_88201f31feaf2608.yaml", folder / "000_88201f31feaf2608.yaml")  # tuning, not NewsSD-ENG
    chosen = shipped.training_files(tmp_path / "devset")
    assert [article_id(p) for p in chosen] == ["newssd-val-1"]
    staged = shipped.staged(tmp_path / "work", tmp_path / "devset")
    assert sorted(p.name for p in (staged / "devset").iterdir()) == ["newssd-val-1.yaml"]


def test_train_takes_the_seed_and_the_epochs(tmp_path):
    """Same seed and epochs: the same weights, byte for byte; other epochs: other weights."""
    source = DEVSET / "annotations" / "devset"
    root = tmp_path / "annotations" / "devset"
    root.mkdir(parents=True)
    for name in ("newssd-val-1", "newssd-val-2"):
        shutil.copy(source / f"{name}.yaml", root / f"{name}.yaml")
    weights = []
    for k, epochs in enumerate((2, 2, 1)):
        out = tmp_path / f"model-{k}"
        train.train(root.parent, DEFAULT_SCHEME, out=out, seed=0, epochs=epochs)
        weights.append((out / "textcat_multilabel" / "model").read_bytes())
    assert weights[0] == weights[1]
    assert weights[0] != weights[2]


def test_paired_difference_is_zero_for_the_same_method_and_sees_a_real_rise():
    ev = bench_module("eval_suggest")
    sentences = []
    for a in range(8):
        for i in range(10):
            gold = frozenset({"quote"}) if i < 5 else frozenset()
            base = frozenset({"quote"}) if i < 3 else frozenset()  # misses two of five in every article
            better = frozenset({"quote"}) if i < 5 else frozenset()
            sentences.append(ev.Sentence(f"a{a}", i, "text", gold, {"rules": base, "same": base, "better": better}))
    same = ev.paired_difference(sentences, "same", "rules", "quote", resamples=200)
    assert all(same[m] == (0.0, 0.0, 0.0) for m in ("precision", "recall", "f1"))
    rise = ev.paired_difference(sentences, "better", "rules", "quote", resamples=200)
    assert rise["recall"][0] == pytest.approx(0.4)
    assert rise["recall"][1] > 0  # the same articles are drawn for both methods: no noise left here
    assert rise["precision"] == (0.0, 0.0, 0.0)


@pytest.mark.model
def test_eval_combines_the_rules_and_a_model_as_the_app_does(tmp_path):
    """``--model``: each sentence's rule suggestion and the model's probabilities for its text go
    through ``train.combine`` over the default labels, the call the app's model process makes."""
    ev = bench_module("eval_suggest")
    from tagline.core.suggest import LABELS, load_pipeline, suggest_articles

    nlp, _info = load_pipeline("en_core_web_sm")
    used, sentences = ev.load_devset()
    used = [a for a in used if a.id == "newssd-val-1"]
    sentences = [s for s in sentences if s.article == "newssd-val-1"]
    model = train.fit([s.text for s in sentences], [s.gold for s in sentences], list(LABELS), epochs=2)
    trained = train.Trained(model, tmp_path, {"labels": list(LABELS)})
    ev.predict(nlp, used, sentences, trained)
    [rules] = list(suggest_articles(nlp, used))
    for s in sentences:
        expected = train.combine(rules[s.index], trained.scores([s.text])[0], LABELS)
        assert s.predicted[ev.COMBINED] == frozenset(expected["labels"])
        assert s.method_scores[ev.COMBINED] == expected["scores"]
        assert s.predicted["rules"] == frozenset(rules[s.index]["labels"])
    # trained on these very sentences, the model changes some claim decisions
    assert any(s.predicted[ev.COMBINED] != s.predicted["rules"] for s in sentences)
