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
    FEELING_VERBS,
    FIRST_PERSON,
    OPINION,
    SPEECH_VERBS,
    THRESHOLD,
)
from tagline.core.suggest.quotes import verb_lemma
from tagline.core.suggest.terms import term_log_odds


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


#: How check-worthiness departs from the claim probability, in log-odds: the evidence that makes an
#: assertion worth checking (a figure above all, then comparisons and superlatives, named actors)
#: and the evidence that it is not (a question or fragment, the speaker's feelings and wishes, plans
#: and promises, judgements). Set by hand from what fact-checkers choose (numbers, records, named
#: people and bodies), never fit on debate data; see docs/design/suggestions.md.
CHECKWORTHY_WEIGHTS = {
    "figure_score": 3.0,
    "compares": 0.7,
    "actors": 0.4,
    "question_or_fragment": -2.0,
    "feeling": -1.5,
    "plan": -1.0,
    "judgement": -0.5,
}


#: The kinds of statistic finding (:mod:`~tagline.core.suggest.statistics`) that make the
#: ``figure_score`` check-worthiness weighs, each read at most at the score given: the kinds and
#: scores the statistic rules had when the figure weight was set. Ages, lengths of time, sizes,
#: scores of a match and small counts ("two of the victims", "twice") are statistics for the label
#: but are not what fact-checkers check, and "two" before a plural noun weighed 0.45 then; reading
#: them made the weight count far more lines as figures than it was set on.
CHECKWORTHY_FIGURE_KINDS = {
    "percent": 1.0,
    "money": 1.0,
    "quantity": 1.0,
    "count": 1.0,
    "number": 1.0,
    "fraction": 1.0,
    "ratio": 1.0,
    "multiple": 1.0,
    "pair": 0.45,
}


#: The roles of a line in a transcript that names its speakers (``None``: no speaker, as in news):
#: a line of someone who answers (a candidate, an official) or of someone who asks (a moderator,
#: an interviewer, a journalist, the audience); see :mod:`tagline.core.suggest.speakers`.
ANSWERS, ASKS = "answers", "asks"
#: What weighs only in a transcript, in log-odds: a speaker saying what someone else said or
#: thought ("you called it the gold standard", "Donald thinks ...") asserts the other's record,
#: which fact-checkers check; in news the same words are the writer citing a source. A record
#: ("the highest prices in the world", "no raise in 15 years", "80 years since") weighs as much as a
#: figure: in a debate it is the speaker's own figure of the world, said without a number. The
#: term model's log-odds (:mod:`.terms`, fit on sentences of presidential debates) weighs in a
#: transcript only: in news it lowered the rank of the claims that carry a figure.
TRANSCRIPT_WEIGHTS = {"attributes": 1.5, "record": 3.0, "terms": 2.0}
#: The features only check-worthiness reads (:data:`CHECKWORTHY_WEIGHTS` and
#: :data:`TRANSCRIPT_WEIGHTS` beside the claim probability), never the claim model's: a refit of it
#: (``bench/fit_claim.py``) leaves them out, so that the claim score stays what it is measured as.
CHECKWORTHY_ONLY = frozenset({"figure_score", "compares", "feeling", "plan", "judgement", "attributes", "record", "terms"})
#: How much lower a line of someone who asks weighs: what fact-checkers check is the answers, while
#: the questions quote figures and names as much. The terms' weight and this one were chosen on the
#: development transcripts (docs/design/suggestions.md); the others were set by hand.
ASKING_WEIGHT = -12.0
#: What a transcript line's log-odds is divided by before the logistic function: the term model
#: widens the range, and halving it left the top lines tied at 1.0000.
TRANSCRIPT_SQUEEZE = 5.0


def checkworthiness(features: dict[str, float], model: dict | None = None, role: str | None = None) -> float:
    """How worth checking a sentence is, in (0, 1), for ranking ("most check-worthy first"): the log-odds
    of the claim probability moved by :data:`CHECKWORTHY_WEIGHTS` (and, for a line of a transcript
    whose ``role`` is :data:`ANSWERS` or :data:`ASKS`, by :data:`TRANSCRIPT_WEIGHTS` and for
    :data:`ASKS` by :data:`ASKING_WEIGHT`), halved (a transcript's divided by
    :data:`TRANSCRIPT_SQUEEZE`, its range being wider) so that the top of the range keeps distinct
    values at four decimals. A ranking score, not a probability: nothing here knows how many
    sentences of a text are worth checking."""
    p = min(1.0 - 1e-6, max(1e-6, claim_probability(features, model)))
    z = math.log(p / (1.0 - p))
    z += sum(weight * features.get(name, 0.0) for name, weight in CHECKWORTHY_WEIGHTS.items())
    if role is not None:
        z += sum(weight * features.get(name, 0.0) for name, weight in TRANSCRIPT_WEIGHTS.items())
        if role == ASKS:
            z += ASKING_WEIGHT
    return 1.0 / (1.0 + math.exp(-z / (TRANSCRIPT_SQUEEZE if role is not None else 2.0)))


def hand_score(features: dict[str, float]) -> float:
    return CLAIM_BASE + sum(w * features.get(name, 0.0) for name, w in HAND_WEIGHTS.items())


def claim_evidence(tokens, ents, evidence: dict[str, Evidence], text: str, features_out: list | None = None) -> dict[str, float]:
    """Weigh evidence of a checkable assertion against evidence of opinion, prediction and
    scene-setting (:func:`claim_features`), combined by the shipped logistic model. Returns the
    features (for :func:`checkworthiness`)."""
    features, why_for, why_against = claim_features(tokens, ents, evidence, text)
    if features_out is not None:
        # Asked for by a transcript's check-worthiness (and the benches), the only reader of the
        # term model: news never loads it. What the words say, by the model (0 without it).
        features["terms"] = term_log_odds(tokens)
        features_out.append(features)
    score = claim_score(features)
    reason = "checkable assertion: " + ", ".join(why_for) if why_for else "declarative statement"
    if why_against and score < THRESHOLD:
        reason = "; ".join(why_against)
    evidence["claim"].offer(score, reason)
    return features


def claim_features(tokens, ents, evidence: dict[str, Evidence], text: str) -> tuple[dict[str, float], list[str], list[str]]:
    """(features, reasons for, reasons against) of one sentence. Features are 0/1 indicators of the
    evidence, a few counts and the other labels' scores; the reasons are words for the annotator."""
    f: dict[str, float] = {}
    words = [t for t in tokens if not t.is_punct]
    inside = {t.i for t in tokens}
    roots = [t for t in tokens if t.dep_ == "ROOT" or t.head.i not in inside]
    root = max(roots, key=lambda t: len(list(t.subtree)), default=tokens[0])
    # Whom a sentence says said or thought something ("you called it", "Donald thinks"): read before
    # the root moves to the reported clause.
    attributed = root.pos_ == "VERB" and verb_lemma(root) in SPEECH_VERBS | COGNITION_VERBS and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in FIRST_PERSON for c in root.children
    )
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
    # Evidence for check-worthiness only (the claim model does not read these).
    lowered = [t.lower_ for t in tokens]
    found = evidence["statistic"].kinds
    f["figure_score"] = max((min(score, CHECKWORTHY_FIGURE_KINDS[k]) for k, score in found.items() if k in CHECKWORTHY_FIGURE_KINDS), default=0.0)
    # "ever" compares ("the best ever"), "ever since" only dates ("disadvantaged ever since")
    marks = [w for w, after in zip(lowered, [*lowered[1:], ""]) if w in ("never", "record") or (w == "ever" and after != "since")]
    if f.get("comparison") or any(t.tag_ in ("JJS", "RBS") for t in tokens) or marks:
        f["compares"] = 1.0
    elif any(t.tag_ in ("JJR", "RBR") for t in tokens) and "than" in lowered:
        f["compares"] = 1.0
    if any(
        t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in FEELING_VERBS
        and any(c.dep_ == "nsubj" and c.lower_ in FIRST_PERSON for c in t.children)
        for t in tokens
    ):
        f["feeling"] = 1.0
    if any(a == "going" and b == "to" for a, b in zip(lowered, lowered[1:])) or "gon" in lowered:
        f["plan"] = 1.0
    if opinion:
        f["judgement"] = 1.0
    if attributed and not f.get("question_or_fragment"):
        f["attributes"] = 1.0
    # Evidence that weighs only in a transcript (TRANSCRIPT_WEIGHTS); news never reads it.
    if _record(tokens, lowered, f):
        f["record"] = 1.0
    return f, why_for, why_against


#: Where a comparison reaches past the matter at hand: the world, history, any other.
RECORD_SCOPES = frozenset("world earth history anywhere".split())
#: Units of time that make a record of a length ("in 15 years", "80 years since").
TIME_UNITS = frozenset("year decade century month".split())


def _record(tokens, lowered: list[str], f: dict[str, float]) -> bool:
    """A record: a comparison or superlative whose scope is the world, history or any other (``the
    highest rate in the world``, ``than any other country``, ``the toughest since the 1930's``), or
    a length of time that makes one (``haven't had a raise in 15 years``, ``80 years since``,
    ``the first time in 20 years``)."""
    pairs = set(zip(lowered, lowered[1:]))
    if f.get("compares") and (RECORD_SCOPES & set(lowered) or ("any", "other") in pairs or ("than", "any") in pairs or "since" in lowered):
        return True
    marked = f.get("negation") or "first" in lowered or any(t.tag_ in ("JJS", "RBS") for t in tokens)
    for k, t in enumerate(tokens):
        if t.lemma_.lower() in TIME_UNITS and not t.like_num:
            after = lowered[k + 1] if k + 1 < len(lowered) else ""
            before = lowered[max(0, k - 3) : k]
            if after == "since" or (marked and ("in" in before or "over" in before)):
                return True
    return False


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
