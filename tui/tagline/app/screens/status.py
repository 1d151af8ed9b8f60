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
from textual.widgets import DataTable, Static

from tagline.app.screens.help import QuitsFromHere
from tagline.app.children import tagline_command
from tagline.core import status as core
from tagline.core.sanitize import visible


def rows(report: dict) -> list[list[Text]]:
    """The annotators' table of a ``tagline status --format json`` report, as the core words it
    (:func:`tagline.core.status.table_rows`, visible text; never markup)."""
    return [[Text(value, justify="left" if at == 0 or at == len(core.HEADINGS) - 1 else "right") for at, value in enumerate(row)]
            for row in core.table_rows(report)]


def summary(report: dict) -> Text:
    """The lines under the table, the same as ``tagline status`` prints, then the report's problems
    (which the command says on standard error)."""
    return Text("\n".join([core.CAPTION, *core.report_lines(report), *core.problem_lines(report)]))


class StatusScreen(QuitsFromHere, ModalScreen[None]):
    """The team's status (``tagline status`` run as a process). ctrl+q and ctrl+c quit from it, as
    from every screen (a modal screen hides the app's own bindings)."""

    BINDINGS = [Binding("escape,q", "close", "close"), Binding("r", "refresh", "refresh")]

    def __init__(self, command: list[str]) -> None:
        super().__init__()
        self.command = command

    def compose(self) -> ComposeResult:
        yield Static(Text(core.TITLE), id="status-title")
        yield DataTable(id="status-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text("reading the annotation folders…"), id="status-summary")
        yield Static(Text("r refresh   esc close"), id="status-keys")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for heading in core.HEADINGS:
            table.add_column(Text(heading), key=heading)
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
        table = self.query_one(DataTable)
        table.clear()
        for row in rows(report):
            table.add_row(*row)
        self.query_one("#status-summary", Static).update(summary(report))

    def action_close(self) -> None:
        self.dismiss(None)


def status_command(session, scheme_source: str) -> list[str]:
    """``tagline status --format json`` for the session's annotation folder and corpus."""
    return tagline_command(session, scheme_source, "status", "--format", "json") + [str(p) for p in getattr(session, "paths", [])]

