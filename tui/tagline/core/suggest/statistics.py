"""Statistic evidence: entities and counting phrases that measure or count something."""

from __future__ import annotations

from tagline.core.suggest.evidence import Evidence, shorten
from tagline.core.suggest.lexicon import (
    APPROXIMATORS,
    CODE,
    COUNT_WORDS,
    NUMBER_WORDS,
    NUMERIC_PHRASES,
    TIME_ADJECTIVES,
    TIME_UNITS,
    YEAR,
)


def statistic_evidence(tokens, ents, found: Evidence) -> None:
    counted: set[int] = set()
    for ent in ents:
        label = ent.label_
        if label in ("PERCENT", "MONEY", "QUANTITY"):
            found.offer(0.92, f"{label.lower()}: {shorten(ent.text, 30)}")
            counted.update(range(ent.start, ent.end))
        elif label == "DATE" and _counted_days(ent):
            found.offer(0.7, f"count: {shorten(ent.text, 30)}")
            counted.update(range(ent.start, ent.end))
        elif label == "CARDINAL":
            score = _cardinal_score(ent)
            if score:
                found.offer(score, f"count: {shorten(_counted_phrase(ent), 30)}")
            counted.update(range(ent.start, ent.end))
    sentence = tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text
    for pattern, kind, score in NUMERIC_PHRASES:
        match = pattern.search(sentence)
        if match:
            found.offer(score, f"{kind}: {shorten(match.group(0), 30)}")
    for token in tokens:
        if token.i in counted:
            continue
        lower = token.lower_
        if lower in COUNT_WORDS and token.pos_ in ("NOUN", "NUM", "ADJ", "DET", "PRON"):
            following = token.doc[token.i + 1].lower_ if token.i + 1 < len(token.doc) else ""
            if (
                any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children)
                or any(c.lower_ in ("a", "an") for c in token.children)
                or token.head.lower_ in COUNT_WORDS
                or following in ("the", "of", "its", "their", "all", "our")
            ) and token.head.lemma_.lower() not in TIME_UNITS:
                found.offer(0.7, f"count: {shorten(' '.join(t.text for t in token.subtree), 30)}")
        elif token.like_num and token.pos_ == "NUM" and token.ent_type_ not in ("DATE", "TIME", "ORDINAL") and _is_measure_number(token):
            found.offer(0.6, f"number: {token.text} {token.head.text}")


def _cardinal_score(ent) -> float:
    text = ent.text.strip()
    words = text.lower().replace("-", " ").split()
    doc = ent.doc
    number = ent.root
    before = doc[ent.start - 1] if ent.start else None
    if CODE.search(text) or YEAR.match(text):
        return 0.0
    if before is not None and before.text.isupper() and before.is_alpha and len(before.text) <= 5:
        return 0.0  # a version or model name: "BA 4.6"
    if number.head.pos_ == "PROPN" and number.head.i >= ent.end and number.head.ent_type_ != "NORP":
        return 0.0  # part of a name: "Chapter 11", "Rossiya-1"
    if words in (["one"], ["zero"]) and not (before is not None and before.lower_ in ("only", "just")):
        return 0.2  # "the one least considered", "one of the few"
    approximated = any(w in APPROXIMATORS for w in words) or any(
        c.lower_ in APPROXIMATORS for c in number.children if c.dep_ in ("quantmod", "advmod", "amod")
    )
    if approximated:
        return 0.9
    if words[0] in ("only", "just") or (before is not None and before.lower_ in ("only", "just")):
        return 0.7  # "only one single paid sick day"
    if words in (["one"], ["zero"]):
        return 0.2
    if before is not None and before.lower_ in ("the", "these", "those", "both"):
        return 0.3  # a reference, not a measure: "the two neighbours"
    noun = _counted_noun(ent)
    if noun is not None and noun.lemma_.lower() in TIME_UNITS and not any(c.dep_ == "amod" for c in noun.children):
        return 0.3  # a span of time: "two and a half years into …"
    if any(ch.isdigit() for ch in text):
        return 0.85 if noun is not None or number.dep_ in ("pobj", "dobj", "nsubj", "attr", "appos", "conj", "ROOT") else 0.6
    if all(w in NUMBER_WORDS for w in words) and noun is None and words != ["two"] and number.dep_ in ("nsubj", "attr", "dobj"):
        return 0.6  # a count standing for its noun: "thirteen make use of taxes on tobacco"
    if all(w in NUMBER_WORDS for w in words) and noun is not None and noun.tag_ in ("NNS", "NNPS"):
        if noun.lower_ in ("things", "ways", "sides", "reasons", "times", "variants"):
            return 0.3
        return 0.45 if words == ["two"] else 0.6
    return 0.3


def _counted_noun(ent):
    """The noun a number counts: its head, or the next noun when the parser attached it elsewhere
    (``with twelve further ‘missions’``)."""
    head = ent.root.head
    if ent.root.dep_ in ("nummod", "quantmod", "compound") and head.pos_ in ("NOUN", "PROPN"):
        return head
    doc = ent.doc
    for token in doc[ent.end : min(len(doc), ent.end + 4)]:
        if token.pos_ == "NOUN":
            return token
        if not (token.pos_ in ("ADJ", "PUNCT") or token.text in "‘’“”\"'"):
            return None
    return None


def _counted_days(ent) -> bool:
    """A DATE entity that counts rather than dates: ``fifteen paid sick days``."""
    root = ent.root
    has_number = any(t.like_num for t in ent)
    kinds = [c for c in root.children if c.dep_ == "amod" and c.lower_ not in TIME_ADJECTIVES]
    return has_number and bool(kinds)


def _counted_phrase(ent) -> str:
    noun = _counted_noun(ent)
    if noun is not None and noun.i >= ent.end:
        return ent.doc[ent.start : noun.i + 1].text
    return ent.text


def _is_measure_number(token) -> bool:
    if CODE.search(token.text) or YEAR.match(token.text):
        return False
    before = token.doc[token.i - 1] if token.i else None
    if before is not None and before.text.isupper() and before.is_alpha and len(before.text) <= 5:
        return False
    return token.dep_ in ("nummod", "quantmod") and token.head.pos_ == "NOUN" and (any(ch.isdigit() for ch in token.text) or token.lower_ in NUMBER_WORDS)
