"""Rows of styled text (the status, legend and hint lines), drawn from cached segments.

These rows change on most keys. A ``Static`` turns its content into a visual and renders it again
on every update, a good part of what a key costs; a row here keeps its parts, builds one strip when
they change (nothing when they have not), and lets the frame reuse it.

An ``InfoLine`` is a row a widget draws for its owner: the reader's view draws its hint, legend and
status rows under the sentences, so that a key refreshes one widget, not three (each widget
refreshed cost about 0.2 ms of a key's time to the screen, in Textual's messages between them).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.content import Content
from textual.strip import Strip
from textual.style import Style

from tagline.core.sanitize import visible

#: A part of a line: plain text, or (text, style) with a Textual style string ("bold $success").
Part = str | tuple[str, str]


class PartStyles:
    """Textual style strings as Rich styles, parsed once per theme."""

    def __init__(self) -> None:
        self._rich: dict[str, RichStyle] = {}

    def clear(self) -> None:
        self._rich.clear()  # a new theme: $variables mean other colours

    def __call__(self, text: str) -> RichStyle:
        style = self._rich.get(text)
        if style is None:
            style = self._rich[text] = Style.parse(text).rich_style if text else RichStyle()
        return style


def build_strip(parts: tuple[Part, ...], width: int, base: RichStyle, styles: PartStyles) -> Strip:
    """One row of ``width`` cells: a blank cell each side, the parts between, cut with an ellipsis
    when they do not fit. Text is data: never a control sequence."""
    segments = [Segment(" ", RichStyle(bgcolor=base.bgcolor))]  # the right pad is part of the fill
    for part in parts:
        text, style = (part, "") if isinstance(part, str) else part
        if text:
            segments.append(Segment(visible(text), base + styles(style)))
    strip = Strip(segments).simplify()
    if strip.cell_length > width - 1:  # one row, always
        strip = Strip.join([strip.crop(0, max(0, width - 2)), Strip([Segment("…", base)])])
    return strip.extend_cell_length(width, base)


class InfoLine:
    """A row of parts that a widget draws; ``show`` asks it to repaint that row only."""

    def __init__(self, name: str, repaint: Callable[[str], None]) -> None:
        self.name = name
        self._repaint = repaint
        self._parts: tuple[Part, ...] = ()
        self._strip: Strip | None = None

    @property
    def parts(self) -> tuple[Part, ...]:
        return self._parts

    def show(self, *parts: Part) -> bool:
        """Show these parts; False (and nothing redrawn) when they are what is shown already."""
        if parts == self._parts:
            return False
        self._parts = parts
        self._strip = None
        self._repaint(self.name)
        return True

    def render(self) -> Content:
        """The line as Content: for reading it back (tests, screenshots), not for drawing."""
        return Content.assemble(*self._parts)

    def strip(self, width: int, base: RichStyle, styles: PartStyles) -> Strip:
        if self._strip is None or self._strip.cell_length != width:
            self._strip = build_strip(self._parts, width, base, styles)
        return self._strip

    def forget(self) -> None:
        self._strip = None
