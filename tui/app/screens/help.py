"""Every key, and the label guidelines, from the keymap and the label scheme."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.core import keymap
from tui.core.labels import LabelScheme


def help_content(scheme: LabelScheme, keys_in_force: dict[str, str] | None = None) -> Content:
    keys_in_force = keys_in_force or {}
    lines: list[Content] = [Content.styled("Labels", "bold")]
    for label in scheme.labels:
        keys = " ".join(label.keys)
        lines.append(Content.assemble((f"  {keys:<8}", "bold"), (f"{label.name} ", "bold"), (f"[{label.badge}]", "dim")))
        if label.guideline:
            lines.append(Content.assemble("           ", (label.guideline, "italic")))
    if scheme.exclusive:
        lines.append(Content("  (labels exclude each other: a sentence takes one)"))
    lines.append(Content(""))
    lines.append(Content.styled("Keys", "bold"))
    for command in (*keymap.READER_COMMANDS, *keymap.APP_COMMANDS):
        keys = keys_in_force.get(command.id) or " ".join(keymap.display(k) for k in command.keys)
        lines.append(Content.assemble((f"  {keys:<12}", "bold"), command.help))
    lines.append(Content(""))
    lines.append(Content.styled("Gutter", "bold"))
    lines.append(Content("  ▌ cursor   ✓ done  · todo   letters: labels (lowercase = suggested)   ⚑ flagged  ✎ note"))
    lines.append(Content(""))
    lines.append(Content.styled("Every action is on disk before the next key is read.", "dim"))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "close")]

    def __init__(self, scheme: LabelScheme) -> None:
        super().__init__()
        self.scheme = scheme

    def compose(self) -> ComposeResult:
        keys = {}
        for binding_id, key in getattr(self.app, "_keymap", {}).items():
            keys[binding_id] = key
        with VerticalScroll(id="help-box"):
            yield Static(help_content(self.scheme, keys), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
