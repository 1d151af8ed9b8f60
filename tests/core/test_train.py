"""tagline train and the trained model beside the rules: training on the development set, loading,
scoring, combining, uncertainty, the atomic save and the command's exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tagline import cli
from tagline.core import corpus, train
from tagline.core.labels import DEFAULT_SCHEME, scheme_from_data

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT / "devset" / "annotations" / "devset"
#: Part of the tuning part of the development set: enough for a held-out fifth, quick to train.
TRAINING_ARTICLES = ("000_88201f31feaf2608", "newssd-val-1", "newssd-val-2", "newssd-train-1", "newssd-train-2")
HELD_OUT_ARTICLES = ("newssd-test-1", "newssd-test-2")


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def copy_devset(root: Path, articles=TRAINING_ARTICLES, annotator: str = "devset") -> Path:
    (root / annotator).mkdir(parents=True, exist_ok=True)
    for article in articles:
        shutil.copy(DEVSET / f"{article}.yaml", root / annotator / f"{article}.yaml")
    return root


def devset_examples(articles) -> list[corpus.Example]:
    merged = corpus.load(DEVSET.parent, DEFAULT_SCHEME)
    return [e for e in corpus.examples(merged) if e.article in articles]


@pytest.fixture(scope="module")
def trained_root(tmp_path_factory):
    """An annotations folder with part of the devset, trained through the command line."""
    root = copy_devset(tmp_path_factory.mktemp("trained") / "annotations")
    result = subprocess.run([sys.executable, "-m", "tagline", "train", "--annotations", str(root)],
                            capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    # the devset's repeated sentences are trained on once, and that is said, as export says it
    [said] = result.stderr.splitlines()
    assert said.startswith("tagline: --merge reviewed: ") and said.endswith("repeated text")
    return root, result.stdout


# -- training and loading ------------------------------------------------------------------------
@pytest.mark.e2e  # runs tagline in a child process
def test_train_saves_a_model_with_its_meta(trained_root):
    root, output = trained_root
    examples = devset_examples(TRAINING_ARTICLES)
    meta = json.loads((root / ".model" / "meta.json").read_text(encoding="utf-8"))["tagline"]
    assert meta["labels"] == DEFAULT_SCHEME.names
    assert meta["sentences"] == len(examples) > 150
    assert meta["articles"] == len(TRAINING_ARTICLES)
    assert meta["positives"] == {n: sum(1 for e in examples if n in e.labels) for n in DEFAULT_SCHEME.names}
    assert meta["trained_at"].endswith("Z")
    assert meta["annotators"] == ["devset"]  # a merged row's own annotator is "": never that
    assert f"trained on {len(examples)} sentences from {len(TRAINING_ARTICLES)} articles" in output
    # a fifth of five articles is one: too few to hold out, and the summary says so
    assert meta["evaluation"] is None
    assert "held-out figures need" in output
    # the model folder is not mistaken for an annotator's folder
    assert corpus.load(root, DEFAULT_SCHEME).problems == []
    assert {p.name for p in root.iterdir()} == {".model", "devset"}
    # shared like the annotation files: the umask decides, not the temporary folder's privacy
    assert (root / ".model").stat().st_mode & 0o777 == 0o777 & ~current_umask()


@pytest.mark.e2e  # runs tagline in a child process
def test_loaded_model_scores_every_label_and_has_learned(trained_root):
    root, _ = trained_root
    trained = train.load_trained(root)
    assert trained is not None and train.trained_problem(root) is None
    assert trained.labels == DEFAULT_SCHEME.names
    assert trained.sentences == len(devset_examples(TRAINING_ARTICLES))
    assert trained.scores([]) == []

    seen = devset_examples(TRAINING_ARTICLES)
    unseen = devset_examples(HELD_OUT_ARTICLES)
    for examples, margin in ((seen, 0.25), (unseen, 0.05)):
        scores = trained.scores([e.text for e in examples])
        assert len(scores) == len(examples)
        assert all(set(s) == set(DEFAULT_SCHEME.names) and all(0.0 <= v <= 1.0 for v in s.values()) for s in scores)
        for name in DEFAULT_SCHEME.names:
            positive = [s[name] for s, e in zip(scores, examples) if name in e.labels]
            negative = [s[name] for s, e in zip(scores, examples) if name not in e.labels]
            assert sum(positive) / len(positive) > sum(negative) / len(negative) + margin, name
    # deterministic: the same text scores the same, alone or in a batch
    text = seen[3].text
    assert trained.scores([text]) == [trained.scores([seen[0].text, text])[1]]


def test_held_out_figures_when_there_are_enough_articles(tmp_path, capsys):
    articles = TRAINING_ARTICLES + ("newssd-train-3", "newssd-train-4", "newssd-train-5", "newssd-train-6", "newssd-test-1")
    root = copy_devset(tmp_path / "annotations", articles)
    assert cli.main(["train", "--annotations", str(root)]) == 0
    output = capsys.readouterr().out
    evaluation = train.load_trained(root).meta["evaluation"]
    assert evaluation["articles"] == 2 and evaluation["sentences"] >= train.MIN_HELD_OUT_SENTENCES
    for name in DEFAULT_SCHEME.names:
        precision, recall, f1, support = evaluation["scores"][name]
        assert 0 <= precision <= 1 and 0 <= recall <= 1 and 0 <= f1 <= 1 and support >= 0
        assert f"  {name:<16} {precision:9.2f} {recall:7.2f} {f1:5.2f} {support:7d}" in output
    assert f"on {evaluation['sentences']} sentences of 2 held-out articles" in output


def test_reviewed_labels_and_todo_sentences(annotations):
    article = ("a1", annotations.lines(["The minister said taxes rose.", "Prices fell 5% last year.", "What a day."]))
    annotations.write("alice", article, {0: ["quote"], 1: ["statistic"]})
    annotations.write("bob", article, {0: ["claim"]})
    annotations.write("rev", article, {0: ["claim", "quote"]},
                      reviews={0: {"decided_by": "rev", "annotators": {"alice": ["quote"], "bob": ["claim"]}}})
    report = train.train(annotations.root, DEFAULT_SCHEME)
    # sentence 0 once (the decision), sentence 1 once, sentence 2 is todo everywhere
    assert report.sentences == 2 and report.positives == {"claim": 1, "quote": 1, "statistic": 1}
    assert train.load_trained(annotations.root).sentences == 2


def test_out_folder_and_custom_labels(tmp_path, annotations):
    scheme = scheme_from_data({"labels": [{"name": "hedge", "keys": ["h"]}, "quote"]}, "test")
    sentences = [f"It may perhaps rain {n} times." for n in range(12)] + [f"He said it rained on day {n}." for n in range(12)]
    marks = {i: (["hedge"] if i < 12 else ["quote"]) for i in range(24)}
    annotations.write("alice", ("w1", annotations.lines(sentences)), marks, scheme=scheme)
    out = tmp_path / "elsewhere" / "model"
    report = train.train(annotations.root, scheme, out=out)
    assert report.path == out and (out / "meta.json").is_file()
    assert not (annotations.root / ".model").exists()
    assert train.load_trained(annotations.root) is None  # the app looks in the annotations folder only
    shutil.move(out, annotations.root / ".model")
    trained = train.load_trained(annotations.root)
    assert trained.labels == ["hedge", "quote"]
    scores = trained.scores(["It may perhaps rain again.", "He said it rained."])
    assert scores[0]["hedge"] > scores[0]["quote"] and scores[1]["quote"] > scores[1]["hedge"]
    # a label the rules do not know is the model's alone
    rule = {"labels": [], "scores": {"quote": 0.2}, "reasons": {}}
    combined = train.combine(rule, scores[0], scheme.names)
    assert combined["scores"]["hedge"] == scores[0]["hedge"]


# -- saving atomically ---------------------------------------------------------------------------
def test_a_failed_training_leaves_the_old_model(tmp_path, annotations, monkeypatch, capsys):
    article = ("a1", annotations.lines(["The minister said taxes rose.", "Prices fell 5% last year."]))
    annotations.write("alice", article, {0: ["quote"], 1: ["statistic"]})
    first = train.train(annotations.root, DEFAULT_SCHEME)
    before = sorted(p.name for p in (annotations.root / ".model").rglob("*"))

    from spacy.language import Language

    real = Language.to_disk

    def half_then_fail(self, path, **kwargs):
        real(self, path, **kwargs)
        (Path(path) / "meta.json").write_text("{", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Language, "to_disk", half_then_fail)
    annotations.write("alice", article, {0: ["claim"], 1: ["statistic"]})
    with pytest.raises(train.TrainError, match="cannot save the model .No space left on device."):
        train.train(annotations.root, DEFAULT_SCHEME)
    monkeypatch.undo()
    trained = train.load_trained(annotations.root)
    assert trained is not None and trained.trained_at == first.trained_at
    assert trained.meta["positives"] == {"claim": 0, "quote": 1, "statistic": 1}
    assert sorted(p.name for p in (annotations.root / ".model").rglob("*")) == before
    assert [p.name for p in annotations.root.iterdir() if p.name.startswith(".")] == [".model"]

    # the command reports the same failure in one line
    monkeypatch.setattr(Language, "to_disk", half_then_fail)
    assert cli.main(["train", "--annotations", str(annotations.root)]) == 1
    monkeypatch.undo()
    assert capsys.readouterr().err == f"tagline: {annotations.root / '.model'}: cannot save the model (No space left on device)\n"
    assert train.load_trained(annotations.root).trained_at == first.trained_at


@pytest.mark.e2e  # runs tagline in a child process
def test_retraining_replaces_the_model_and_clears_leftovers(annotations):
    article = ("a1", annotations.lines(["The minister said taxes rose.", "Prices fell 5% last year."]))
    annotations.write("alice", article, {0: ["quote"]})
    assert train.trained_stamp(annotations.root) is None
    first = train.train(annotations.root, DEFAULT_SCHEME)
    assert train.trained_stamp(annotations.root) == first.trained_at == train.load_trained(annotations.root).trained_at
    # a training killed mid-way by a process that is gone, and one moved aside before a crash
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    abandoned = annotations.root / f".model.training-{dead}-x1"
    abandoned.mkdir()
    (abandoned / "meta.json").write_text("{}", encoding="utf-8")
    shutil.copytree(annotations.root / ".model", annotations.root / ".model.previous")
    annotations.write("alice", article, {0: ["quote"], 1: ["statistic"]})
    second = train.train(annotations.root, DEFAULT_SCHEME)
    assert {p.name for p in annotations.root.iterdir() if p.name.startswith(".")} == {".model"}
    assert train.trained_stamp(annotations.root) == second.trained_at != first.trained_at
    assert train.load_trained(annotations.root).meta["positives"]["statistic"] == 1


def test_out_never_replaces_what_is_not_a_model(tmp_path, annotations, capsys):
    annotations.write("alice", ("a1", annotations.lines(["Prices fell 5% last year."])), {0: ["statistic"]})
    for victim in (annotations.root, tmp_path / "notes.txt"):
        if victim.suffix:
            victim.write_text("keep me", encoding="utf-8")
        before = sorted(str(p) for p in tmp_path.rglob("*"))
        assert cli.main(["train", "--annotations", str(annotations.root), "--out", str(victim)]) == 1
        assert capsys.readouterr().err == f"tagline: {victim}: exists and is not a model made by tagline train; give another --out\n"
        assert sorted(str(p) for p in tmp_path.rglob("*")) == before
    # an empty folder, or a model it made before, is fine
    (tmp_path / "empty").mkdir()
    assert cli.main(["train", "--annotations", str(annotations.root), "--out", str(tmp_path / "empty")]) == 0
    assert cli.main(["train", "--annotations", str(annotations.root), "--out", str(tmp_path / "empty")]) == 0
    assert (tmp_path / "empty" / "meta.json").is_file()


def test_a_model_moved_aside_is_still_found(annotations):
    annotations.write("alice", ("a1", annotations.lines(["Prices fell 5% last year."])), {0: ["statistic"]})
    train.train(annotations.root, DEFAULT_SCHEME)
    os.replace(annotations.root / ".model", annotations.root / ".model.previous")  # a crash between the renames
    assert train.load_trained(annotations.root) is not None


# -- missing and broken models -------------------------------------------------------------------
def test_no_model_is_none_without_a_problem(tmp_path):
    assert train.load_trained(tmp_path) is None
    assert train.trained_problem(tmp_path) is None
    assert train.load_trained(tmp_path / "nowhere") is None
    assert train.trained_problem(tmp_path / "nowhere") is None


@pytest.mark.parametrize("damage", ["meta", "weights", "not ours", "empty"])
def test_a_broken_model_is_none_and_reported_in_one_line(annotations, damage):
    annotations.write("alice", ("a1", annotations.lines(["Prices fell 5% last year."])), {0: ["statistic"]})
    train.train(annotations.root, DEFAULT_SCHEME)
    model = annotations.root / ".model"
    if damage == "meta":
        (model / "meta.json").write_text("{not json", encoding="utf-8")
    elif damage == "weights":
        (model / "textcat_multilabel" / "model").write_bytes(b"\x00garbage")
    elif damage == "not ours":
        meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
        del meta["tagline"]
        (model / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    else:
        shutil.rmtree(model)
        model.mkdir()
    assert train.load_trained(annotations.root) is None
    assert damage in ("weights",) or train.trained_stamp(annotations.root) is None
    problem = train.trained_problem(annotations.root)
    assert problem is not None and "\n" not in problem
    assert problem.startswith(f"{model}: the trained model does not load (")


# -- combining and uncertainty -------------------------------------------------------------------
RULE = {
    "labels": ["quote"],
    "scores": {"claim": 0.45, "quote": 0.9, "statistic": 0.0},
    "reasons": {"quote": "reported speech: Critics argued"},
}


def test_combine_weighs_rules_and_model_and_says_why():
    combined = train.combine(RULE, {"claim": 0.85, "quote": 0.2, "statistic": 0.1}, DEFAULT_SCHEME.names)
    assert set(combined) == {"labels", "scores", "reasons"}
    assert combined["scores"] == {"claim": 0.55, "quote": 0.725, "statistic": 0.025}
    assert combined["labels"] == ["claim", "quote"]
    assert combined["reasons"] == {"claim": "model 0.85", "quote": "reported speech: Critics argued; model 0.20"}


def test_combine_lets_the_model_decide_only_where_the_rules_are_unsure():
    rule = {"labels": ["quote", "statistic"], "scores": {"claim": 0.3, "quote": 0.7, "statistic": 0.6},
            "reasons": {"quote": "quotation", "statistic": "count: 3 ships"}}
    doubting = train.combine(rule, {"claim": 1.0, "quote": 0.0, "statistic": 0.1}, DEFAULT_SCHEME.names)
    # a rule score of 2/3 or more stands, one of 1/3 or less stays out; in between the model decides
    assert doubting["labels"] == ["quote"]
    agreeing = train.combine(rule, {"claim": 1.0, "quote": 0.0, "statistic": 0.9}, DEFAULT_SCHEME.names)
    assert agreeing["labels"] == ["quote", "statistic"]
    assert agreeing["reasons"]["statistic"] == "count: 3 ships; model 0.90"
    unsure_claim = {**rule, "scores": {**rule["scores"], "claim": 0.45}}
    assert "claim" in train.combine(unsure_claim, {"claim": 0.7, "quote": 0.0, "statistic": 0.0}, DEFAULT_SCHEME.names)["labels"]
    assert "claim" not in train.combine(unsure_claim, {"claim": 0.6, "quote": 0.0, "statistic": 0.0}, DEFAULT_SCHEME.names)["labels"]


def test_combine_keeps_the_rules_check_worthiness():
    rule = {**RULE, "checkworthy": 0.8123}
    assert train.combine(rule, {"claim": 0.1, "quote": 0.2, "statistic": 0.1}, DEFAULT_SCHEME.names)["checkworthy"] == 0.8123
    assert train.combine(rule, None, ["quote"], exclusive=True)["checkworthy"] == 0.8123


def test_combine_without_a_model_is_the_rules():
    assert train.combine(RULE, None, DEFAULT_SCHEME.names) == RULE
    # a model that lacks a label leaves that label to the rules
    combined = train.combine(RULE, {"claim": 0.9}, DEFAULT_SCHEME.names)
    assert combined["scores"]["quote"] == 0.9 and combined["reasons"]["quote"] == "reported speech: Critics argued"
    # labels outside the scheme are dropped
    assert train.combine(RULE, None, ["quote"]) == {"labels": ["quote"], "scores": {"quote": 0.9}, "reasons": RULE["reasons"]}


def test_combine_for_an_exclusive_scheme_suggests_one_label():
    model = {"claim": 0.9, "quote": 0.9, "statistic": 0.0}
    assert train.combine(RULE, model, DEFAULT_SCHEME.names)["labels"] == ["claim", "quote"]
    combined = train.combine(RULE, model, DEFAULT_SCHEME.names, exclusive=True)
    assert combined["labels"] == ["quote"] and list(combined["reasons"]) == ["quote"]
    assert combined["scores"] == train.combine(RULE, model, DEFAULT_SCHEME.names)["scores"]


def test_uncertainty_orders_sentences_by_the_least_certain_label():
    def suggestion(*scores):
        return {"labels": [], "scores": dict(zip(DEFAULT_SCHEME.names, scores)), "reasons": {}}

    assert train.uncertainty(suggestion(0.5, 0.0, 1.0)) == 1.0
    assert train.uncertainty(suggestion(0.0, 1.0, 0.0)) == 0.0
    assert train.uncertainty({"labels": [], "scores": {}, "reasons": {}}) == 0.0
    assert train.uncertainty(suggestion(0.9, 0.45, 0.0)) == pytest.approx(0.9)
    todo = {"sure": suggestion(0.02, 0.97, 0.0), "unsure": suggestion(0.55, 0.1, 0.0), "middling": suggestion(0.3, 0.9, 0.0)}
    assert sorted(todo, key=lambda k: train.uncertainty(todo[k]), reverse=True) == ["unsure", "middling", "sure"]
    assert all(0.0 <= train.uncertainty(s) <= 1.0 for s in todo.values())


# -- the command ---------------------------------------------------------------------------------
def test_command_without_annotations_exits_1_in_one_line(tmp_path, capsys):
    assert cli.main(["train", "--annotations", str(tmp_path / "missing")]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"tagline: {tmp_path / 'missing'}: no such annotations folder\n" and captured.out == ""
    (tmp_path / "empty").mkdir()
    assert cli.main(["train", "--annotations", str(tmp_path / "empty")]) == 1
    assert capsys.readouterr().err == f"tagline: {tmp_path / 'empty'}: no done sentences to train on\n"
    assert not (tmp_path / "empty" / ".model").exists()


def test_command_with_only_todo_sentences_exits_1(annotations, capsys):
    annotations.write("alice", ("a1", annotations.lines(["One.", "Two."])), {})
    assert cli.main(["train", "--annotations", str(annotations.root), "--annotators", "alice"]) == 1
    assert capsys.readouterr().err == f"tagline: {annotations.root}: no done sentences by alice to train on\n"


def test_command_trains_on_what_it_can_and_reports_the_rest(annotations, capsys):
    annotations.write("alice", ("a1", annotations.lines(["Prices fell 5% last year.", "He said so."])), {0: ["statistic"], 1: ["quote"]})
    broken = annotations.root / "bob" / "a2.yaml"
    broken.parent.mkdir()
    broken.write_text("schema: [unclosed\n", encoding="utf-8")
    assert cli.main(["train", "--annotations", str(annotations.root), "--annotators", "alice,bob,carol"]) == 1
    captured = capsys.readouterr()
    errors = captured.err.splitlines()
    assert len(errors) == 3
    assert errors[0].startswith(f"tagline: {broken}: ")
    assert errors[1:] == [f"tagline: {annotations.root}: no annotations by '{name}'" for name in ("bob", "carol")]
    assert captured.out.startswith("trained on 2 sentences from 1 article (")
    assert train.load_trained(annotations.root) is not None


def test_sentences_in_dispute_are_left_out_and_said(annotations, capsys):
    """From the prepare audit: two annotators, 18 of 201 sentences in dispute; train said "trained
    on 183 sentences" and nothing else, where export says what it leaves out and why."""
    article = ("a1", annotations.lines(["Prices fell 5% last year.", "He said so.", "The sky is blue."]))
    annotations.write("alice", article, {0: ["statistic"], 1: ["quote"], 2: []})
    annotations.write("bob", article, {0: ["statistic"], 1: ["claim"], 2: []})
    assert cli.main(["train", "--annotations", str(annotations.root)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ("tagline: --merge reviewed: 3 sentences in; 2 rows out (unanimous 2); "
                            "left out: 1 in dispute (settle them with tagline review)\n")
    assert captured.out.startswith("trained on 2 sentences from 1 article (")
    meta = json.loads((annotations.root / ".model" / "meta.json").read_text(encoding="utf-8"))["tagline"]
    assert meta["annotators"] == ["alice", "bob"]


def test_command_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as raised:
        cli.main(["train", "--nonsense"])
    assert raised.value.code == 2


def test_a_label_with_no_held_out_sentence_is_n_a_not_zero():
    """From the prepare audit: a label with no held-out sentence printed F1 0.00, as if the model
    had missed every one; its figures are undefined."""
    report = train.Report(Path("m"), 10, 5, ["claim", "rumour"], {"claim": 4, "rumour": 0}, "2026-12-03T00:00:00Z",
                          {"articles": 1, "sentences": 3, "scores": {"claim": [0.5, 1.0, 0.667, 2], "rumour": [0.0, 0.0, 0.0, 0]}})
    lines = report.summary().splitlines()
    [claim] = [line for line in lines if line.strip().startswith("claim")]
    [rumour] = [line for line in lines if line.strip().startswith("rumour")]
    assert claim.split()[1:] == ["0.50", "1.00", "0.67", "2"]
    assert rumour.split()[1:] == ["n/a", "n/a", "n/a", "0"]
