"""The team's status (``tagline status``) in the app, from the command palette.

Thin: the figures come from :mod:`tagline.core.status` run by ``tagline status --format json`` in a
child process, so reading a large project never takes the keyboard's share of this one.
"""

from __future__ import annotations

import asyncio
import json

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from tagline.app.screens.help import QuitsFromHere
from tagline.app.children import tagline_command
from tagline.core import layout
from tagline.core import status as core
from tagline.core.sanitize import visible


def parts(report: dict, width: int) -> layout.FittedTable:
    """The annotators' table laid out within ``width`` cells as ``tagline status`` prints it
    (:func:`tagline.core.layout.fit_table`: turned, then cut into parts, long names cut apart with
    "…"), for ``DataTable`` columns (a space either side, no border)."""
    return layout.fit_table(list(core.HEADINGS), core.table_rows(report), width, frame=2, edge=0)


def summary(report: dict, fitted: layout.FittedTable | None = None) -> Text:
    """The lines under the table, the same as ``tagline status`` prints, then the report's problems
    (which the command says on standard error); first, what the table cut to fit, in full."""
    cut = layout.in_full(fitted) if fitted is not None else []
    return Text("\n".join([*cut, core.CAPTION, *core.report_lines(report), *core.problem_lines(report)]))


#: Cells a part of the table leaves at its sides (its margin in ``app.tcss``).
TABLE_MARGIN = 2


class StatusScreen(QuitsFromHere, ModalScreen[None]):
    """The team's status (``tagline status`` run as a process). ctrl+q and ctrl+c quit from it, as
    from every screen (a modal screen hides the app's own bindings)."""

    BINDINGS = [Binding("escape,q", "close", "close"), Binding("r", "refresh", "refresh")]
    #: The last report read (shown again, laid out anew, when the terminal is resized).
    report: dict | None = None

    def __init__(self, command: list[str]) -> None:
        super().__init__()
        self.command = command

    def compose(self) -> ComposeResult:
        yield Static(Text(core.TITLE), id="status-title")
        with VerticalScroll(id="status-body"):
            yield DataTable(id="status-table", cursor_type="row", zebra_stripes=True)
            yield Static(Text("reading the annotation folders…"), id="status-summary")
        yield Static(Text("r refresh   esc close"), id="status-keys")

    def on_mount(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.query_one("#status-summary", Static).update(Text("reading the annotation folders…"))
        self._load()

    @work(exclusive=True, group="status", exit_on_error=False)
    async def _load(self) -> None:
        try:
            process = await asyncio.create_subprocess_exec(
                *self.command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )
            out, err = await process.communicate()
        except OSError as error:
            self.query_one("#status-summary", Static).update(Text(visible(f"status unavailable: {error}")))
            return
        try:
            report = json.loads(out.decode("utf-8", errors="replace"))
        except ValueError:  # the command refused (a team section it cannot use, no seeds/): its reason
            reason = next((line for line in err.decode("utf-8", errors="replace").splitlines() if line.strip()), "no report")
            self.query_one("#status-summary", Static).update(Text(visible(f"status unavailable: {reason}")))
            return
        self.report = report
        await self._show()

    async def on_resize(self) -> None:
        if self.report is not None:
            await self._show()

    async def _show(self) -> None:
        """The report's table in as many ``DataTable`` parts as the core's layout for this width
        has (one, as it is, when it fits), then the lines under it."""
        report = self.report
        body = self.query_one("#status-body", VerticalScroll)
        width = body.scrollable_content_region.width or self.size.width
        fitted = parts(report, max(width - TABLE_MARGIN, 20))
        await body.query(DataTable).remove()
        tables = []
        for number, part in enumerate(fitted.parts):
            table = DataTable(id="status-table" if number == 0 else None, cursor_type="row", zebra_stripes=True,
                              classes="status-part")
            last = len(part.headings) - 1
            for at, heading in enumerate(part.headings):
                table.add_column(Text(heading), key=str(at))
            for row in part.rows:
                table.add_row(*(Text(value, justify="left" if at == 0 or (at == last and not fitted.turned) else "right")
                                for at, value in enumerate(row)))
            tables.append(table)
        await body.mount_all(tables, before=self.query_one("#status-summary", Static))
        self.query_one("#status-summary", Static).update(summary(report, fitted))

    def action_close(self) -> None:
        self.dismiss(None)


def status_command(session, scheme_source: str) -> list[str]:
    """``tagline status --format json`` for the session's annotation folder and corpus."""
    return tagline_command(session, scheme_source, "status", "--format", "json") + [str(p) for p in getattr(session, "paths", [])]

