"""Word wrapping by terminal cells, on plain text: the reader's layout, without a screen."""

from __future__ import annotations

import re

from rich.cells import cell_len

_WORD = re.compile(r"\S+\s*|\s+")


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
        size = len(stripped) if stripped.isascii() else cell_len(stripped)
        if used and used + size > width:
            lines.append((start, word_start))
            start, used = word_start, 0
        if size > width:  # a word longer than a line: cut it
            pos = word_start
            while True:
                cut, cells = pos, 0
                while cut < word_start + len(stripped):
                    w = cell_len(text[cut])
                    if cells + w > width - used and cut > pos:
                        break
                    cells += w
                    cut += 1
                if cut >= word_start + len(stripped):
                    used += cells
                    break
                lines.append((start, cut))
                start, pos, used = cut, cut, 0
            used += len(word) - len(stripped)
            continue
        used += size + (len(word) - len(stripped))
    lines.append((start, len(text)))
    return lines
