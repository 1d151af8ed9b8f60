"""Quote evidence: quotation marks tracked across a paragraph, direct and indirect speech."""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Iterable

from tagline.core.suggest.evidence import Evidence, shorten
from tagline.core.suggest.lexicon import (
    ACCUSATION_VERBS,
    ATTRIBUTING_NOUNS,
    ATTRIBUTION_VERBS,
    CALL_VERBS,
    CLAUSE_VERBS,
    COGNITION_VERBS,
    DESCRIPTION_VERBS,
    BODY_NOUNS,
    DOCUMENT_NOUNS,
    ESTIMATED_NOUNS,
    FINDING_SOURCES,
    FINDING_VERBS,
    INTENTION_VERBS,
    PRAISE_BLAME_VERBS,
    FINITE,
    FIRST_PERSON,
    NAMING_VERBS,
    NEEDS_CLAUSE,
    NOT_SOURCES,
    OBJECT_BELIEF_VERBS,
    PASSIVE_REPORTING,
    PLEDGE_VERBS,
    PEOPLE_ONLY_SPEECH,
    REPORT_NOUNS,
    REQUEST_NEEDS_SPEAKER,
    REQUEST_VERBS,
    SPEAKER_NOUNS,
    SPEECH_VERBS,
    STANCE_ADJECTIVES,
    THING_MAY_SAY,
    VIEW_NOUNS,
    VIEW_VERBS,
    VOICING_VERBS,
    PEOPLE_NOUNS,
    VOICED_NOUNS,
)


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


#: A tag of markup kept in a page's text: a name right after ``<`` (or ``</``), no ``<`` or ``>`` before
#: its end.
_MARKUP = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]{0,400})?/?>")


def quote_regions(text: str) -> list[Region]:
    """Quoted regions of a paragraph: double marks (curly, straight, guillemets) and single ones
    (‘ ’ and '), telling a closing single mark from an apostrophe by what is around it and by whether
    a single quotation is open. The marks inside an HTML or XML tag (``<tweet author="x">``) are its
    attributes', not quotations."""
    if "<" in text:
        text = _MARKUP.sub(lambda m: " " * len(m.group()), text)  # same length: offsets hold
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


#: Verbs that introduce a quotation set as a paragraph of its own after a colon: the verbs of
#: saying, and what a document does (``The statement read:``).
#: An embedded post or block quotation kept as markup in a page's text (``<tweet author="…">…</tweet>``,
#: ``<blockquote>…</blockquote>``): someone's words, set apart as a quotation is.
_EMBEDDED = re.compile(r"(?<![`'\"‘“])<(tweet|blockquote)\b[^<>]{0,400}>(.*?)(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)


def embedded_posts(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of what each embedded post or block quotation of a paragraph holds (an
    empty one, or one of markup alone, is none). One not closed in the paragraph holds the rest of
    it only when it opens the paragraph and has attributes, as a page's embed has
    (``<tweet author="…">``); a tag named in prose (`` `<blockquote>` ``, "the <tweet> tag",
    "<tweet> tags were removed …") is no post."""
    found = []
    for m in _EMBEDDED.finditer(text):
        if not m.group(3) and (text[: m.start()].strip() or "=" not in text[m.start(): m.start(2)]):
            continue
        if re.search(r"\w", _MARKUP.sub("", m.group(2))):
            found.append((m.start(2), m.end(2), m.group(1).lower()))
    return found


def non_space(text: str, start: int, end: int) -> int:
    """How many characters of ``text[start:end]`` are not white space."""
    return end - start - sum(1 for c in text[start:end] if c.isspace()) if end > start else 0


_INTRODUCING_VERBS = frozenset(
    """say tell add write read state declare announce deny respond reply explain continue conclude
    warn argue insist claim note comment tweet post""".split()
)


def introduces_quotation(tokens) -> str:
    """The lead-in, shortened, when the sentence ``tokens`` (the last one of a paragraph) ends with a
    colon after a verb of saying whose speaker is not the writer (``In a statement to the ABC, the
    Church denied these allegations:``, ``The statement read:``); else "". The paragraph after it
    is then a block quotation (:func:`block_quotation_end`)."""
    words = [t for t in tokens if not t.is_space]
    if len(words) < 3 or words[-1].text != ":":
        return ""
    for verb in words:
        if verb.pos_ not in ("VERB", "AUX") or verb_lemma(verb) not in _INTRODUCING_VERBS or _so_called(verb):
            continue
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in verb.children):
            continue  # "if anyone says:" is a hypothesis
        subject = _subject(verb)
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
        if subject is not None and subject.lower_ in FIRST_PERSON | _NOBODY_IN_PARTICULAR:
            continue  # "As I wrote:", "as anyone will tell you:"
        if subject is None and not passive:
            continue  # "Consider what the rules say:" has no speaker of its own … nor "Read:"
        first = min(subject.left_edge.i, verb.i) if subject is not None else verb.i
        return shorten(" ".join(t.text for t in words if first <= t.i < words[-1].i), 50) + ":"
    return ""


def block_quotation_end(text: str, regions: list[Region]) -> int:
    """How far a paragraph introduced by :func:`introduces_quotation` is quoted: to its end, or to
    the first closing mark that closes a quotation opened before it (``… the engine room.” The
    Church later …``). -1 when the paragraph opens with a quotation mark: then the marks say where
    the quotation ends, as in any paragraph."""
    if text.lstrip()[:1] in _OPENERS + "\"‘'":
        return -1
    closed = [r.end for r in regions if r.start < 0 and r.end is not None]
    return min(closed) if closed else len(text)


def _looks_possessive(text: str, opened: int, i: int) -> bool:
    """``our members’ ability``: deep inside a quotation, a mark after an ``s`` and before a
    lower-case word is an apostrophe; right after the opening (``‘shock jocks’ like``) it closes."""
    rest = text[i + 1 : i + 3]
    return len(rest) == 2 and rest[0] == " " and rest[1].islower() and len(text[opened:i].split()) > 3


def quote_evidence(text: str, tokens, start: int, end: int, regions: list[Region], found: Evidence) -> None:
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
            if inner.lstrip().startswith(("#", "@")):
                found.offer(0.3, f"a quoted hashtag or handle “{shorten(inner)}”")
                continue
            if _is_title(words):
                found.offer(0.35, f"quoted title “{shorten(inner)}”")
            elif len(words) >= 6 or _has_clause(tokens, region):
                found.offer(0.95 if speech else 0.85, f"direct quotation “{shorten(inner)}”")
            elif len(words) == 1 and words[0][:1].isupper() and not inner.rstrip().endswith((",", "!", "?")):
                # "“Denver,” he answered": a comma inside the marks is a reply, not a name
                found.offer(0.3, f"a quoted name “{shorten(inner)}”")
            elif (verb := _naming_or_speech_verb(tokens, speech, region)) is not None:
                found.offer(0.75, f"quoted words “{shorten(inner)}” with ‘{verb.text}’")
            elif inner.rstrip().endswith((",", "!", "?")) and (verb := _dialogue_tail(tokens, region)) is not None:
                found.offer(0.75, f"quoted words “{shorten(inner)}” with ‘{verb.text}’")
            else:
                found.offer(0.25, f"scare quotes “{shorten(inner)}”")
        elif opens_here:
            found.offer(0.9, "opens a quotation that goes on past the sentence")
        elif closes_here:
            found.offer(0.9, "ends a quotation begun before the sentence" + (f" (‘{speech[0].text}’)" if speech else ""))
        else:
            found.offer(0.8, "inside a quotation that spans sentences")
    for _verb, why in _indirect_speech(tokens):
        found.offer(0.85, why)
    reported = _report_noun(tokens) or _allegation(tokens)
    if reported:
        found.offer(0.8, reported)
    source = _colon_source(tokens)
    if source:
        found.offer(0.85, f"attributed: {source}: …")
    tail = _tail_attribution(tokens)
    if tail:
        found.offer(0.85, f"attribution: …, {tail}")
    for token in tokens:
        if token.lower_ == "by" and (token.dep_ == "prep" or (token.dep_ == "ROOT" and token.i == tokens[0].i)):
            source = next((c for c in token.children if c.dep_ == "pobj"), None)
            if source is not None and source.lemma_.lower() in ATTRIBUTING_NOUNS:
                found.offer(0.85, f"attributed: by {shorten(' '.join(t.text for t in source.subtree), 30)}")
                continue
        if token.lower_ == "in" and token.dep_ == "prep":
            why = _in_the_view_of(token)
            if why:
                found.offer(0.85, why)
                continue
        following = tokens[tokens.index(token) + 1] if token.lower_ == "according" and token is not tokens[-1] else None
        if token.lower_ == "according" and (any(c.lower_ == "to" for c in token.children) or (following is not None and following.lower_ == "to")):
            # "…, according to which a section would cross …": the parser hangs "to" from the clause
            source = next((c for c in token.children if c.lower_ == "to"), following)
            obj = next((c for c in source.children if c.dep_ == "pobj"), None) if source is not None else None
            who = " ".join(t.text for t in obj.subtree) if obj is not None else ""
            if obj is not None and obj.lemma_.lower() in NOT_SOURCES:
                continue  # "according to their status", "according to plan"
            found.offer(0.85, f"attributed: according to {shorten(who, 30)}".rstrip())


def _in_the_view_of(prep) -> str:
    """``In the analysis of the German Institute …, the costs render …``, ``in the view of critics``,
    ``in his words``: a sentence put as someone's view by a phrase, as ``according to`` does."""
    noun = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if noun is None or noun.lemma_.lower() not in VIEW_NOUNS:
        return ""
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None:
        of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        owner = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
    if owner is None or owner.lower_ in ("my", "our", "i", "we", "me", "us") or not (_is_speaker(owner) or _finds(owner)):
        return ""
    return f"attributed: in the {noun.text} of {owner.text}"


def _has_clause(tokens, region: Region) -> bool:
    """Whether the quoted stretch holds a clause: a finite verb with its subject inside."""
    end = region.end if region.end is not None else 1 << 30
    inside = {t.i for t in tokens if region.start < t.idx < end}
    return any(
        t.dep_ in ("nsubj", "nsubjpass", "expl") and t.head.i in inside and t.head.tag_ in FINITE | {"VBN", "VBG"}
        for t in tokens
        if t.i in inside
    ) or any(t.tag_ == "MD" and t.i in inside for t in tokens)


def _is_title(words: list[str]) -> bool:
    letters = [w for w in words if w[:1].isalpha()]
    minor = {"a", "an", "the", "of", "for", "and", "or", "in", "on", "to", "at", "by", "with", "is"}
    major = [w for w in letters if w.lower() not in minor]
    return len(letters) >= 2 and bool(major) and all(w[:1].isupper() for w in major)


def _so_called(token) -> bool:
    """``so-called``: the writer keeping a phrase at a distance, not anyone naming it."""
    doc = token.doc
    return token.lower_ == "called" and token.i >= 2 and doc[token.i - 1].text == "-" and doc[token.i - 2].lower_ == "so"


def _speech_verbs(tokens) -> list:
    return [t for t in tokens if t.pos_ == "VERB" and verb_lemma(t) in SPEECH_VERBS and not _so_called(t)]


def _naming_or_speech_verb(tokens, speech, region: Region):
    """A verb of the sentence that reports or names the quoted words: ``described it as ‘…’``,
    ``called Britain ‘the seat of all evil’``, ``spoke instead about “improving NAFTA”``; the words must be in what the verb governs (``To
    "route out" … refers to … the device called the E-meter`` names something else)."""
    candidates = speech + [t for t in tokens if t.pos_ == "VERB" and verb_lemma(t) in NAMING_VERBS | VOICING_VERBS and not _so_called(t)]
    end = region.end if region.end is not None else 1 << 30
    for verb in candidates:
        if region.start < verb.idx < end:
            continue  # "in “not life-threatening” condition": inside the quoted words themselves
        if verb_lemma(verb) in NAMING_VERBS and _passive_without_speaker(verb):
            continue  # "H1N1 was commonly called “swine flu”": a name, not anyone's words
        if verb_lemma(verb) in VOICING_VERBS and not _voices(verb, tokens, region):
            continue
        # "As predicted, it “evades immune protection”": an "as" clause attributes the whole sentence
        as_clause = verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
        if as_clause or any(region.start < t.idx < end for t in verb.subtree):
            return verb
    return None


def _voices(verb, tokens, region: Region) -> bool:
    """Whether a verb of :data:`VOICING_VERBS` puts the quoted words into words: they are close
    below it (``spoke about “improving NAFTA”``), not deep in a clause of its object (``touted their
    efforts to get the drug through this “compassionate use” channel``) nor what something ``speaks
    to`` (``speaks to the vacuity of the ‘defining mission’``)."""
    if verb_lemma(verb) == "voice" and not any(c.dep_ == "dobj" and c.lemma_.lower() in VOICED_NOUNS for c in verb.children):
        return False  # "voiced the dragon in “Shrek 2”": a part played, not words said
    end = region.end if region.end is not None else 1 << 30
    first = next((t for t in tokens if region.start < t.idx < end and not t.is_punct), None)
    if first is None:
        return False
    hops, token = 0, first
    while token.i != verb.i and token.head.i != token.i and hops <= 4:
        if token.dep_ == "prep" and token.head.i == verb.i and token.lower_ == "to":
            return False
        token, hops = token.head, hops + 1
    return token.i == verb.i and hops <= 4


def _dialogue_tail(tokens, region: Region):
    """``“Go back to Univision,” Trump barked``, ``“Not now!” she snapped``: quoted words that end
    in a comma, ``!`` or ``?`` inside the marks, followed at once by a speaker and a verb (or a verb
    and a speaker), whatever the verb: dialogue. Returns the verb, or None."""
    after = [t for t in tokens if t.idx > region.end and not t.is_space]
    if len(after) < 2:
        return None
    if after[0].pos_ == "VERB" and after[0].tag_ == "VBD" and _is_speaker(after[1]):
        return after[0]  # "…,” barked Trump"
    k = 0
    while k + 1 < len(after) and after[k].pos_ == "PROPN" and after[k + 1].pos_ == "PROPN":
        k += 1  # "…,” Donald Trump barked"
    if k + 1 >= len(after):
        return None
    speaker, verb = after[k], after[k + 1]
    # the tagger takes many a past tense there for a participle ("Trump barked": VBN)
    if (speaker.pos_ == "PROPN" or speaker.lower_ in ("he", "she", "they")) and verb.pos_ == "VERB" and verb.tag_ in ("VBD", "VBZ", "VBN"):
        return verb
    return None


def _passive_without_speaker(verb) -> bool:
    """A passive verb (or a passive participle) with no speaker in a ``by`` phrase."""
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children) or (verb.tag_ == "VBN" and verb.dep_ == "acl")
    agent = next((g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
    return passive and (agent is None or not _is_speaker(agent))


def verb_lemma(token) -> str:
    lemma = token.lemma_.lower()
    if lemma == "point" and any(c.dep_ == "prt" and c.lower_ == "out" for c in token.children):
        return "note"
    if lemma in ("shoot", "fire", "hit") and any(c.dep_ in ("prt", "advmod") and c.lower_ == "back" for c in token.children):
        return "reply"  # "Trump shot back that …"
    if lemma == "hop" and token.lower_ in ("hopes", "hoped", "hoping"):
        return "hope"  # the lemmatiser strips "hoped" to "hop"
    return lemma


def _subject(verb):
    """The subject of ``verb``, or of the verb it hangs from (``replied saying that``, ``was quoted
    as saying``, ``start by stating that``), or the noun a participle describes (``organisers,
    saying …``)."""
    candidate = verb
    for _ in range(4):
        for child in candidate.children:
            if child.dep_ in ("nsubj", "nsubjpass", "csubj"):
                return child
        if candidate.dep_ == "acl" and candidate.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return candidate.head
        if candidate.pos_ == "NOUN" and (named := _named_before(candidate)) is not None:
            return named
        if candidate.dep_ in ("xcomp", "advcl", "conj", "pcomp", "prep") and candidate.head is not candidate:
            candidate = candidate.head
            continue
        if candidate.dep_ == "acomp" and candidate.pos_ == "ADJ" and verb.dep_ == "xcomp":
            # "Caucus-goers were more likely to say they preferred …": the subject of "were"
            candidate = candidate.head
            continue
        if (
            verb.tag_ == "VBG"
            and candidate.dep_ == "dobj"
            and candidate.pos_ == "NOUN"
            and any(c.dep_ == "prep" and c.lower_ == "for" and c.i < verb.i for c in candidate.children)
        ):
            # "Obama has endured criticism for telling the British people that …": the one who was
            # blamed for what they said is the subject of the verb the blame is the object of
            candidate = candidate.head
            continue
        return None
    return None


def _colon_source(tokens) -> str:
    """``Study: people infected … 'likely' hundreds more``, ``Police: man arrested …``: a headline
    that names its source before a colon (a person, a body or a study; not a place)."""
    colon = next((k for k, t in enumerate(tokens[:5]) if t.text == ":"), None)
    if colon is None or colon == 0 or len(tokens) - colon < 4:
        return ""
    head = tokens[:colon]
    if any(
        t.ent_type_ in ("PERSON", "ORG") or t.lemma_.lower() in SPEAKER_NOUNS or t.lower_ in SPEAKER_NOUNS or _finds(t)
        for t in head
        if t.pos_ in ("NOUN", "PROPN")
    ):
        return " ".join(t.text for t in head)
    if _bare_name(head) and sum(1 for t in tokens[colon + 1 :] if not t.is_punct) >= 3:
        # "Trump: ‘I’m the Worst Thing …’", "Lynch: No outside influence on FBI probe": a headline
        # that gives a speaker's words after a bare name the tagger took for a common noun
        return " ".join(t.text for t in head)
    return ""


#: Words that label a headline before its colon, not a speaker: ``Update: …``, ``Watch: …``.
_HEADLINE_TAGS = frozenset(
    """update updated breaking exclusive watch video photos photo analysis opinion editorial live
    review interview explainer factbox timeline correction note warning example summary map
    background quiz poll report""".split()
)


def _bare_name(head) -> bool:
    """One or two capitalised words, tagged noun or name, that are no place, date or headline tag."""
    return (
        1 <= len(head) <= 2
        and all(t.text[:1].isupper() and t.text[1:2].islower() and t.pos_ in ("NOUN", "PROPN", "ADJ") for t in head)
        and not any(t.ent_type_ in ("GPE", "LOC", "FAC", "DATE", "TIME", "EVENT", "WORK_OF_ART") for t in head)
        and not any(t.lower_ in _HEADLINE_TAGS for t in head)
    )


def _tail_attribution(tokens) -> str:
    """``…, reported NDTV.`` / ``…, Ray said.``: a short tail after the last comma made of a speech
    verb and its speaker, however the parser attached it."""
    commas = [k for k, t in enumerate(tokens) if t.text == ","]
    if not commas:
        return ""
    tail = [t for t in tokens[commas[-1] + 1 :] if not t.is_punct and t.text not in _OPENERS + _CLOSERS + "\"'’‘"]
    if not 2 <= len(tail) <= 8:
        return ""
    verbs = [
        t
        for t in tail
        if verb_lemma(t) in ATTRIBUTION_VERBS
        and (t.pos_ == "VERB" or (t is tail[-1] and t.pos_ == "NOUN" and t.tag_ in ("NN", "NNS") and len(tail) > 1))
        # "…, no evidence of involvement has been reported": a passive main clause, not a tail
        and not any(c.dep_ in ("auxpass", "nsubjpass") for c in t.children)
        and not (t.tag_ == "VBN" and t.dep_ == "acl")  # "… a blog written by Rathbun"
        # "…, the United Kingdom, reporting 37,542 deaths as of Wednesday": what is reported is the
        # verb's object, a noun, not the sentence before ("…, reported NDTV." has the speaker there)
        and not any(c.dep_ == "dobj" and not _is_speaker(c) for c in t.children)
    ]
    speakers = [t for t in tail if _is_speaker(t) and t not in verbs]
    if verbs and speakers and tail[0].pos_ not in ("SCONJ", "PART", "CCONJ"):
        return " ".join(t.text for t in tail)
    return ""


def _is_speaker(token) -> bool:
    """A person or an organisation, named or as a pronoun."""
    return (
        token.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
        or token.lower_ in ("he", "she", "they")
        or token.pos_ == "PROPN"
        or token.lemma_.lower() in SPEAKER_NOUNS
        # a surname the tagger took for a plural noun ("Waters pointed out …"), not first in the sentence
        or (token.tag_ == "NNS" and token.text[:1].isupper() and token.i > token.sent.start)
        # a surname first in the sentence, taken for a common noun: capitalised, with no article, the
        # subject of a verb only people do ("Sanders accused Republicans of …")
        or (
            token.tag_ in ("NN", "NNS")
            and token.text[:1].isupper()
            and token.text[1:2].islower()
            and token.dep_ == "nsubj"
            and verb_lemma(token.head) in PEOPLE_ONLY_SPEECH | ACCUSATION_VERBS | INTENTION_VERBS
            and not any(c.dep_ in ("det", "poss", "amod", "compound", "nummod") for c in token.children)
        )
    )


#: Subjects that are nobody in particular: what they "claim" is a hypothesis, not a report.
_NOBODY_IN_PARTICULAR = frozenset("anyone anybody someone somebody everyone everybody nobody whoever one".split())


def _finding(verb, lemma: str) -> str:
    """``the report found that …``, ``a 2018 study found that …``, ``the court made a decision,
    finding that …``: what an inquiry established, in a clause."""
    if lemma not in FINDING_VERBS:
        return ""
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return ""  # "The court sought to determine whether …": what it set out to learn, not a finding
    clauses = [c for c in verb.children if c.dep_ == "ccomp"]
    if clauses and all(any(g.dep_ == "mark" and g.lower_ in ("whether", "if") for g in c.children) for c in clauses):
        return ""  # "determined whether …": a question
    lost = None
    if not any(c.dep_ == "ccomp" for c in verb.children):
        lost = _clause_follows(verb) if verb.tag_ in FINITE else None
        if lost is None:
            return ""
    subject = _subject(verb)
    if subject is None and lost is not None:
        subject = _noun_before(verb)
    if subject is not None and subject.lower_ == "they" and _researchers_before(verb):
        return f"reported finding: they (the researchers) {verb.text} …"
    if subject is None or not _finds(subject):
        # "A new study documenting iodine status … has revealed …": the parser gave the verb a noun
        # of the subject's modifier; the sentence's first noun is the subject when no verb comes between
        subject = _first_noun(verb) or subject
    if subject is None:
        return ""
    if _finds(subject) or (subject.ent_type_ in ("PERSON", "ORG") and lemma == "find"):
        return f"reported finding: {subject.text} {verb.text} …"
    return ""


def _doing(xcomp) -> bool:
    """A gerund with its object after a passive verb of perception (``was observed limiting
    purchases``): something seen being done, not something said (``was reported missing`` is)."""
    return xcomp.tag_ == "VBG" and any(c.dep_ == "dobj" for c in xcomp.children)


def _researchers_before(verb) -> bool:
    """Whether the sentence before ``verb``'s, in the same paragraph, has researchers, scientists or a
    study as its subject: then "they found …" reports their finding."""
    start = verb.sent.start
    if start == 0:
        return False
    before = verb.doc[start - 1].sent
    return any(t.dep_ in ("nsubj", "nsubjpass") and t.head.i == before.root.i and _finds(t) for t in before)


def _first_noun(verb):
    """The first noun of ``verb``'s sentence, if it comes before ``verb`` with no finite verb, comma or
    conjunction between (so that it is the subject, whatever the parse), else None."""
    doc = verb.doc
    first = None
    for j in range(verb.sent.start, verb.i):
        token = doc[j]
        if token.dep_ in ("aux", "auxpass", "neg") and token.head.i == verb.i:
            continue
        if token.tag_ in FINITE or token.pos_ in ("PUNCT", "CCONJ", "SCONJ") and token.tag_ != "HYPH":
            return None
        if first is None and token.pos_ in ("NOUN", "PROPN") and token.dep_ != "compound":
            first = token
    return first


def _participle_finding(verb, lemma: str) -> str:
    """``The court made a policy decision, finding that …``: a participle of finding after a comma,
    with its clause, whatever the parser made of it, in a sentence whose subject reports findings."""
    doc = verb.doc
    if lemma not in FINDING_VERBS or verb.tag_ != "VBG" or verb.i < 1 or verb.i + 1 >= len(doc):
        return ""
    if doc[verb.i - 1].text != "," or doc[verb.i + 1].lower_ != "that":
        return ""
    root = verb.sent.root
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is not None and _finds(subject):
        return f"reported finding: {subject.text} … {verb.text} that …"
    return ""


def _finds(subject) -> bool:
    """A subject that reports findings (a report, a study, a court, researchers), by its lemma or
    by the word itself: the lemmatiser turns ``researchers`` into ``researcher``."""
    if subject.lemma_.lower() in FINDING_SOURCES or subject.lower_ in FINDING_SOURCES:
        return True
    # "the results of the study show …", but not "the results show …" (of an election, a match)
    return subject.lemma_.lower() == "result" and any(
        c.dep_ == "prep" and c.lower_ == "of" and any(g.dep_ == "pobj" and _finds(g) for g in c.children) for c in subject.children
    )


def _made_clear(verb) -> str:
    """``officials made clear that …``, ``something the Committee made clear``: saying, by a speaker."""
    if verb.lemma_.lower() != "make" or not any(c.dep_ in ("oprd", "acomp", "ccomp") and c.lower_ in ("clear", "plain") for c in verb.children):
        return ""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or not _is_speaker(subject) or subject.lower_ in FIRST_PERSON:
        return ""
    if any(c.dep_ == "ccomp" for c in verb.children) or verb.dep_ == "relcl" or any(c.lower_ == "clear" and any(g.dep_ == "ccomp" for g in c.children) for c in verb.children):
        return f"reported speech: {subject.text} {verb.text} clear …"
    return ""


def _passive_with_infinitive(verb) -> bool:
    """``is expected to reverse``, ``was believed to have``: a passive verb of belief or forecast
    with an infinitive, but not ``as expected`` or ``the expected rise``."""
    return any(c.dep_ == "auxpass" for c in verb.children) and any(
        c.dep_ == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children) for c in verb.children
    )


#: Nouns of allegation that report content with a clause even when nobody owns them: ``after an
#: allegation he assaulted his ex-wife``.
_ALLEGATION_NOUNS = frozenset("allegation allegations accusation accusations claim claims rumour rumours rumor rumors".split())


def _allegation(tokens) -> str:
    """``an allegation he assaulted his ex-wife``: a noun of allegation whose clause (taken for a
    relative clause by the parser) has its own subject and object, so the noun is not what the clause
    is about (``the claim he made`` is a relative clause: ``made`` has no object)."""
    for noun in tokens:
        if noun.pos_ != "NOUN" or noun.lower_ not in _ALLEGATION_NOUNS:
            continue
        for clause in noun.children:
            if clause.dep_ not in ("relcl", "acl", "ccomp") or clause.pos_ not in ("VERB", "AUX"):
                continue
            kids = list(clause.children)
            subject = next((c for c in kids if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is None or subject.tag_ in ("WDT", "WP") or subject.lower_ in FIRST_PERSON:
                continue
            if any(c.dep_ in ("dobj", "attr", "acomp", "ccomp", "xcomp", "oprd", "auxpass") for c in kids):
                return f"reported {noun.text}: … {clause.text} …"
    return ""


def _report_noun(tokens) -> str:
    """``one of the main concerns of the Committee was that …``, ``his claim that …``: a noun of
    saying or believing owned by someone, with its content in a that-clause."""
    for noun in tokens:
        if noun.pos_ != "NOUN" or noun.lemma_.lower() not in REPORT_NOUNS:
            continue
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        if owner is None:
            of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            pobj = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
            owner = pobj if pobj is not None and _is_speaker(pobj) else None
        if owner is None and noun.head.lower_ == "of" and noun.head.head.dep_ in ("nsubj", "nsubjpass"):
            continue
        if owner is None and noun.dep_ in ("dobj", "pobj"):
            # "came to the conclusion that …", "expressed concern that …": the owner is the speaker of
            # the verb that governs the noun
            governor = noun.head if noun.dep_ == "dobj" else noun.head.head
            if governor.pos_ == "ADV" and governor.dep_ == "advmod":
                governor = governor.head  # "backed away from a suggestion that …"
            if governor.pos_ in ("VERB", "AUX") and noun.head.lower_ not in ("of", "about", "for", "despite"):
                speaker = _subject(governor)
                owner = speaker if speaker is not None and _is_speaker(speaker) else None
        if owner is None or owner.lower_ in ("my", "our", "your", "its", "i", "we", "you", "it"):
            continue
        # the content: a that-clause on the noun, or "X's concern was that …"
        holders = [noun] + ([noun.head] if noun.dep_ in ("nsubj", "attr") else [])
        if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.dep_ in ("nsubj",):
            holders.append(noun.head.head.head)  # "one of the concerns of X was that …"
        for holder in holders:
            # the parser may hang the "that" on the clause's auxiliary ("concern that he was
            # encouraging …"): the clause starts with it all the same
            if any(
                c.dep_ in ("ccomp", "acl")
                and (any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children) or (c.left_edge.dep_ == "mark" and c.left_edge.lower_ == "that" and c.left_edge.i > holder.i))
                for c in holder.children
            ):
                return f"reported {noun.text}: {owner.text} …"
    return ""


def _modal(verb) -> bool:
    """``we'll be told``, ``would be asked``: a report yet to happen."""
    return any(c.dep_ == "aux" and c.tag_ == "MD" for c in verb.children)


def _that_follows(verb):
    """The ``that`` opening a clause right after ``verb`` (``observed that``, ``pointed out that``),
    however the parser attached the clause, or None."""
    doc = verb.doc
    j = verb.i + 1
    while j < len(doc) and doc[j].dep_ in ("advmod", "prt") and doc[j].head.i == verb.i:
        j += 1
    if j < len(doc) and doc[j].lower_ == "that" and doc[j].dep_ == "mark":
        return doc[j]
    return None


#: Parts of speech a noun phrase (with its prepositional phrases) is made of.
_PHRASE_POS = frozenset(("DET", "ADJ", "NOUN", "PROPN", "NUM", "ADP", "PART", "ADV", "SYM", "PRON"))


def _clause_follows(verb):
    """The finite verb of a clause that follows ``verb`` with only its subject between (``The
    scientists found reduction of crop yields by 2050 exceeded 10%``, ``court rules worship of
    ancient deities is legal``), when the parser made the clause something else: a conjunct, the
    object's neighbour, a new root. Relative clauses (``found the car he stole``), conjoined verbs and
    anything after a wh-word do not count; a comma only after a phrase that opens with a preposition
    right after the verb (``The city estimated by 9 pm, there would be …``), a conjunction only
    between nouns. None when there is no such clause."""
    doc = verb.doc
    end = verb.sent.end
    seen_noun = False
    opened_by_phrase = verb.i + 1 < end and doc[verb.i + 1].pos_ == "ADP"
    for j in range(verb.i + 1, end):
        token = doc[j]
        if token.text == "," and opened_by_phrase:
            opened_by_phrase, seen_noun = False, False  # the subject starts after the comma
            continue
        if token.tag_ == "VBG" and token.dep_ not in ("ROOT", "conj", "advcl"):
            continue  # "increasing population and changing diet would …"
        if token.pos_ in ("VERB", "AUX"):
            if seen_noun and token.tag_ in FINITE and token.dep_ not in ("relcl", "acl", "amod", "compound") and not _governs_from_outside(token, verb):
                return token
            return None
        if token.tag_ == "HYPH":
            continue
        if token.pos_ == "CCONJ" and seen_noun and j + 1 < end and doc[j + 1].tag_ not in FINITE:
            continue
        if token.tag_ in ("WDT", "WP", "WP$") or token.pos_ not in _PHRASE_POS:
            return None
        if token.pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
            seen_noun = True
    return None


def _governs_from_outside(token, verb) -> bool:
    """Whether ``token`` governs ``verb`` through a relative clause (``Smearing
    anyone who believes in … makes people defensive``): then it is the main verb, not ``verb``'s
    content."""
    node = verb
    while node.head.i != node.i:
        if node.dep_ in ("relcl", "acl"):
            return any(a.i == token.i for a in node.ancestors)
        node = node.head
    return False


def _verb_in_disguise(token) -> bool:
    """A word tagged as a noun that the parser still gave a subject and a clause: the verb of
    ``Estimates by the government state about 350 thousand abortions are carried out …``."""
    if token.pos_ != "NOUN" or not any(c.dep_ == "ccomp" for c in token.children):
        return False
    return any(c.dep_ == "nsubj" for c in token.children) or _named_before(token) is not None


def _named_before(token):
    """The name the parser hung as a compound on a verb it took for a plural noun, the sentence's
    root: ``Trump predicts that …`` parsed as the noun phrase "Trump predicts"; or None."""
    if token.dep_ != "ROOT" or token.tag_ != "NNS" or not token.lower_.endswith("s"):
        return None
    if token.lemma_.lower() not in SPEECH_VERBS | COGNITION_VERBS:
        return None
    return next((c for c in token.children if c.dep_ == "compound" and c.i == token.i - 1 and c.text[:1].isupper()), None)


def _announced_death(verb, lemma: str, subject, passive: bool) -> str:
    """``The country's state news announced the death``, ``His death was announced by his son``: a
    death made known by someone (an announcement of anything else with only a noun is an act, not
    reported content). A count of deaths (``Bangladesh reports five new deaths``, ``reporting 37,542
    deaths``, ``reported no deaths``) is a figure reported with only a noun: no quote (convention E)."""
    if lemma not in ("announce", "confirm", "report"):
        return ""
    if passive:
        agent = next((g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
        dead = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        speaks = agent is not None and (_is_speaker(agent) or agent.lemma_.lower() in ("son", "daughter", "wife", "husband", "family", "spokesperson"))
    else:
        dead = next((c for c in verb.children if c.dep_ == "dobj"), None)
        speaks = subject is not None and (_speaking_subject(subject) or subject.lemma_.lower() in ("news", "media", "television", "radio"))
    if dead is not None and dead.lemma_.lower() in ("death", "passing", "arrest") and speaks and not _counted(dead):
        return f"reported {dead.lemma_.lower()}: {verb.text} …"
    return ""


def _object_with_predicate(verb):
    """The object of ``verb`` when it carries a predicate of its own, so that what is reported is a
    situation, not a noun: a past tense the parser hung from the noun (``scientists report spiky
    skulls evolved at least 25 separate times``, a clause whose ``that`` was left out) or a gerund
    with its object (``reported some property sellers offering free toilet paper``); else None."""
    for obj in (c for c in verb.children if c.dep_ == "dobj"):
        for c in obj.children:
            if c.dep_ not in ("acl", "relcl") or c.i < obj.i or any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children):
                continue
            if c.tag_ == "VBD" or (c.tag_ == "VBG" and any(g.dep_ == "dobj" for g in c.children)):
                return obj
    return None


def _counted(noun) -> bool:
    """Whether ``noun`` is counted: a number (``five new deaths``, ``37,542 deaths``) or ``no``."""
    return any(
        c.dep_ in ("nummod", "quantmod") or c.ent_type_ == "CARDINAL" or (c.dep_ == "det" and c.lower_ == "no")
        for c in noun.children
    )


def _timed_not_agent(verb) -> bool:
    """``The city estimated by 9 pm, there would be …``: the parser read a past tense after the
    subject as a passive participle whose agent is a time; the noun it hangs from is its subject."""
    if verb.tag_ != "VBN" or verb.dep_ != "acl" or verb.i != verb.head.i + 1 or verb.head.dep_ not in ("nsubj", "nsubjpass"):
        return False
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    when = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
    return when is not None and when.ent_type_ in ("TIME", "DATE")


def _noun_before(verb):
    """The noun right before ``verb`` (adverbs skipped) in the same sentence, or None: the subject of
    a verb the parser took for something else (``Greek court rules …``)."""
    doc = verb.doc
    j = verb.i - 1
    while j >= verb.sent.start and doc[j].pos_ == "ADV":
        j -= 1
    if j >= verb.sent.start and doc[j].pos_ in ("NOUN", "PROPN", "PRON"):
        return doc[j]
    return None


def _speaker_before(verb):
    """A name or a personal pronoun right before ``verb`` (punctuation skipped), in the same
    sentence: the speaker of ``…, Tom Lee, SC, said that`` when the parser gave the verb no subject."""
    doc = verb.doc
    j = verb.i - 1
    while j >= verb.sent.start and doc[j].is_punct:
        j -= 1
    if j >= verb.sent.start and (doc[j].pos_ == "PROPN" or doc[j].lower_ in ("he", "she", "they")):
        return doc[j]
    return None


def _after_appositive(verb) -> bool:
    """``William Conley, a United States District judge, ordered …``: a past tense right after an
    appositive's comma that the parser took for a participle of the speaker before it."""
    doc = verb.doc
    return verb.tag_ == "VBN" and verb.dep_ == "acl" and verb.i > verb.sent.start and doc[verb.i - 1].text == "," and _speaking_subject(verb.head)


def _root_after_appositive(verb):
    """The clause reported by such a verb when the parser made it the sentence's root (``The city's
    security chief, Abdullah al-Jahafi, announced on Facebook on Tuesday there were suspects in
    custody``), or None."""
    if not _after_appositive(verb):
        return None
    root = verb.sent.root
    if root.i > verb.i and root.tag_ in FINITE and any(c.dep_ in ("nsubj", "nsubjpass", "expl") and c.i > verb.i for c in root.children):
        return root
    return None


def _parenthetical(verb, subject) -> bool:
    """``Many of the cultures, the complaint pointed out, have a concept of family …``: a speaker and
    a verb of saying set between commas inside the sentence they attribute."""
    doc = verb.doc
    if subject is None or verb.dep_ != "ROOT" or not (_speaking_subject(subject) or _finds(subject)):
        return False
    before = subject.left_edge.i - 1
    if before <= verb.sent.start or doc[before].text != ",":
        return False
    after = verb.i + 1
    while after < verb.sent.end and doc[after].dep_ == "prt":
        after += 1
    if after >= verb.sent.end or doc[after].text != ",":
        return False
    return any(c.i > after and c.dep_ in ("dep", "advcl", "conj", "ccomp", "parataxis", "xcomp") and c.pos_ in ("VERB", "AUX") for c in verb.children)


def _request(verb, lemma: str, subject, passive: bool) -> str:
    """``asked the council to …``, ``recommends that …``, ``were advised to …``, ``asked officials
    how …``, ``a petition asking the government to …``: a request, recommendation or question put to
    someone, with what is asked as an infinitive or a clause."""
    asked = [
        c
        for c in verb.children
        if c.i > verb.i
        and (
            c.dep_ == "ccomp"
            or (c.dep_ == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children))
            # "asked U.S. citizens not approach the Embassy": the "to" left out after the one asked
            or (c.dep_ == "xcomp" and c.tag_ == "VB" and any(o.dep_ in ("dobj", "dative") and o.i < c.i for o in verb.children))
        )
    ]
    if not asked or (verb.dep_ == "acl" and verb.tag_ == "VBN" and not _after_appositive(verb)):
        return ""  # "the taxes requested in arrears": the thing asked for, not the asker
    colon = verb.i + 1 < len(verb.doc) and verb.doc[verb.i + 1].text == ":"
    if colon and subject is not None and _is_speaker(subject) and not passive:
        return f"reported question: {subject.text} {verb.text}: …"  # "A reporter asked: Did they …?"
    if lemma == "ask" and not passive and not any(c.dep_ in ("dobj", "dative") for c in verb.children) and not any(c.dep_ == "xcomp" for c in asked):
        # "The group asked whether candidates supported …": a yes-or-no question its asker put
        if not (subject is not None and _is_speaker(subject) and subject.lower_ not in ("it", "this", "that", "which")
                and any(m.dep_ == "mark" and m.lower_ in ("whether", "if") for c in asked if c.dep_ == "ccomp" for m in c.children)):
            return ""  # "asked when it might happen": a question put to nobody in particular
    if lemma in REQUEST_NEEDS_SPEAKER and not passive:
        if subject is None or subject.lower_ in ("it", "this", "that", "which") or not _is_speaker(subject):
            return ""  # "low rates encourage people to borrow"
    who = subject.text if subject is not None else "someone"
    return f"reported request: {who} {verb.text} …"


def _description(verb, subject, passive: bool) -> str:
    """``the magazine describes the ruling as historic``, ``which the Church describes as a
    retreat``, ``articles have characterised it as …``: how a speaker characterised a thing. The
    passive counts only with its speaker (``described by critics as``): ``a condition described as
    …`` alone is the writer's definition."""
    has_as = any(t.lower_ == "as" and t.dep_ == "prep" and t.i > verb.i and _within(t, verb, 3) for t in verb.subtree)
    if not has_as:
        return ""
    if passive:
        agent = next((g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
        if agent is None or not (_is_speaker(agent) or _finds(agent)):
            return ""
        return f"reported description: {verb.text} by {agent.text} as …"
    if subject is None or subject.lower_ in ("it", "this", "that", "which") or not (_speaking_subject(subject) or _finds(subject)):
        return ""
    if verb.lemma_.lower() == "name" and not (_finds(subject) or subject.lemma_.lower() in _IDENTIFIERS):
        return ""  # "Biden named Harris as his running mate": an appointment, not a report
    if verb.lemma_.lower() == "cast" and not any(
        t.lower_ == "as" and any(g.dep_ in ("pcomp", "pobj", "acomp") and (g.tag_ == "VBG" or g.pos_ == "ADJ") for g in t.children)
        for t in verb.children
    ):
        return ""  # "Lucas cast Ford as Han Solo": a role; "cast her rival as offering …" is a portrayal
    return f"reported description: {subject.text} {verb.text} … as …"


#: Speakers whose naming of someone "as" someone reports an identification: ``Reports named him as
#: Khairi Saadallah``, ``Police named the victim as …``.
_IDENTIFIERS = frozenset("police media newspaper newspapers outlet outlets source sources official officials authority authorities".split())


def _within(token, ancestor, hops: int) -> bool:
    """Whether ``ancestor`` is at most ``hops`` heads above ``token`` with no other verb between:
    ``defined that something else as …`` where the parser hung ``as`` from the object."""
    for _ in range(hops):
        token = token.head
        if token.i == ancestor.i:
            return True
        if token.pos_ in ("VERB", "AUX"):
            return False
    return False


#: Words that open a question after a stance ("unsure why …"); not "when" or "where", which open a
#: time or a place as often ("was doubtful when he arrived").
_WH = frozenset("why whether how what who".split())


def _stance(adjective) -> str:
    """``secularist associations are concerned the government will …``: an adjective of belief or
    feeling with a clause, said of someone other than the writer (the parser makes ``concerned`` an
    adjective or a passive verb)."""
    if adjective.lower_ not in STANCE_ADJECTIVES:
        return ""
    if adjective.dep_ == "acomp" and adjective.head.lemma_.lower() == "be":
        head = adjective.head
        subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
    elif any(c.dep_ == "auxpass" for c in adjective.children):
        head = adjective
        around = list(adjective.children) + [g for c in adjective.children if c.dep_ == "auxpass" for g in c.children]
        subject = next((c for c in around if c.dep_ in ("nsubjpass", "nsubj")), None)
    else:
        return ""
    if subject is None or subject.pos_ not in ("NOUN", "PROPN", "PRON"):
        return ""
    if subject.lower_ in FIRST_PERSON | _NOBODY_IN_PARTICULAR | {"you", "it", "this", "that", "which", "there", "who"}:
        return ""
    if any(c.dep_ == "ccomp" for c in adjective.children) or any(c.dep_ == "ccomp" and c.i > adjective.i for c in head.children):
        return f"reported stance: {subject.text} … {adjective.text} …"
    # "was unsure why the battle seemed to start": the question hung on the copula
    if any(c.dep_ == "advcl" and c.i > adjective.i and any(g.dep_ in ("advmod", "mark") and g.lower_ in _WH and g.i < c.i for g in c.children)
           for c in head.children):
        return f"reported stance: {subject.text} … {adjective.text} …"
    return ""


def _poll_say(token) -> bool:
    """``One in five say that won't be true``: a share of those polled before ``say``, which the
    tagger took for a noun ("in five say"), with what they say after it."""
    doc = token.doc
    return (
        token.lower_ == "say"
        and token.pos_ == "NOUN"
        and 3 <= token.i
        and token.i + 1 < len(doc)
        and doc[token.i - 1].like_num
        and doc[token.i - 2].lower_ in ("in", "of", "out")
        and doc[token.i - 3].like_num
        and not doc[token.i + 1].is_punct
    )


def _doer_above(verb):
    """Who does ``verb``, a participle under a preposition (``by saying …``): the subject of the
    nearest clause above it, when that is a speaker other than the writer; else None."""
    token, hops = verb.head, 0
    while hops < 6:
        subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
        if subject is not None:
            return subject if _speaking_subject(subject) else None
        if token.head.i == token.i:
            return None
        token, hops = token.head, hops + 1
    return None


def _speaking_subject(subject) -> bool:
    """Whether ``subject`` is a speaker other than the writer: a person, a body, a pronoun for one;
    for a share of people (``95% of the participants``, ``most of the residents``) the people."""
    if subject is None or subject.lower_ in FIRST_PERSON | _NOBODY_IN_PARTICULAR | {"it", "this", "that", "which", "there", "you"}:
        return False
    if _is_speaker(subject) or subject.lemma_.lower() in DOCUMENT_NOUNS:
        return True  # "the city issued a statement announcing the break had been contained"
    if subject.lemma_.lower() in BODY_NOUNS:
        return True  # "The city of Calabasas announced …"
    if subject.like_num or subject.text == "%" or subject.lower_ in ("most", "many", "some", "half", "majority", "all", "none", "few", "percent"):
        of = next((c for c in subject.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        people = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
        # "Thirty percent of whites agree that …": a share of a people counted is a share of those polled
        return people is not None and (_is_speaker(people) or (subject.lower_ in ("percent", "%") and people.lemma_.lower() in PEOPLE_NOUNS))
    return False


def _pledge(verb, lemma: str, subject) -> str:
    """``promised to conduct new elections``, ``promises stricter punishments``, ``vowed to rebuild``,
    ``threatened to resign``: what a speaker pledged, with its content (an infinitive, or an object
    for all but ``threaten``)."""
    if lemma not in PLEDGE_VERBS or not _speaking_subject(subject):
        return ""
    infinitive = any(c.dep_ == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children) for c in verb.children)
    content = infinitive or (lemma != "threaten" and any(c.dep_ in ("dobj", "ccomp") and c.pos_ != "PRON" for c in verb.children))
    return f"reported pledge: {subject.text} {verb.text} …" if content else ""


def _accusation(verb, lemma: str, subject, passive: bool) -> str:
    """``blamed both Israel and the United States for the attack``, ``that critics blame for …``,
    ``accused the firm of fraud``: an accusation by a speaker (the passive ``are accused of`` is
    taken elsewhere)."""
    if lemma not in ACCUSATION_VERBS or passive or not _speaking_subject(subject):
        return ""
    if any(c.dep_ == "prep" and c.lower_ in ("for", "of", "on") for c in verb.children):
        return f"reported accusation: {subject.text} {verb.text} …"
    return ""


def _object_to(verb, lemma: str, subject) -> str:
    """``Netanyahu envisioned the pipeline to end …``: a belief about something, with an object and
    an infinitive, by a speaker."""
    if lemma not in OBJECT_BELIEF_VERBS or not _speaking_subject(subject):
        return ""
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is None:
        return ""
    if any(c.dep_ in ("xcomp", "advcl", "ccomp") and c.i > obj.i and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children) for c in verb.children):
        return f"reported belief: {subject.text} {verb.text} … to …"
    return ""


def _placed(verb, lemma: str, subject) -> str:
    """``The USGS placed the epicenter of the quake about eight kilometers southwest of …``,
    ``police put the death toll at 20``: an estimate by a speaker or an agency."""
    if lemma not in ("place", "put", "estimate") or not (_speaking_subject(subject) or (subject is not None and _finds(subject))):
        return ""
    if lemma == "estimate":
        # "The World Population Review estimated the total population of the state at just over one
        # million": a figure someone put on a thing
        at = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "at"), None)
        if at is not None and any(c.dep_ == "dobj" for c in verb.children) and any(g.like_num or g.ent_type_ in ("CARDINAL", "MONEY", "PERCENT", "QUANTITY") for g in at.subtree):
            return f"reported estimate: {subject.text} {verb.text} … at …"
        return ""
    if any(c.dep_ == "dobj" and c.lemma_.lower() in ESTIMATED_NOUNS for c in verb.children):
        return f"reported estimate: {subject.text} {verb.text} …"
    return ""


def _call_for(verb, lemma: str, subject) -> str:
    """``The hospital also asked for patience``, ``They called on Turkey to halt …``, ``appealed for
    calm``: a call or request by a speaker, general or addressed to someone."""
    if lemma == "demand" and _speaking_subject(subject) and any(c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN") for c in verb.children):
        return f"reported demand: {subject.text} {verb.text} …"  # "Merkel demanded an explanation"
    if lemma == "disagree" and _speaking_subject(subject) and any(c.dep_ == "prep" and c.lower_ == "with" for c in verb.children):
        return f"reported view: {subject.text} {verb.text} with …"
    if lemma not in CALL_VERBS or not _speaking_subject(subject):
        return ""
    preps = [c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("for", "on", "upon")]
    if any(p.lower_ == "for" and any(g.dep_ == "pobj" for g in p.children) for p in preps):
        return f"reported call: {subject.text} {verb.text} for …"
    if any(
        c.dep_ in ("advcl", "ccomp") and c.i > verb.i
        and any(g.dep_ == "mark" and g.lower_ == "for" for g in c.children)
        and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
        for c in verb.children
    ):
        return f"reported call: {subject.text} {verb.text} for … to …"  # "called for his death to be investigated"
    if any(p.lower_ in ("on", "upon") for p in preps) and any(
        c.dep_ == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children) for c in verb.children
    ):
        return f"reported call: {subject.text} {verb.text} on … to …"
    return ""


#: Verbs that put a stance into words with a noun and its content: ``expressed a preference to
#: proceed``, ``stated its intention to leave the market``, ``announced plans to …``.
_STANCE_PUT = frozenset("express voice state announce reiterate signal confirm".split())


def _expressed(verb, lemma: str, subject) -> str:
    """``McConnell has expressed a preference to proceed …``, ``voiced hope that …``: a stance put
    into words, with its content (an infinitive or a clause; ``expressed interest in donations``
    has none)."""
    if lemma not in _STANCE_PUT or not _speaking_subject(subject):
        return ""
    for obj in (c for c in verb.children if c.dep_ == "dobj" and c.pos_ == "NOUN"):
        for c in obj.children:
            infinitive = c.dep_ in ("acl", "relcl") and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
            clause = c.dep_ in ("acl", "ccomp") and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
            if infinitive or clause:
                return f"reported stance: {subject.text} {verb.text} {obj.text} …"
    return ""


def _called_it(verb, lemma: str, subject) -> str:
    """``The United States called its actions defensive``, ``called the ruling a disgrace``: a
    speaker's characterisation without ``as`` (names, ``called the baby Sarah``, do not count)."""
    if lemma != "call" or not _speaking_subject(subject):
        return ""
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is None:
        return ""
    said = [c for c in verb.children if c.dep_ in ("oprd", "ccomp") and c.i > obj.i and c.pos_ in ("ADJ", "NOUN")]
    said += [c for c in obj.children if c.dep_ in ("acl", "amod", "oprd") and c.pos_ == "ADJ" and c.i > obj.i]
    return f"reported description: {subject.text} {verb.text} … {said[0].text}" if said else ""


def _intention(verb, lemma: str) -> str:
    """``Clinton hopes to make a statement``, ``Party leaders hope that Sanders will …``, ``Rubio wants
    to emerge as …``: a hope, wish or plan a speaker other than the writer holds, with its content as
    an infinitive or a clause."""
    if lemma not in INTENTION_VERBS or any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return ""
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in verb.children):
        return ""
    subject = _subject(verb)
    if not _speaking_subject(subject) or subject.lower_ in ("you", "who"):
        return ""
    if not any(c.dep_ in ("xcomp", "ccomp") and c.i > verb.i for c in verb.children):
        return ""
    return f"reported intention: {subject.text} {verb.text} …"


def _praise_or_blame(verb, lemma: str) -> str:
    """``Trump mocked Rubio for not having won a single state``: praise or blame a speaker gave
    someone, with what they said of them in a ``for`` phrase."""
    if lemma not in PRAISE_BLAME_VERBS or any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return ""
    subject = _subject(verb)
    if not _speaking_subject(subject) or subject.lower_ in ("you", "who"):
        return ""
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    if not objects:
        return ""
    # "attacked GOP voters, lawmakers, and thinkers for opposing …": the parser hangs "for" on the last
    # of the objects
    heads = [verb] + objects + [c for o in objects for c in o.conjuncts]
    reason = next((c for h in heads for c in h.children if c.dep_ == "prep" and c.lower_ == "for" and c.i > verb.i), None)
    what = next((g for g in reason.children if g.dep_ in ("pobj", "pcomp")), None) if reason is not None else None
    if what is None or what.ent_type_ in ("DATE", "TIME") or any(t.like_num for t in what.subtree):
        return ""  # "attacked the town for three days": a time, not a reason
    return f"reported praise or blame: {subject.text} {verb.text} … for …"


#: What a winner "claims" by taking it, not by saying so: ``claiming his third victory``, ``claimed
#: 41 percent of the vote``.
_PRIZES = frozenset("victory win seat title crown prize percent % vote votes share delegate delegates medal place spot lead".split())


#: What someone "tells" that reports no content: ``fined for telling lies``, ``told the truth``,
#: ``telling jokes``.
_TALES = frozenset("lie lies truth joke jokes fib fibs tale tales untruth untruths falsehood falsehoods".split())


def _reports_nothing(verb, lemma: str) -> bool:
    """A winner claiming a prize, or someone telling lies or jokes: a verb of saying whose object
    is no content anyone reports."""
    objects = {word for c in verb.children if c.dep_ == "dobj" for word in (c.lemma_.lower(), c.lower_)}
    return bool(objects & (_PRIZES if lemma == "claim" else _TALES if lemma == "tell" else frozenset()))


def _speaks(verb, subject) -> bool:
    """Whether the subject of ``verb`` is a speaker; the parser sometimes splits ``The forecaster
    Ann Lee`` into two subjects, so any subject of the verb will do."""
    return _is_speaker(subject) or any(c.dep_ == "nsubj" and _is_speaker(c) for c in verb.children)


def _indirect_speech(tokens) -> Iterable[tuple[object, str]]:
    """(verb, reason) for each verb that reports speech or a stated belief."""
    inside = {t.i for t in tokens}
    for verb in tokens:
        if _poll_say(verb):
            yield verb, f"reported speech: {verb.doc[verb.i - 3 : verb.i + 1].text} …"
            continue
        stance = _stance(verb) if verb.pos_ in ("ADJ", "VERB") else ""
        if stance:
            yield verb, stance
            continue
        if verb.pos_ != "VERB" and not _verb_in_disguise(verb):
            continue
        lemma = verb_lemma(verb)
        finding = _finding(verb, lemma) or _participle_finding(verb, lemma) or _made_clear(verb)
        if finding:
            yield verb, finding
            continue
        if (
            lemma == "put"
            and verb.dep_ == "advcl"
            and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
            and any(c.dep_ == "dobj" and c.lower_ == "it" for c in verb.children)
        ):
            # "traffic 'ground to a halt' — as the Supreme Court decision put it —": an attribution
            speaker = _subject(verb)
            if speaker is not None and speaker.lower_ not in FIRST_PERSON:
                yield verb, f"attribution: as {speaker.text} put it"
                continue
        if lemma in PASSIVE_REPORTING and _passive_with_infinitive(verb):
            yield verb, f"reported: {verb.text} to …"
            continue
        if lemma in PLEDGE_VERBS | ACCUSATION_VERBS | CALL_VERBS | OBJECT_BELIEF_VERBS | _STANCE_PUT | {"demand", "disagree", "place", "put", "estimate"}:
            subject = _subject(verb)
            # "an armed group accused by Pakistan of …": a participle is passive, its noun no speaker
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (verb.tag_ == "VBN" and verb.dep_ == "acl")
            why = "" if passive else (
                _pledge(verb, lemma, subject)
                or _accusation(verb, lemma, subject, passive)
                or _called_it(verb, lemma, subject)
                or _call_for(verb, lemma, subject)
                or _expressed(verb, lemma, subject)
                or _object_to(verb, lemma, subject)
                or _placed(verb, lemma, subject)
            )
            if why:
                yield verb, why
                continue
        intention = _intention(verb, lemma) or _praise_or_blame(verb, lemma)
        if intention:
            yield verb, intention
            continue
        speech = lemma in SPEECH_VERBS
        request = lemma in REQUEST_VERBS
        describes = lemma in DESCRIPTION_VERBS
        if not (speech or request or describes) and lemma not in COGNITION_VERBS:
            continue
        subject = _subject(verb)
        timed = _timed_not_agent(verb)
        if timed:
            subject = verb.head  # "The city estimated by 9 pm, there would be …" taken for a passive
        if subject is None and verb.dep_ == "ROOT":  # "…, reported NDTV."
            subject = next((c for c in verb.children if c.dep_ == "dobj" and c.pos_ == "PROPN" and c.i > verb.i and c.i == verb.i + 1), None)
        if verb.dep_ == "relcl" and (speech or lemma in COGNITION_VERBS) and verb.i + 1 < verb.sent.end:
            # "…, which Politico reported left some experts disappointed", "…, whom many progressives
            # believed was tilting …": the relative pronoun is the subject of the clause reported,
            # the speaker the verb's own
            subjects = [c for c in verb.children if c.dep_ == "nsubj"]
            speakers = [c for c in subjects if c.tag_ not in ("WDT", "WP") and _speaking_subject(c)]
            following = verb.doc[verb.i + 1]
            if any(c.tag_ in ("WDT", "WP") for c in subjects) and speakers and following.pos_ in ("VERB", "AUX") and following.tag_ in FINITE:
                yield verb, f"{'reported speech' if speech else 'reported belief'}: {speakers[0].text} {verb.text} …"
                continue
        if subject is None and speech and verb.dep_ == "ROOT" and any(c.dep_ == "ccomp" for c in verb.children):
            # "About 4 in 10 say they want …": a share of those polled, hung on the verb as a number
            subject = next((c for c in verb.children if c.dep_ == "nummod" and c.i < verb.i), None)
        that = _that_follows(verb)
        if subject is None and (that is not None or (speech and any(c.dep_ == "ccomp" for c in verb.children))) and (speech or lemma in COGNITION_VERBS):
            subject = _speaker_before(verb)  # "Speaking in his defence, Tom Lee, SC, said that …"
        if subject is None and speech and verb.tag_ == "VBG" and verb.dep_ == "pcomp" and any(c.dep_ == "ccomp" for c in verb.children):
            subject = _doer_above(verb)  # "candidates were able to talk their way out by saying it was …"
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
            # "I was hauled in and told that …": a passive shared with the verb before
            verb.dep_ == "conj"
            and verb.tag_ in ("VBN", "VBD")
            and not any(c.dep_ in ("nsubj", "aux") for c in verb.children)
            and any(c.dep_ == "auxpass" for c in verb.head.children)
        )
        if subject is None and not passive:
            continue
        if subject is not None and subject.lower_ in FIRST_PERSON and not (passive and speech and not _modal(verb)):
            continue  # the writer's own voice ("as we predicted", "I have written"); "I was told" is not
        if subject is not None and any(c.dep_ in ("det", "amod") and c.lower_ in ("few", "no") for c in subject.children):
            continue  # "few journalists thought to ask why …": nobody in particular
        if subject is not None and subject.lower_ in _NOBODY_IN_PARTICULAR:
            continue  # "anyone claiming they know …": a hypothetical speaker
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in verb.children) or (verb.tag_ == "VB" and (verb.dep_ == "ROOT" or verb.i == tokens[0].i) and not any(c.dep_ in ("nsubj", "aux") for c in verb.children)):
            continue  # "if anyone supposes that …", "Suppose they did": hypotheses, not reports
        if (
            subject is not None
            and subject.lower_ == "it"
            and passive
            and lemma in SPEECH_VERBS | PASSIVE_REPORTING
            and not _modal(verb)
            and any(c.dep_ == "ccomp" for c in verb.children)
        ):
            yield verb, f"reported: it was {verb.text} …"  # "It was reported he was in a coma …"
            continue
        if subject is not None and subject.lower_ in ("it", "this", "that", "which") and lemma not in THING_MAY_SAY | PEOPLE_ONLY_SPEECH | (REQUEST_VERBS - REQUEST_NEEDS_SPEAKER):
            continue
        if passive and subject is not None and subject.tag_ in ("WDT", "WP"):
            continue  # "little that can be said to …"
        if request:
            why = _request(verb, lemma, subject, passive)
            if why:
                yield verb, why
                continue
            if not speech:
                continue
        if describes:
            why = _description(verb, subject, passive)
            if why:
                yield verb, why
                continue
            if not speech:
                continue
        if lemma == "accuse" and passive and any(c.dep_ == "auxpass" for c in verb.children) and any(c.dep_ == "prep" and c.lower_ == "of" for c in verb.children):
            yield verb, f"reported allegation: {verb.text} of …"  # "the parents are accused of …"
            continue
        death = _announced_death(verb, lemma, subject, passive)
        if death:
            yield verb, death
            continue
        if lemma in NEEDS_CLAUSE and not _speaking_subject(subject):
            continue  # "a study confirmed that …" is not speech
        # "was observed limiting purchases": a perception with a gerund, no report ("is said to …" is)
        clause = [c for c in verb.children if c.dep_ in ("ccomp",) or (c.dep_ == "xcomp" and passive and not _doing(c))]
        # the parser hangs the clause on a modifier ("shouting out loud that …") or loses it after
        # "that" ("Wilkins observed that the date … coincided"): the clause is still the verb's
        clause += [g for c in verb.children if c.dep_ in ("advmod", "prt") for g in c.children if g.dep_ == "ccomp"]
        if not clause and that is not None:
            clause = [that]
        if not clause and subject is not None and lemma in CLAUSE_VERBS and (
            verb.tag_ in FINITE or timed or (verb.tag_ == "VBG" and verb.dep_ in ("acl", "advcl", "xcomp"))
        ):
            # "He told the press conference the bridge would reopen" parsed as two clauses side by side
            lost = _clause_follows(verb)
            clause = [lost] if lost is not None else []
        if not clause and lemma in CLAUSE_VERBS:
            lost = _root_after_appositive(verb)
            clause = [lost] if lost is not None else []
        if not clause and speech and verb.dep_ == "ccomp" and verb.head.i > verb.i and subject is not None and not passive:
            # "Deutsche Welle reported in mid-2019, 62 Tesco outlets had closed": the parser made the
            # reported clause the root and the verb of saying its complement
            if any(t.text == "," for t in verb.doc[verb.i + 1 : verb.head.i]) and not any(
                c.dep_ == "mark" for c in verb.children
            ):
                clause = [verb.head]
        who = "someone" if subject is None else subject.doc[subject.left_edge.i : subject.i + 1].text if subject.dep_ == "nummod" else subject.text
        if clause and (speech or clause[0].i in inside):
            kind = "reported speech" if speech else "reported belief"
            yield verb, f"{kind}: {who} {verb.text} …"
            continue
        if not speech or lemma in NEEDS_CLAUSE:
            continue
        as_clause = verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
        if as_clause and not any(c.dep_ in ("nsubj", "nsubjpass", "agent") for c in verb.children):
            continue  # "However, as noted, the primary was cancelled": the writer pointing back
        if verb.dep_ == "parataxis" or as_clause:
            yield verb, f"attribution: {who} {verb.text}"
        elif verb.dep_ == "ROOT" and (any(c.dep_ in ("ccomp", "parataxis") for c in verb.children) or _parenthetical(verb, subject)):
            yield verb, f"attribution: {who} {verb.text}"
        elif subject is not None and lemma == "say" and any(c.dep_ in ("dobj", "xcomp", "ccomp", "prep") for c in verb.children):
            yield verb, f"reported speech: {who} {verb.text} …"
        elif (
            subject is not None
            and lemma in VIEW_VERBS
            and (_speaks(verb, subject) or _speaking_subject(subject))
            and any(c.dep_ == "dobj" for c in verb.children)
            and not _reports_nothing(verb, lemma)
        ):
            yield verb, f"reports a view: {who} {verb.text} …"
        elif subject is not None and lemma == "report" and not passive and _speaking_subject(subject) and _object_with_predicate(verb):
            yield verb, f"reported speech: {who} {verb.text} …"
        elif passive and any(c.dep_ == "xcomp" and not _doing(c) for c in verb.children):
            yield verb, f"reported speech: {verb.text} to …"
