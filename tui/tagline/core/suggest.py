"""Rule-based label suggestions: claim, quote and statistic per sentence, from spaCy's parse and entities.

The suggester reads one paragraph at a time (a spaCy ``Doc`` made by the full pipeline) together with
the sentence spans our segmenter found in it (:mod:`tagline.core.segment`; spaCy's own sentences are not
used, so suggestions line up with what the annotator sees). Each sentence gets a score in [0, 1] for
every label and, for the labels suggested (score >= :data:`THRESHOLD`), a short reason in words.

* quote: quotation marks are tracked across the whole paragraph, so a sentence that opens a quotation
  without closing it, one inside it and the fragment that closes it (``… the TTP,” he said.``) are
  all found; indirect speech is a speech or cognition verb with a subject and a clausal complement
  (``warned that``, ``…, Ray said.``, ``As Sanders pointed out, …``), and ``according to``.
* statistic: CARDINAL, PERCENT, MONEY and QUANTITY entities that measure something, counting phrases
  (``a dozen``, ``nearly half of``, ``hundreds of thousands``); dates, years, ordinals, versions and
  names that contain digits are not statistics.
* claim: a declarative, checkable assertion; evidence for (events in the past or perfect, named actors,
  accusations and denials, causal and comparative wording, figures) is weighed against evidence of
  opinion, prediction and scene-setting (modals, questions, first person, hedges and judgements).

The measured precision and recall are in ``docs/suggestions.md`` (``bench/eval_suggest.py``).
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import Iterable

LABELS = ("claim", "quote", "statistic")
#: A label is suggested when its score reaches this.
THRESHOLD = 0.5
#: The pipeline components the rules read: tags and lemmas, the dependency parse and the entities.
REQUIRED_PIPES = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer", "parser", "ner")

# -- word lists ----------------------------------------------------------------------------------
#: Verbs that report what someone said or wrote.
SPEECH_VERBS = frozenset(
    """say tell warn argue claim insist add note explain state announce report write emphasise
    emphasize stress deny allege admit acknowledge reply respond complain declare concede exclaim
    remark observe assert contend maintain testify tweet recall reiterate confirm reveal urge vow
    promise threaten predict project estimate forecast suggest propose agree disclose caution
    lament boast quip joke accuse describe call dub label brand term""".split()
)
#: Speech verbs that take their content as a that-clause only; with a bare object they describe an
#: act (``announced an agreement``, ``described it as``) and count only next to quotation marks.
_NEEDS_CLAUSE = frozenset("announce confirm reveal propose suggest agree accuse describe call dub label brand term".split())
#: Verbs of a closing attribution: ``…, Ray said.``, ``…, reported NDTV.``
_ATTRIBUTION_VERBS = frozenset(
    """say tell add note write report explain argue insist warn claim emphasise emphasize stress
    reply respond recall conclude continue exclaim declare tweet complain""".split()
)
#: Nouns for people and bodies that speak.
_SPEAKER_NOUNS = frozenset(
    """government ministry minister official officials spokesman spokeswoman spokesperson police
    president union company researcher researchers scientist scientists expert experts critic
    critics campaigners department committee court agency authorities lawyer lawyers prosecutor
    prosecutors analyst analysts leader leaders director chief secretary source sources
    witness witnesses residents doctor doctors economist economists outlet outlets media newspaper
    newspapers paper channel broadcaster network agency""".split()
)
#: Speech verbs whose subject may be a thing: ``it says``, ``the guidance states``.
_THING_MAY_SAY = frozenset("say write state read".split())
#: Speech verbs that report a view with a plain object when a person says it: ``Valle notes the …``.
_VIEW_VERBS = frozenset("say tell note argue claim warn insist explain stress emphasise emphasize".split())
#: Verbs that name a quoted phrase: ``called Britain ‘the seat of all evil’``.
NAMING_VERBS = frozenset("call describe dub label brand term name declare title".split())
#: Cognition verbs that report a stance when they have a subject and a clausal complement.
COGNITION_VERBS = frozenset("believe think fear fret worry reckon doubt feel".split())
FIRST_PERSON = frozenset("i we me us".split())

_NUMBER_WORDS = frozenset(
    """two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
    thousand million billion trillion""".split()
)
#: Words that count without being a number: ``a dozen``, ``half of``, ``hundreds of thousands``.
_COUNT_WORDS = frozenset("dozen dozens half third thirds quarter quarters hundreds thousands millions billions score scores".split())
_APPROXIMATORS = frozenset("more less fewer than nearly almost about around approximately roughly over under least most some up close".split())
#: A number that names rather than measures: versions, codes, model names (BA.4.6, R346T, CoV-2).
_CODE = re.compile(r"[A-Za-z]\d|\d(?!(?:k|m|bn|s)\b)[A-Za-z]|^\d+(?:\.\d+){2,}$|^\d+\.\d+\.")
_FRACTION = re.compile(r"\b(?:one|two|three|four|five|nine)[- ](?:half|halves|thirds?|quarters?|fourths?|fifths?|sixths?|eighths?|tenths?)\b", re.IGNORECASE)
_NUMBER_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|\d[\d,.]*)"
#: Counting phrases the entity recogniser does not mark: fractions, ratios, multiples, amounts of
#: money inside tables.
_NUMERIC_PHRASES = (
    (_FRACTION, "fraction", 0.75),
    (re.compile(rf"\b{_NUMBER_WORD}\s+(?:[\w’']+\s+){{0,2}}(?:in|out of)\s+(?:every\s+)?{_NUMBER_WORD}\b", re.IGNORECASE), "ratio", 0.8),
    (re.compile(rf"\b{_NUMBER_WORD}\s+times\s+(?:more|less|fewer|as|what|the|higher|lower|larger|smaller|greater|that|its|their)\b", re.IGNORECASE), "multiple", 0.75),
    (re.compile(r"[$£€¥]\s?\d"), "money", 0.85),
)
_YEAR = re.compile(r"^(?:1[5-9]|20)\d\d(?:s)?$")

#: Words of judgement, hedging and rhetoric: evidence of opinion rather than a checkable claim.
_OPINION = frozenset(
    """clearly obviously surely perhaps probably presumably apparently arguably seemingly supposedly
    seem appear fair unfair good bad great terrible excellent wonderful awful stupid nice
    ridiculous shameful disgraceful fortunately unfortunately sadly hopefully frankly honestly
    indeed course really truly vacuity nonsense propaganda outrageous""".split()
)
#: Verbs of doing that make checkable events: accusations, denials, conflict, money, law.
_EVENT_VERBS = frozenset(
    """accuse deny reject condemn blame attack target kill launch strike ban block pass vote elect
    win lose spend pay cost fund bribe arrest charge sue sign approve authorize authorise ratify
    announce publish release conduct dispatch send deploy seize destroy burn found create cut raise
    rise fall increase decrease reduce double triple grow drop decline provide supply sell buy
    acquire own employ hire fire resign appoint sanction invade bomb shoot die injure""".split()
)
_CAUSAL = frozenset("because cause caused causes causing due result resulted resulting lead led leads thanks driven exacerbate exacerbated".split())
#: Where the claim score starts before evidence moves it.
CLAIM_BASE = 0.45
_COMPARATIVE_TAGS = frozenset(("JJR", "RBR", "JJS", "RBS"))
_ACTOR_ENTS = frozenset(("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"))


# -- quotation marks -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Region:
    """A quoted stretch of a paragraph; ``start`` / ``end`` are the positions of its marks.
    ``start`` is -1 for a quotation closed here but opened before the paragraph (a fragment), and
    ``end`` is None for one that is still open when the paragraph ends."""

    start: int
    end: int | None


_OPENERS = "“„«"
_CLOSERS = "”»"
_BEFORE_OPEN = set(" \t\n([{—–-:;/")
_AFTER_CLOSE = set(" \t\n.,;:!?)]}—–-…”’\"'")


def quote_regions(text: str) -> list[Region]:
    """Quoted regions of a paragraph: double marks (curly, straight, guillemets) and single ones
    (‘ ’ and '), telling a closing single mark from an apostrophe by what is around it and by whether
    a single quotation is open."""
    regions: list[Region] = []
    open_double: int | None = None
    open_single: int | None = None
    single_mark = "‘"
    n = len(text)
    for i, char in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < n else " "
        if char in _OPENERS or (char == '"' and (before in _BEFORE_OPEN or before in "‘'") and not after.isspace() and open_double is None):
            if open_double is not None:  # an unclosed quotation followed by a new one: the old one ends here
                regions.append(Region(open_double, i))
            open_double = i
        elif char in _CLOSERS or char == '"':
            regions.append(Region(-1 if open_double is None else open_double, i))
            open_double = None
        elif char == "‘" or (char == "'" and before in _BEFORE_OPEN | set(_OPENERS + '"') and after.isalpha()):
            if after.isdigit():  # ‘90s
                continue
            if open_single is None:
                open_single, single_mark = i, char
        elif char in "’'":
            closes = after in _AFTER_CLOSE or after.isspace()
            matches = open_single is not None and (char == "'") == (single_mark == "'")
            if matches and closes and not (before == "s" and _looks_possessive(text, open_single, i)):
                regions.append(Region(open_single, i))
                open_single = None
            elif open_single is None and before in ".,!?…" and closes:
                regions.append(Region(-1, i))  # closes a quotation opened before this paragraph
    for start in (open_double, open_single):
        if start is not None:
            regions.append(Region(start, None))
    return sorted(regions, key=lambda r: (r.start, r.end if r.end is not None else n))


def _looks_possessive(text: str, opened: int, i: int) -> bool:
    """``our members’ ability``: deep inside a quotation, a mark after an ``s`` and before a
    lower-case word is an apostrophe; right after the opening (``‘shock jocks’ like``) it closes."""
    rest = text[i + 1 : i + 3]
    return len(rest) == 2 and rest[0] == " " and rest[1].islower() and len(text[opened:i].split()) > 3


# -- the result ----------------------------------------------------------------------------------
@dataclass
class Evidence:
    """What the rules found for one label: the best score and the reason that gave it."""

    score: float = 0.0
    reason: str = ""

    def offer(self, score: float, reason: str) -> None:
        if score > self.score:
            self.score, self.reason = score, reason


def _clip(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 3)


def _result(evidence: dict[str, Evidence]) -> dict:
    scores = {label: _clip(evidence[label].score) for label in LABELS}
    labels = [label for label in LABELS if scores[label] >= THRESHOLD]
    return {"labels": labels, "scores": scores, "reasons": {label: evidence[label].reason for label in labels}}


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- the rules -----------------------------------------------------------------------------------
def suggest_doc(doc, spans: list[tuple[int, int]]) -> list[dict]:
    """Suggestions for the sentences ``spans`` (character offsets into ``doc.text``) of one paragraph.

    ``doc`` must come from a pipeline with :data:`REQUIRED_PIPES`. Returns one dict per span, in
    order: ``{"labels": [...], "scores": {label: float}, "reasons": {label: str}}``.
    """
    text = doc.text  # built afresh on every access: read it once
    regions = quote_regions(text)
    # Each region is given to the sentences it touches, so the work stays linear in the paragraph.
    starts = [start for start, _ in spans]
    touching: list[list[Region]] = [[] for _ in spans]
    previous_orphan_end = 0
    for region in regions:
        # A closing mark with no opening reaches back to the start of the paragraph, but never past
        # an earlier such mark.
        begin = previous_orphan_end if region.start < 0 else region.start
        if region.start < 0 and region.end is not None:
            previous_orphan_end = region.end
        first = max(0, bisect.bisect_right(starts, begin) - 1)
        last_char = len(text) if region.end is None else region.end
        for k in range(first, len(spans)):
            if spans[k][0] > last_char:
                break
            if spans[k][1] >= begin:
                touching[k].append(region)
    entities = list(doc.ents)
    entity_starts = [e.start_char for e in entities]
    results = []
    for k, (start, end) in enumerate(spans):
        sentence = doc.char_span(start, end, alignment_mode="expand")
        tokens = [t for t in sentence if not t.is_space] if sentence is not None else []
        evidence = {label: Evidence() for label in LABELS}
        if tokens:
            first = bisect.bisect_left(entity_starts, start)
            ents = [e for e in entities[first : bisect.bisect_left(entity_starts, end)] if e.end_char <= end]
            _quote(text, tokens, start, end, touching[k], evidence["quote"])
            _statistic(tokens, ents, evidence["statistic"])
            _claim(tokens, ents, evidence, text[start:end])
        results.append(_result(evidence))
    return results


def _quote(text: str, tokens, start: int, end: int, regions: list[Region], found: Evidence) -> None:
    speech = _speech_verbs(tokens)
    for region in regions:
        r_end = len(text) if region.end is None else region.end
        if r_end < start or region.start >= end:
            continue
        opens_here = region.start >= start
        closes_here = region.end is not None and region.end < end
        if opens_here and closes_here:
            inner = text[region.start + 1 : region.end]
            words = re.findall(r"[\w’']+", inner)
            if not words:
                continue
            if _is_title(words):
                found.offer(0.35, f"quoted title “{_short(inner)}”")
            elif len(words) >= 6 or _has_clause(tokens, region):
                found.offer(0.95 if speech else 0.85, f"direct quotation “{_short(inner)}”")
            elif len(words) == 1 and words[0][:1].isupper():
                found.offer(0.3, f"a quoted name “{_short(inner)}”")
            elif (verb := _naming_or_speech_verb(tokens, speech)) is not None:
                found.offer(0.75, f"quoted words “{_short(inner)}” with ‘{verb.text}’")
            else:
                found.offer(0.25, f"scare quotes “{_short(inner)}”")
        elif opens_here:
            found.offer(0.9, "opens a quotation that goes on past the sentence")
        elif closes_here:
            found.offer(0.9, "ends a quotation begun before the sentence" + (f" (‘{speech[0].text}’)" if speech else ""))
        else:
            found.offer(0.8, "inside a quotation that spans sentences")
    for verb, why in _indirect_speech(tokens):
        found.offer(0.85, why)
    tail = _tail_attribution(tokens)
    if tail:
        found.offer(0.85, f"attribution: …, {tail}")
    for token in tokens:
        if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
            source = next((c for c in token.children if c.lower_ == "to"), None)
            obj = next((c for c in source.children if c.dep_ == "pobj"), None) if source is not None else None
            who = " ".join(t.text for t in obj.subtree) if obj is not None else ""
            if obj is not None and obj.lemma_.lower() in _NOT_SOURCES:
                continue  # "according to their status", "according to plan"
            found.offer(0.85, f"attributed: according to {_short(who, 30)}".rstrip())


_FINITE = frozenset(("VBD", "VBZ", "VBP", "MD"))
#: Nouns after "according to" that are a measure or a plan, not a source.
_NOT_SOURCES = frozenset("status plan schedule need size age rank merit ability tradition custom season taste position type class".split())


def _has_clause(tokens, region: Region) -> bool:
    """Whether the quoted stretch holds a clause: a finite verb with its subject inside."""
    end = region.end if region.end is not None else 1 << 30
    inside = {t.i for t in tokens if region.start < t.idx < end}
    return any(
        t.dep_ in ("nsubj", "nsubjpass", "expl") and t.head.i in inside and t.head.tag_ in _FINITE | {"VBN", "VBG"}
        for t in tokens
        if t.i in inside
    ) or any(t.tag_ == "MD" and t.i in inside for t in tokens)


def _is_title(words: list[str]) -> bool:
    letters = [w for w in words if w[:1].isalpha()]
    minor = {"a", "an", "the", "of", "for", "and", "or", "in", "on", "to", "at", "by", "with", "is"}
    major = [w for w in letters if w.lower() not in minor]
    return len(letters) >= 2 and bool(major) and all(w[:1].isupper() for w in major)


def _speech_verbs(tokens) -> list:
    return [t for t in tokens if t.pos_ == "VERB" and _lemma(t) in SPEECH_VERBS]


def _naming_or_speech_verb(tokens, speech):
    """A verb of the sentence that reports or names words: ``described it as ‘…’``."""
    if speech:
        return speech[0]
    return next((t for t in tokens if t.pos_ == "VERB" and _lemma(t) in NAMING_VERBS), None)


def _lemma(token) -> str:
    lemma = token.lemma_.lower()
    if lemma == "point" and any(c.dep_ == "prt" and c.lower_ == "out" for c in token.children):
        return "note"
    return lemma


def _subject(verb):
    """The subject of ``verb``, or of the verb it hangs from (``replied saying that``)."""
    for candidate in (verb, verb.head if verb.dep_ in ("xcomp", "advcl", "conj", "pcomp") else None):
        if candidate is None:
            continue
        for child in candidate.children:
            if child.dep_ in ("nsubj", "nsubjpass", "csubj"):
                return child
    return None


def _tail_attribution(tokens) -> str:
    """``…, reported NDTV.`` / ``…, Ray said.``: a short tail after the last comma made of a speech
    verb and its speaker, however the parser attached it."""
    commas = [k for k, t in enumerate(tokens) if t.text == ","]
    if not commas:
        return ""
    tail = [t for t in tokens[commas[-1] + 1 :] if not t.is_punct and t.text not in _OPENERS + _CLOSERS + "\"'’‘"]
    if not 2 <= len(tail) <= 8:
        return ""
    verbs = [t for t in tail if t.pos_ == "VERB" and _lemma(t) in _ATTRIBUTION_VERBS]
    speakers = [t for t in tail if _is_speaker(t)]
    if verbs and speakers and tail[0].pos_ != "SCONJ":
        return " ".join(t.text for t in tail)
    return ""


def _is_speaker(token) -> bool:
    """A person or an organisation, named or as a pronoun."""
    return (
        token.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
        or token.lower_ in ("he", "she", "they")
        or token.pos_ == "PROPN"
        or token.lemma_.lower() in _SPEAKER_NOUNS
    )


def _indirect_speech(tokens) -> Iterable[tuple[object, str]]:
    """(verb, reason) for each verb that reports speech or a stated belief."""
    inside = {t.i for t in tokens}
    for verb in tokens:
        if verb.pos_ != "VERB":
            continue
        lemma = _lemma(verb)
        speech = lemma in SPEECH_VERBS
        if not speech and lemma not in COGNITION_VERBS:
            continue
        subject = _subject(verb)
        if subject is None and verb.dep_ == "ROOT":  # "…, reported NDTV."
            subject = next((c for c in verb.children if c.dep_ == "dobj" and c.pos_ == "PROPN" and c.i > verb.i and c.i == verb.i + 1), None)
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
        if subject is None and not passive:
            continue
        if subject is not None and subject.lower_ in FIRST_PERSON:
            continue  # the writer's own voice ("as we predicted", "I have written")
        if subject is not None and subject.lower_ in ("it", "this", "that", "which") and lemma not in _THING_MAY_SAY:
            continue
        if passive and subject is not None and subject.tag_ in ("WDT", "WP"):
            continue  # "little that can be said to …"
        if lemma in _NEEDS_CLAUSE and (subject is None or not _is_speaker(subject)):
            continue  # "a study confirmed that …" is not speech
        clause = [c for c in verb.children if c.dep_ in ("ccomp",) or (c.dep_ == "xcomp" and passive)]
        who = subject.text if subject is not None else "someone"
        if clause and (speech or clause[0].i in inside):
            kind = "reported speech" if speech else "reported belief"
            yield verb, f"{kind}: {who} {verb.text} …"
            continue
        if not speech or lemma in _NEEDS_CLAUSE:
            continue
        if verb.dep_ == "parataxis" or (verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)):
            yield verb, f"attribution: {who} {verb.text}"
        elif verb.dep_ == "ROOT" and any(c.dep_ in ("ccomp", "parataxis") for c in verb.children):
            yield verb, f"attribution: {who} {verb.text}"
        elif subject is not None and lemma == "say" and any(c.dep_ in ("dobj", "xcomp", "ccomp", "prep") for c in verb.children):
            yield verb, f"reported speech: {who} {verb.text} …"
        elif subject is not None and lemma in _VIEW_VERBS and _is_speaker(subject) and any(c.dep_ == "dobj" for c in verb.children):
            yield verb, f"reports a view: {who} {verb.text} …"
        elif passive and any(c.dep_ == "xcomp" for c in verb.children):
            yield verb, f"reported speech: {verb.text} to …"


def _statistic(tokens, ents, found: Evidence) -> None:
    counted: set[int] = set()
    for ent in ents:
        label = ent.label_
        if label in ("PERCENT", "MONEY", "QUANTITY"):
            found.offer(0.92, f"{label.lower()}: {_short(ent.text, 30)}")
            counted.update(range(ent.start, ent.end))
        elif label == "DATE" and _counted_days(ent):
            found.offer(0.7, f"count: {_short(ent.text, 30)}")
            counted.update(range(ent.start, ent.end))
        elif label == "CARDINAL":
            score = _cardinal_score(ent)
            if score:
                found.offer(score, f"count: {_short(_counted_phrase(ent), 30)}")
            counted.update(range(ent.start, ent.end))
    sentence = tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text
    for pattern, kind, score in _NUMERIC_PHRASES:
        match = pattern.search(sentence)
        if match:
            found.offer(score, f"{kind}: {_short(match.group(0), 30)}")
    for token in tokens:
        if token.i in counted:
            continue
        lower = token.lower_
        if lower in _COUNT_WORDS and token.pos_ in ("NOUN", "NUM", "ADJ", "DET", "PRON"):
            following = token.doc[token.i + 1].lower_ if token.i + 1 < len(token.doc) else ""
            if (
                any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children)
                or any(c.lower_ in ("a", "an") for c in token.children)
                or token.head.lower_ in _COUNT_WORDS
                or following in ("the", "of", "its", "their", "all", "our")
            ) and token.head.lemma_.lower() not in _TIME_UNITS:
                found.offer(0.7, f"count: {_short(' '.join(t.text for t in token.subtree), 30)}")
        elif token.like_num and token.pos_ == "NUM" and token.ent_type_ not in ("DATE", "TIME", "ORDINAL") and _is_measure_number(token):
            found.offer(0.6, f"number: {token.text} {token.head.text}")


def _cardinal_score(ent) -> float:
    text = ent.text.strip()
    words = text.lower().replace("-", " ").split()
    doc = ent.doc
    number = ent.root
    before = doc[ent.start - 1] if ent.start else None
    if _CODE.search(text) or _YEAR.match(text):
        return 0.0
    if before is not None and before.text.isupper() and before.is_alpha and len(before.text) <= 5:
        return 0.0  # a version or model name: "BA 4.6"
    if number.head.pos_ == "PROPN" and number.head.i >= ent.end and number.head.ent_type_ != "NORP":
        return 0.0  # part of a name: "Chapter 11", "Rossiya-1"
    if words in (["one"], ["zero"]) and not (before is not None and before.lower_ in ("only", "just")):
        return 0.2  # "the one least considered", "one of the few"
    approximated = any(w in _APPROXIMATORS for w in words) or any(
        c.lower_ in _APPROXIMATORS for c in number.children if c.dep_ in ("quantmod", "advmod", "amod")
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
    if noun is not None and noun.lemma_.lower() in _TIME_UNITS and not any(c.dep_ == "amod" for c in noun.children):
        return 0.3  # a span of time: "two and a half years into …"
    if any(ch.isdigit() for ch in text):
        return 0.85 if noun is not None or number.dep_ in ("pobj", "dobj", "nsubj", "attr", "appos", "conj", "ROOT") else 0.6
    if all(w in _NUMBER_WORDS for w in words) and noun is None and words != ["two"] and number.dep_ in ("nsubj", "attr", "dobj"):
        return 0.6  # a count standing for its noun: "thirteen make use of taxes on tobacco"
    if all(w in _NUMBER_WORDS for w in words) and noun is not None and noun.tag_ in ("NNS", "NNPS"):
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
    kinds = [c for c in root.children if c.dep_ == "amod" and c.lower_ not in _TIME_ADJECTIVES]
    return has_number and bool(kinds)


_TIME_UNITS = frozenset("second minute hour day week month year decade century".split())
_TIME_ADJECTIVES = frozenset("past next last coming previous first recent early late few several same".split())


def _counted_phrase(ent) -> str:
    noun = _counted_noun(ent)
    if noun is not None and noun.i >= ent.end:
        return ent.doc[ent.start : noun.i + 1].text
    return ent.text


def _is_measure_number(token) -> bool:
    if _CODE.search(token.text) or _YEAR.match(token.text):
        return False
    before = token.doc[token.i - 1] if token.i else None
    if before is not None and before.text.isupper() and before.is_alpha and len(before.text) <= 5:
        return False
    return token.dep_ in ("nummod", "quantmod") and token.head.pos_ == "NOUN" and (any(ch.isdigit() for ch in token.text) or token.lower_ in _NUMBER_WORDS)


def _claim(tokens, ents, evidence: dict[str, Evidence], text: str) -> None:
    """Weigh evidence of a checkable assertion against evidence of opinion, prediction and
    scene-setting. The weights were set by hand on the tuning part of the development set."""
    found = evidence["claim"]
    words = [t for t in tokens if not t.is_punct]
    inside = {t.i for t in tokens}
    roots = [t for t in tokens if t.dep_ == "ROOT" or t.head.i not in inside]
    root = max(roots, key=lambda t: len(list(t.subtree)), default=tokens[0])
    # What is claimed in reported speech is the reported clause, not the act of saying it.
    if root.pos_ == "VERB" and _lemma(root) in SPEECH_VERBS | COGNITION_VERBS:
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
    opinion = [t for t in tokens if t.lower_ in _OPINION or t.lemma_.lower() in _OPINION]
    if opinion:
        score -= 0.12 * min(2, len(opinion))
        why_against.append(f"judgement ‘{opinion[0].text}’")
    tense = _tense(root)
    if tense in ("past", "perfect"):
        score += 0.2
        why_for.append("a reported event" if tense == "past" else "something that has happened")
    actors = [e for e in ents if e.label_ in _ACTOR_ENTS]
    if actors:
        score += 0.08
        why_for.append(f"names {actors[0].text}")
    events = [t for t in tokens if t.pos_ == "VERB" and t.lemma_.lower() in _EVENT_VERBS]
    if events:
        score += 0.1
        why_for.append(f"‘{events[0].text}’")
    if any(t.lower_ in _CAUSAL for t in tokens):
        score += 0.1
        why_for.append("causal wording")
    numeric = {t.i for e in ents if e.label_ in ("CARDINAL", "PERCENT", "MONEY", "QUANTITY") for t in e}
    compared = [t for t in tokens if t.i not in numeric and t.dep_ != "quantmod"]
    if any(t.tag_ in _COMPARATIVE_TAGS for t in compared) and any(t.lower_ in ("than", "most", "least", "ever") or t.tag_ in ("JJS", "RBS") for t in compared):
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


# -- restricting to a scheme ---------------------------------------------------------------------
def for_scheme(suggestion: dict, names: Iterable[str]) -> dict:
    """``suggestion`` over the labels ``names`` of a scheme: labels the rules do not know score 0 and
    are never suggested; labels the scheme lacks are dropped."""
    names = list(names)
    scores = {name: suggestion["scores"].get(name, 0.0) for name in names}
    labels = [name for name in names if name in suggestion["labels"]]
    return {"labels": labels, "scores": scores, "reasons": {n: suggestion["reasons"][n] for n in labels}}


# -- loading the pipeline ------------------------------------------------------------------------
class SuggestError(RuntimeError):
    """The suggester cannot run; the message is one line for the user."""


@functools.lru_cache(maxsize=2)
def load_pipeline(name: str):
    """(nlp, ModelInfo) for the model ``name`` with the components the rules read."""
    from tagline.core.nlp import ModelError, resolve_model

    if name.strip().lower() == "none":
        raise SuggestError("suggest needs a spaCy model with a parser and entities; '--model none' has neither")
    try:
        info = resolve_model(name)
    except ModelError as error:
        raise SuggestError(str(error).split(";")[0] + "; suggestions need it") from None
    import spacy

    try:
        nlp = spacy.load(info.package)
    except (OSError, ValueError, ImportError) as error:
        raise SuggestError(f"cannot load spaCy model '{name}' ({_one_line(error)})") from None
    missing = [pipe for pipe in ("parser", "ner") if pipe not in nlp.pipe_names]
    if missing:
        raise SuggestError(f"spaCy model '{name}' has no {' or '.join(missing)}; suggestions need both")
    unused = [pipe for pipe in nlp.pipe_names if pipe not in REQUIRED_PIPES]
    if unused:
        nlp.select_pipes(disable=unused)
    return nlp, info


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())[:160]


def suggest_article(nlp, article) -> list[dict]:
    """Suggestions for every sentence of ``article``, in order."""
    return list(suggest_articles(nlp, [article]))[0]


def suggest_articles(nlp, articles_: list, batch_size: int = 64) -> Iterable[list[dict]]:
    """For each article, the suggestions for its sentences; paragraphs go through ``nlp.pipe``."""

    def paragraphs():
        for number, article in enumerate(articles_):
            paras, sents, owner = article.split()
            for p, para in enumerate(paras):
                yield article.text[para.start : para.end], (number, p)

    pending = iter(nlp.pipe(paragraphs(), as_tuples=True, batch_size=batch_size))
    for number, article in enumerate(articles_):
        paras, sents, owner = article.split()
        results: list[dict] = []
        for p, para in enumerate(paras):
            doc, key = next(pending)
            assert key == (number, p)
            members = article.sentence_range(p)
            spans = [(sents[i].start - para.start, sents[i].end - para.start) for i in members]
            results.extend(suggest_doc(doc, spans))
        yield results
