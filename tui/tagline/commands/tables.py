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
from tagline.core import layout


def fitted(headings: list[str], rows: list[list[object]], width: int, *, title: Text | str | None = None,
           caption: Text | str | None = None):
    """``rows`` under ``headings`` (the first column names the row, left-aligned; the others right),
    laid out by :func:`tagline.core.layout.fit_table` (the app's Team status screen shows the same
    layout): turned when the headings cannot all be shown whole in ``width`` cells, a turned table
    wider than ``width`` cut into several, a cell too wide for a table of its own cut with "…"
    (rich gave the headings' column no width at all, and no reader could tell which row was which),
    then what was cut, in full."""
    from rich.console import Group

    fit = layout.fit_table(headings, rows, width)
    last = len(fit.parts) - 1
    tables = [_table(part.headings, part.rows, width, title if number == 0 else None, caption if number == last else None)
              for number, part in enumerate(fit.parts)]
    full = [cell(line) for line in layout.in_full(fit)]
    return tables[0] if len(tables) == 1 and not full else Group(*tables, *full)


def _table(headings, rows, width, title, caption) -> Table:
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
