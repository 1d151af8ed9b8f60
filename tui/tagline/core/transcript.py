"""Transcripts that name their speakers: a debate, an interview, a press conference.

Read as one only when the user says so (``tagline suggest --transcript``): news has lines such as
``Note: …`` or ``WASHINGTON: …`` that look like a speaker's, so nothing here ever guesses. Two forms:

* **tab-separated** ``speaker<TAB>text``, or ``number<TAB>speaker<TAB>text`` (the CheckThat! lab's
  files; a first cell of digits is a line number when two more cells follow, and cells after the
  text, such as the lab's 0/1 label, are left out). A file is in this form when at least half of its
  non-blank lines hold a tab. Each line is a paragraph.
* **labelled paragraphs** ``SPEAKER: text`` (``TRUMP: We're losing our jobs.``, ``Lester Holt:
  Good evening.``, ``SEN. WARREN (D-MA): …``, ``**Holt:** …``, ``Q: …``). A label is at the start
  of a line, at most six words and 40 characters before the colon, each word capitalised, a number
  or a short particle (``de``, ``van``, ``of``, …), optionally ending in a parenthesis; a time stamp
  before the label or right after its colon (``[00:01:23]``, ``(01:12)``) is left out. A line
  holding only a label (``Lester Holt: (01:12)``) gives the lines after it to that speaker.

In both forms a line without a speaker continues the last speaker's turn (a hard-wrapped line, a
second paragraph); before the first speaker, lines have none (``None``: a title, a preamble). A line
wholly in parentheses or brackets (``(APPLAUSE)``, ``[CROSSTALK]``) is a stage direction: no
speaker, and the turn goes on after it. A transcript that names no speaker at all is not one.

The words said keep their offsets into the text as read: a sentence of a transcript is
``text[start:end]`` like any article's, the label left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tagline.core import segment
from tagline.core.articles import Article

TAB, LABELLED = "tab", "labelled"
#: Lower-case words a speaker's name may hold between capitalised ones (``Beto O'Rourke`` needs
#: none; ``Bill de Blasio``, ``Secretary of State Blinken`` do).
PARTICLES = frozenset("de da del della der den di du la le van von bin ibn al el of the and for".split())
MAX_LABEL_WORDS = 6
MAX_LABEL_CHARS = 40

_STAMP = r"(?:[\[(]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])])"
# A candidate label: at the start of a line, an optional time stamp, optional Markdown emphasis,
# up to the first colon that a space, a time stamp or the end of the line follows.
_LABEL = re.compile(
    rf"[ \t\ufeff]*(?:{_STAMP}[ \t]*)?(?:\*\*|__)?(?P<name>[^:\n\t*_]{{1,{MAX_LABEL_CHARS + 20}}}?)[ \t]*(?:\*\*|__)?:(?:\*\*|__)?"
    rf"(?:[ \t]*{_STAMP})?(?=[ \t]|$)[ \t]*"
)
_WORD = re.compile(r"[^\W_][\w'’.\-]*|\d+")
_PAREN = re.compile(r"\s*\([^()]{1,30}\)$")
_STAGE = re.compile(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])\s*")


@dataclass(frozen=True)
class Turn:
    """A paragraph of a transcript: who says it (``None``: no one named) and the words said, as
    offsets into the text (the label left out)."""

    speaker: str | None
    start: int
    end: int


def speaker_label(line: str) -> tuple[str, int] | None:
    """``(name, where the words said start)`` when ``line`` opens with a speaker's label."""
    match = _LABEL.match(line)
    if match is None:
        return None
    name = " ".join(match.group("name").split())
    return (name, match.end()) if is_name(name) else None


def is_name(name: str) -> bool:
    """Whether ``name`` (before a colon) reads as a speaker's: see the module's notes."""
    if not name or len(name) > MAX_LABEL_CHARS:
        return False
    words = _PAREN.sub("", name).split()
    if not words or len(words) > MAX_LABEL_WORDS or not words[0][:1].isupper():
        return False
    for word in words:
        if not _WORD.fullmatch(word):
            return False
        if not (word[:1].isupper() or word.isdigit() or word in PARTICLES):
            return False
    return True


def form(text: str) -> str:
    """:data:`TAB` when at least half of the non-blank lines of ``text`` hold a tab, else
    :data:`LABELLED`."""
    lines = [line for line in text.splitlines() if line.strip()]
    tabbed = sum(1 for line in lines if "\t" in line)
    return TAB if lines and tabbed * 2 >= len(lines) else LABELLED


def turns(text: str) -> list[Turn]:
    """The paragraphs of the transcript ``text``, each with its speaker, in order."""
    lines = _lines(text)
    return _tab_turns(text, lines) if form(text) == TAB else _labelled_turns(text, lines)


def _lines(text: str) -> list[tuple[int, int]]:
    found = []
    for match in re.finditer(r"[^\r\n]*(?:\r\n|\r|\n|$)", text):
        if match.start() == match.end():
            break
        body = match.group(0).rstrip("\r\n")
        found.append((match.start(), match.start() + len(body)))
    return found


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _tab_turns(text: str, lines: list[tuple[int, int]]) -> list[Turn]:
    result: list[Turn] = []
    current: str | None = None
    for start, end in lines:
        line = text[start:end]
        if not line.strip():
            continue
        if _STAGE.fullmatch(line):
            result.append(Turn(None, *_stripped(text, start, end)))
            continue
        if "\t" not in line:  # no speaker cell: the last speaker goes on
            result.append(Turn(current, *_stripped(text, start, end)))
            continue
        cells = line.split("\t")
        first = 1 if cells[0].strip().isdigit() and len(cells) >= 3 else 0
        name = " ".join(cells[first].split()).rstrip(":").rstrip()
        said = start + sum(len(cell) + 1 for cell in cells[: first + 1])
        said_end = said + len(cells[first + 1])
        if name:
            current = name
        begin, finish = _stripped(text, said, said_end)
        if finish > begin:
            result.append(Turn(current, begin, finish))
    return result


def _labelled_turns(text: str, lines: list[tuple[int, int]]) -> list[Turn]:
    # Blocks of lines, each with one speaker: a label or a blank line starts a new one.
    blocks: list[tuple[str | None, int, int]] = []
    current: str | None = None
    open_block = False
    for start, end in lines:
        line = text[start:end]
        if not line.strip():
            open_block = False
            continue
        if _STAGE.fullmatch(line):
            blocks.append((None, start, end))
            open_block = False
            continue
        label = speaker_label(line)
        if label is not None:
            current = label[0]
            blocks.append((current, start + label[1], end))
            open_block = True
        elif open_block and blocks[-1][0] == current:
            blocks[-1] = (current, blocks[-1][1], end)
        else:
            blocks.append((current, start, end))
            open_block = True
    result: list[Turn] = []
    for speaker, start, end in blocks:
        # Within a speaker's block, paragraphs as in any article: one a line, or a hard-wrapped one.
        for para in segment.paragraphs(text[start:end]):
            result.append(Turn(speaker, start + para.start, start + para.end))
    return result


class Transcript(Article):
    """An article read as a transcript: its paragraphs are the :func:`turns` (labels left out), and
    :attr:`speakers` names the speaker of each sentence."""

    def __init__(self, article: Article):
        super().__init__(article.id, article.path, article.text, article.meta, warning=article.warning)
        self._turns: list[Turn] | None = None

    @property
    def turns(self) -> list[Turn]:
        if self._turns is None:
            self._turns = turns(self.text)
        return self._turns

    def split(self) -> tuple[list[segment.Span], list[segment.Span], list[int]]:
        if self._split is None:
            paras = [segment.Span(turn.start, turn.end) for turn in self.turns]
            sents: list[segment.Span] = []
            owner: list[int] = []
            for p, para in enumerate(paras):
                for span in segment.sentences(self.text, para):
                    sents.append(span)
                    owner.append(p)
            self._split = (paras, sents, owner)
        return self._split

    @property
    def speakers(self) -> list[str | None]:
        """The speaker of each sentence (``None``: no one named)."""
        owner = self.split()[2]
        return [self.turns[p].speaker for p in owner]

    @property
    def named(self) -> bool:
        """Whether any paragraph has a speaker: a transcript that names no one is not one."""
        return any(turn.speaker for turn in self.turns)
