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
from tagline.core.sanitize import visible

COLUMNS = ("annotator", "assigned", "started", "done", "sentences", "per hour", "s/sentence", "last active")


def _cell(value: object, right: bool = True) -> Text:
    shown = "n/a" if value is None else (f"{value:.1f}" if isinstance(value, float) else str(value))
    return Text(visible(shown), justify="right" if right else "left")


def rows(report: dict) -> list[list[Text]]:
    """The annotators' table of a ``tagline status --format json`` report (text is never markup)."""
    out = []
    for name, a in report.get("annotators", {}).items():
        out.append([
            _cell(name, right=False), _cell(a.get("assigned")), _cell(a.get("started")), _cell(a.get("done")),
            _cell(f"{a.get('sentences_done', 0)}/{a.get('sentences_total', 0)}"), _cell(a.get("sentences_per_hour")),
            _cell(a.get("seconds_per_sentence")), _cell(a.get("last_active") or "never", right=False),
        ])
    return out


def summary(report: dict) -> Text:
    counts = report.get("summary", {})
    review = report.get("review", {})
    agree = report.get("agreement", {})

    def figure(value) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    lines = [
        f"articles: {sum(counts.values())}; " + ", ".join(f"{n} {what}" for what, n in counts.items()),
        f"waiting for review: {review.get('sentences', 0)} sentences in {review.get('articles', 0)} articles",
        f"agreement so far: {agree.get('sentences', 0)} sentences done by two or more; observed {figure(agree.get('observed'))}, "
        f"Krippendorff's alpha {figure(agree.get('krippendorff_alpha'))}",
        *(f"problem: {p}" for p in report.get("problems", [])[:5]),
    ]
    return Text("\n".join(visible(line) for line in lines))  # a line break inside a line stays visible


class StatusScreen(QuitsFromHere, ModalScreen[None]):
    """The team's status (``tagline status`` run as a process). ctrl+q and ctrl+c quit from it, as
    from every screen (a modal screen hides the app's own bindings)."""

    BINDINGS = [Binding("escape,q", "close", "close"), Binding("r", "refresh", "refresh")]

    def __init__(self, command: list[str]) -> None:
        super().__init__()
        self.command = command

    def compose(self) -> ComposeResult:
        yield Static(Text("Team status"), id="status-title")
        yield DataTable(id="status-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text("reading the annotation folders…"), id="status-summary")
        yield Static(Text("r refresh   esc close"), id="status-keys")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for heading in COLUMNS:
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
            report = json.loads(out.decode("utf-8", errors="replace"))
        except (OSError, ValueError) as error:
            self.query_one("#status-summary", Static).update(Text(visible(f"status unavailable: {error}")))
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

