"""``tagline review``: the reviewer's screen. Every key calls :class:`~tagline.core.adjudication.ReviewSession`;
this module only draws what the session holds.

One sentence at a time: the sentence with its neighbours, one row per annotator (number, name, label
badges that read without colour, flag and note), the decision (the reviewer's, another reviewer's,
the annotators' common labels, or their majority as a proposal), a status line, and the keys in the footer. Names, notes
and texts come from files: they are drawn as :class:`~textual.content.Content`, never as markup.

Keys (data in :data:`tagline.core.keymap.REVIEW_COMMANDS`; label keys come from the label scheme, and a
scheme whose label keys clash with these is refused with a one-line reason):

    ! @ # … (      take annotator 1, 2, 3 … 9's labels (shift+digit on US layouts; digits stay labels)
    t then 1-9     the same on any keyboard layout; t then any annotator's number (enter, when a
                   longer number begins the same) or part of their name then enter: a team of any size
    label keys     toggle a label on the decision shown (c/1 claim, q/2 quote, s/3 statistic)
    space          accept the decision shown (yours, another reviewer's, or the majority) and move on;
                   on a sentence every annotator agrees on, just move on
    x              withdraw your decision
    j k ↓ ↑        next / previous sentence under review; n: next without a decision; ] [ articles
    u  ctrl+r      undo / redo, any number of steps, across articles
    m              a note on the decision      ?  help      ctrl+q  quit (everything is on disk)
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tagline.app.frames import KeyFrames
from tagline.core import keymap
from tagline.core.labels import LabelScheme
from tagline.core.adjudication import NothingToReview, ReviewSession, Row, Shown
from tagline.core.sanitize import one_line
from tagline.core.sanitize import sentence as sentence_text
from tagline.core.session import Outcome
from tagline.app import heap, theming
from tagline.app.durable import DurableApp, folded_apart
from tagline.app.screens.help import HelpPage, QuitsFromHere, grid, labels_table
from tagline.app.screens.reader import label_bindings
from tagline.app.widgets.footer import FittedFooter

IDLE_FOLD_SECONDS = 2.0
TAKE_GROUP = Binding.Group("take", compact=True)
NAME_WIDTH = 12
#: Annotator rows drawn for one sentence; a larger team's others are counted on one line.
ROWS_SHOWN = 8


def review_bindings(annotators: int) -> list[Binding]:
    """Bindings from :data:`keymap.REVIEW_COMMANDS`; take keys only for the annotators there are."""
    bindings = []
    for command in keymap.REVIEW_COMMANDS:
        take = command.id.startswith("take_") and command.id[5:].isdigit()
        if take and int(command.id[5:]) > annotators:
            continue
        # Beyond nine annotators the shifted digits reach only the first nine: the footer shows t too.
        show = command.show or (command.id == "take_prompt" and annotators > len(keymap.TAKE_KEYS))
        # Priority, as the label keys (the reader's) are: the app runs every key as it reads it, so keys
        # typed faster than a frame keep their order (a command key passed down to the focused widget
        # and back ran after a label key typed after it: "j s" marked the sentence it left).
        bindings.append(Binding(",".join(command.keys), command.action, command.description, show=show, id=command.id,
                                key_display=keymap.display(command.keys[0]), group=TAKE_GROUP if take else None,
                                priority=True))
    return bindings


def badges(scheme: LabelScheme, labels, theme_variables: dict[str, str]) -> Content:
    """One letter per label of the scheme, ``·`` where absent: readable without colour."""
    parts: list = []
    for label in scheme.labels:
        if label.name in labels:
            colour = theming.label_colour(theme_variables, label.colour)
            parts.append((label.badge, f"bold {colour}".strip()))
        else:
            parts.append(("·", "dim"))
        parts.append(" ")
    return Content.assemble(*parts)


def label_names(labels) -> str:
    return ", ".join(labels) if labels else "none"


class ReviewScreen(KeyFrames):
    """Subclassed per run with the scheme's label keys (see :func:`make_review_screen`)."""

    BINDINGS = review_bindings(len(keymap.TAKE_KEYS))

    def __init__(self, session: ReviewSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static(id="review-where", markup=False)
        with VerticalScroll(id="review-text"):
            yield Static(id="review-before", markup=False, classes="context")
            yield Static(id="review-sentence", markup=False)
            yield Static(id="review-after", markup=False, classes="context")
        yield Static(id="review-rows", markup=False)
        yield Static(id="review-decision", markup=False)
        yield Static(id="status", markup=False)
        yield FittedFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.redraw()

    # -- actions (each a thin call into the session) --------------------------------------------
    def action_move(self, delta: int) -> None:
        self.apply(self.session.move(delta))

    def action_take(self, number: int) -> None:
        self.apply(self.session.take(number))

    def action_take_prompt(self) -> None:
        def chosen(number: int | None) -> None:
            if number is not None:
                self.action_take(number)

        self.app.push_screen(TakeScreen(self.session.annotators, self.session.item.rows), chosen)

    def action_toggle(self, label: str) -> None:
        self.apply(self.session.toggle(label))

    def action_accept(self) -> None:
        self.apply(self.session.accept())

    def action_withdraw(self) -> None:
        self.apply(self.session.withdraw())

    def action_undo(self) -> None:
        self.apply(self.session.undo())

    def action_redo(self) -> None:
        self.apply(self.session.redo())

    def action_next_open(self) -> None:
        self.apply(self.session.next_open())

    def action_article(self, delta: int) -> None:
        self.apply(self.session.article_step(delta))

    def action_note(self) -> None:
        from tagline.app.screens.note import NoteScreen

        def done(text: str | None) -> None:
            if text is not None:
                self.apply(self.session.note(text))

        self.app.push_screen(NoteScreen(self.session.shown().note), done)

    def action_help(self) -> None:
        self.app.push_screen(ReviewHelpScreen(self.session.scheme))

    # -- drawing ---------------------------------------------------------------------------------
    def apply(self, outcome: Outcome) -> None:
        self.app.touched()
        self.key_drawn_now()
        self.redraw()
        if outcome.message:
            self.notify(outcome.message, severity="error" if outcome.error else "information", timeout=3, markup=False)

    def redraw(self) -> None:
        session = self.session
        item = session.item
        shown = session.shown()
        variables = self.app.theme_variables
        kind = "disagreement" if item.disagreement else "agreement" if len(item.given) >= 2 else "one annotator"
        if not item.ready:
            kind += ", not finished by everyone yet"
        self.query_one("#review-where", Static).update(Content.assemble(
            (one_line(item.article, 40), "bold"), f"  sentence {item.sentence + 1}  ", (kind, "italic"),
        ))
        before, after = session.context(-1), session.context(1)
        self._show_context("#review-before", before)
        self._show_context("#review-after", after)
        self.query_one("#review-sentence", Static).update(self._sentence())
        self.query_one("#review-text", VerticalScroll).scroll_to(y=0, animate=False, immediate=True)
        self.query_one("#review-rows", Static).update(self._rows(item.rows, shown))
        self.query_one("#review-decision", Static).update(self._decision(shown, variables))
        self.update_status()

    def _show_context(self, selector: str, text: str | None) -> None:
        widget = self.query_one(selector, Static)
        widget.display = text is not None
        if text is not None:
            widget.update(Content(one_line(text, 400)))

    def _sentence(self) -> Content:
        item = self.session.item
        content = Content(sentence_text(item.text))
        for entity in item.unit.entities:
            content = content.stylize("underline", entity.start, entity.end)
        return content

    def _rows(self, rows: list[Row], shown: Shown) -> Content:
        """A row per annotator; beyond :data:`ROWS_SHOWN`, the first few and a line that counts the
        rest by the labels they gave, so the decision stays on an 80x24 screen (``t`` lists them all)."""
        if len(rows) <= ROWS_SHOWN:
            return Content("\n").join(self._row(row, shown) for row in rows)
        lines = [self._row(row, shown) for row in rows[:ROWS_SHOWN - 1]]
        rest = rows[ROWS_SHOWN - 1:]
        given: dict[tuple, int] = {}
        for row in rest:
            if row.done:
                given[tuple(row.labels)] = given.get(tuple(row.labels), 0) + 1
        counted = ", ".join(f"{label_names(labels)} ×{count}" for labels, count in sorted(given.items(), key=lambda kv: -kv[1]))
        lines.append(Content.assemble(
            (f"… {len(rest)} more", "bold"), f": {counted or 'none finished'}", ("  (t: take by number or name)", "dim"),
        ))
        return Content("\n").join(lines)

    def _row(self, row: Row, shown: Shown) -> Content:
        scheme = self.session.scheme
        take = keymap.display(keymap.TAKE_KEYS[row.number - 1]) if row.number <= len(keymap.TAKE_KEYS) else " "
        name = one_line(row.name, NAME_WIDTH)
        width = len(str(len(self.session.annotators)))  # numbers line up in a team of ten or more
        parts: list = [(f"{row.number:>{width}}", "bold"), (take, "dim"), " ", (name.ljust(NAME_WIDTH), "bold"), " "]
        if row.done:
            parts.append(badges(scheme, row.labels, self.app.theme_variables))
            parts.append(("=" if tuple(row.labels) == tuple(shown.labels) else " ", "bold $success"))
            parts.append(f" {label_names(row.labels)}")
        else:
            parts.append(("not done", "dim italic"))
        if row.recorded:
            parts.append(("  (as recorded)", "dim"))
        if row.flag:
            parts.append(("  ⚑ flagged", "bold $warning"))
        if row.note:
            parts.append(("  ✎ ", "bold $warning"))
            parts.append(one_line(row.note, 120))
        return Content.assemble(*parts)

    def _decision(self, shown: Shown, variables: dict[str, str]) -> Content:
        scheme = self.session.scheme
        parts: list = [("decision ", "bold"), "    ", badges(scheme, shown.labels, variables), f"  {label_names(shown.labels)}  "]
        if shown.source == "mine":
            parts.append(("✓ yours", "bold $success"))
        elif shown.source == "other":
            parts.append(("✓ by ", "bold"))
            parts.append((one_line(shown.decided_by, 24), "bold"))
        elif shown.source == "unanimous":
            parts.append(("✓ settled: every annotator agrees", "bold $success"))
        elif shown.tied:  # "the majority" of two who disagree is what both gave: said as it is
            parts.append((f"proposed; a tie left out: {label_names(shown.tied)}; space accepts", "italic dim"))
        else:
            parts.append(("proposed: the majority; space accepts", "italic dim"))
        lines = [Content.assemble(*parts)]
        if shown.note:
            lines.append(Content.assemble(("note ", "bold"), "        ", one_line(shown.note, 300)))
        return Content("\n").join(lines)

    def update_status(self) -> None:
        session = self.session
        progress = session.progress()
        parts: list = [
            ("review ", "dim"), (one_line(session.reviewer, 20), "bold"),
            f"  {progress.position}/{progress.total}",
            (f"  art {progress.article}/{progress.articles}", "dim"),
            (f"  decided {progress.decided}/{progress.total}", "bold" if progress.decided == progress.total else ""),
            (f"  {progress.disagreements_left} disagreement{'' if progress.disagreements_left == 1 else 's'} left",
             "bold $warning" if progress.disagreements_left else "$success"),
        ]
        if session.read_only:
            parts.append(("  read-only", "bold $error"))
        else:
            parts.append(("  saved", "$success"))
        self.query_one("#status", Static).update(Content.assemble(*parts))


def make_review_screen(scheme: LabelScheme, annotators: int) -> type[ReviewScreen]:
    """A review screen class with the scheme's label keys and a take key per annotator."""
    bindings = label_bindings(scheme) + review_bindings(annotators)
    return type("ReviewScreen", (ReviewScreen,), {"BINDINGS": bindings}, inherit_bindings=False)


class TakeScreen(QuitsFromHere, ModalScreen[int | None]):
    """``t`` then the annotator's number: whose labels to take, on any keyboard layout, and for any
    number of annotators. ctrl+q and ctrl+c quit from it, as from every screen (a modal screen hides
    the app's own bindings).

    The prompt lists the annotators who finished the sentence, with their numbers. A digit narrows
    the list to the numbers that begin with what was typed; the number is taken as soon as no other
    listed number begins with it, so with up to nine annotators one digit takes at once, as it
    always has, and ``t 1 5 7`` takes annotator 157 of a large team. ``enter`` takes the
    highlighted annotator (the number typed, as ``t 1 enter`` when 12 is listed too); letters narrow
    the list by name instead; ``up``/``down`` move the highlight, ``backspace`` unsays a character."""

    BINDINGS = [Binding("escape", "cancel", "cancel")]
    #: Annotators listed at once: the box fits an 80x24 terminal; typing narrows the rest.
    SHOWN = 9

    def __init__(self, annotators: list[str], rows: list[Row] | None = None) -> None:
        super().__init__()
        self.annotators = annotators
        if rows is None:
            self.candidates = [(n, name, None) for n, name in enumerate(annotators, 1)]
        else:
            self.candidates = [(row.number, row.name, row.labels) for row in rows if row.done]
        self.typed = ""
        self.highlight = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="take-box"):
            yield Static(Content.assemble(("Take whose labels?", "bold"), ("  number or name, enter; esc cancels", "dim")), markup=False)
            yield Static(id="take-typed", markup=False)
            yield Static(id="take-names", markup=False)

    def on_mount(self) -> None:
        self._draw()

    def matches(self) -> list[tuple[int, str, tuple | None]]:
        """The candidates what was typed leaves: numbers that begin with it, or names that hold it."""
        typed = self.typed
        if not typed:
            return self.candidates
        if typed.isdigit():
            return [c for c in self.candidates if str(c[0]).startswith(typed)]
        folded = typed.casefold()
        return [c for c in self.candidates if folded in c[1].casefold()]

    def _draw(self) -> None:
        found = self.matches()
        self.highlight = min(self.highlight, max(0, len(found) - 1))
        width = len(str(max((c[0] for c in self.candidates), default=1)))
        lines = []
        start = max(0, self.highlight - self.SHOWN + 1)
        for position, (number, name, labels) in enumerate(found[start:start + self.SHOWN], start):
            mark = "▸ " if position == self.highlight else "  "
            parts: list = [mark, (f"{number:>{width}}", "bold"), " ", one_line(name, 30)]
            if labels is not None:
                parts.append((f"  {label_names(labels)}", "dim"))
            lines.append(Content.assemble(*parts))
        hidden = len(found) - len(lines)
        if hidden > 0:
            lines.append(Content.styled(f"  … {hidden} more: type to narrow", "dim"))
        if not found:
            lines.append(Content.styled("  nobody who finished this sentence matches", "dim"))
        self.query_one("#take-typed", Static).update(Content.assemble(("> ", "dim"), (one_line(self.typed, 40), "bold"), ("_", "dim")))
        self.query_one("#take-names", Static).update(Content("\n").join(lines))

    def on_key(self, event) -> None:
        key = event.key
        if key in ("enter", "up", "down", "backspace"):
            event.stop()
            event.prevent_default()
            if key == "enter":
                self._choose()
            elif key == "backspace":
                self.typed = self.typed[:-1]
                self.highlight = 0
                self._draw()
            else:
                self.highlight = max(0, self.highlight + (1 if key == "down" else -1))
                self._draw()
            return
        character = event.character
        if not character or not character.isprintable() or (character == "0" and not self.typed) or len(self.typed) >= 40:
            return
        event.stop()
        event.prevent_default()
        self.typed += character
        self.highlight = 0
        if self.typed.isdigit():
            number = int(self.typed)
            found = self.matches()
            exact = [i for i, c in enumerate(found) if c[0] == number]
            if not any(c[0] != number for c in found):
                self._take(number)  # nobody else's number begins so: a digit of a small team, at once
                return
            self.highlight = exact[0] if exact else 0
        self._draw()

    def _choose(self) -> None:
        found = self.matches()
        if found:
            self._take(found[self.highlight][0])
        elif self.typed.isdigit():
            self._take(int(self.typed))  # nobody listed has it: the session says why it cannot be taken
        elif self.typed:
            self.app.notify(f"nobody who finished this sentence is called '{one_line(self.typed, 40)}'",
                            severity="error", timeout=3, markup=False)

    def _take(self, number: int) -> None:
        self.dismiss(number if number <= len(self.annotators) else None)
        if number > len(self.annotators):
            self.app.notify(f"no annotator {number}", severity="error", timeout=3, markup=False)

    def action_cancel(self) -> None:
        self.dismiss(None)


def review_help(scheme: LabelScheme) -> Group:
    """Labels with their keys and guidelines, then every review key (text is never markup)."""

    labels = labels_table(scheme)
    keys = grid()
    takes = [c for c in keymap.REVIEW_COMMANDS if c.id.startswith("take_") and c.id[5:].isdigit()]
    keys.add_row(Text(" ".join(keymap.display(c.keys[0]) for c in takes)), Text("Take annotator 1, 2, … 9's labels as the decision (shift+digit on US keyboards)"))
    for command in (*keymap.REVIEW_COMMANDS, *keymap.APP_COMMANDS):
        if command in takes:
            continue
        keys.add_row(Text(" ".join(keymap.display(k) for k in command.keys)), Text(command.help))
    return Group(
        Text("Labels (toggle on the decision)" + ("  (they exclude each other)" if scheme.exclusive else ""), style="bold underline"), labels, Text(""),
        Text("Keys", style="bold underline"), keys, Text(""),
        Text("Rows", style="bold underline"),
        Text("number, take key, annotator, badges (letter: given, ·: not), = same as the decision, ⚑ flagged, ✎ note"),
        Text(""),
        Text("Decisions go to annotations/<reviewer>/<article>.yaml with who said what (docs/guide/review.md); "
             "each is on disk before the next key is read.  esc closes.", style="dim"),
    )


class ReviewHelpScreen(HelpPage):
    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(review_help(self.scheme), id="help-text")


class ReviewApp(DurableApp):
    CSS_PATH = ["../styles/app.tcss", "../styles/review.tcss"]
    TITLE = "tagline review"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, session: ReviewSession, notices: list[str] | None = None, theme: str | None = None,
                 theme_folders: list[Path] | None = None) -> None:
        super().__init__()
        self.session = session
        self.notices = list(notices or [])
        self._last_action = time.monotonic()
        self._collector = heap.BetweenKeys()
        themes, problems = theming.load_themes(theme_folders or [])
        self.notices.extend(problems)
        for found in themes:
            self.register_theme(found)
        wanted = theme or theming.DEFAULT_THEME
        if wanted not in self.available_themes:
            self.notices.append(f"theme '{wanted}' not found; using {theming.DEFAULT_THEME}")
            wanted = theming.DEFAULT_THEME if theming.DEFAULT_THEME in self.available_themes else "textual-dark"
        self.theme = wanted

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(theming.VARIABLE_DEFAULTS)

    def on_mount(self) -> None:
        self.push_screen(make_review_screen(self.session.scheme, len(self.session.annotators))(self.session))
        self.notify_all(self.notices)
        self.set_interval(IDLE_FOLD_SECONDS / 2, self._fold_when_idle)
        self.catch_hang_ups()

    def touched(self) -> None:
        self._last_action = time.monotonic()
        self._collector.key()

    def _fold_when_idle(self) -> None:
        if self.session.dirty and time.monotonic() - self._last_action >= IDLE_FOLD_SECONDS:
            self._fold()

    def _long(self) -> bool:
        store = self.session.store
        return store is not None and folded_apart(store.article)

    @work(thread=True, exclusive=True, group="fold", exit_on_error=False)
    def _fold(self) -> None:
        """Fold in the background: a long article in a child process forked for it (this thread
        only waits), as the reader does, so the rewrite never holds the interpreter while keys come
        in, and a quit meanwhile does not wait for it."""
        try:
            self.session.fold(forked=self._long())
        except OSError as error:
            self.call_from_thread(self.notify, f"could not write the review file: {error.strerror}", severity="error", markup=False)

    def close(self) -> None:
        """Fold the reviewer's decisions: when the process is about to end (quit, SIGTERM, SIGINT,
        SIGHUP: :attr:`exiting`), a long article's in a process forked for it, as the reader does
        (1 to 2 s for 5,000 sentences, which the review spent here before the exit); a short one's
        here, as when Textual ends the app on its own."""
        self.session.close(after_exit=self.exiting and self._long())


def run(paths, annotations, annotators, reviewer, filter, theme, scheme: LabelScheme, team=None, unfinished: bool = False) -> int:
    """``tagline review``: 0 when done, 1 when something was left out or there is nothing to review."""
    from tagline.commands.output import safe, say
    from tagline.core.team import not_a_reviewer

    refused = not_a_reviewer(team, reviewer)
    if refused:
        say(refused)
        return 1
    from tagline.commands.output import no_annotations_folder

    if no_annotations_folder(annotations):
        return 1
    from tagline.app.startup import hearing_quit

    # A large project takes a while to read: not a blank wait, and ctrl+q leaves at once, up to the
    # app's construction.
    with hearing_quit("tagline review: reading the annotations (ctrl+q quits)…"):
        try:
            session = ReviewSession(annotations, reviewer, scheme, annotators, filter, list(paths or []), team=team, unfinished=unfinished)
        except NothingToReview as empty:
            session = empty
        if not isinstance(session, NothingToReview):
            from tagline.app.launch import theme_folders

            refused = session.read_only  # said on opening, as the reader says it, not after the first key
            problems = list(session.problems)
            app = ReviewApp(session, [*problems, refused] if refused else problems, theme, theme_folders())
    if isinstance(session, NothingToReview):
        empty = session
        for problem in empty.problems:
            say(problem)
        if empty.failed:
            say(f"nothing to review: {empty}")
            return 1
        print(f"Nothing to review: {safe(empty)}.")
        return 1 if empty.problems else 0
    for problem in problems:
        say(problem)
    from tagline.app import durable

    def finish(status: int) -> int:
        for problem in problems:  # the screen covered them while it ran
            say(problem)
        return status or (1 if problems else 0)

    # Saved and the terminal put back: leave now, waiting for no thread or teardown (durable.leave).
    app.leave_when_restored = finish
    return durable.leave(finish(durable.run(app)))
