"""Textual's footer, except that help and quit never fall off its right edge.

With nine labels at 80 columns the footer's keys ran past the edge and `? help` and `^q quit`, the
two a lost user needs, were the ones cut. Here the keys that do not fit are hidden from the right,
help and quit last of all: every key is still in the help screen (``?``).
"""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Actions whose keys stay in the footer at any width.
KEPT_ACTIONS = frozenset({"help", "quit", "app.quit"})


class FittedFooter(Footer):
    def on_resize(self) -> None:
        self.call_after_refresh(self.fit)

    def on_mount(self) -> None:
        self.call_after_refresh(self.fit)

    async def recompose(self) -> None:
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
