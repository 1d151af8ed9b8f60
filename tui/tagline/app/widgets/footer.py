"""Textual's footer, except that help and quit never fall off its right edge.

With nine labels at 80 columns the footer's keys ran past the edge and `? help` and `^q quit`, the
two a lost user needs, were the ones cut. Here the keys that do not fit are hidden from the right,
help and quit last of all: every key is still in the help screen (``?``).

Textual's footer is built again (every key a widget, mounted and styled) each time the screen says
its bindings may have changed: three times in the reader's first half second (the screen pushed,
the view focused, the keymap set), about 100 ms of CPU that a key typed then waited for. Here it is
built again only when what it shows changed.
"""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Actions whose keys stay in the footer at any width.
KEPT_ACTIONS = frozenset({"help", "quit", "app.quit"})


class FittedFooter(Footer):
    #: What the footer's keys were last built from (:meth:`shows`).
    _shown: tuple | None = None

    def shows(self) -> tuple:
        """Everything of the screen's bindings that the footer's keys are built from."""
        app = self.app
        return (
            self.compact, self.show_command_palette, self.combine_groups,
            tuple(
                (binding.key, app.get_key_display(binding), binding.description, binding.action, binding.show,
                 binding.group, enabled, tooltip)
                for _, binding, enabled, tooltip in self.screen.active_bindings.values()
            ),
        )

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit)

    def on_mount(self) -> None:
        self.call_after_refresh(self.fit)

    async def recompose(self) -> None:
        shown = self.shows()
        if shown == self._shown and self.children:
            return  # the same keys: nothing to build again
        self._shown = shown
        await super().recompose()
        self.fit()

    def fit(self) -> None:
        """Show the keys in their order while they fit beside the kept ones; hide the rest."""
        width = self.size.width or self.app.size.width
        items = list(self.children)
        kept = [item for item in items if _kept(item)]
        room = width - sum(_width(item) for item in kept)
        for item in items:
            if item in kept:
                item.display = True
                continue
            cost = _width(item)
            item.display = cost <= room
            if item.display:
                room -= cost
            else:
                room = -1  # keys after a hidden one stay hidden, so the order reads as it is


def _kept(item) -> bool:
    return isinstance(item, FooterKey) and item.action in KEPT_ACTIONS


def _width(item) -> int:
    """Cells the item takes, margins included."""
    margin = item.styles.margin
    if isinstance(item, FooterKey):
        from rich.cells import cell_len

        padding = item.get_component_styles("footer-key--key").padding
        described = item.get_component_styles("footer-key--description").padding
        size = padding.left + cell_len(item.key_display) + padding.right
        if item.description:
            size += described.left + cell_len(item.description) + described.right
    else:
        size = item.outer_size.width or sum(_width(child) for child in item.children)
    return size + margin.left + margin.right
