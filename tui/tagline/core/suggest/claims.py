"""Claim evidence: a checkable assertion weighed against opinion, prediction and scene-setting."""

from __future__ import annotations

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


def claim_evidence(tokens, ents, evidence: dict[str, Evidence], text: str) -> None:
    """Weigh evidence of a checkable assertion against evidence of opinion, prediction and
    scene-setting. The weights were set by hand on the tuning part of the development set."""
    found = evidence["claim"]
    words = [t for t in tokens if not t.is_punct]
    inside = {t.i for t in tokens}
    roots = [t for t in tokens if t.dep_ == "ROOT" or t.head.i not in inside]
    root = max(roots, key=lambda t: len(list(t.subtree)), default=tokens[0])
    # What is claimed in reported speech is the reported clause, not the act of saying it.
    if root.pos_ == "VERB" and verb_lemma(root) in SPEECH_VERBS | COGNITION_VERBS:
        clause = next((c for c in root.children if c.dep_ in ("ccomp", "parataxis") and c.i in inside), None)
        if clause is not None:
            root = clause
    score = CLAIM_BASE
    why_for: list[str] = []
    why_against: list[str] = []
    stripped = text.rstrip(" ”’\"')]")
    if stripped.endswith("?") or len(words) < 5:
        score -= 0.4
        why_against.append("question or fragment")
    elif not stripped.endswith((".", "!", ";", ":", "…")) and sum(w.text[:1].isupper() for w in words) > len(words) / 2:
        score -= 0.4
        why_against.append("a headline")
    if root.pos_ not in ("VERB", "AUX"):
        score -= 0.15
    main_subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    if main_subject is None and root.pos_ == "VERB" and root.tag_ == "VB":
        score -= 0.3  # imperative
    if main_subject is not None and main_subject.lower_ in ("i", "we", "you", "me", "us"):
        score -= 0.25
        why_against.append("first or second person")
    if root.lemma_ == "be" and any(c.dep_ == "acomp" for c in root.children) and not ents:
        score -= 0.15
        why_against.append("an evaluation")
    if any(t.lower_ in ("you", "your", "my", "our", "us") for t in tokens):
        score -= 0.1
        why_against.append("addresses the reader")
    modals = [t for t in tokens if t.tag_ == "MD" and root in (t.head, t.head.head)]
    if modals:
        score -= 0.3
        why_against.append(f"modal ‘{modals[0].text}’")
    opinion = [t for t in tokens if t.lower_ in OPINION or t.lemma_.lower() in OPINION]
    if opinion:
        score -= 0.12 * min(2, len(opinion))
        why_against.append(f"judgement ‘{opinion[0].text}’")
    tense = _tense(root)
    if tense in ("past", "perfect"):
        score += 0.2
        why_for.append("a reported event" if tense == "past" else "something that has happened")
    actors = [e for e in ents if e.label_ in ACTOR_ENTS]
    if actors:
        score += 0.08
        why_for.append(f"names {actors[0].text}")
    events = [t for t in tokens if t.pos_ == "VERB" and t.lemma_.lower() in EVENT_VERBS]
    if events:
        score += 0.1
        why_for.append(f"‘{events[0].text}’")
    if any(t.lower_ in CAUSAL for t in tokens):
        score += 0.1
        why_for.append("causal wording")
    numeric = {t.i for e in ents if e.label_ in ("CARDINAL", "PERCENT", "MONEY", "QUANTITY") for t in e}
    compared = [t for t in tokens if t.i not in numeric and t.dep_ != "quantmod"]
    if any(t.tag_ in COMPARATIVE_TAGS for t in compared) and any(t.lower_ in ("than", "most", "least", "ever") or t.tag_ in ("JJS", "RBS") for t in compared):
        score += 0.1
        why_for.append("a comparison")
    if evidence["statistic"].score >= THRESHOLD:
        score += 0.2
        why_for.append("a figure")
    if any(t.dep_ == "neg" for t in tokens) and any(t.lemma_.lower() in ("deny", "reject") for t in tokens):
        score += 0.1
    reason = "checkable assertion: " + ", ".join(why_for) if why_for else "declarative statement"
    if why_against and score < THRESHOLD:
        reason = "; ".join(why_against)
    found.offer(score, reason)


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
