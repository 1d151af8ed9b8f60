"""Rule-based paragraph and sentence splitting: pure Python, microseconds per paragraph.

Sentence boundaries never depend on the spaCy model, so an article is taggable the moment it is read,
and annotations keep their offsets when the model changes. The model adds entities on top
(:mod:`tagline.core.nlp`). Sentences never cross a paragraph.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple


class Span(NamedTuple):
    start: int
    end: int  # exclusive, in code points


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_FINAL = re.compile(r"[.!?…:;\"”’')\]]\s*$")


def paragraphs(text: str) -> list[Span]:
    """Paragraph spans of ``text``: one per line, or one per blank-line separated block when the
    block is hard-wrapped (its lines do not end like sentences). Spans exclude surrounding space.

    Markdown structure, where the text has any (:func:`markdown_structure`): headings, code fences
    and rules are no paragraph at all, and each list item is a paragraph of its own that starts
    after its marker (``- ``, ``1. ``)."""
    lines: list[Span] = []
    for match in _LINE.finditer(text):
        if match.start() == match.end():
            break
        body = match.group(0).rstrip("\r\n")
        lines.append(Span(match.start(), match.start() + len(body)))
    skipped, items = markdown_structure(text) if _MARKDOWN_HINT.search(text) else (frozenset(), {})
    blocks: list[list[Span]] = [[]]
    for number, line in enumerate(lines):
        if number in skipped or not text[line.start : line.end].strip():
            if blocks[-1]:
                blocks.append([])
            continue
        if number in items:
            if blocks[-1]:
                blocks.append([])
            line = Span(line.start + items[number], line.end)
        blocks[-1].append(line)
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


#: Lines that may be Markdown structure: only texts with one are parsed as Markdown.
_MARKDOWN_HINT = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|```|~~~|[-*+][ \t]+\S|\d{1,9}[.)][ \t]+\S|(?:[-*_][ \t]*){3,}$)", re.MULTILINE)
_ITEM_MARKER = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")


@functools.lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    # CommonMark, less what would turn plain prose into something else: indented text is not code,
    # HTML is text, and a line of dashes under a paragraph is a rule, not a heading underline.
    return MarkdownIt("commonmark").disable(["code", "html_block", "lheading"])


def markdown_structure(text: str) -> tuple[frozenset[int], dict[int, int]]:
    """(numbers of the lines that are no prose: headings, code fences and their content, rules;
    for the first line of each list item, the width of its marker). Parsed by markdown-it-py."""
    skipped: set[int] = set()
    items: dict[int, int] = {}
    source_lines = text.split("\n")
    for token in _markdown().parse(text):
        if token.map is None:
            continue
        first, last = token.map
        if token.type in ("heading_open", "fence", "hr"):
            skipped.update(range(first, last))
        elif token.type == "list_item_open" and first < len(source_lines):
            marker = _ITEM_MARKER.match(source_lines[first])
            if marker:
                items[first] = marker.end()
    return frozenset(skipped), items


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
    # A line stops mid-sentence when it does not end like a sentence and the line after it does not
    # begin like one (a capital): a list of headlines, one a line, each starting with a capital and
    # none with a full stop, was read as one hard-wrapped sentence.
    open_ended = sum(1 for line, after in zip(block, block[1:])
                     if not _FINAL.search(text[line.start : line.end]) and not _starts_like_a_sentence(text, after))
    return open_ended * 2 >= len(block) - 1


def _starts_like_a_sentence(text: str, line: Span) -> bool:
    first = text[line.start : line.end].lstrip()[:1]
    return first.isupper()


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
#: Abbreviated months, which do not end a sentence before a day or a year: ``on Jan. 3``.
_MONTHS = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())
_INITIALISM = re.compile(r"(?:^|[\s(\"“])(?:[A-Za-z]\.){2,}$|(?:^|[\s(\"“])[A-Z]\.$")
_BOUNDARY = re.compile(r"([.!?…]+)([\"”’'»)\]]*)(\s+)|([。！？]+[」』”’）)]*)(\s*)")
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
        if match.group(4):  # 。！？ end a sentence whatever follows, with or without a space
            spans.append(Span(start + sentence_start, start + match.end(4)))
            sentence_start = after
            continue
        if not _starts_sentence(chunk[after]):
            continue
        stops, closing, space = match.group(1, 2, 3)
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
                if token in _MONTHS and chunk[after].isdigit():
                    continue  # "on Jan. 3", "in Sept. 2021"
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
