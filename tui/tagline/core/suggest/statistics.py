"""Statistic evidence: entities and counting phrases that measure or count something.

Each finding is offered with its kind (:attr:`Evidence.kinds`): ``percent``, ``money`` and
``quantity`` (the recogniser's entities), ``count``, ``number``, ``fraction``, ``ratio`` and
``multiple``; ``age``, ``length`` (how long something lasts), ``size`` (``131-page``), ``score``
(``1-0``), ``small count`` (``two of the victims``, ``groups of three``, ``twice``) and ``pair``
(``two`` before a plural noun). The label reads the best score whatever its kind; check-worthiness
reads only some kinds (:data:`~tagline.core.suggest.claims.CHECKWORTHY_FIGURE_KINDS`).
"""

from __future__ import annotations

from tagline.core.suggest.evidence import Evidence, shorten
from tagline.core.suggest.lexicon import (
    APPROXIMATORS,
    CLOCK,
    CLOCK_AFTER,
    CODE,
    COUNT_WORDS,
    LABEL_NOUNS,
    MEASURE_NOUNS,
    MULTIPLE_VERBS,
    NUMBER_WORDS,
    NUMERIC_PHRASES,
    ONE_KINDS,
    PLACING_PREPOSITIONS,
    PLACING_WORDS,
    QUANTITY_NOUNS,
    SIZE_NOUNS,
    TIME_ADJECTIVES,
    TIME_UNITS,
    WINDOW_WORDS,
    YEAR,
)

#: Entities that are names: a number inside one names (``Falcon 9``, ``Movimento 5 Stelle``).
_NAME_ENTS = frozenset(("PRODUCT", "ORG", "FAC", "WORK_OF_ART", "LAW", "EVENT", "PERSON", "GPE", "LOC"))
#: Plural counting words that the entity recogniser marks as CARDINAL: ``Thousands``, ``tens``.
_MAGNITUDES = frozenset("hundred thousand million billion trillion".split())
_PLURAL_COUNTS = frozenset("tens dozens hundreds thousands millions billions".split())
_ORDINAL_WORDS = frozenset("first second third fourth fifth sixth seventh eighth ninth tenth".split())


def statistic_evidence(tokens, ents, found: Evidence) -> None:
    counted: set[int] = set()
    for ent in ents:
        label = ent.label_
        if label in ("PERCENT", "MONEY", "QUANTITY"):
            found.offer(0.92, f"{label.lower()}: {shorten(ent.text, 30)}", label.lower())
            counted.update(range(ent.start, ent.end))
        elif label in ("DATE", "TIME") and (kind := _span_kind(ent)):
            found.offer(0.7, f"{kind}: {shorten(_span_phrase(ent), 30)}", kind)
            counted.update(range(ent.start, ent.end))
        elif label == "DATE" and _counted_days(ent):
            found.offer(0.7, f"count: {shorten(ent.text, 30)}", "count")
            counted.update(range(ent.start, ent.end))
        elif label == "DATE" and (kind := _bare_number_kind(ent)):
            found.offer(0.7 if kind == "age" else 0.6, f"{kind}: {shorten(_context(ent), 30)}", kind)
            counted.update(range(ent.start, ent.end))
        elif label == "CARDINAL":
            score, kind = _cardinal_score(ent)
            if score:
                found.offer(score, f"count: {shorten(_counted_phrase(ent), 30)}", kind)
            counted.update(range(ent.start, ent.end))
    sentence = tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text
    for pattern, kind, score in NUMERIC_PHRASES:
        match = pattern.search(sentence)
        if match:
            found.offer(score, f"{kind}: {shorten(match.group(0), 30)}", kind)
    for token in tokens:
        if token.i in counted:
            continue
        lower = token.lower_
        if lower in COUNT_WORDS and token.pos_ in ("NOUN", "NUM", "ADJ", "DET", "PRON") and not _ordinal_half(token):
            following = token.doc[token.i + 1].lower_ if token.i + 1 < len(token.doc) else ""
            if (
                any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children)
                or any(c.lower_ in ("a", "an") for c in token.children)
                or token.head.lower_ in COUNT_WORDS
                or following in ("the", "of", "its", "their", "all", "our")
            ) and token.head.lemma_.lower() not in TIME_UNITS:
                found.offer(0.7, f"count: {shorten(' '.join(t.text for t in token.subtree), 30)}", "count")
        elif token.like_num and token.pos_ == "NUM" and token.ent_type_ not in ("DATE", "TIME", "ORDINAL") and _is_measure_number(token):
            found.offer(0.6, f"number: {token.text} {token.head.text}", "number")
        elif lower in ("twice", "thrice") and token.head.lemma_.lower() != "think":
            found.offer(0.7, f"count: {token.text} {token.head.text}", "small count")  # how many times: "twice denied"
        elif token.pos_ == "VERB" and token.lemma_.lower() in MULTIPLE_VERBS and any(
            c.dep_ in ("dobj", "nsubj", "nsubjpass") and c.lemma_.lower() in QUANTITY_NOUNS for c in token.children
        ):
            found.offer(0.65, f"multiple: {token.text}", "multiple")  # "prices doubled", "to double the number"


def _cardinal_score(ent) -> tuple[float, str]:
    """The score of a CARDINAL entity as a statistic, and the kind of what it gives."""
    text = ent.text.strip()
    words = text.lower().replace("-", " ").split()
    doc = ent.doc
    number = ent.root
    before = doc[ent.start - 1] if ent.start else None
    if CODE.search(text) or YEAR.match(text) or _is_clock(ent):
        return 0.0, "count"
    if before is not None and before.text.isupper() and before.is_alpha and len(before.text) <= 5:
        return 0.0, "count"  # a version or model name: "BA 4.6"
    if number.head.pos_ == "PROPN" and number.head.i >= ent.end and number.head.ent_type_ != "NORP" and number.head.tag_ != "NNPS":
        return 0.0, "count"  # part of a name: "Chapter 11", "Rossiya-1"
    if doc[ent.start].like_num and _names_or_ranks(doc[ent.start]):
        return 0.0, "count"  # "Explorer 6", "round 3", "number 27"
    if words[-1] in _MAGNITUDES or any(w in _PLURAL_COUNTS for w in words):
        if before is not None and before.lower_ == "the" and not _is_partitive(number):
            return 0.3, "count"  # a reference: "Of the thousands, …"
        return 0.85, "count"  # "one million", "Thousands", "tens of thousands"
    if _is_age(number):
        return 0.7, "age"  # "Daniel Montalvo, 19,", "when she was six"
    sized = _sized_noun(ent)
    if sized is not None:
        return 0.7, "size"  # "the 131-page document", "a six-member team"
    if _is_partitive(number) and all(w in NUMBER_WORDS for w in words):
        return 0.6, "small count"  # "two of the victims", "three of the twelve access lanes"
    if (
        all(w in NUMBER_WORDS for w in words)
        and number.dep_ == "pobj"
        and number.head.lower_ == "of"
        and number.head.head.pos_ in ("NOUN", "PRON", "NUM")
        and (before is None or before.lower_ == "of")
    ):
        return 0.6, "small count"  # the size of a whole: "the project's panel of twelve", "groups of three", "one of three"
    if words in (["one"], ["zero"]) and not (before is not None and before.lower_ in ("only", "just")):
        return 0.2, "count"  # "the one least considered", "one of the few"
    approximated = any(w in APPROXIMATORS for w in words) or any(
        c.lower_ in APPROXIMATORS for c in number.children if c.dep_ in ("quantmod", "advmod", "amod")
    )
    if approximated:
        return 0.9, "count"
    if words[0] in ("only", "just") or (before is not None and before.lower_ in ("only", "just")):
        return 0.7, "count"  # "only one single paid sick day"
    if words in (["one"], ["zero"]):
        return 0.2, "count"
    noun = _counted_noun(ent)
    if before is not None and before.lower_ == "other" and before.i and doc[before.i - 1].lower_ in ("the", "these", "those"):
        return 0.3, "count"  # a reference: "the other two"
    if before is not None and before.lower_ in ("the", "these", "those", "both"):
        if any(ch.isdigit() for ch in text) and noun is not None and noun.tag_ in ("NNS", "NNPS") and noun.lemma_.lower() not in TIME_UNITS:
            return 0.85, "count"  # "the 176 people on board", "among the 163 teams"
        return 0.3, "count"  # a reference, not a measure: "the two neighbours"
    if noun is not None and noun.lemma_.lower() in TIME_UNITS and not any(c.dep_ == "amod" for c in noun.children):
        if span := _span_kind_of(list(doc[ent.start : noun.i + 1])):
            return 0.7, span  # a length or an age: "for 21 years", "Conway was 82 years old"
        return 0.3, "count"  # a span of time that places: "two and a half years into …"
    if any(ch.isdigit() for ch in text):
        return (0.85 if noun is not None or number.dep_ in ("pobj", "dobj", "nsubj", "attr", "appos", "conj", "ROOT") else 0.6), "count"
    if all(w in NUMBER_WORDS for w in words) and noun is None and words != ["two"] and number.dep_ in ("nsubj", "attr", "dobj"):
        return 0.6, "count"  # a count standing for its noun: "thirteen make use of taxes on tobacco"
    if all(w in NUMBER_WORDS for w in words) and noun is not None and noun.tag_ in ("NNS", "NNPS"):
        if noun.lower_ in ("things", "ways", "sides", "reasons", "times", "variants"):
            return 0.3, "count"
        return 0.6, "pair" if words == ["two"] else "count"
    return 0.3, "count"


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
    has_number = any(t.like_num and not _is_ordinal(t) for t in ent)
    if any(t.lower_ in WINDOW_WORDS or t.lower_ in PLACING_WORDS for t in ent):
        return False  # "the last five months of her life" places an event
    kinds = [c for c in root.children if c.dep_ == "amod" and c.lower_ not in TIME_ADJECTIVES]
    return has_number and bool(kinds)


def _counted_phrase(ent) -> str:
    noun = _counted_noun(ent)
    if noun is not None and noun.i >= ent.end:
        return ent.doc[ent.start : noun.i + 1].text
    return ent.text


def _is_measure_number(token) -> bool:
    if CODE.search(token.text) or YEAR.match(token.text) or token.ent_type_ in _NAME_ENTS or _names_or_ranks(token):
        return False
    before = token.doc[token.i - 1] if token.i else None
    if before is not None and before.text.isupper() and before.is_alpha and len(before.text) <= 5:
        return False
    return token.dep_ in ("nummod", "quantmod") and token.head.pos_ == "NOUN" and (any(ch.isdigit() for ch in token.text) or token.lower_ in NUMBER_WORDS)


# -- spans of time, ages, names and sizes ----------------------------------------------------------
def _is_ordinal(token) -> bool:
    lower = token.lower_
    return token.ent_type_ == "ORDINAL" or lower in _ORDINAL_WORDS or (lower[:1].isdigit() and lower[-2:] in ("st", "nd", "rd", "th"))


def _is_number(token) -> bool:
    """A cardinal number, a number word or ``half``; not an ordinal, not ``one`` or ``a``."""
    if _is_ordinal(token) or token.lower_ in ("one", "a", "an"):
        return False
    return token.like_num or token.lower_ in NUMBER_WORDS or token.lower_ in ("half", "dozen", "dozens")


def _span_kind(ent) -> str | None:
    """The measure a DATE or TIME entity gives, "age" or "length" (``82 years old``, ``for twelve years``,
    ``a 20-minute demonstration``, ``three days of mourning``, ``every ten years``), or None when it
    places an event (``two days later``, ``within 48 hours``, ``over the last five months``) or holds
    no number."""
    return _span_kind_of(list(ent))


def _span_kind_of(tokens) -> str | None:
    if not tokens:
        return None
    doc = tokens[0].doc
    units = [t for t in tokens if t.lemma_.lower() in TIME_UNITS or t.lower_.rstrip("s") in TIME_UNITS]
    numbers = [t for t in tokens if _is_number(t)]
    lowers = [t.lower_ for t in tokens]
    start, end = tokens[0].i, tokens[-1].i + 1
    before = doc[start - 1] if start else None
    after = doc[end] if end < len(doc) else None
    if before is not None and before.lower_ in ("aged", "age") or lowers[0] == "age" or lowers[:3] == ["the", "age", "of"]:
        if any(t.like_num and not _is_ordinal(t) for t in tokens):
            return "age"  # "aged 84", "age 22", "at the age of 55"
    if not units or not numbers or any(t.pos_ == "PROPN" for t in tokens):
        return None  # no measure, or a date: "Waitangi Day - February 6 - this year"
    if "old" in lowers or (after is not None and after.lower_ == "old") or any(
        c.lower_ == "of" and any(g.lower_ == "age" for g in c.children) for u in units for c in u.children
    ):
        return "age"  # "82 years old", "a 25-year-old man", "under 5 years of age"
    if any(w in PLACING_WORDS for w in lowers) or (after is not None and after.lower_ in PLACING_WORDS):
        return None  # "two days later", "ten years ago", "three years into"
    if after is not None and after.lower_ == "in" and after.i + 1 < len(doc) and doc[after.i + 1].lower_ == "advance":
        return None  # "four months in advance"
    preposition = before.lower_ if before is not None else ""
    if preposition in ("about", "around", "nearly", "almost", "roughly", "some", "up", "to", "least", "at"):
        k = start - 1
        while k > 0 and doc[k].lower_ in ("about", "around", "nearly", "almost", "roughly", "some", "up", "to", "least", "at", "more", "than"):
            k -= 1
        preposition = doc[k].lower_
    if preposition in PLACING_PREPOSITIONS:
        return None  # "within 48 hours", "in two weeks"
    if any(w in WINDOW_WORDS for w in lowers) and preposition != "for":
        return None  # "over the last five months of her life"
    return "length"


def _span_phrase(ent) -> str:
    doc = ent.doc
    if ent.end < len(doc) and doc[ent.end].lower_ == "old":
        return doc[ent.start : ent.end + 1].text
    if ent.start and doc[ent.start - 1].lower_ in ("aged", "age", "for", "every"):
        return doc[ent.start - 1 : ent.end].text
    return ent.text


def _context(ent) -> str:
    doc = ent.doc
    return doc[max(0, ent.start - 2) : min(len(doc), ent.end + 1)].text


def _bare_number_kind(ent) -> str | None:
    """A DATE entity that is only a number: an age (``He was 34``, ``aged 14``, ``Amman, 20,``) or a
    count the recogniser took for a date (``Biden had 54``); not a day of a month."""
    tokens = [t for t in ent if not t.is_punct]
    if len(tokens) != 1:
        return None
    number = tokens[0]
    if not number.like_num or _is_ordinal(number) or YEAR.match(number.text) or CODE.search(number.text):
        return None
    doc = ent.doc
    neighbours = [doc[i] for i in (ent.start - 1, ent.end) if 0 <= i < len(doc)]
    if any(t.ent_type_ == "DATE" or t.lower_ in ("of", "the") for t in neighbours):
        return None  # "15 March", "the 5th", "March 15"
    if _is_age(number):
        return "age"
    if number.dep_ == "dobj" and number.head.pos_ in ("VERB", "AUX"):
        return "count"
    return None


def _is_age(number) -> bool:
    """A number that gives someone's age: ``aged 14``, ``Daniel Montalvo, 19,``, ``He was 34``, ``when
    she was six``."""
    doc = number.doc
    before = doc[number.i - 1] if number.i else None
    after = doc[number.i + 1] if number.i + 1 < len(doc) else None
    text = number.text.replace(",", "")
    small = text.isdigit() and 0 < int(text) < 120 or number.lower_ in NUMBER_WORDS or number.lower_ == "one"
    if not small:
        return False
    if before is not None and before.lower_ in ("aged", "age"):
        return True
    if (
        number.dep_ == "appos"
        and number.head.ent_type_ == "PERSON"
        and before is not None and before.text == ","
        and (after is None or after.is_punct)
    ):
        return True
    if number.dep_ in ("attr", "acomp") and number.head.lemma_ == "be" and not any(c.dep_ == "prep" for c in number.children):
        subjects = [c for c in number.head.children if c.dep_ == "nsubj"]
        return any(s.lower_ in ("he", "she") or s.ent_type_ == "PERSON" for s in subjects) and (after is None or after.is_punct or after.pos_ in ("CCONJ", "SCONJ"))
    return False


def _is_clock(ent) -> bool:
    doc = ent.doc
    after = doc[ent.end] if ent.end < len(doc) else None
    return bool(CLOCK.match(ent.text.split()[-1])) or (after is not None and after.lower_ in CLOCK_AFTER)


def _names_or_ranks(number) -> bool:
    """A number after a noun that it names or ranks: ``Internet Explorer 6``, ``round 3``, ``number
    27``, ``No. 1``, ``News 12`` (counts come before their noun)."""
    doc = number.doc
    if number.ent_type_ in _NAME_ENTS:
        return True
    before = doc[number.i - 1] if number.i else None
    if before is None:
        return False
    if before.lower_ in LABEL_NOUNS:
        return True
    return (
        before.tag_ in ("NN", "NNP")
        and before.lower_ not in ("age", "aged")
        and before.lower_ not in MEASURE_NOUNS
        and not before.is_currency
        and before.ent_type_ not in ("MONEY", "DATE")
    )


def _sized_noun(ent):
    """The noun that a hyphened number sizes: ``131-page`` in ``the 131-page document``, ``six-member``."""
    doc = ent.doc
    if ent.end + 1 >= len(doc) or doc[ent.end].text not in ("-", "‐", "–"):
        return None
    noun = doc[ent.end + 1]
    if noun.lower_ not in SIZE_NOUNS or noun.dep_ not in ("compound", "amod", "npadvmod", "nmod"):
        return None
    if ent.text.lower() in ("one", "a") and noun.lower_ in ONE_KINDS:
        return None
    return noun


def _is_partitive(number) -> bool:
    """``two of the victims``: a number with ``of`` and what it is a part of."""
    return any(
        c.dep_ == "prep"
        and c.lower_ == "of"
        and any(g.dep_ == "pobj" and not any(d.lower_ in ("these", "those") for d in g.children) for g in c.children)
        for c in number.children
    )


def _ordinal_half(token) -> bool:
    """``the second half`` of a match, not a share."""
    if token.lower_ != "half":
        return False
    before = token.doc[token.i - 1] if token.i else None
    return before is not None and (_is_ordinal(before) or before.lower_ in ("the", "this", "that"))
