"""Tables that keep their headings whole on a narrow terminal.

At 80 columns, ``tagline stats`` (eleven columns with three labels) and ``tagline agree`` (one column
more for each pair of annotators) had rich cut their headings to ``ann…`` and ``statis…``. A table
whose headings do not all fit whole is printed turned instead: one row per heading, one column per
row of the table (annotators, labels), which fits as long as those are few.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from tagline.commands.output import cell

#: Cells a column takes besides its text: a space either side and a border.
_FRAME = 3


def fitted(headings: list[str], rows: list[list[object]], width: int, *, title: Text | str | None = None,
           caption: Text | str | None = None):
    """``rows`` under ``headings`` (the first column names the row, left-aligned; the others right),
    turned when the headings cannot all be shown whole in ``width`` cells. A turned table wider than
    ``width`` (many rows, or 64-character names) is cut into several, each within ``width``, a cell
    too wide for a table of its own cut with "…": rich gave the headings' column no width at all,
    and no reader could tell which row was which."""
    widths = [max([cell_len(str(h))] + [cell_len(str(r[i])) for r in rows]) for i, h in enumerate(headings)]
    if sum(w + _FRAME for w in widths) + 1 <= width or not rows:
        return _table(headings, rows, width, title, caption)
    turned_headings = [str(headings[0]), *(str(r[0]) for r in rows)]
    turned = [[heading, *(r[i] for r in rows)] for i, heading in enumerate(headings[1:], 1)]
    side = max(cell_len(str(h)) for h in headings[1:])  # the column of the headings
    room = width - 1 - (side + _FRAME) - _FRAME  # what one column of values may take, alone
    groups: list[list[int]] = []
    used = side + _FRAME + 1
    for at in range(1, len(turned_headings)):
        wide = min(max([cell_len(turned_headings[at])] + [cell_len(str(r[at])) for r in turned]), max(room, 1))
        if groups and used + wide + _FRAME <= width:
            groups[-1].append(at)
            used += wide + _FRAME
        else:
            groups.append([at])
            used = side + _FRAME + 1 + wide + _FRAME
    if len(groups) == 1 and used <= width:
        return _table(turned_headings, turned, width, title, caption)
    from rich.console import Group

    tables = []
    for number, group in enumerate(groups):
        part_headings = [turned_headings[0], *(_cut(turned_headings[at], room) for at in group)]
        part_rows = [[r[0], *(_cut(str(r[at]), room) for at in group)] for r in turned]
        tables.append(_table(part_headings, part_rows, width, title if number == 0 else None,
                             caption if number == len(groups) - 1 else None))
    return Group(*tables)


def _table(headings, rows, width, title, caption) -> Table:
    # As wide as the caption, so it stays on one line under a turned (narrow) table.
    longest = max((cell_len(str(t)) for t in (title, caption) if t is not None), default=0)
    table = Table(title=_text(title), caption=_text(caption), min_width=min(width, longest))
    for position, heading in enumerate(headings):
        table.add_column(cell(heading), justify="left" if position == 0 else "right", no_wrap=True)
    for row in rows:
        table.add_row(*(cell(value) for value in row))
    return table


def _cut(text: str, most: int) -> str:
    """``text`` in at most ``most`` cells, "…" where it was cut."""
    if cell_len(text) <= most:
        return text
    while text and cell_len(text) > most - 1:
        text = text[:-1]
    return text + "…"


def _text(value):
    if value is None or isinstance(value, Text):
        return value
    return cell(value)
