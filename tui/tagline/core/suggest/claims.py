"""Claim evidence: a checkable assertion weighed against opinion, prediction and scene-setting."""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

from tagline.core.suggest.evidence import Evidence
from tagline.core.suggest.lexicon import (
    ACTOR_ENTS,
    CAUSAL,
    CLAIM_BASE,
    COGNITION_VERBS,
    COMPARATIVE_TAGS,
    EVENT_VERBS,
    OPINION,
    SPEECH_VERBS,
    THRESHOLD,
)
from tagline.core.suggest.quotes import verb_lemma


#: The shipped claim model: a logistic combination of :func:`claim_features`, fit by
#: ``bench/fit_claim.py`` on the tuning part of the development set (cross-validated by article).
MODEL_FILE = Path(__file__).with_name("claim_model.json")

#: The hand-set weights the rules used before the model (the fallback when the model file is
#: missing or unreadable, and the baseline ``bench/fit_claim.py`` compares with).
HAND_WEIGHTS = {
    "question_or_fragment": -0.4,
    "headline": -0.4,
    "root_not_verb": -0.15,
    "imperative": -0.3,
    "first_second_subject": -0.25,
    "evaluation": -0.15,
    "addresses_reader": -0.1,
    "modal": -0.3,
    "opinion": -0.12,
    "past": 0.2,
    "perfect": 0.2,
    "actor": 0.08,
    "event_verb": 0.1,
    "causal": 0.1,
    "comparison": 0.1,
    "figure": 0.2,
    "denial": 0.1,
}


@functools.lru_cache(maxsize=1)
def claim_model() -> dict | None:
    """The shipped model ``{"features": [...], "coef": [...], "intercept": float, "shift": float}``,
    or None when it is missing or malformed (the hand weights are used then)."""
    try:
        model = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
        if len(model["features"]) != len(model["coef"]):
            return None
        float(model["intercept"]), float(model.get("shift", 0.0))
        return model
    except (OSError, ValueError, KeyError, TypeError):
        return None


def claim_probability(features: dict[str, float], model: dict | None = None) -> float:
    """The calibrated probability that a sentence is a claim, from its features (the model without
    its decision shift)."""
    model = model or claim_model()
    if model is None:
        return min(1.0, max(0.0, hand_score(features)))
    z = float(model["intercept"]) + sum(w * features.get(name, 0.0) for name, w in zip(model["features"], model["coef"]))
    return 1.0 / (1.0 + math.exp(-z))


def claim_score(features: dict[str, float], model: dict | None = None) -> float:
    """The claim score the suggester gives: the probability with its decision point moved to
    :data:`THRESHOLD` (``shift`` is the log-odds of the cross-validated best threshold), so that
    scores order sentences exactly as the probabilities do."""
    model = model or claim_model()
    if model is None:
        return hand_score(features)
    z = float(model["intercept"]) - float(model.get("shift", 0.0))
    z += sum(w * features.get(name, 0.0) for name, w in zip(model["features"], model["coef"]))
    return 1.0 / (1.0 + math.exp(-z))


def hand_score(features: dict[str, float]) -> float:
    return CLAIM_BASE + sum(w * features.get(name, 0.0) for name, w in HAND_WEIGHTS.items())


def claim_evidence(tokens, ents, evidence: dict[str, Evidence], text: str, features_out: list | None = None) -> None:
    """Weigh evidence of a checkable assertion against evidence of opinion, prediction and
    scene-setting (:func:`claim_features`), combined by the shipped logistic model."""
    features, why_for, why_against = claim_features(tokens, ents, evidence, text)
    if features_out is not None:
        features_out.append(features)
    score = claim_score(features)
    reason = "checkable assertion: " + ", ".join(why_for) if why_for else "declarative statement"
    if why_against and score < THRESHOLD:
        reason = "; ".join(why_against)
    evidence["claim"].offer(score, reason)


def claim_features(tokens, ents, evidence: dict[str, Evidence], text: str) -> tuple[dict[str, float], list[str], list[str]]:
    """(features, reasons for, reasons against) of one sentence. Features are 0/1 indicators of the
    evidence, a few counts and the other labels' scores; the reasons are words for the annotator."""
    f: dict[str, float] = {}
    words = [t for t in tokens if not t.is_punct]
    inside = {t.i for t in tokens}
    roots = [t for t in tokens if t.dep_ == "ROOT" or t.head.i not in inside]
    root = max(roots, key=lambda t: len(list(t.subtree)), default=tokens[0])
    # What is claimed in reported speech is the reported clause, not the act of saying it.
    if root.pos_ == "VERB" and verb_lemma(root) in SPEECH_VERBS | COGNITION_VERBS:
        clause = next((c for c in root.children if c.dep_ in ("ccomp", "parataxis") and c.i in inside), None)
        if clause is not None:
            root = clause
    why_for: list[str] = []
    why_against: list[str] = []
    stripped = text.rstrip(" ”’\"')]")
    if stripped.endswith("?") or len(words) < 5:
        f["question_or_fragment"] = 1.0
        why_against.append("question or fragment")
    elif not stripped.endswith((".", "!", ";", ":", "…")) and sum(w.text[:1].isupper() for w in words) > len(words) / 2:
        f["headline"] = 1.0
        why_against.append("a headline")
    if root.pos_ not in ("VERB", "AUX"):
        f["root_not_verb"] = 1.0
    main_subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    if main_subject is None and root.pos_ == "VERB" and root.tag_ == "VB":
        f["imperative"] = 1.0
    if main_subject is not None and main_subject.lower_ in ("i", "we", "you", "me", "us"):
        f["first_second_subject"] = 1.0
        why_against.append("first or second person")
    if main_subject is not None and main_subject.lower_ in ("it", "this", "that", "these", "those", "there"):
        f["vague_subject"] = 1.0
    if root.lemma_ == "be" and any(c.dep_ == "acomp" for c in root.children) and not ents:
        f["evaluation"] = 1.0
        why_against.append("an evaluation")
    if any(t.lower_ in ("you", "your", "my", "our", "us") for t in tokens):
        f["addresses_reader"] = 1.0
        why_against.append("addresses the reader")
    modals = [t for t in tokens if t.tag_ == "MD" and root in (t.head, t.head.head)]
    if modals:
        f["modal"] = 1.0
        why_against.append(f"modal ‘{modals[0].text}’")
    f["any_modal"] = float(any(t.tag_ == "MD" for t in tokens))
    opinion = [t for t in tokens if t.lower_ in OPINION or t.lemma_.lower() in OPINION]
    if opinion:
        f["opinion"] = float(min(2, len(opinion)))
        why_against.append(f"judgement ‘{opinion[0].text}’")
    tense = _tense(root)
    if tense in ("past", "perfect"):
        f[tense] = 1.0
        why_for.append("a reported event" if tense == "past" else "something that has happened")
    elif tense == "present":
        f["present"] = 1.0
    actors = [e for e in ents if e.label_ in ACTOR_ENTS]
    if actors:
        f["actor"] = 1.0
        why_for.append(f"names {actors[0].text}")
    f["actors"] = math.log1p(len(actors))
    f["dates"] = float(any(e.label_ in ("DATE", "TIME") for e in ents))
    events = [t for t in tokens if t.pos_ == "VERB" and t.lemma_.lower() in EVENT_VERBS]
    if events:
        f["event_verb"] = 1.0
        why_for.append(f"‘{events[0].text}’")
    if any(t.lower_ in CAUSAL for t in tokens):
        f["causal"] = 1.0
        why_for.append("causal wording")
    numeric = {t.i for e in ents if e.label_ in ("CARDINAL", "PERCENT", "MONEY", "QUANTITY") for t in e}
    compared = [t for t in tokens if t.i not in numeric and t.dep_ != "quantmod"]
    if any(t.tag_ in COMPARATIVE_TAGS for t in compared) and any(t.lower_ in ("than", "most", "least", "ever") or t.tag_ in ("JJS", "RBS") for t in compared):
        f["comparison"] = 1.0
        why_for.append("a comparison")
    if evidence["statistic"].score >= THRESHOLD:
        f["figure"] = 1.0
        why_for.append("a figure")
    f["statistic_score"] = evidence["statistic"].score
    f["quote_score"] = evidence["quote"].score
    if any(t.dep_ == "neg" for t in tokens) and any(t.lemma_.lower() in ("deny", "reject") for t in tokens):
        f["denial"] = 1.0
    f["negation"] = float(any(t.dep_ == "neg" for t in tokens))
    f["length"] = math.log1p(len(words))
    f["proper_nouns"] = sum(t.pos_ == "PROPN" for t in words) / max(1, len(words))
    f["adjectives"] = sum(t.pos_ == "ADJ" for t in words) / max(1, len(words))
    f["pronouns"] = sum(t.pos_ == "PRON" for t in words) / max(1, len(words))
    f["exclamation"] = float(stripped.endswith("!"))
    return f, why_for, why_against


def _tense(root) -> str:
    """'past', 'perfect', 'present' or 'other' for the main verb."""
    aux = [c for c in root.children if c.dep_ in ("aux", "auxpass")]
    if any(a.lemma_ == "have" for a in aux) and root.tag_ == "VBN":
        return "perfect"
    if root.tag_ == "VBD" or any(a.tag_ == "VBD" for a in aux):
        return "past"
    if root.tag_ in ("VBZ", "VBP") or any(a.tag_ in ("VBZ", "VBP") for a in aux):
        return "present"
    return "other"
