"""The baseline of ``bench/background.py``: the smallest Textual app that answers ``j`` and ``k``.

One row of text that says which key came last and how many (a widget of fixed size: a key repaints
it, no layout); ``ctrl+q`` quits. It runs on tagline's terminal driver (frames written by the event
loop, ``tagline.app.driver``; ``--stock``: Textual's own, with its writer thread), in the same
terminal size and through the same tmux as tagline: its key latency is what tmux, the terminal and
Textual cost before tagline does anything.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widget import Widget


class Line(Widget):
    DEFAULT_CSS = "Line { width: 1fr; height: 1; }"
    text = "ready: 0"

    def render(self) -> str:
        return self.text


class Trivial(App):
    BINDINGS = [Binding("j", "key('j')", priority=True), Binding("k", "key('k')", priority=True),
                Binding("ctrl+q", "quit", priority=True)]

    def compose(self) -> ComposeResult:
        self.count = 0
        yield Line()

    def action_key(self, key: str) -> None:
        self.count += 1
        line = self.query_one(Line)
        line.text = f"{key}: {self.count}"
        line.refresh()


if __name__ == "__main__":
    driver = None
    if "--stock" not in sys.argv:
        from tagline.app.driver import TerminalDriver as driver
    Trivial(driver_class=driver).run()
