"""One row of styled text (the status, legend and hint lines), drawn from cached segments.

These rows change on most keys. A ``Static`` turns its content into a visual and renders it again
on every update, a good part of what a key costs; a ``StyledLine`` keeps its parts, builds one strip
when they change (nothing when they have not), and lets the frame reuse it.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.content import Content
from textual.strip import Strip
from textual.style import Style
from textual.widgets import Static

from tui.core.sanitize import visible

#: A part of a line: plain text, or (text, style) with a Textual style string ("bold $success").
Part = str | tuple[str, str]


class StyledLine(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(markup=False, id=id)
        self._parts: tuple[Part, ...] = ()
        self._strip: Strip | None = None
        self._rich: dict[str, RichStyle] = {}
        self._base: RichStyle | None = None

    @property
    def parts(self) -> tuple[Part, ...]:
        return self._parts

    def show(self, *parts: Part) -> bool:
        """Show these parts; False (and nothing redrawn) when they are what is shown already."""
        if parts == self._parts:
            return False
        self._parts = parts
        self._strip = None
        self.refresh()
        return True

    def render(self) -> Content:
        """The line as Content: for reading it back (tests, screenshots), not for drawing."""
        return Content.assemble(*self._parts)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._rich.clear()  # a new theme: $variables mean other colours
        self._base = None
        self._strip = None

    def _style(self, text: str) -> RichStyle:
        style = self._rich.get(text)
        if style is None:
            style = self._rich[text] = Style.parse(text).rich_style if text else RichStyle()
        return style

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if self._base is None:  # kept until the styles change: refresh() drops Textual's copy
            self._base = self.rich_style
        base = self._base
        if y or width <= 0:
            return Strip.blank(width, base)
        if self._strip is None or self._strip.cell_length != width:
            segments = []
            for part in self._parts:
                text, style = (part, "") if isinstance(part, str) else part
                if text:  # a file name or a note is data: never a control sequence
                    segments.append(Segment(visible(text), base + self._style(style)))
            strip = Strip(segments).simplify()
            if strip.cell_length > width:  # one row, always: cut with an ellipsis
                strip = Strip.join([strip.crop(0, width - 1), Strip([Segment("…", base)])])
            self._strip = strip.extend_cell_length(width, base)
        return self._strip
