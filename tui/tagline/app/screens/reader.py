"""The reader: one article's sentences, a legend, a status line, the keys in force."""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from tagline.core import keymap
from tagline.core.labels import LabelScheme
from tagline.core.sanitize import one_line
from tagline.core.session import Outcome, Session
from tagline.app import theming
from tagline.app.frames import KeyFrames
from tagline.app.messages import DuplicatesFound, EntitiesArrived
from tagline.app.widgets.footer import FittedFooter
from tagline.app.widgets.sentence_view import GROUP_NAMES, SentenceView


#: Sentences of a batch of entities applied in one turn of the event loop (about 1 ms of CPU for a
#: slice of a 5,000-sentence article's).
ENTITY_SLICE = 200
#: Characters of a sentence's note the hint line shows (the whole note: ``m``); only a few times as
#: many are read for it, on every key, whatever the note's length.
NOTE_SHOWN = 30

# The reader's keys are priority bindings: the app runs them as it reads them, instead of passing
# each key down to the focused view and back up through the screen first (a third of what a key
# cost besides drawing). While the search field is open they stand aside (``check_action``).


def reader_bindings(commands=keymap.READER_COMMANDS) -> list[Binding]:
    return [
        Binding(",".join(c.keys), c.action, c.description, show=c.show, id=c.id,
                key_display=keymap.display(c.keys[0]), priority=True)
        for c in commands
    ]


def label_bindings(scheme: LabelScheme) -> list[Binding]:
    return [
        Binding(",".join(keymap.key_name(k) for k in label.keys), f"toggle('{label.name}')", label.name, priority=True,
                id=f"label-{label.name}", key_display=label.keys[0])
        for label in scheme.labels
    ]


#: Enter in the search field, run as the app reads it (a priority binding), not by the field after
#: the keys already on their way to it: "/tax", enter, c typed at once searched for "taxc".
SEARCH_ENTER = Binding("enter", "submit_search", show=False, priority=True, id="search-enter")


class ReaderScreen(KeyFrames):
    """Subclassed per run with the label scheme's bindings (see :func:`make_reader_screen`)."""

    BINDINGS = [*reader_bindings(), SEARCH_ENTER]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.last_query = ""

    def compose(self) -> ComposeResult:
        settings = getattr(self.app, "user_settings", None) or {}
        # Kept at hand: every key updates them, and a query each time is a walk of the DOM.
        self._view = SentenceView(self.session, cursor_style=str(settings.get("cursor", "gutter")), id="sentences")
        # The hint, legend and status rows are drawn by the view, under the sentences.
        self._hint, self._legend, self._status = (self._view.info[name] for name in ("hint", "legend", "status"))
        yield self._view
        yield Input(id="search", placeholder="search: enter finds the next match (again: / enter); esc closes")
        yield FittedFooter(compact=True, show_command_palette=False)
        # The rows the first frame shows are filled before it is drawn; the view lays its text out
        # at its first resize, also before. Filled in on_mount instead, the first screen took
        # about 0.2 s longer on 5,000 sentences (frames drawn and drawn again meanwhile).
        self.show_article()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the search field has the keys, they are text; escape (``articles``) closes it and
        enter (``submit_search``) searches. Enter is the field's only."""
        searching = isinstance(self.app.focused, Input)
        if action == "submit_search":
            return searching
        if action != "articles" and searching:
            return False
        return True

    @property
    def view(self) -> SentenceView:
        return self._view

    def on_mount(self) -> None:
        self.view.focus()
        self.watch(self.app, "theme", self.theme_changed, init=False)
        self.call_after_refresh(self.app.article_opened, self)  # workers after the article is on screen

    # -- actions (each a thin call into the session) --------------------------------------------
    def action_move(self, delta: int) -> None:
        self.apply(self.session.move(delta))

    def action_page(self, direction: int) -> None:
        if self.view.scroll_within(direction):  # a sentence taller than the page: its next page
            self.apply(Outcome())
            return
        self.apply(self.session.move(direction * self.view.page_size()))

    def action_edge(self, end: int) -> None:
        self.apply(self.session.goto(self.session.total - 1 if end else 0))

    def action_toggle(self, label: str) -> None:
        self.apply(self.session.toggle(label))

    def action_confirm(self) -> None:
        self.apply(self.session.confirm())

    def action_clear(self) -> None:
        self.apply(self.session.clear())

    def action_undo(self) -> None:
        self.apply(self.session.undo())

    def action_redo(self) -> None:
        self.apply(self.session.redo())

    def action_next_todo(self) -> None:
        self.apply(self.session.next_todo())

    def action_article(self, delta: int) -> None:
        self.apply(self.session.article_step(delta))

    def action_accept(self) -> None:
        self.apply(self.session.accept())

    def action_flag(self) -> None:
        self.apply(self.session.flag())

    def action_note(self) -> None:
        from tagline.app.screens.note import NoteScreen

        def done(text: str | None) -> None:
            if text is not None:
                self.apply(self.session.note(text))

        self.app.push_screen(NoteScreen(self.session.state(self.session.cursor).note), done)

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        search.display = True
        # Now, not as Widget.focus() does it (after the messages already queued): keys typed or
        # pasted right after "/" were the reader's ("/tax": x cleared the sentence's labels).
        self.set_focus(search)

    async def action_submit_search(self) -> None:
        """Search once the field has taken the keys typed before enter (they wait in its own queue);
        the keys after it wait meanwhile in the app's, and are then the reader's."""
        field = self.query_one("#search", Input)
        typed = asyncio.Event()
        field.call_later(typed.set)  # after the keys already on their way to the field
        await typed.wait()
        if field.display:
            self._search_for(field)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search" and event.input.display:
            self._search_for(event.input)

    def _search_for(self, field: Input) -> None:
        query = field.value or self.last_query
        self.last_query = query
        self.view.set_query(query)
        field.display = False
        self.set_focus(self.view)  # now: the next key is the reader's
        if self.view.show_next_match(query):  # a sentence taller than the page, matched further down
            self.apply(Outcome())
            return
        self.apply(self.session.search(query))
        self.view.show_match(query)  # in a sentence taller than the page, the row of the match

    def key_escape(self) -> None:
        search = self.query_one("#search", Input)
        if search.display:
            search.display = False
            self.set_focus(self.view)  # now: the next key is the reader's

    def action_toggle_entities(self) -> None:
        on = self.view.toggle_entities()
        self.update_legend()
        self.notify("entity highlighting on" if on else "entity highlighting off", timeout=2)

    def action_help(self) -> None:
        from tagline.app.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.session.scheme))

    def action_articles(self) -> None:
        search = self.query_one("#search", Input)
        if search.display:
            search.display = False
            self.set_focus(self.view)  # now: the next key is the reader's
            return
        from tagline.app.screens.articles import ArticleListScreen

        def chosen(index: int | None) -> None:
            if index is not None and index != self.session.article_index:
                self.apply(self.session.open_article(index))

        self.app.push_screen(ArticleListScreen(self.session), chosen)

    # -- results ---------------------------------------------------------------------------------
    def apply(self, outcome: Outcome) -> None:
        self.app.touched()
        self.key_drawn_now()
        if outcome.article_changed:
            self.article_opened()
        else:
            self.view.refresh_sentences(outcome.changed)
            self.view.reveal_cursor()
            self.update_status()
            self.update_hint()
        if outcome.message:
            self.notify(outcome.message, severity="error" if outcome.error else "information", timeout=3, markup=False)

    def article_opened(self) -> None:
        self.show_article()
        self.call_after_refresh(self.app.article_opened, self)  # workers after the article is on screen

    def show_article(self) -> None:
        self.view.reset()
        self.parsed: set[int] = set()
        if self.session.store is not None:
            known = self.session.store.entities()
            if known:
                self.view.set_entities(known)
        self.update_legend()
        self.update_status()
        self.update_hint()

    def on_duplicates_found(self, message: DuplicatesFound) -> None:
        if message.article_id != self.session.article.id or self.session.store is None:
            return  # another article's, or the session closed (quitting) before the scan answered
        self.session.set_duplicates(message.found)
        self.session.set_corpus_duplicates(message.across or {})
        self.view.refresh_sentences(set(self.session.duplicate_groups) | set(self.session.corpus_duplicates))
        self.update_hint()

    def action_toggle_order(self) -> None:
        self.apply(self.session.toggle_order())

    def action_set_order(self, order: str) -> None:
        self.apply(self.session.set_order(order))

    def action_copy_to_duplicates(self) -> None:
        self.apply(self.session.copy_to_duplicates())

    async def on_entities_arrived(self, message: EntitiesArrived) -> None:
        """Entities and suggestions from the model process (see ``nlp.stream_annotations``),
        applied :data:`ENTITY_SLICE` sentences at a time, the event loop free between slices: a
        cached article arrives as one batch of every sentence, and applying 5,000 at once held a
        key typed meanwhile for the whole of it."""
        import asyncio

        batch = message.batch
        if batch.too_long and message.article_id == self.session.article.id:
            first = self.session.article.sentences[batch.too_long[0]]
            self.notify(
                f"{len(batch.too_long):,} sentence(s) too long for the model (sentence {batch.too_long[0] + 1}: "
                f"{first.end - first.start:,} characters): no entities or suggestions for them",
                severity="warning", timeout=10, markup=False,
            )
        indices = sorted(batch.entities.keys() | batch.suggestions.keys())
        for at in range(0, len(indices), ENTITY_SLICE):
            if message.article_id != self.session.article.id or self.session.store is None:
                return  # another article meanwhile
            part = indices[at : at + ENTITY_SLICE]
            self.apply_entities(
                {i: batch.entities[i] for i in part if i in batch.entities},
                {i: batch.suggestions[i] for i in part if i in batch.suggestions},
            )
            if at + ENTITY_SLICE < len(indices):
                await asyncio.sleep(0)  # keys and frames waiting go first

    def apply_entities(self, entities: dict[int, list], suggestions: dict[int, dict]) -> None:
        """One slice of a batch: into the store (the next fold writes it), the session, the view."""
        store = self.session.store
        for index, found in entities.items():
            store.set_entities(index, found)
        for index, suggestion in suggestions.items():
            store.set_suggestion(index, suggestion)
        self.session.suggestions.update(suggestions)
        self.view.set_entities(entities)
        if self.session.cursor in suggestions:
            self.update_hint()
        before = len(self.parsed)
        self.parsed.update(entities)
        if before < self.session.total:
            self.update_legend()

    def theme_changed(self, _name: str | None = None) -> None:
        self.view.restyle()
        self.update_legend()
        self.update_status()
        self.update_hint()

    def update_hint(self) -> None:
        """What the annotator should know about the sentence under the cursor: its flag and note
        (the gutter's one cell shows only the first of ⚑ ✎ ≡), its duplicates, and the suggestion
        with its reasons."""
        hint = self._hint
        cursor = self.session.cursor
        parts: list = []
        marked = self.session.state(cursor)
        glyphs = self.view.glyphs
        if marked.flag:
            parts += [(f"{glyphs.flag} flagged", "bold $warning"), ("  ", "")]
        if marked.note:
            parts += [(f"{glyphs.note} ", "bold $warning"), (one_line(marked.note[: NOTE_SHOWN * 8], NOTE_SHOWN), "italic"), ("  ", "")]
        count, others = self.session.duplicates_shown(cursor)
        elsewhere = self.session.corpus_duplicates.get(cursor)
        if elsewhere and not others:
            parts += [(f"{self.view.glyphs.duplicate} ", "bold $warning"),
                      (f"repeats sentence {elsewhere[1] + 1} of {elsewhere[0]}", "bold"), ("  ", "")]
        if others:
            first = self.session.duplicates.get(cursor)
            if first is not None:
                where = f"repeats sentence {first + 1}"
            else:
                where = ("also at sentence " if count == 1 else "also at sentences ") + ", ".join(str(t + 1) for t in others)
            parts += [(f"{self.view.glyphs.duplicate} ", "bold $warning"), (where, "bold"), ("  d copies its labels to the others  ", "dim")]
        suggestion = self.session.suggestions.get(cursor)
        state = self.session.state(cursor)
        if suggestion:
            labels = suggestion.get("labels") or []
            if not labels:
                parts.append(("suggested: none apply", "dim"))
            else:
                parts.append(("suggested ", "dim"))
                reasons = suggestion.get("reasons") or {}
                for position, name in enumerate(labels):
                    label = self.session.scheme.by_name.get(name)
                    colour = theming.label_colour(self.app.theme_variables, label.colour) if label else ""
                    parts.append(("+" if position else "", "dim"))
                    parts.append((name, f"bold {colour}".strip()))
                if tuple(labels) != state.labels:
                    parts.append(("  a accepts", "dim"))
                for name in labels:
                    if reasons.get(name):
                        parts.append((f"  · {reasons[name]}", "italic"))
            if self.session.order == "checkworthy" and "checkworthy" in suggestion:
                parts.append((f"  check-worthy {float(suggestion['checkworthy']):.2f}", "dim"))
        hint.show(*parts)  # unchanged on most moves: then nothing is redrawn

    def update_legend(self) -> None:
        legend = self._legend
        model = self.app.model_status
        # A warning about this article's file (undecodable bytes) stays in view, naming the file,
        # while the article is on screen, and goes with it.
        warning = self.session.article.warning_line
        mark = "!" if self.view.glyphs.ascii else "\u26a0"
        first: list = [(f"{mark} {warning}", "bold $warning"), "  "] if warning else []
        if not self.view.show_entities:
            legend.show(*first, ("entities hidden", "dim"), "  ", ("e", "bold"), ("  show", "dim"))
            return
        if self.app.model is None:
            legend.show(*first, (model, "dim"))
            return
        parts: list = [*first, ("entities ", "dim")]
        for group, name in GROUP_NAMES.items():
            colour = self.app.theme_variables.get(f"ent-{group}", "")
            parts.append((name, f"underline {colour}".strip()))
            parts.append(" ")
        parsed = len(getattr(self, "parsed", ()))
        if parsed < self.session.total:
            parts.append((f" parsing {parsed}/{self.session.total}", "italic"))
        else:
            parts.append((f" {model}", "dim"))
        legend.show(*parts)

    def update_status(self) -> None:
        session = self.session
        done, per_label, flagged = session.counts()
        total = session.total
        article = session.article
        parts: list = [
            (f"{session.article_index + 1}/{len(session.articles)} ", "dim"),
            (article.id[:28], "bold"),
            f"  {session.cursor + 1}/{total}  ",
            (f"{done}/{total} done", "bold" if done == total else ""),
            "  ",
        ]
        for label in session.scheme.labels:
            colour = theming.label_colour(self.app.theme_variables, label.colour)
            parts.append((f"{label.badge}:{per_label.get(label.name, 0)} ", f"bold {colour}".strip()))
        if flagged:
            parts.append(f"{self.view.glyphs.flag}{flagged} ")
        if session.order != "reading":
            parts.append((f"  n:{'uncertain' if session.order == 'uncertain' else 'check-worthy'}", "italic"))
        store = session.store
        if store is not None and store.read_only:
            parts.append(("  read-only", "bold $error"))
        else:
            parts.append(("  saved", "$success"))
        self._status.show(*parts)


def make_reader_screen(scheme: LabelScheme) -> type[ReaderScreen]:
    """A reader screen class whose bindings include the scheme's label keys."""
    # Label keys first, so the footer reads labels, then commands.
    bindings = label_bindings(scheme) + reader_bindings() + [SEARCH_ENTER]
    return type("ReaderScreen", (ReaderScreen,), {"BINDINGS": bindings}, inherit_bindings=False)
