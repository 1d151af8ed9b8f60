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
from dataclasses import dataclass

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


# -- tables within a width -------------------------------------------------------------------------
@dataclass(frozen=True)
class TablePart:
    """One table of a :class:`FittedTable`: its headings and rows, every cell visible text within
    the width it was fitted to."""

    headings: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class FittedTable:
    """A table laid out for a width (:func:`fit_table`): the parts to show one under the other, and
    every cell that was cut, shown -> in full (``in_full`` words them for a line of their own)."""

    turned: bool
    parts: list[TablePart]
    cut: dict[str, str]


def fit_table(headings: list[str], rows: list[list[object]], width: int, *, frame: int = 3, edge: int = 1) -> FittedTable:
    """``rows`` under ``headings`` laid out within ``width`` cells, the one layout ``tagline status``
    (and stats, agree) prints and the app's Team status screen shows: as it is when every heading
    fits whole; else turned (one row per heading, one column per row of the table: annotators,
    labels); a turned table still wider than ``width`` (many rows, or 64-character names) is cut into
    several parts, and a cell too wide for a part of its own is cut with "…", apart from the others
    (:func:`cut_apart`: two names alike but for their ends stay told apart).

    ``frame``: cells a column takes besides its text (a rich table: a space either side and a
    border, 3; Textual's ``DataTable``: 2); ``edge``: cells the table takes besides its columns."""
    headings = [str(h) for h in headings]
    table = [[str(value) for value in row] for row in rows]
    widths = [max([cells(h)] + [cells(r[i]) for r in table]) for i, h in enumerate(headings)]
    if sum(w + frame for w in widths) + edge <= width or not table:
        return FittedTable(False, [TablePart(headings, table)], {})
    turned_headings = [headings[0], *(r[0] for r in table)]
    turned = [[heading, *(r[i] for r in table)] for i, heading in enumerate(headings[1:], 1)]
    side = max(cells(h) for h in headings[1:])  # the column of the headings
    room = max(width - edge - (side + frame) - frame, 1)  # what one column of values may take, alone
    groups: list[list[int]] = []
    used = 0
    for at in range(1, len(turned_headings)):
        wide = min(max([cells(turned_headings[at])] + [cells(r[at]) for r in turned]), room)
        if groups and used + wide + frame <= width:
            groups[-1].append(at)
            used += wide + frame
        else:
            groups.append([at])
            used = side + frame + edge + wide + frame
    if len(groups) == 1 and used <= width:
        return FittedTable(True, [TablePart(turned_headings, turned)], {})
    shown = cut_apart(turned_headings[1:], room)
    cut = {shown[name]: name for name in turned_headings[1:] if shown[name] != name}
    parts = []
    for group in groups:
        part_rows = []
        for r in turned:
            values = [_cut_cell(r[at], room) for at in group]
            cut.update({v: r[at] for v, at in zip(values, group) if v != r[at]})
            part_rows.append([r[0], *values])
        parts.append(TablePart([turned_headings[0], *(shown[turned_headings[at]] for at in group)], part_rows))
    return FittedTable(True, parts, cut)


def in_full(fitted: FittedTable) -> list[str]:
    """Lines giving every cell :func:`fit_table` cut in full, one a line (a 64-character name fits
    an 80-column line whole): nothing cut to fit is lost. None when nothing was cut."""
    if not fitted.cut:
        return []
    return ["cut above with …, in full:", *(f"  {full}" for full in dict.fromkeys(fitted.cut.values()))]


def cut_apart(texts: list[str], most: int) -> dict[str, str]:
    """Each of ``texts`` within ``most`` cells, "…" where it was cut: at the end, or, where that
    would make two alike, with as much of the end kept as tells them apart
    (``annotator_of_the_desk_0001`` and ``…_0002`` cut to 12 cells were ``annotator_o…`` both;
    now ``annotator_…1`` and ``annotator_…2``)."""
    shown = {text: _cut_cell(text, most) for text in dict.fromkeys(texts)}
    for tail in range(1, max(most - 1, 1)):
        seen: dict[str, int] = {}
        for value in shown.values():
            seen[value] = seen.get(value, 0) + 1
        clashing = [text for text, value in shown.items() if seen[value] > 1 and value != text]
        if not clashing:
            break
        for text in clashing:
            shown[text] = _cut_cell(text, most, tail)
    return shown


def _cut_cell(text: str, most: int, tail: int = 0) -> str:
    """``text`` in at most ``most`` cells: its start, "…", and its last ``tail`` cells."""
    if cells(text) <= most:
        return text
    end = ""
    if tail:
        for cluster in reversed(_CLUSTER.findall(text)):
            if cells(cluster + end) > tail:
                break
            end = cluster + end
    head = ""
    for cluster in _CLUSTER.findall(text):
        if cells(head + cluster) + 1 + cells(end) > most:
            break
        head += cluster
    return head + "…" + end
