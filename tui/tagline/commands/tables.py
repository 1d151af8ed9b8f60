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
           caption: Text | str | None = None) -> Table:
    """``rows`` under ``headings`` (the first column names the row, left-aligned; the others right),
    turned when the headings cannot all be shown whole in ``width`` cells."""
    widths = [max([cell_len(str(h))] + [cell_len(str(r[i])) for r in rows]) for i, h in enumerate(headings)]
    if sum(w + _FRAME for w in widths) + 1 > width and rows:
        headings, rows = [str(headings[0]), *(str(r[0]) for r in rows)], [
            [heading, *(r[i] for r in rows)] for i, heading in enumerate(headings[1:], 1)
        ]
    # As wide as the caption, so it stays on one line under a turned (narrow) table.
    longest = max((cell_len(str(t)) for t in (title, caption) if t is not None), default=0)
    table = Table(title=_text(title), caption=_text(caption), min_width=min(width, longest))
    for position, heading in enumerate(headings):
        table.add_column(cell(heading), justify="left" if position == 0 else "right", no_wrap=True)
    for row in rows:
        table.add_row(*(cell(value) for value in row))
    return table


def _text(value):
    if value is None or isinstance(value, Text):
        return value
    return cell(value)
