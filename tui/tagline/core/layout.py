"""Word wrapping by terminal cells, on plain text: the reader's layout, without a screen.

A line never ends inside a grapheme cluster (an emoji with its skin tone, a family joined by ZWJ, a
flag, a letter and its accents): words too long for a line are cut between clusters (``regex``'s
``\\X``, Unicode's rules). A cluster is measured by the cells the widest kind of terminal gives it:
terminals that know emoji sequences draw 👍🏽 in 2 cells, others (tmux 3.3, xterm) draw the hand and
the skin tone apart, in 4. Measured as 2, a sentence whose line ended in 👍🏽 lost the skin tone past
the right edge; measured as 4, the line ends 2 cells early on a terminal that draws it in 2.
"""

from __future__ import annotations

import re

import regex
from rich.cells import cell_len

_WORD = re.compile(r"\S+\s*|\s+")
_CLUSTER = regex.compile(r"\X")
#: What makes a cluster's width depend on the terminal: a zero width joiner, a skin-tone modifier.
_SEQUENCE = re.compile("[\u200d\U0001F3FB-\U0001F3FF]")
_MODIFIERS = frozenset(chr(c) for c in range(0x1F3FB, 0x1F400))


def cells(text: str) -> int:
    """Terminal cells ``text`` may take: :func:`rich.cells.cell_len`, or more where a terminal
    could draw the parts of an emoji sequence one by one (each skin tone 2 cells)."""
    if text.isascii():
        return len(text)
    size = cell_len(text)
    if _SEQUENCE.search(text) is None:
        return size
    apart = sum(2 if c in _MODIFIERS else cell_len(c) for c in text)
    return max(size, apart)


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of ``text`` into lines of at most ``width`` cells, as (start, end) offsets.

    Trailing spaces stay with their word; a word longer than a line is cut by cells. Always at least
    one line, so an empty sentence still has a row.
    """
    width = max(1, width)
    if text.isascii() or _ONE_CELL.fullmatch(text):
        if len(text) <= width:
            return [(0, len(text))]
        lines = _wrap_one_cell(text, width)
        if lines is not None:
            return lines
    return _wrap_cells(text, width)


#: Characters of one cell each, as :func:`cell_len` measures them: printable ASCII and what news
#: copy adds to it, Latin-1 and Latin Extended-A (not the soft hyphen) and the dashes, quotes and
#: ellipsis of General Punctuation. Space of any kind counts by its length in :func:`_wrap_cells` too.
_ONE_CELL_RANGES = ((0x20, 0x7E), (0xA0, 0xAC), (0xAE, 0x17F), (0x2010, 0x2027))
_ONE_CELL = re.compile("[\\s{}]*".format("".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in _ONE_CELL_RANGES)))
_LINES: dict[int, re.Pattern[str]] = {}


def _line_pattern(width: int) -> re.Pattern[str]:
    """One line of at most ``width`` one-cell characters: as much as fits up to the end of a word,
    then that word's trailing space."""
    pattern = _LINES.get(width)
    if pattern is None:
        pattern = _LINES[width] = re.compile(rf"(?s).{{0,{width - 1}}}\S(?=\s|\Z)\s*")
    return pattern


def _wrap_one_cell(text: str, width: int) -> list[tuple[int, int]] | None:
    """:func:`_wrap_cells` for text of one cell a character, one regex match a line; ``None`` when
    it would take a cut word or a line of leading space, which only :func:`_wrap_cells` makes."""
    if not text or text[0].isspace():
        return None
    match = _line_pattern(width).match
    lines: list[tuple[int, int]] = []
    start, size = 0, len(text)
    while start < size:
        found = match(text, start)
        if found is None:  # a word longer than the line
            return None
        end = found.end()
        lines.append((start, end))
        start = end
    return lines


def _wrap_cells(text: str, width: int) -> list[tuple[int, int]]:
    """The general greedy wrap behind :func:`wrap`, measuring each word in cells."""
    lines: list[tuple[int, int]] = []
    start = 0
    used = 0
    for match in _WORD.finditer(text):
        word_start, word_end = match.span()
        word = match.group(0)
        stripped = word.rstrip()
        size = cells(stripped)
        if used and used + size > width:
            lines.append((start, word_start))
            start, used = word_start, 0
        if size > width:  # a word longer than a line: cut it between grapheme clusters
            word_end = word_start + len(stripped)
            for cluster in _CLUSTER.finditer(text, word_start, word_end):
                w = cells(cluster.group())
                if used and used + w > width:
                    lines.append((start, cluster.start()))
                    start, used = cluster.start(), 0
                used += w
            used += len(word) - len(stripped)
            continue
        used += size + (len(word) - len(stripped))
    lines.append((start, len(text)))
    return lines
