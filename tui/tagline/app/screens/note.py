"""A note on the current sentence."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class NoteInput(Input):
    """The note's input. Textual hands keys to the focused widget before it has handled the ones
    before them, so keys typed right after enter are already queued here: once the note is
    submitted, they are kept for the reader instead of being typed into a closing dialog."""

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        if isinstance(screen, NoteScreen):
            if screen.closing:
                event.stop()
                event.prevent_default()
                screen.keep(event)
                return
            if event.key == "enter":  # close now, not when Submitted comes round after later keys
                event.stop()
                event.prevent_default()
                screen.submit(self.value)
                return
        await super()._on_key(event)


class NoteScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, note: str, title: str = "Note on this sentence") -> None:
        super().__init__()
        self.note = note
        self.title_text = title
        self._dismissing = False
        self._typed_ahead: list[events.Key] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box"):
            yield Label(f"{self.title_text} (enter saves, esc cancels, empty removes)", markup=False)
            yield NoteInput(self.note, id="note-input")

    def submit(self, value: str) -> None:
        self._close(value)

    def action_cancel(self) -> None:
        self._close(None)

    def _close(self, value: str | None) -> None:
        if self._dismissing:
            return
        self._dismissing = True
        self.dismiss(value)

    @property
    def closing(self) -> bool:
        return self._dismissing

    def keep(self, event: events.Key) -> None:
        """A key typed ahead of the dialog's closing: handed to the reader once it is gone."""
        self._typed_ahead.append(events.Key(event.key, event.character))

    def on_key(self, event: events.Key) -> None:
        if self._dismissing:
            event.stop()
            event.prevent_default()
            self.keep(event)

    def on_unmount(self) -> None:
        for key in self._typed_ahead:
            self.app.post_message(key)
