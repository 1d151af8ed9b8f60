"""The model in the loop: ``tagline train`` and the trained sentence classifier beside the rules.

``tagline train [--annotations DIR] [--annotators A,B] [--labels FILE] [--out DIR]`` trains spaCy's
``textcat_multilabel`` (a bag-of-words ``spacy.TextCatBOW.v3``, on the CPU, in seconds for a few
hundred sentences) on the ``done`` sentences of the annotation files, merged as ``tagline export``
merges them by default (``--merge reviewed``: a reviewer's decision, else the labels every annotator
who finished the sentence agrees on; sentences in dispute are left out), each repeated text with the
same labels kept once (:func:`tagline.core.corpus.merge`).
The pipeline goes to ``<annotations>/.model/`` unless ``--out`` names another folder. It is written
to a temporary folder beside it first, then renamed into place, so a failed or interrupted training
leaves the previous model as it was (see :func:`save`). The pipeline's ``meta.json`` records, under
``"tagline"``, the label set, the number of training sentences and articles, when it was trained,
and the per-label figures on held-out articles when there were enough of them to hold some out.

The API the app uses inside the model process (small, and quiet: nothing here prints or raises for
a missing or broken model):

``load_trained(annotations_dir) -> Trained | None``
    The model trained for that annotations folder, or None when there is none or it does not load.
``trained_problem(annotations_dir) -> str | None``
    Why a model that is there does not load, in one line; None when it loads or there is none.
``trained_stamp(annotations_dir) -> str | None``
    The ``trained_at`` of the model on disk, read from its ``meta.json`` without loading spaCy: cheap
    enough to ask before every request, and reload with ``load_trained`` when it changes.
``Trained.scores(texts: list[str]) -> list[dict[str, float]]``
    For each sentence text, label -> probability in [0, 1] (rounded to 3 places like the rules').
``Trained.labels``, ``Trained.sentences``, ``Trained.trained_at``
    What it knows, how many sentences it learned from, and when (ISO 8601, UTC): a new value of
    ``trained_at`` after another ``load_trained`` means the model was retrained.
``combine(rule, model_scores, labels, *, exclusive=False) -> dict``
    The suggestion of the rules (one result of :func:`tagline.core.suggest.suggest_doc`) and the model's
    probabilities for the same sentence, over the scheme's ``labels``, in suggest_doc's shape:
    ``{"labels": [...], "scores": {label: float}, "reasons": {label: str}}``. The score of a label
    the rules know is ``0.75 * rule score + 0.25 * model probability`` (:data:`RULE_WEIGHT`; the
    rules alone when ``model_scores`` is None or lacks the label), so the model decides the
    sentences the rules are unsure of; a label the rules do not know takes the model's probability.
    A label is suggested at :data:`THRESHOLD` and its reason says where it came from: the rule's
    reason with ``; model 0.91`` after it, or ``model 0.91`` alone. With ``exclusive`` (the
    scheme's labels exclude each other) only the best-scoring label is suggested. Why this
    weighting is in ``docs/design/model-in-the-loop.md`` (``bench/learning_curve.py``).
``uncertainty(suggestion) -> float``
    In [0, 1]: ``1 - 2 * |score - 0.5|`` for the label whose score is nearest the threshold, so the
    app can offer the sentence the suggester is least sure about (active learning).
"""

from __future__ import annotations

import datetime as _dt
import os
import random
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterable

from tagline.core import annofile, corpus, safefile, safejson, wording
from tagline.core.labels import LabelScheme

#: The model's folder inside an annotations folder (a dot folder: never read as an annotator's).
MODEL_FOLDER = ".model"
#: Key of our own entry in the pipeline's ``meta.json``.
META_KEY = "tagline"
META_FORMAT = "tagline.model/1"
#: A label is suggested when its combined score reaches this (the rules use the same).
THRESHOLD = 0.5
#: Weight of the rule score in the combined score of a label the rules know; the model's is the rest.
#: At 0.75 a rule score of 2/3 or more is suggested and one of 1/3 or less is not, whatever the
#: model says; in between, the model decides (``bench/learning_curve.py --choose``).
RULE_WEIGHT = 0.75
#: Held-out evaluation in ``tagline train``: a fifth of the articles, when that is at least this
#: many articles and sentences.
HOLD_OUT = 0.2
MIN_HELD_OUT_ARTICLES = 2
MIN_HELD_OUT_SENTENCES = 20

#: The classifier: a bag of words feeding a logistic output per label. Chosen by leaving one tuning
#: article of the development set out at a time: at a few hundred sentences, bigrams, trigrams,
#: more epochs, a higher learning rate and a small CNN (``spacy.TextCatReduce.v1`` on a
#: ``MultiHashEmbed`` + window encoder, width 64) all did no better, and the CNN was slower.
MODEL_ARCHITECTURE = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": False,
    "ngram_size": 1,
    "no_output_layer": False,
    "length": 2**18,
}
EPOCHS = 10
BATCH_SIZE = 16
LEARN_RATE = 0.01
DROPOUT = 0.0
SEED = 0


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: The model folder gets the permissions the user's umask gives (mkdtemp alone makes it private),
#: so that annotators who share an annotations folder share its model too.
_NEW_FOLDER_MODE = 0o777 & ~_umask()


class TrainError(Exception):
    """Training cannot go ahead; the message is one line for the user. ``problems``: the files left
    out on the way, to report before it."""

    def __init__(self, message: str, problems: list | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


# -- training ------------------------------------------------------------------------------------
def fit(texts: list[str], gold_labels: list[Iterable[str]], labels: list[str], *, seed: int = SEED, epochs: int = EPOCHS):
    """A blank English pipeline with ``textcat_multilabel`` over ``labels``, trained in this process
    on ``texts`` (each with the labels it has). Deterministic for a given ``seed``."""
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch
    from thinc.api import Adam

    if not texts:
        raise TrainError("no sentences to train on")
    if not labels:
        raise TrainError("the label scheme has no labels")
    fix_random_seed(seed)
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel", config={"threshold": THRESHOLD, "model": dict(MODEL_ARCHITECTURE)})
    for name in labels:
        textcat.add_label(name)
    examples = [
        Example.from_dict(nlp.make_doc(text), {"cats": {name: float(name in set(given)) for name in labels}})
        for text, given in zip(texts, gold_labels)
    ]
    optimizer = Adam(LEARN_RATE)
    nlp.initialize(lambda: examples, sgd=optimizer)
    order = random.Random(seed)
    for _ in range(epochs):
        order.shuffle(examples)
        for batch in minibatch(examples, size=BATCH_SIZE):
            nlp.update(batch, sgd=optimizer, drop=DROPOUT)
    return nlp


def predict(nlp, texts: list[str]) -> list[dict[str, float]]:
    """label -> probability for each text, from a pipeline made by :func:`fit`."""
    return [{name: round(float(score), 3) for name, score in doc.cats.items()} for doc in nlp.pipe(texts, batch_size=256)]


def prf(gold_sets: list[frozenset[str]], predicted: list[frozenset[str]], label: str) -> tuple[float, float, float, int]:
    """(precision, recall, F1, support) of ``label`` at the sentence level."""
    tp = sum(1 for g, p in zip(gold_sets, predicted) if label in g and label in p)
    fp = sum(1 for g, p in zip(gold_sets, predicted) if label not in g and label in p)
    fn = sum(1 for g, p in zip(gold_sets, predicted) if label in g and label not in p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp + fn


def above(scores: dict[str, float]) -> frozenset[str]:
    return frozenset(name for name, score in scores.items() if score >= THRESHOLD)


@dataclass
class Report:
    """What ``tagline train`` did: the training set, where the model went, held-out figures."""

    path: Path
    sentences: int
    articles: int
    labels: list[str]
    positives: dict[str, int]
    trained_at: str
    evaluation: dict | None = None  # {"articles", "sentences", "scores": {label: [p, r, f, n]}}
    problems: list[corpus.Problem] = field(default_factory=list)
    #: The rows it was trained on and what was left out (in dispute, repeated), as export counts them.
    merge: corpus.Merge | None = None

    def summary(self) -> str:
        counts = ", ".join(f"{name} {self.positives[name]}" for name in self.labels)
        lines = [f"trained on {wording.count(self.sentences, 'sentence')} from {wording.count(self.articles, 'article')} ({counts}); saved to {self.path}"]
        if self.evaluation is None:
            lines.append(f"held-out figures need at least {MIN_HELD_OUT_ARTICLES} articles and {MIN_HELD_OUT_SENTENCES} sentences in a fifth of the articles")
        else:
            e = self.evaluation
            lines.append(f"on {wording.count(e['sentences'], 'sentence')} of {wording.count(e['articles'], 'held-out article')} (a model trained on the rest):")
            lines.append(f"  {'label':<16} {'precision':>9} {'recall':>7} {'F1':>5} {'support':>7}")
            for name in self.labels:
                p, r, f, n = e["scores"][name]
                if n:
                    lines.append(f"  {name:<16} {p:9.2f} {r:7.2f} {f:5.2f} {n:7d}")
                else:  # no sentence of it held out: the figures are undefined, not 0
                    lines.append(f"  {name:<16} {'n/a':>9} {'n/a':>7} {'n/a':>5} {n:7d}")
        return "\n".join(lines)


def held_out_evaluation(examples: list[corpus.Example], labels: list[str], seed: int = SEED, epochs: int = EPOCHS) -> dict | None:
    """Per-label figures of a model trained on four fifths of the articles and scored on the rest,
    or None when the held-out fifth would be too small to say anything."""
    from tagline.core.exporting import split_by_article

    train_part, held_out = split_by_article(examples, HOLD_OUT, seed)
    articles = len({e.article for e in held_out})
    if not train_part or articles < MIN_HELD_OUT_ARTICLES or len(held_out) < MIN_HELD_OUT_SENTENCES:
        return None
    nlp = fit([e.text for e in train_part], [e.labels for e in train_part], labels, seed=seed, epochs=epochs)
    predicted = [above(s) for s in predict(nlp, [e.text for e in held_out])]
    truth = [frozenset(e.labels) for e in held_out]
    scores = {name: [round(x, 3) if isinstance(x, float) else x for x in prf(truth, predicted, name)] for name in labels}
    return {"articles": articles, "sentences": len(held_out), "scores": scores}


def train(annotations: str | Path, scheme: LabelScheme, annotators: list[str] | None = None, out: str | Path | None = None,
          *, seed: int = SEED, epochs: int = EPOCHS, reviewers: tuple[str, ...] = ()) -> Report:
    """Train on the annotations under ``annotations`` and save the model (atomically) to ``out``,
    by default ``<annotations>/.model`` (``seed`` and ``epochs`` as :func:`fit` takes them). Files that cannot be used are left out and listed in
    ``Report.problems``; :class:`TrainError` when nothing is left to train on."""
    root = Path(annotations)
    if not root.is_dir():
        raise TrainError(f"{root}: {safefile.not_a_folder(root, 'annotations folder')}")
    merged = corpus.load(root, scheme, annotators, reviewers)
    problems = list(merged.problems)
    present = {f.annotator for f in merged.files} | {f.path.parent.name for f in merged.files}
    problems += [corpus.Problem(str(root), f"no annotations by '{name}'") for name in annotators or [] if name not in present]
    merge = corpus.merge(merged, "reviewed", keep_duplicates=False, scheme=scheme)
    examples = merge.examples
    if not examples:
        who = f" by {', '.join(annotators)}" if annotators else ""
        raise TrainError(f"{root}: no done sentences{who} to train on", problems)
    labels = list(scheme.names)
    target = Path(out) if out is not None else root / MODEL_FOLDER
    if (why := safefile.broken_link(target)) is not None:  # it failed at the end: "Not a directory"
        raise TrainError(why, problems)
    if target.exists() and not _replaceable(target):  # before the work, not after it
        raise TrainError(f"{target}: exists and is not a model made by tagline train; give another --out", problems)
    evaluation = held_out_evaluation(examples, labels, seed=seed, epochs=epochs)
    nlp = fit([e.text for e in examples], [e.labels for e in examples], labels, seed=seed, epochs=epochs)
    # to the microsecond: two trainings in the same second still tell apart
    trained_at = _dt.datetime.now(_dt.UTC).isoformat().replace("+00:00", "Z")
    positives = {name: sum(1 for e in examples if name in e.labels) for name in labels}
    articles = len({e.article for e in examples})
    nlp.meta["name"] = "tagline_sentences"
    nlp.meta["description"] = "Sentence labels learned from tagline annotations"
    nlp.meta[META_KEY] = {
        "format": META_FORMAT,
        "labels": labels,
        "sentences": len(examples),
        "articles": articles,
        "positives": positives,
        # Whose answers it learnt from (a merged row's ``annotator`` is "": its ``annotators`` say).
        "annotators": sorted({name for e in examples for name in e.annotators}),
        "trained_at": trained_at,
        "evaluation": evaluation,
    }
    try:
        save(nlp, target)
    except TrainError as error:
        raise TrainError(str(error), problems) from None
    return Report(target, len(examples), articles, labels, positives, trained_at, evaluation, problems, merge)


# -- saving and loading --------------------------------------------------------------------------
def _previous(target: Path) -> Path:
    return target.parent / f".{target.name.lstrip('.')}.previous"


def _training_prefix(target: Path) -> str:
    return f".{target.name.lstrip('.')}.training-"


def save(nlp, target: str | Path) -> None:
    """Write the pipeline to ``target`` so that a reader finds the old model or the new one, never
    a half-written folder: write a temporary folder beside it and sync it to disk, move the old one
    aside to ``.<name>.previous``, rename the new one into place, then delete the old. Readers fall
    back to ``.previous`` in the instant between the two renames (and after a crash there).
    :class:`TrainError` when ``target`` is something else than a model (it is never replaced) or
    cannot be written."""
    target = Path(target)
    if target.exists() and not _replaceable(target):
        raise TrainError(f"{target}: exists and is not a model made by tagline train; give another --out")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(target)
        staging = Path(tempfile.mkdtemp(prefix=f"{_training_prefix(target)}{os.getpid()}-", dir=target.parent))
    except OSError as error:
        raise TrainError(f"{target}: cannot save the model ({error.strerror or error})") from None
    previous = _previous(target)
    try:
        os.chmod(staging, _NEW_FOLDER_MODE)
        nlp.to_disk(staging)
        _sync_tree(staging)
        if target.exists():
            if previous.exists():
                shutil.rmtree(previous)
            os.replace(target, previous)
        try:
            os.replace(staging, target)
        except OSError:
            if previous.exists() and not target.exists():
                os.replace(previous, target)
            raise
        annofile.fsync_dir(target.parent)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise TrainError(f"{target}: cannot save the model ({error.strerror or error})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(previous, ignore_errors=True)


def _replaceable(target: Path) -> bool:
    """Whether ``target`` may be replaced: an empty folder, or a model this module wrote."""
    if not target.is_dir() or target.is_symlink():
        return False
    if not any(target.iterdir()):
        return True
    try:
        meta = safejson.loads((target / "meta.json").read_text(encoding="utf-8"))  # a folder the user named
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and isinstance(meta.get(META_KEY), dict)


def _sync_tree(folder: Path) -> None:
    """Every file and folder under ``folder`` on disk, so that the rename publishes a whole model."""
    for here, _folders, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(here, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        annofile.fsync_dir(Path(here))


def _remove_abandoned(target: Path) -> None:
    """Temporary folders of trainings whose process is gone (killed mid-way)."""
    prefix = _training_prefix(target)
    for folder in target.parent.glob(prefix + "*"):
        pid = folder.name[len(prefix):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


@dataclass
class Trained:
    """A trained sentence classifier, loaded."""

    nlp: object
    path: Path
    meta: dict

    @property
    def labels(self) -> list[str]:
        return list(self.meta.get("labels") or [])

    @property
    def sentences(self) -> int:
        return int(self.meta.get("sentences") or 0)

    @property
    def trained_at(self) -> str:
        return str(self.meta.get("trained_at") or "")

    def scores(self, texts: list[str]) -> list[dict[str, float]]:
        """label -> probability for each text."""
        return predict(self.nlp, list(texts))


def model_path(annotations_dir: str | Path) -> Path | None:
    """The folder of the model for ``annotations_dir``, or None when there is none."""
    target = Path(annotations_dir) / MODEL_FOLDER
    for candidate in (target, _previous(target)):
        if candidate.is_dir():
            return candidate
    return None


def _load(path: Path) -> Trained:
    import spacy

    nlp = spacy.load(path)
    if "textcat_multilabel" not in nlp.pipe_names:
        raise ValueError("it has no textcat_multilabel component")
    meta = nlp.meta.get(META_KEY)
    if not isinstance(meta, dict) or meta.get("format") != META_FORMAT:
        raise ValueError("it was not made by tagline train")
    known = set(nlp.get_pipe("textcat_multilabel").labels)
    if set(meta.get("labels") or ()) != known:
        raise ValueError("its labels do not match its meta.json")
    return Trained(nlp, path, meta)


def _attempt(annotations_dir: str | Path) -> tuple[Trained | None, str | None]:
    path = model_path(annotations_dir)
    if path is None:
        return None, None
    try:
        return _load(path), None
    except Exception as error:  # a broken model must never take the model process down
        reason = " ".join(str(error).split())[:160] or type(error).__name__
        return None, f"{path}: the trained model does not load ({reason}); run tagline train again"


def trained_stamp(annotations_dir: str | Path) -> str | None:
    """``trained_at`` of the model for ``annotations_dir`` as its ``meta.json`` says; None when there
    is no model or its meta cannot be read."""
    path = model_path(annotations_dir)
    if path is None:
        return None
    try:
        meta = safejson.loads((path / "meta.json").read_text(encoding="utf-8"))
        stamp = meta[META_KEY]["trained_at"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return stamp if isinstance(stamp, str) else None


def load_trained(annotations_dir: str | Path) -> Trained | None:
    """The model trained on ``annotations_dir``; None when there is none or it does not load."""
    return _attempt(annotations_dir)[0]


def trained_problem(annotations_dir: str | Path) -> str | None:
    """One line on why the model in ``annotations_dir`` does not load; None if it loads or is absent."""
    return _attempt(annotations_dir)[1]


# -- rules and model together --------------------------------------------------------------------
def combine(rule: dict, model_scores: dict[str, float] | None, labels: Iterable[str], *, exclusive: bool = False) -> dict:
    """The combined suggestion for one sentence; see the module docstring. With ``exclusive`` (a
    scheme whose labels exclude each other) only the best-scoring label is suggested."""
    from tagline.core.suggest import LABELS as RULE_LABELS

    names = list(labels)
    rule_scores = rule.get("scores") or {}
    rule_reasons = rule.get("reasons") or {}
    scores: dict[str, float] = {}
    reasons: dict[str, str] = {}
    for name in names:
        rule_score = float(rule_scores.get(name, 0.0))
        model_score = None if model_scores is None else model_scores.get(name)
        if model_score is None:
            score = rule_score
        elif name in RULE_LABELS:
            score = RULE_WEIGHT * rule_score + (1.0 - RULE_WEIGHT) * float(model_score)
        else:
            score = float(model_score)
        scores[name] = round(min(1.0, max(0.0, score)), 3)
        if scores[name] >= THRESHOLD:
            said = rule_reasons.get(name) if rule_score >= THRESHOLD else None
            parts = [said] if said else []
            if model_score is not None:
                parts.append(f"model {float(model_score):.2f}")
            reasons[name] = "; ".join(parts)
    chosen = [name for name in names if name in reasons]
    if exclusive and len(chosen) > 1:
        best = max(chosen, key=lambda name: scores[name])  # the first of equals, in scheme order
        chosen, reasons = [best], {best: reasons[best]}
    combined = {"labels": chosen, "scores": scores, "reasons": reasons}
    if "checkworthy" in rule:  # the rules' ranking; the model does not judge check-worthiness
        combined["checkworthy"] = rule["checkworthy"]
    return combined


def uncertainty(suggestion: dict) -> float:
    """How unsure the suggestion is, in [0, 1]: 1 when a label scores exactly the threshold, 0 when
    every label is 0 or 1."""
    scores = (suggestion or {}).get("scores") or {}
    if not scores:
        return 0.0
    return max(1.0 - 2.0 * abs(min(1.0, max(0.0, float(score))) - THRESHOLD) for score in scores.values())
