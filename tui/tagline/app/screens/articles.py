"""The article list: id, first line, sentence count, progress; type to filter, enter to open."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tagline.core import wording
from tagline.core.sanitize import one_line, visible
from tagline.core.session import Session
from tagline.app.widgets.footer import FittedFooter


#: Seconds of no typing before the list is filtered.
FILTER_DELAY = 0.15
#: Articles listed at once. Textual's option list measures every option it holds whenever it lays
#: them out: 100,000 articles held the screen 80 s (and a quit with it). The filter searches all.
SHOWN = 500


class ArticleListScreen(Screen[int | None]):
    BINDINGS = [
        Binding("escape", "back", "back to reader", id="list-back"),
        Binding("slash", "filter", "filter", id="list-filter"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._filter_timer = None

    def compose(self) -> ComposeResult:
        yield Static(self._title(None), id="list-title")
        yield Input(placeholder=self._what_the_filter_searches(), id="list-filter-input")
        yield OptionList(id="article-list")
        yield FittedFooter(compact=True, show_command_palette=False)

    def _what_the_filter_searches(self) -> str:
        """The filter's placeholder says what it searches: the ids, and the first lines it knows
        (articles read this session, listed in a .jsonl file, or opened in an earlier one)."""
        articles = self.session.articles
        known = sum(1 for article in articles if self.session.progress.first_line(article))
        if known == len(articles):
            return "filter by id or first line: type (enter: to the list)"
        # Within 80 columns (it was cut at "…opened before: type"): the first lines it knows are
        # those of the articles opened before.
        return f"filter by id, or first line ({known} of {len(articles)} known): type"

    def on_key(self, event: events.Key) -> None:
        """Typing in the list filters it: a printable key goes to the filter field."""
        field = self.query_one(Input)
        if self.focused is field or not event.is_printable or not event.character:
            return
        event.stop()
        event.prevent_default()
        field.focus()
        field.insert_text_at_cursor(event.character)

    def on_mount(self) -> None:
        self.populate("")
        option_list = self.query_one(OptionList)
        option_list.highlighted = self._position_of(self.session.article_index)
        option_list.focus()

    def _position_of(self, index: int) -> int | None:
        for position, option in enumerate(self.query_one(OptionList).options):
            if option.id == str(index):
                return position
        return None

    def _title(self, shown: tuple[int, int] | None) -> Content:
        mine = "  ·  your queue first" if self.session.queue is not None else ""
        part = ""
        if shown is not None and shown[0] < shown[1]:
            part = f"  ·  showing {shown[0]:,} of {shown[1]:,}: type to filter"
        return Content.styled(f"{wording.count(len(self.session.articles), 'article')}  ·  annotator {self.session.annotator}{mine}{part}", "bold")

    def populate(self, query: str) -> None:
        """The articles matching ``query``, at most :data:`SHOWN` of them; without a query, those
        around the article open now."""
        needle = query.casefold()
        articles = self.session.articles
        matches = [index for index, article in enumerate(articles)
                   if not needle or needle in article.id.casefold() or needle in self.session.progress.first_line(article).casefold()]
        if len(matches) > SHOWN:
            first = 0
            if not needle:
                first = min(max(0, self.session.article_index - SHOWN // 2), len(matches) - SHOWN)
            listed = matches[first : first + SHOWN]
        else:
            listed = matches
        options = [Option(self._prompt(index, articles[index]), id=str(index)) for index in listed]
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(options)
        if options:
            option_list.highlighted = 0
        self.query_one("#list-title", Static).update(self._title((len(listed), len(matches))))

    def _prompt(self, index, article) -> Content:
        if index == self.session.article_index and self.session.store is not None:
            done = self.session.counts()[0]
            total = self.session.total
            progress = (done, total)
        else:
            progress = self.session.progress.get(article)
        if article.id in self.session.unreadable:
            mark, count = "✗", "unreadable"
        elif progress is None:
            mark, count = " ", "      —"
        else:
            done, total = progress
            mark = "✓" if total and done >= total else ("◐" if done else " ")
            count = f"{done:>4}/{total:<4}"
        return Content.assemble(
            (mark, "bold $success"), " ", (visible(article.id[:28]).ljust(28), "bold"), " ", (count, "dim"), "  ",
            one_line(self.session.progress.first_line(article), 200),
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        # Filtering 10,000 articles on every letter would make typing wait: filter once typing pauses.
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY, lambda: self.populate(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self.populate(event.value)
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id))

    def action_filter(self) -> None:
        self.query_one(Input).focus()

    def action_back(self) -> None:
        self.dismiss(None)
