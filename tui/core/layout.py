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
    if text.isascii() and len(text) <= width:
        return [(0, len(text))]
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
