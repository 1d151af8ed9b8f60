"""The article as sentences: a Line-API scroll view whose cost per key depends on what is visible,
not on the length of the article.

Each sentence is wrapped once per width; rows are found by bisecting sentence tops; rendered rows
are cached per sentence and dropped only for the sentences an action changed.

What a key changes is drawn in the gutter (the cursor bar, the done mark, the label badges, the
flag), so a move or a tag repaints only the gutter cells of the sentences it touched: a few bytes a
row over SSH. A tag changes only the first row's gutter (the later rows of a sentence show the
cursor bar alone), and only rows on the page are repainted, so a tag on a sentence of 2 MB (35,000
rows at 80 columns) repaints one row, as on a short one.

A sentence taller than the page is read page by page: page down and page up turn the pages of the
cursor's sentence before they move the cursor (:meth:`SentenceView.scroll_within`), and a key that
leaves the cursor where it is leaves the page where it is. ``cursor_style = "sentence"`` also lays the cursor's background under the text, at
the cost of repainting whole rows on a move.

Under the sentences it draws the reader's hint, legend and status rows (``info``): a key changes
the gutter and the status together, and one widget refreshed costs less than three. The view
draws its own scroll thumb in its last column instead of carrying Textual's scroll bar: a
page turn redraws every row anyway, so the thumb costs nothing there, where the scroll bar widget
was drawn again (through Rich) on every page turn and composited on every frame.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tagline.core import sanitize, schema
from tagline.core.layout import wrap
from tagline.core.session import Session
from tagline.app import glyphs, internals, theming
from tagline.app.widgets.line import InfoLine, PartStyles

#: Entity types grouped into colour groups (theme variables ent-<group>).
ENTITY_GROUPS = {
    "PERSON": "person", "NORP": "person",
    "ORG": "org",
    "GPE": "place", "LOC": "place", "FAC": "place",
    "DATE": "time", "TIME": "time",
    "CARDINAL": "number", "ORDINAL": "number", "PERCENT": "number", "MONEY": "number", "QUANTITY": "number",
}
#: The rows under the sentences, top to bottom.
INFO_LINES = ("hint", "legend", "status")
#: How the cursor is drawn: a bar and a band in the gutter only, or also a background under the text.
CURSOR_STYLES = ("gutter", "sentence")

GROUP_NAMES = {"person": "person", "org": "org", "place": "place", "time": "date/time", "number": "number", "other": "other"}


def entity_group(label: str) -> str:
    return ENTITY_GROUPS.get(label, "other")


def _runs(gutter: list[Segment], text: list[Segment]) -> list[Segment]:
    """The gutter's segments, neighbours of one style merged, then the text's (already merged):
    each run of one style costs one style code on the terminal."""
    out: list[Segment] = []
    for segment in gutter:
        if out and out[-1].style == segment.style:
            out[-1] = Segment(out[-1].text + segment.text, segment.style)
        else:
            out.append(segment)
    if out[-1].style == text[0].style:
        out[-1] = Segment(out[-1].text + text[0].text, text[0].style)
        return [*out, *text[1:]]
    return [*out, *text]


class SentenceView(ScrollView, can_focus=True, inherit_bindings=False):
    COMPONENT_CLASSES = {
        "sentence-view--cursor",
        "sentence-view--gutter",
        "sentence-view--todo",
        "sentence-view--done",
        "sentence-view--badge-off",
        "sentence-view--suggested",
        "sentence-view--flag",
        "sentence-view--entity",
        "sentence-view--match",
        "sentence-view--thumb",
        "sentence-view--hint",
        "sentence-view--legend",
        "sentence-view--status",
    }

    def __init__(self, session: Session, cursor_style: str = "gutter", **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.cursor_style = cursor_style if cursor_style in CURSOR_STYLES else "gutter"
        self.show_entities = True
        self.entities: dict[int, list] = {}
        self.query = ""
        self._width = 0
        self._wraps: list[list[tuple[int, int]]] = []
        self._tops: list[int] = [0]
        # Drawn rows, per sentence, so that forgetting a sentence is one step: whole rows (gutter and
        # thumb included) by (row, cursor, thumb), and the text part of rows by (row, under).
        self._cache: dict[int, dict[tuple, Strip]] = {}
        self._text_cache: dict[int, dict[tuple, list[Segment]]] = {}
        self._styles: dict | None = None
        self._texts: list[str] = []
        self._width_key: tuple | None = None
        self._width_value = 0
        self._thumb_key: tuple | None = None
        self.info = {name: InfoLine(name, self._repaint_info) for name in INFO_LINES}
        self._part_styles = PartStyles()
        self._thumb = (0, 0)
        self.glyphs = glyphs.current()
        self._cursor_drawn = -1  # the cursor as the rows on screen show it
        self._revealed = -1  # the sentence reveal_cursor last brought into view

    # -- layout --------------------------------------------------------------------------------
    @property
    def page_height(self) -> int:
        """The rows that show sentences: the view's height less the info rows under them."""
        return max(1, self.size.height - len(INFO_LINES))

    @property
    def gutter_width(self) -> int:
        return len(self.session.scheme.labels) + 5  # cursor, status, badges, flag, two spaces

    def reset(self) -> None:
        """A new article (or a new width): lay every sentence out again."""
        article = self.session.article
        text = article.text
        shown = [sanitize.sentence(text[s.start : s.end]) for s in article.sentences]
        self._texts = [glyphs.ascii_fold(t) for t in shown] if self.glyphs.ascii else shown
        self.entities = {}
        self._width = 0
        self._wraps, self._tops = [], [0]
        self._cursor_drawn = self.session.cursor
        self._revealed = -1
        self._drop_rows()
        self._layout()
        # Every row is new, even when the article has as many rows as the last one (then neither the
        # size nor the scroll changes, and Textual would show its cached rows of the old article).
        self.refresh()
        if self.size.height:  # else not sized yet: the first resize lays it out and reveals the cursor
            self.scroll_to(y=0, animate=False, immediate=True)
            self.reveal_cursor()

    def _layout(self) -> None:
        # The last column is the scroll thumb's, whether or not it shows, so the text is wrapped to
        # the same width in a short article and a long one.
        if not self.size.width:
            return  # not sized yet: the first resize lays it out, before the first frame
        width = max(10, self.scrollable_content_region.width - 1 - self.gutter_width)
        if width == self._width and len(self._wraps) == len(self._texts):
            return
        self._width = width
        self._drop_rows()
        _, _, owner = self.session.article.split()
        self._wraps = [wrap(t, width) for t in self._texts]
        heights = [
            len(lines) + (1 if i + 1 < len(owner) and owner[i + 1] != owner[i] else 0)
            for i, lines in enumerate(self._wraps)
        ]
        self._tops = [0, *accumulate(heights)]
        self.virtual_size = Size(self.scrollable_content_region.width, self._tops[-1] + len(INFO_LINES))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # A page turn repaints the rows of sentences; the info rows under them have not changed.
        # (Textual's hidden scroll bar is not told: the view draws its own thumb.)
        if round(old_value) != round(new_value):
            self.refresh(Region(0, 0, self.size.width, self.page_height))

    def on_resize(self) -> None:
        self._layout()
        self.reveal_cursor()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.restyle()

    def restyle(self) -> None:
        """Styles changed (a new theme): draw every row again."""
        self._styles = None
        self._part_styles.clear()
        self._drop_rows()
        self.refresh()

    def set_query(self, query: str) -> None:
        """Highlight this search text (empty: none)."""
        self.query = query
        self._drop_rows()
        self.refresh()

    def _drop_rows(self) -> None:
        self._cache.clear()
        self._text_cache.clear()
        for line in self.info.values():
            line.forget()

    def _repaint_info(self, name: str) -> None:
        """An info row's parts changed: repaint that row only."""
        row = self.page_height + INFO_LINES.index(name)
        self.refresh(Region(0, row, max(self.virtual_size.width, self.size.width), 1))

    # -- updates ---------------------------------------------------------------------------------
    def refresh_sentences(self, indices, whole: bool = False) -> None:
        """Repaint the rows of these sentences: only their gutter cells, which is where the state a
        key changes is drawn, unless ``whole`` (their text changed: new entities) or the cursor is
        drawn under the text; and of a sentence's rows, only the first, where its state is drawn,
        unless the cursor moved or the text changed.

        Only the rows on the page are repainted; the others are only forgotten, and drawn afresh
        when a page turn shows them. (A tag on a sentence of 2 MB marked its 35,000 rows dirty:
        1.7 ms of Textual's bookkeeping a key, and the page's 21 rows drawn again.) (A scan that found 4,370 duplicates in a 5,000-sentence article
        passed a region per sentence, and the event loop spent 90 to 430 ms in Textual's dirty
        regions before the next key: ``docs/design/records/performance-log.md``.)"""
        text = whole
        whole = whole or self.cursor_style == "sentence"
        width = max(self.virtual_size.width, self.size.width) if whole else self.gutter_width
        y = self.scroll_offset.y
        bottom = y + self.page_height
        tops = self._tops
        cursor = self.session.cursor
        every = text or cursor != self._cursor_drawn  # else only the state changed: the first rows
        self._cursor_drawn = cursor
        regions = []
        for i in indices:
            if 0 <= i < len(self._wraps):
                self._forget(i, text, every)
                first, last = max(tops[i], y), min(tops[i] + (len(self._wraps[i]) if every else 1), bottom)
                if first < last:
                    regions.append(Region(0, first - y, width, last - first))
        if regions:
            self.refresh(*regions)

    def _forget(self, i: int, text: bool = False, every: bool = True) -> None:
        """Drop the drawn rows of sentence ``i`` (and their text too, if ``text`` changed); only its
        first row unless ``every``."""
        if every:
            self._cache.pop(i, None)
        else:
            rows = self._cache.get(i)
            if rows:
                for key in ((0, False, False), (0, False, True), (0, True, False), (0, True, True)):  # (row, cursor, thumb)
                    rows.pop(key, None)
        if text:
            self._text_cache.pop(i, None)

    def set_entities(self, batch: dict[int, list]) -> None:
        self.entities.update(batch)
        if self.show_entities:
            self.refresh_sentences(batch, whole=True)  # the rows on the page; the rest forgotten

    def toggle_entities(self) -> bool:
        self.show_entities = not self.show_entities
        self._drop_rows()
        self.refresh()
        return self.show_entities

    def reveal_cursor(self) -> None:
        """Keep the cursor's sentence in view by turning a page when it leaves it.

        Going down, the page turns so that the sentence before the cursor's is the first one shown
        (one sentence of context above, the rest of the page ahead); going up, so that the sentence
        after the cursor's is the last one shown. The view scrolls once a page rather than once a
        key: a scroll redraws every row, a move within the page only the two sentences it changes.
        """
        i = self.session.cursor
        tops = self._tops
        if not self._texts or i + 1 >= len(tops):
            return
        top, bottom = tops[i], tops[i + 1]
        height = self.page_height
        y = self.scroll_offset.y
        revealed, self._revealed = self._revealed, i
        if top >= y and bottom <= y + height:
            return
        if i == revealed and bottom - top > height and top < y + height and bottom > y:
            return  # a sentence taller than the page, being read a page at a time: the page stays
        if bottom > y + height:  # below the page: it goes near the top
            before = tops[max(0, i - 1)]
            target = before if bottom - before <= height else top
        else:  # above the page: it goes near the bottom
            after = tops[min(len(tops) - 1, i + 2)]
            target = max(0, after - height)
            if target > top:
                target = max(0, bottom - height)
                if target > top:
                    target = top
        self.scroll_to(y=target, animate=False, immediate=True)

    def scroll_within(self, direction: int) -> bool:
        """Turn a page inside the cursor's sentence when it is taller than the page and goes on past
        it that way (``direction`` 1: down, -1: up), one row of the last page kept; False, and
        nothing done, when it does not (page down and up then move the cursor)."""
        i = self.session.cursor
        tops = self._tops
        if i + 1 >= len(tops):
            return False
        top, bottom = tops[i], tops[i + 1]
        height = self.page_height
        y = self.scroll_offset.y
        if bottom - top <= height:
            return False
        step = max(1, height - 1)
        if direction > 0 and bottom > y + height:
            target = min(y + step, bottom - height)
        elif direction < 0 and top < y:
            target = max(top, y - step)
        else:
            return False
        self.scroll_to(y=target, animate=False, immediate=True)
        self._revealed = i
        return True

    def show_match(self, query: str) -> None:
        """Bring the first row of the cursor's sentence that holds ``query`` into view, when the
        sentence is taller than the page (else the whole sentence is in view already)."""
        self._show_match_from(query, 0)

    def show_next_match(self, query: str) -> bool:
        """Bring the next match of ``query`` in the cursor's sentence into view, when the sentence is
        taller than the page and a match goes on below it; False, and nothing done, when none does
        (the search then moves on to the next sentence)."""
        i = self.session.cursor
        below = self.scroll_offset.y + self.page_height - self._tops[i] if i + 1 < len(self._tops) else 0
        if not query or not 0 < below < len(self._wraps[i]):
            return False
        # A match that ends on the first row below the page begins up to len(query) - 1 before it.
        return self._show_match_from(query, max(0, self._wraps[i][below][0] - len(query) + 1))

    def _show_match_from(self, query: str, start: int) -> bool:
        """Scroll to the first match of ``query`` at or after character ``start`` of the cursor's
        sentence, when the sentence is taller than the page; whether there was one."""
        i = self.session.cursor
        tops = self._tops
        if not query or i + 1 >= len(tops) or tops[i + 1] - tops[i] <= self.page_height:
            return False
        found = self._texts[i][start:].casefold().find(query.casefold())
        if found < 0:
            return False
        row = bisect_right([first for first, _ in self._wraps[i]], start + found) - 1
        target = max(tops[i], min(tops[i] + max(0, row - 1), tops[i + 1] - self.page_height))
        self.scroll_to(y=target, animate=False, immediate=True)
        self._revealed = i
        return True

    def page_size(self) -> int:
        """About how many sentences fill the view (for page up / down)."""
        i = self.session.cursor
        if i + 1 >= len(self._tops):
            return 1
        rows = self.page_height
        j = bisect_right(self._tops, self._tops[i] + rows) - 1
        return max(1, j - i)

    # -- rendering ----------------------------------------------------------------------------
    def _style_table(self) -> dict:
        if self._styles is None:
            base = self.rich_style
            get = self.get_component_rich_style
            variables = self.app.theme_variables
            no_colour = self.app.no_color if hasattr(self.app, "no_color") else False
            labels = {}
            for label in self.session.scheme.labels:
                colour = theming.label_colour(variables, label.colour)
                labels[label.name] = Style(bold=True, color=Color.parse(colour).rich_color if colour and not no_colour else None)
            groups = {}
            for group in GROUP_NAMES:
                colour = variables.get(f"ent-{group}")
                groups[group] = get("sentence-view--entity", partial=True) + Style(
                    color=Color.parse(colour).rich_color if colour and not no_colour else None
                )
            self._styles = {
                "base": base,
                "cursor": base + get("sentence-view--cursor", partial=True),
                "gutter": get("sentence-view--gutter", partial=True),
                "todo": get("sentence-view--todo", partial=True),
                "done": get("sentence-view--done", partial=True),
                "off": get("sentence-view--badge-off", partial=True),
                "suggested": get("sentence-view--suggested", partial=True),
                "flag": get("sentence-view--flag", partial=True),
                "match": get("sentence-view--match", partial=True),
                "thumb": base + get("sentence-view--thumb", partial=True),
                "info": {name: base + get(f"sentence-view--{name}", partial=True) for name in INFO_LINES},
                "labels": labels,
                "groups": groups,
            }
        return self._styles

    def render_line(self, y: int) -> Strip:
        width = self._row_width()
        page = self.page_height
        if y >= page:
            name = INFO_LINES[min(y - page, len(INFO_LINES) - 1)]
            return self.info[name].strip(width, self._style_table()["info"][name], self._part_styles)
        row = self.scroll_offset.y + y
        start, end = self._thumb_rows()
        thumb = start <= y < end
        i = bisect_right(self._tops, row) - 1
        if i < 0 or i >= len(self._wraps):
            return Strip([Segment(" " * (width - 1), self.rich_style), self._thumb_cell(thumb)], width)
        k = row - self._tops[i]
        cursor = i == self.session.cursor
        rows = self._cache.get(i)
        if rows is None or len(rows) > 1000:  # many sentences drawn, or many rows of a long one
            if len(self._cache) > 1000:
                self._cache.clear()
            rows = self._cache[i] = {}
        strip = rows.get((k, cursor, thumb))
        if strip is None or strip.cell_length != width:
            strip = rows[(k, cursor, thumb)] = self._draw_row(i, k, cursor, thumb, width)
        return strip

    def render_lines(self, crop: Region) -> list[Strip]:
        """The rows as the view drew them. Textual's own pass copies every repainted row into a new
        strip to add borders, padding, tint and opacity, which this view has none of, so neither
        the row nor its filtered and rendered forms were reused: a move paid for it on each row it
        repainted (about 0.2 ms; ``docs/design/records/performance-log.md`` §8). Textual's row cache for the widget
        is kept (``refresh`` marks its rows dirty); a view given a border or the like in a
        stylesheet gets Textual's pass."""
        if internals.stock() or not self._plain_box():
            return super().render_lines(crop)
        cache = self._styles_cache
        width = self.size.width
        if width != cache._width:
            cache.clear()
            cache._width = width
        rows = cache._cache
        is_dirty = cache.is_dirty
        render_line = self.render_line
        strips = []
        for y in crop.line_range:
            strip = rows.get(y)
            if strip is None or is_dirty(y):
                strip = rows[y] = render_line(y)
            strips.append(strip)
        cache._dirty_lines.difference_update(crop.line_range)
        filters = self.app.get_line_filters()  # NO_COLOR, ANSI colours as true colours
        if filters:
            background = self.background_colors[1]
            for line_filter in filters:
                strips = [strip.apply_filter(line_filter, background) for strip in strips]
        x1, x2 = crop.column_span
        if (x1, x2) != (0, width):
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def _plain_box(self) -> bool:
        """No border, outline, padding, tint, hatch or opacity: nothing for Textual to add to a row."""
        styles = self.styles
        return (
            not any(styles.gutter)
            and not any(edge for edge, _ in styles.outline)
            and not styles.tint.a
            and self.opacity == 1.0
            and not (styles.has_rule("hatch") and styles.hatch != "none")
        )

    def _thumb_rows(self) -> tuple[int, int]:
        """The rows of the view the scroll thumb covers (none when the article fits)."""
        height = self.page_height
        total = self._tops[-1]
        y = self.scroll_offset.y
        key = (y, height, total)
        if key != self._thumb_key:
            self._thumb_key = key
            if total <= height or height <= 0:
                self._thumb = (0, 0)
            else:
                size = max(1, round(height * height / total))
                start = round(min(1.0, y / (total - height)) * (height - size))
                self._thumb = (start, start + size)
        return self._thumb

    def _thumb_cell(self, thumb: bool) -> Segment:
        styles = self._style_table()
        return Segment(self.glyphs.thumb, styles["thumb"]) if thumb else Segment(" ", styles["base"])

    def _row_width(self) -> int:
        """The width of a row, looked up once per size and scroll bar rather than once per row."""
        key = self.size
        if key != self._width_key:
            self._width_key = key
            self._width_value = self.scrollable_content_region.width
        return self._width_value

    def _draw_row(self, i: int, k: int, cursor: bool, thumb: bool, width: int) -> Strip:
        """Row ``k`` of sentence ``i``, ``width`` cells: its gutter, built again, its text, kept from
        last time (a move or a tag changes only the gutter), and the thumb's cell."""
        styles = self._style_table()
        lines = self._wraps[i]
        if k >= len(lines):  # the gap after a paragraph
            return Strip([Segment(" " * (width - 1), styles["base"]), self._thumb_cell(thumb)], width)
        under = cursor and self.cursor_style == "sentence"
        texts = self._text_cache.get(i)
        if texts is None or len(texts) > 1000:
            if len(self._text_cache) > 1000:
                self._text_cache.clear()
            texts = self._text_cache[i] = {}
        text = texts.get((k, under))
        room = width - 1 - self.gutter_width
        if text is None:
            text = texts[(k, under)] = self._render_text(i, k, under, max(1, room))
        strip = Strip([*_runs(self._render_gutter(i, k, cursor), text), self._thumb_cell(thumb)], width)
        # a terminal narrower than the gutter and a cell of text (9 columns with three labels; 80 with
        # a label for each of 80 cells): the row is cut at the edge, never drawn past it
        return strip if room >= 1 else strip.crop(0, width)

    def _render_gutter(self, i: int, k: int, cursor: bool) -> list[Segment]:
        styles = self._style_table()
        base = styles["cursor"] if cursor else styles["base"]
        g = self.glyphs
        segments = [Segment(g.cursor if cursor else " ", base + styles["gutter"])]
        if k:
            segments.append(Segment(" " * (self.gutter_width - 1), base))
            return segments
        state = self.session.state(i)
        done = state.status == schema.DONE
        segments.append(Segment(g.done if done else g.todo, base + (styles["done"] if done else styles["todo"])))
        suggested = (self.session.suggestions.get(i) or {}).get("labels") or ()
        for label in self.session.scheme.labels:
            if label.name in state.labels:
                segments.append(Segment(label.badge, base + styles["labels"][label.name]))
            elif label.name in suggested and not done:
                segments.append(Segment(label.badge.lower(), base + styles["suggested"] + styles["labels"][label.name]))
            else:
                segments.append(Segment(g.off, base + styles["off"]))
        mark = g.flag if state.flag else (g.note if state.note else (g.duplicate if i in self.session.duplicate_groups or i in self.session.corpus_duplicates else " "))
        segments.append(Segment(mark, base + styles["flag"]))
        segments.append(Segment("  ", base))
        return segments

    def _render_text(self, i: int, k: int, under: bool, width: int) -> list[Segment]:
        """The text of row ``k`` of sentence ``i``, entities and search matches styled, padded to
        ``width``; ``under``: on the cursor's background."""
        styles = self._style_table()
        base = styles["cursor"] if under else styles["base"]
        start, end = self._wraps[i][k]
        text = self._texts[i]
        spans = []
        if self.show_entities:
            for s, e, label in self.entities.get(i, ()):
                if e > start and s < end:
                    spans.append((max(s, start), min(e, end), styles["groups"][entity_group(label)]))
        if self.query:
            # Only around this row: casefolding the whole text of a 2 MB sentence for each row cost
            # about 2 ms a row, on every page drawn.
            needle = self.query.casefold()
            near = max(0, start - len(needle))
            lowered = text[near : end + len(needle)].casefold()
            pos = lowered.find(needle)
            while pos != -1 and near + pos < end:
                spans.append((max(near + pos, start), min(near + pos + len(needle), end), styles["match"]))
                pos = lowered.find(needle, pos + 1)
        segments: list[Segment] = []
        pos = start
        for s, e, style in sorted(spans, key=lambda x: x[0]):
            if s < pos:
                s = pos
            if s >= e:
                continue
            if s > pos:
                segments.append(Segment(text[pos:s], base))
            segments.append(Segment(text[s:e], base + style))
            pos = e
        if pos < end:
            segments.append(Segment(text[pos:end].rstrip("\n"), base))
        # Runs of one style as one segment: fewer style codes written to the terminal.
        return list(Strip(segments).simplify().extend_cell_length(width, base).crop(0, width))
