"""A note on the current sentence.

The note is a :class:`TextArea`, so a pasted note keeps every line (Textual's ``Input`` keeps only
the first one of a paste, without a word). Typed enter still saves: a line break gets into a note by
pasting it. Quitting (ctrl+q, ctrl+c) from the dialog quits as it does everywhere, keeping the note
as typed so far.

A note is data like the article: it is kept exactly as written, and shown with every control, bidi
and zero-width character made visible (one character for one, so the cursor stays where it is),
never handed to the terminal.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from rich.text import Text
from textual.widgets import Label, TextArea

from tagline.app.durable import INTERRUPT_KEYS, quit_keys  # noqa: F401 - the keys that quit from the dialog too
from tagline.core.sanitize import visible


class NoteInput(TextArea):
    """The note's text. Textual hands keys to the focused widget before it has handled the ones
    before them, so keys typed right after enter are already queued here: once the note is
    submitted, they are kept for the reader instead of being typed into a closing dialog."""

    def get_line(self, line_index: int) -> Text:
        """The line as drawn: :func:`visible`, where the text area draws the document's characters as
        they are (an escape sequence in a note read from a file cleared the screen)."""
        return Text(visible(self.document.get_line(line_index)), end="", no_wrap=True)

    def on_key(self, event: events.Key) -> None:
        # Handled before the text area's own key handler (Textual calls a class's handlers before
        # its bases'); prevent_default() keeps the text area from seeing the key at all.
        screen = self.screen
        if isinstance(screen, NoteScreen):
            if screen.closing:
                event.stop()
                event.prevent_default()
                screen.keep(event)
                return
            if event.key == "enter":  # close now, not after later keys
                event.stop()
                event.prevent_default()
                screen.submit(self.text)
                return
            if event.key in quit_keys(self.app):  # before the text area's own ctrl+c (copy)
                event.stop()
                event.prevent_default()
                screen.quit(self.text)
                return


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
            yield Label(
                f"{self.title_text} (enter saves, esc cancels, empty removes; a pasted note keeps its lines)",
                markup=False, id="note-title",
            )
            area = NoteInput(self.note, id="note-input", soft_wrap=True, show_line_numbers=False, compact=True)
            area.cursor_location = area.document.end
            yield area

    def submit(self, value: str) -> None:
        self._close(value)

    def quit(self, value: str) -> None:
        """Quit the app from the dialog: the note typed so far is kept (as enter would keep it),
        except that quitting never removes a note."""
        if self._dismissing:
            return
        self.close_for_exit(value)
        self.app.call_later(self.app.action_quit)

    def close_for_exit(self, value: str | None = None) -> None:
        """Close with the note typed so far, as leaving the app from here keeps it (quit, or
        SIGTERM, SIGINT, SIGHUP: :meth:`DurableApp.close_dialogs`); never removing a note."""
        if self._dismissing:
            return
        if value is None:
            value = self.query_one(NoteInput).text
        keep = value if value.strip() and value.strip() != self.note.strip() else None
        self._close(keep)

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
