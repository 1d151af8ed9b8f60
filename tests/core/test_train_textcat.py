"""The proof: annotate the sample article, export it, train spaCy's textcat_multilabel on it."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tagline import cli
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session

pytestmark = pytest.mark.e2e  # starts spaCy's command line in a child process

BASE_CONFIG = """
[paths]
train = null
dev = null

[system]
seed = 0
gpu_allocator = null

[nlp]
lang = "en"
pipeline = ["textcat_multilabel"]
batch_size = 64

[components]

[components.textcat_multilabel]
factory = "textcat_multilabel"
threshold = 0.5

[components.textcat_multilabel.model]
@architectures = "spacy.TextCatBOW.v3"
exclusive_classes = false
ngram_size = 1
no_output_layer = false

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${paths.train}

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${paths.dev}

[training]
seed = 0
max_steps = 60
eval_frequency = 20
patience = 0

[training.optimizer]
@optimizers = "Adam.v1"
learn_rate = 0.01

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
size = 500
"""


def plausible_labels(text: str) -> list[str]:
    """Labels a careful annotator might give, good enough to learn from."""
    labels = []
    if re.search(r"\b(said|says|told|warned|according to|replied|notes|claimed)\b|[“\"]", text):
        labels.append("quote")
    if re.search(r"\d", text) and re.search(r"\b(percent|%|more than|million|thousands?|\d{2,}\s+\w+)", text):
        labels.append("statistic")
    if re.search(r"\b(accused|rejected|has|have|provides|launched|targeted|is|are|was|were)\b", text):
        labels.append("claim")
    return [name for name in DEFAULT_SCHEME.names if name in labels]


def spacy_cli(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "spacy", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.model
def test_exported_annotations_train_a_textcat(tmp_path, sample_article):
    import spacy

    root = tmp_path / "annotations"
    session = Session([sample_article], root, "alice", DEFAULT_SCHEME)
    expected = {}
    try:
        for index in range(session.total):
            session.goto(index)
            labels = plausible_labels(session.text(index))
            expected[session.text(index)] = labels
            for name in labels:
                session.toggle(name)
            if not labels:
                session.confirm()
    finally:
        session.close()
    assert len(sample_article.sentences) > 20  # some sentences repeat: export keeps each text once
    assert all(any(name in labels for labels in expected.values()) for name in DEFAULT_SCHEME.names)

    corpus = tmp_path / "corpus.spacy"
    assert cli.main(["export", "--format", "spacy", "--annotations", str(root), "--out", str(corpus)]) == 0
    from spacy.tokens import DocBin

    docs = list(DocBin().from_disk(corpus).get_docs(spacy.blank("en").vocab))
    assert sorted(d.text for d in docs) == sorted(expected)
    assert all(d.cats == {n: float(n in expected[d.text]) for n in DEFAULT_SCHEME.names} for d in docs)

    (tmp_path / "base.cfg").write_text(BASE_CONFIG, encoding="utf-8")
    filled = spacy_cli("init", "fill-config", "base.cfg", "config.cfg", cwd=tmp_path)
    assert filled.returncode == 0, filled.stderr
    trained = spacy_cli("train", "config.cfg", "--output", "model", "--paths.train", str(corpus), "--paths.dev", str(corpus), cwd=tmp_path)
    assert trained.returncode == 0, trained.stderr + trained.stdout

    nlp = spacy.load(tmp_path / "model" / "model-last")
    assert nlp.pipe_names == ["textcat_multilabel"]
    positive, negative = [], []
    for doc in nlp.pipe(expected):
        assert set(doc.cats) == set(DEFAULT_SCHEME.names)
        assert all(0.0 <= score <= 1.0 for score in doc.cats.values())
        for name, score in doc.cats.items():
            (positive if name in expected[doc.text] else negative).append(score)
    # it learned from the labels: what was marked scores higher than what was not
    assert sum(positive) / len(positive) > sum(negative) / len(negative) + 0.2
