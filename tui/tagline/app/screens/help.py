"""Every key, and the label guidelines, from the keymap and the label scheme."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.screen import ModalScreen
from textual.widgets import Static

from tagline.core import keymap
from tagline.core.labels import LabelScheme
from tagline.core.sanitize import visible


def grid() -> Table:
    """Two columns: keys, then what they do."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold", min_width=10)
    table.add_column(ratio=1)
    return table


#: The characters of a guideline the help shows: a guideline is meant to be short, and one of a
#: megabyte took the help screen 11 s to open (Rich wraps it whole) and held the keys meanwhile.
GUIDELINE_SHOWN = 2000


def shown_guideline(label, source: str) -> str:
    """The label's guideline as the help shows it: at most :data:`GUIDELINE_SHOWN` characters, the
    rest counted."""
    text = label.guideline
    if len(text) > GUIDELINE_SHOWN:
        text = f"{text[:GUIDELINE_SHOWN]}… ({len(text) - GUIDELINE_SHOWN:,} more characters in {source})"
    return text


def labels_table(scheme: LabelScheme) -> Table:
    """Each label with its keys, its badge and its guideline (text from files is never markup)."""
    labels = grid()
    for label in scheme.labels:
        title = Text.assemble((label.name, "bold"), f"  [{label.badge}]")
        guideline = Text("\n".join(visible(line) for line in shown_guideline(label, scheme.source).split("\n")))
        labels.add_row(Text(visible(" ".join(label.keys))), Text.assemble(title, "\n", guideline) if label.guideline else title)
    return labels


def help_content(scheme: LabelScheme, keys_in_force: dict[str, str] | None = None) -> Group:
    """Labels with their guidelines, then every key, as a two-column grid (text is never markup)."""
    keys_in_force = keys_in_force or {}
    labels = labels_table(scheme)
    keys = grid()
    for command in (*keymap.READER_COMMANDS, *keymap.APP_COMMANDS):
        shown = keys_in_force.get(command.id) or " ".join(keymap.display(k) for k in command.keys)
        keys.add_row(Text(visible(shown)), Text(command.help))
    parts = [Text("Labels" + ("  (they exclude each other)" if scheme.exclusive else ""), style="bold underline"), labels, Text(""),
             Text("Keys", style="bold underline"), keys, Text(""),
             Text("Gutter", style="bold underline"),
             Text("▌ cursor   ✓ done   · todo   C Q S labels (lowercase: suggested)   ⚑ flagged   ✎ note   ≡ duplicate"),
             Text(""), Text("Every action is on disk before the next key is read.  esc closes.", style="dim")]
    return Group(*parts)


class QuitsFromHere:
    """A help screen whose footer shows ``^q quit``: ctrl+q (and ctrl+c) quit from it as they do
    everywhere. Before, the first ctrl+q only closed the help and the app kept running."""

    def on_key(self, event: events.Key) -> None:
        from tagline.app.durable import quit_keys

        if event.key in quit_keys(self.app):
            event.stop()
            event.prevent_default()
            self.dismiss(None)
            self.app.call_later(self.app.action_quit)


class HelpPage(QuitsFromHere, ModalScreen[None]):
    """A page of help about ``scheme`` over the screen it was opened from (the reader's, the
    review's): escape, q or ? close it."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "close")]

    def __init__(self, scheme: LabelScheme) -> None:
        super().__init__()
        self.scheme = scheme

    def action_close(self) -> None:
        self.dismiss(None)


class HelpScreen(HelpPage):
    def compose(self) -> ComposeResult:
        keys = {}
        for binding_id, key in getattr(self.app, "rebound", {}).items():
            keys[binding_id] = key
        with VerticalScroll(id="help-box"):
            yield Static(help_content(self.scheme, keys), id="help-text")
