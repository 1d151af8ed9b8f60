"""Rule-based paragraph and sentence splitting: pure Python, microseconds per paragraph.

Sentence boundaries never depend on the spaCy model, so an article is taggable the moment it is read,
and annotations keep their offsets when the model changes. The model adds entities on top
(:mod:`tagline.core.nlp`). Sentences never cross a paragraph.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Span(NamedTuple):
    start: int
    end: int  # exclusive, in code points


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_FINAL = re.compile(r"[.!?…:;\"”’')\]]\s*$")


def paragraphs(text: str) -> list[Span]:
    """Paragraph spans of ``text``: one per line, or one per blank-line separated block when the
    block is hard-wrapped (its lines do not end like sentences). Spans exclude surrounding space."""
    lines: list[Span] = []
    for match in _LINE.finditer(text):
        if match.start() == match.end():
            break
        body = match.group(0).rstrip("\r\n")
        lines.append(Span(match.start(), match.start() + len(body)))
    blocks: list[list[Span]] = [[]]
    for line in lines:
        if text[line.start : line.end].strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    result: list[Span] = []
    for block in blocks:
        if not block:
            continue
        hard_wrapped = _hard_wrapped(text, block)
        if hard_wrapped:
            result.append(_strip(text, Span(block[0].start, block[-1].end)))
        else:
            result.extend(_strip(text, line) for line in block)
    return [span for span in result if span.end > span.start]


#: Lines longer than this were not wrapped by hand: each is a paragraph of its own.
WRAP_WIDTH = 100


def _hard_wrapped(text: str, block: list[Span]) -> bool:
    """A block reads as one hard-wrapped paragraph when its lines are short, as an editor wraps
    them, and most of them stop mid-sentence. One-paragraph-a-line files (the usual news dump) have
    long lines and are never joined."""
    if len(block) < 2:
        return False
    if max(line.end - line.start for line in block) > WRAP_WIDTH:
        return False
    open_ended = sum(1 for line in block[:-1] if not _FINAL.search(text[line.start : line.end]))
    return open_ended * 2 >= len(block) - 1


def _strip(text: str, span: Span) -> Span:
    start, end = span
    if start < end and not text[start].isspace() and not text[end - 1].isspace():
        return span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


# Words whose full stop does not end a sentence.
_NEVER_FINAL = frozenset(
    """mr mrs ms dr prof sr jr st mt gen col lt sgt capt cmdr adm gov sen rep rev hon pres supt
    insp det maj brig no nos vs v cf approx dept fig figs vol op ed eds al e.g i.e""".split()
)
_INITIALISM = re.compile(r"(?:^|[\s(\"“])(?:[A-Za-z]\.){2,}$|(?:^|[\s(\"“])[A-Z]\.$")
_BOUNDARY = re.compile(r"([.!?…]+)([\"”’'»)\]]*)(\s+)")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_TAIL = 64  # characters before a full stop that can hold the abbreviation it ends
# After a closing quotation mark, an attribution continues the sentence: “Why?” Asif asked.
_ATTRIBUTION = re.compile(
    r"(?:[A-Z][\w’'.-]*\s+){1,4}(?:said|says|told|asked|asks|added|adds|wrote|writes|explained|insisted|"
    r"argued|warned|replied|noted|claimed|stated|declared|shouted|tweeted|posted|continued|recalled)\b"
)


def sentences(text: str, para: Span) -> list[Span]:
    """Sentence spans inside one paragraph span of ``text``."""
    start, end = para
    chunk = text[start:end]
    spans: list[Span] = []
    sentence_start = 0
    for match in _BOUNDARY.finditer(chunk):
        after = match.end()
        if after >= len(chunk):
            break
        if not _starts_sentence(chunk[after]):
            continue
        stops, closing, space = match.groups()
        if closing and _ATTRIBUTION.match(chunk, after):
            continue
        if not stops.strip("."):  # full stops only: perhaps an abbreviation
            # Both patterns are anchored at the end: search only the last characters before the
            # stop, or a long sentence would be scanned again at every full stop in it. A word
            # longer than that is no abbreviation either way.
            stop = match.start() + 1
            word = _WORD_BEFORE.search(chunk, max(sentence_start, stop - _TAIL), stop)
            if word:
                token = word.group(1).lower().rstrip(".")
                if token in _NEVER_FINAL:
                    continue
                before = chunk[sentence_start:stop]  # ^ is the start of the sentence
                if _INITIALISM.search(before, max(0, len(before) - _TAIL)):
                    continue
        cut = after - len(space)
        spans.append(Span(start + sentence_start, start + cut))
        sentence_start = after
    spans.append(Span(start + sentence_start, end))
    return [_strip(text, s) for s in spans if not text[s.start : s.end].isspace() and s.end > s.start]


def _starts_sentence(char: str) -> bool:
    return char.isupper() or char.isdigit() or char in "\"“‘'(«[—-" or (char.isalpha() and not char.islower())


def split(text: str) -> tuple[list[Span], list[Span], list[int]]:
    """Paragraphs, sentences, and for each sentence the index of its paragraph."""
    paras = paragraphs(text)
    sents: list[Span] = []
    owner: list[int] = []
    for p, para in enumerate(paras):
        for span in sentences(text, para):
            sents.append(span)
            owner.append(p)
    return paras, sents, owner
