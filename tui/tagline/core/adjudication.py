"""The review session: settle the sentences annotators disagree on, from the annotation files alone.

``tagline review`` steps through sentences that several annotators labelled (by default the ones
every annotator of the article has finished and where their labels differ), shows what each of them
gave, and records the reviewer's decision apart from every annotator's own answer, in
``<annotations>/<reviewer>/decisions/<article-id>.yaml``: the ordinary format, each decided sentence
with the ``review`` mapping of ``docs/guide/review.md``. A reviewer who is also an annotator keeps their own
answer untouched in ``<annotations>/<reviewer>/<article-id>.yaml``. No article file and no model is
needed: each article is rebuilt from the sentences its annotation files list
(:class:`RecordedArticle`).

Saving is :class:`~tagline.core.store.ArticleStore`'s: every decision is a journal line, fsynced before
the method returns, folded into the YAML atomically on quit, on leaving an article and in the
background. :class:`ReviewStore` only writes each ``review`` mapping in its documented order (the plain
store journals it with the decision). Nothing here imports Textual; the screen (:mod:`tagline.app.screens.review`) is a
thin layer over :class:`ReviewSession`.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tagline.core import annofile, articles, corpus, safefile, schema
from tagline.core.articles import Article
from tagline.core.labels import LabelScheme
from tagline.core.segment import Span
from tagline.core.session import Outcome
from tagline.core.store import ArticleStore, SentenceState, folded_apart, now, safe_name

FILTERS = ("disagreements", "unanimous", "flagged", "notes", "all")
FILTER_NAMES = {
    "disagreements": "disagreements",
    "unanimous": "sentences every annotator agrees on",
    "flagged": "flagged sentences",
    "notes": "sentences with notes",
    "all": "annotated sentences",
}
REVIEW = "review"  # the sentence key of a decision's provenance (docs/guide/review.md)


class NothingToReview(ValueError):
    """No sentence matches; the message says why in one line. ``failed`` when that is a failure
    (no annotations, too few annotators) rather than a corpus with nothing left to settle."""

    def __init__(self, reason: str, failed: bool, problems: list[str]):
        super().__init__(reason)
        self.failed = failed
        self.problems = problems


# -- the article, as its annotation files know it ------------------------------------------------
class RecordedArticle(Article):
    """An article known only from its annotation files: its sentences are the ones the files list,
    its text is rebuilt by placing them at their offsets (what lies between them is not in the files,
    so it is blank), and its ``sha256`` is the one the files recorded for the real text. Read again
    from its file, it would be another text and other sentences: its first fold leaves no head."""

    read_again = False

    def __init__(self, id: str, path: str, sha256: str, sentences: list[tuple[int, int, str]]):
        kept = without_overlaps(sentences)
        super().__init__(id, path, corpus.reconstruct_text(kept))
        self._recorded_sha256 = sha256
        spans = [Span(start, end) for start, end, _ in kept]
        self._recorded_split = ([Span(0, len(self.text))], spans, [0] * len(spans))

    @property
    def sha256(self) -> str:
        return self._recorded_sha256 or super().sha256

    def split(self) -> tuple[list[Span], list[Span], list[int]]:
        """One paragraph (the files do not say where paragraphs end); the sentences the files list."""
        return self._recorded_split


def without_overlaps(sentences: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Sentences in offset order, leaving out any that overlaps an earlier one (files written against
    two versions of an article); the rule :func:`corpus.reconstruct_text` places text by."""
    kept: list[tuple[int, int, str]] = []
    position = 0
    for start, end, text in sorted(set(sentences)):
        if start < position:
            continue
        kept.append((start, end, text))
        position = end
    return kept


class ReviewStore(ArticleStore):
    """The reviewer's decisions file for one article, ``<root>/<reviewer>/decisions/<id>.yaml``: the
    plain store (which journals each decision's ``review`` mapping with it), writing each mapping in
    the order of ``docs/guide/review.md``. Its journal and lock sit beside it, in the decisions folder."""

    def __init__(self, root: str | Path, reviewer: str, article: Article, scheme: LabelScheme, model: dict | None = None):
        folder = Path(root) / safe_name(reviewer)
        super().__init__(folder, schema.DECISIONS_FOLDER, article, scheme, model, owner=(folder, reviewer))
        self.annotator = reviewer  # the file names the reviewer, not its folder

    def document(self) -> dict:
        """The file as the plain store writes it, with each ``review`` mapping in the order of
        ``docs/guide/review.md`` and its label lists in flow style, however it was read back."""
        document = super().document()
        for record in document["sentences"]:
            review = record.get(REVIEW)
            if isinstance(review, dict):
                record[REVIEW] = _ordered_review(review)
        return document


# -- what the reviewer looks at -------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One annotator's judgement of the sentence under review."""

    number: int  # 1-based, the annotator's place in the session: the key that takes their labels
    name: str
    labels: tuple[str, ...]
    done: bool
    flag: bool = False
    note: str = ""
    recorded: bool = False  # known only from the provenance of an earlier decision


@dataclass
class Item:
    """A sentence to review: where it is, and what every annotator said about it (fixed at load)."""

    article: str
    sentence: int  # its index in the reviewer's file of that article
    unit: corpus.Unit
    rows: list[Row]
    other: corpus.Sentence | None = None  # another reviewer's decision in force, if any
    ready: bool = True  # every annotator of the sentence has finished it

    @property
    def given(self) -> dict[str, tuple[str, ...]]:
        return {row.name: row.labels for row in self.rows if row.done}

    @property
    def disagreement(self) -> bool:
        return len(self.given) >= 2 and len(set(self.given.values())) > 1

    @property
    def unanimous(self) -> bool:
        """Settled without a reviewer: two or more annotators, all finished, all gave the same labels."""
        return self.ready and len(self.given) >= 2 and len(set(self.given.values())) == 1

    @property
    def text(self) -> str:
        return self.unit.text


@dataclass(frozen=True)
class Shown:
    """The decision the screen shows for an item: the reviewer's own, another reviewer's, the labels
    every annotator gave (settled without a decision), or the majority of the annotators (a proposal
    that ``space`` accepts)."""

    labels: tuple[str, ...]
    source: str  # "mine" | "other" | "unanimous" | "majority"
    decided_by: str = ""
    decided_at: str = ""
    note: str = ""
    #: Under "majority": the labels exactly half of the annotators gave, which the proposal leaves
    #: out (with two annotators, every label only one gave), so that the screen says so.
    tied: tuple[str, ...] = ()


@dataclass(frozen=True)
class Progress:
    position: int  # 1-based
    total: int
    decided: int  # items with a decision (the reviewer's or another's)
    disagreements_left: int  # disagreements without a decision
    article: int  # 1-based place of the current article among those with items
    articles: int


@dataclass
class _Edit:
    item: int
    before: SentenceState
    after: SentenceState


@dataclass
class ReviewArticle:
    article: RecordedArticle
    units: list[corpus.Unit]  # by sentence index
    files: list[Path] = field(default_factory=list)  # the annotators' files, for the model record


class ReviewSession:
    """Every action of the review screen, without a screen.

    The items are fixed at load: the sentences the filter picks from the chosen annotators' files
    (all of them with a ``done`` or flagged or noted judgement, unless ``annotators`` narrows it), in
    article and offset order. The review follows the team: a sentence is listed only once every
    annotator who started its article (finished any sentence of it) has finished it, and (with a
    ``team``) once the article has as many such annotators as the team wants for it; ``unfinished`` lists the others too. A sentence every
    annotator agrees on is settled without a decision (the ``unanimous`` filter lists them). For each
    item, the decision shown is the reviewer's own, else another reviewer's decision in force, else
    the annotators' common labels, else the labels most annotators gave (a proposal). Taking an
    annotator's labels, toggling a label, accepting and writing a note all record the reviewer's
    decision with its provenance, in the reviewer's decisions file; no annotator's file is touched.
    The cursor starts at the first item not settled."""

    def __init__(self, root: str | Path, reviewer: str, scheme: LabelScheme, annotators: list[str] | None = None,
                 filter: str = "disagreements", paths: list[str] | None = None, team=None, unfinished: bool = False):
        if filter not in FILTERS:
            raise ValueError(f"unknown filter {filter!r} (one of {', '.join(FILTERS)})")
        self.root = Path(root)
        self.reviewer = reviewer
        self.scheme = scheme
        self.filter = filter
        self.team = team if not annotators else None  # how many annotators each article wants
        self.unfinished = unfinished
        self.waiting = 0  # sentences the filter would pick that wait for an annotator to finish
        self.folder = self.root / safe_name(reviewer) / schema.DECISIONS_FOLDER  # where decisions go
        self.problems: list[str] = []
        reviewers = team.reviewers if team is not None else None
        # Narrowed to some articles or annotators, only their files are read first; when a path
        # named matches no file by its ids (an article file renamed since it was annotated, found by
        # the path its annotation files hold), everything is read, as it always was.
        named = self._named_ids(paths or [])
        merged = corpus.load(self.root, scheme, annotators, reviewers, others_unread=True,
                             article_ids=set().union(*named.values()) if named else None)
        if named and not all(ids & {u.article for u in merged.units} for ids in named.values()):
            merged = corpus.load(self.root, scheme, annotators, reviewers, others_unread=True)
        # This reviewer's own journals with no file yet are replayed below (_recover_journals): said
        # only if one is still there after it.
        own = [p for p in merged.problems if p.reason == corpus.UNSAVED_JOURNAL and Path(p.path).parent == self.folder]
        self.problems += [str(p) for p in merged.problems if p not in own]
        present = set(merged.annotators)
        if annotators:
            for name in annotators:
                if name not in present:
                    self.problems.append(f"{self.root}: no annotations by '{name}'")
            self.annotators = [name for name in annotators if name in present]
        else:
            self.annotators = merged.annotators
        wanted = self._wanted_articles(named, merged)
        self.articles: dict[str, ReviewArticle] = {}
        self._mine: dict[tuple[str, int], SentenceState] = {}
        self.items: list[Item] = []
        self._build(merged, wanted)
        self.recovered = self._recover_journals()
        self.problems += [str(p) for p in own if Path(p.path).exists()]
        if not self.items:
            reason, failed = self._why_empty(merged)
            raise NothingToReview(reason, failed, self.problems)
        self.store: ReviewStore | None = None
        self._closing: dict[str, threading.Thread] = {}
        self._undo: list[_Edit] = []
        self._redo: list[_Edit] = []
        self._entities_written: set[str] = set()
        self._open = {i for i, item in enumerate(self.items) if not self._settled(i)}
        self._open_disagreements = sum(1 for i in self._open if self.items[i].disagreement)
        self.cursor = min(self._open) if self._open else 0
        self._order = list(dict.fromkeys(item.article for item in self.items))  # articles with items
        self._place = {article_id: place for place, article_id in enumerate(self._order)}
        self._first: dict[str, int] = {}  # article -> its first item
        for position, item in enumerate(self.items):
            self._first.setdefault(item.article, position)
        self._notice = ""  # what the store said on opening an article, for the next outcome

    # -- loading ---------------------------------------------------------------------------------
    def _named_ids(self, paths: list[str]) -> dict[str, set[str]]:
        """PATH argument -> the article ids it names by itself: an article file's or a folder's
        articles' ids, or the argument as an id (and its stem). The articles' paths are kept for
        :meth:`_wanted_articles` (:attr:`_named_paths`)."""
        named: dict[str, set[str]] = {}
        self._named_paths: dict[str, list[str]] = {}
        for raw in paths:
            if Path(raw).exists():
                found, trouble = articles.open_corpus([raw])
                self.problems.extend(str(p) for p in trouble)
                named[raw] = {a.id for a in found} | {Path(a.path).stem for a in found}
                self._named_paths[raw] = [a.path for a in found]
            else:
                named[raw] = {raw, Path(raw).stem}
        return named

    def _wanted_articles(self, named: dict[str, set[str]], merged: corpus.Corpus) -> set[str] | None:
        """The article ids PATH arguments name (:meth:`_named_ids`), with those whose annotation
        files hold the path given (an article file renamed since)."""
        if not named:
            return None
        known = {unit.article for unit in merged.units}
        by_path: dict[str, set[str]] = {}
        for loaded in merged.files:
            if loaded.article_path:
                by_path.setdefault(_normal_path(loaded.article_path), set()).add(loaded.article_id)
        wanted: set[str] = set()
        for raw, ids in named.items():
            ids = ids | by_path.get(_normal_path(raw), set())
            for path in self._named_paths.get(raw, ()):
                ids |= by_path.get(_normal_path(path), set())
            matched = ids & known
            if not matched:
                self.problems.append(f"{raw}: no annotations of it under {self.root}")
            wanted |= matched
        return wanted

    def _build(self, merged: corpus.Corpus, wanted: set[str] | None) -> None:
        mine_by_key: dict[tuple, corpus.Sentence] = {}
        files_by_article: dict[str, list[corpus.AnnotationFile]] = {}
        for loaded in merged.files:
            files_by_article.setdefault(loaded.article_id, []).append(loaded)
        for loaded in merged.decision_files:
            if loaded.path.parent == self.folder:
                for sentence in loaded.sentences:
                    if sentence.is_decision:
                        mine_by_key[(loaded.article_id, sentence.start, sentence.end, sentence.text)] = sentence
        mine_ids = {id(sentence) for sentence in mine_by_key.values()}
        for article_id, units in merged.by_article().items():
            if wanted is not None and article_id not in wanted:
                continue
            files = files_by_article.get(article_id, [])
            others = files or [f for f in merged.decision_files if f.article_id == article_id]
            sha256 = _most_common(f.sha256 for f in others)
            path = _most_common(f.article_path for f in others)
            article = RecordedArticle(article_id, path, sha256, [(u.start, u.end, u.text) for u in units])
            placed = {(span.start, span.end) for span in article.sentences}
            kept = [u for u in units if (u.start, u.end) in placed and article.text[u.start : u.end] == u.text]
            self.articles[article_id] = ReviewArticle(article, kept, [f.path for f in others])
            started = {name for unit in units for name, sentence in unit.judgements.items() if sentence.done}
            for index, unit in enumerate(kept):
                mine = mine_by_key.get((article_id, unit.start, unit.end, unit.text))
                if mine is not None:
                    self._mine[(article_id, index)] = _state_of(mine)
                rows = self._rows(unit, mine)
                if not self._wanted(rows):
                    continue
                ready = self._ready(article_id, unit, started)
                if not ready and not self.unfinished:
                    self.waiting += 1
                    continue
                others_decisions = [d for d in unit.decisions if id(d) not in mine_ids]
                other = max(others_decisions, key=lambda s: (s.review.decided_at, s.review.decided_by)) if others_decisions else None  # type: ignore[union-attr]
                self.items.append(Item(article_id, index, unit, rows, other, ready))

    def _ready(self, article_id: str, unit: corpus.Unit, started: set[str]) -> bool:
        """Every annotator who started the article (finished a sentence of it) has finished this
        sentence, and the article has as many annotators as the team wants for it."""
        if not all(unit.judgements[name].done for name in started if name in unit.judgements):
            return False
        return self.team is None or len(started) >= self.team.wanted(article_id)

    def _rows(self, unit: corpus.Unit, mine: corpus.Sentence | None) -> list[Row]:
        recorded = mine.review.annotators if mine is not None and mine.review is not None else {}
        rows = []
        for number, name in enumerate(self.annotators, 1):
            sentence = unit.judgements.get(name)
            if sentence is not None and (sentence.done or sentence.flag or sentence.note):
                rows.append(Row(number, name, sentence.labels, sentence.done, sentence.flag, sentence.note))
            elif name in recorded:  # the reviewer's own annotation, replaced by the decision
                rows.append(Row(number, name, tuple(self.scheme.order(list(recorded[name]))), True, recorded=True))
        return rows

    def _wanted(self, rows: list[Row]) -> bool:
        if self.filter in ("disagreements", "unanimous"):
            given = [row.labels for row in rows if row.done]
            return len(given) >= 2 and (len(set(given)) > 1) == (self.filter == "disagreements")
        if self.filter == "flagged":
            return any(row.flag for row in rows)
        if self.filter == "notes":
            return any(row.note for row in rows)
        return bool(rows)

    def _recover_journals(self) -> int:
        """Decisions still in a journal (the last session was killed before folding): fold them into
        the YAML now, and read them, so the session resumes exactly where the reviewer was. Returns
        how many articles had such a journal."""
        recovered = 0
        for article_id in self.articles:
            journal = self.folder / f"{article_id}{schema.JOURNAL_SUFFIX}"
            if not (journal.exists() or journal.with_name(journal.name + ".folding").exists()):
                continue
            store = self._new_store(article_id)
            try:
                self._take_states(article_id, store)
                recovered += 1
            finally:
                store.close()
            if store.read_only:
                self.problems.append(f"{store.path}: {store.read_only}")
        return recovered

    def _why_empty(self, merged: corpus.Corpus) -> tuple[str, bool]:
        where = str(self.root)
        if not self.articles:
            return f"no annotations under {where}" + (" for the articles given" if merged.units else ""), True
        if self.filter in ("disagreements", "unanimous") and len(self.annotators) < 2:
            found = ", ".join(self.annotators) or "nobody"
            return f"{FILTER_NAMES[self.filter]} need two annotators; under {where} only {found} marked sentences done", True
        reason = f"no {FILTER_NAMES[self.filter]} among the annotations of {', '.join(self.annotators)} under {where}"
        if self.waiting:
            n = self.waiting
            reason += f" yet: {n} more wait{'s' if n == 1 else ''} for an annotator to finish (--unfinished lists them)"
        return reason, False

    # -- the reviewer's file ---------------------------------------------------------------------
    def _new_store(self, article_id: str) -> ReviewStore:
        entry = self.articles[article_id]
        return ReviewStore(self.root, self.reviewer, entry.article, self.scheme, _model_of(entry.files))

    def _take_states(self, article_id: str, store: ArticleStore) -> None:
        for index in range(len(self.articles[article_id].units)):
            self._remember(article_id, index, store.get(index))

    def _remember(self, article_id: str, index: int, state: SentenceState) -> None:
        if state.status == schema.DONE and isinstance(state.extra.get(REVIEW), dict):
            self._mine[(article_id, index)] = state
        else:
            self._mine.pop((article_id, index), None)

    def _store_for(self, article_id: str) -> ReviewStore:
        if self.store is not None and self.store.article.id == article_id:
            return self.store
        self._close_store(wait=False)
        thread = self._closing.pop(article_id, None)
        if thread is not None:
            thread.join()  # its lock is still held by a fold under way
        self.store = self._new_store(article_id)
        if self.store.read_only or self.store.notice:
            self._notice = f"{self.store.path}: {self.store.read_only or self.store.notice}"
        self._take_states(article_id, self.store)
        if self.store.path.exists():
            self._entities_written.add(article_id)
        return self.store

    def _close_store(self, wait: bool = True) -> None:
        """Fold the open article and let it go; in the background unless ``wait``."""
        if self.store is None:
            return
        store, self.store = self.store, None
        if wait:
            store.close()
            return
        if folded_apart(store.article):
            # A long article's fold goes to a process forked for it: going back to the article
            # opens at once beside it (the store's fold lock) instead of waiting for a thread.
            for thread in self._closing.values():  # short articles' folds: a fork must not copy their locks
                thread.join()
            self._closing.clear()
            if store.fold_after_exit():
                return
        thread = threading.Thread(target=store.close, name=f"close review {store.article.id}")
        self._closing[store.article.id] = thread
        thread.start()

    def fold(self, forked: bool = False) -> bool:
        """Write the open article's YAML if it changed (safe from a worker thread); ``forked``: in a
        process forked for it (:meth:`ArticleStore.fold_forked`), so that a long article's rewrite
        never holds this process's interpreter while keys come in."""
        store = self.store
        if store is None or not store.dirty:
            return False
        return bool(store.fold_forked() if forked else store.fold())

    @property
    def dirty(self) -> bool:
        return self.store is not None and self.store.dirty

    @property
    def read_only(self) -> str | None:
        """Why nothing the reviewer does is saved, or None: the open article's store says; before
        one is open, the reviewer's folder does (the screen said "saved" until the first key)."""
        if self.store is not None:
            return self.store.read_only
        from tagline.core.store import not_yours

        folder = Path(self.root) / safe_name(self.reviewer)
        return not_yours(folder, self.reviewer) or not_yours(folder / schema.DECISIONS_FOLDER, self.reviewer)

    def close(self, after_exit: bool = False) -> None:
        """Fold what is open and what is being closed. ``after_exit`` (the process is about to end):
        the open article's fold is written by a process forked for it
        (:meth:`ArticleStore.fold_after_exit`), so that this one can leave at once; every decision
        is in the journal already, and the next session replays it if that process never writes."""
        for thread in list(self._closing.values()):  # first: a fork must not copy a lock another thread holds
            thread.join()
        self._closing.clear()
        store, self.store = self.store, None
        if store is not None and not (after_exit and store.fold_after_exit()):
            store.close()

    # -- reading the state -----------------------------------------------------------------------
    @property
    def item(self) -> Item:
        return self.items[self.cursor]

    def mine(self, position: int | None = None) -> SentenceState | None:
        """The reviewer's decision on an item, if any."""
        item = self.items[self.cursor if position is None else position]
        return self._mine.get((item.article, item.sentence))

    def _settled(self, position: int) -> bool:
        item = self.items[position]
        return self.mine(position) is not None or item.other is not None or item.unanimous

    def shown(self, position: int | None = None) -> Shown:
        position = self.cursor if position is None else position
        item = self.items[position]
        mine = self.mine(position)
        if mine is not None:
            review = mine.extra.get(REVIEW) or {}
            return Shown(mine.labels, "mine", self.reviewer, str(review.get("decided_at") or ""), str(review.get("note") or ""))
        if item.other is not None:
            review = item.other.review
            return Shown(item.other.labels, "other", review.decided_by, review.decided_at, review.note)  # type: ignore[union-attr]
        if item.unanimous:
            return Shown(next(iter(item.given.values())), "unanimous")
        return Shown(self.majority(item), "majority", tied=self.tied(item))

    def majority(self, item: Item) -> tuple[str, ...]:
        """The labels more than half of the annotators who finished the sentence gave."""
        return self._given_by(item, lambda twice, annotators: twice > annotators)

    def tied(self, item: Item) -> tuple[str, ...]:
        """The labels exactly half of the annotators who finished the sentence gave."""
        return self._given_by(item, lambda twice, annotators: twice == annotators)

    def _given_by(self, item: Item, share) -> tuple[str, ...]:
        """The labels given by a share of the annotators (``share(2 x givers, annotators)``), in the
        scheme's order."""
        given = list(item.given.values())
        counts = Counter(label for labels in given for label in labels)
        return tuple(self.scheme.order([label for label, n in counts.items() if share(2 * n, len(given))]))

    def context(self, delta: int) -> str | None:
        """The text of the sentence ``delta`` places before or after the one under review."""
        units = self.articles[self.item.article].units
        index = self.item.sentence + delta
        return units[index].text if 0 <= index < len(units) else None

    def progress(self) -> Progress:
        return Progress(
            self.cursor + 1, len(self.items), len(self.items) - len(self._open), self._open_disagreements,
            self._place[self.item.article] + 1, len(self._order),
        )

    # -- moving ----------------------------------------------------------------------------------
    def move(self, delta: int) -> Outcome:
        return self.goto(self.cursor + delta)

    def goto(self, position: int) -> Outcome:
        old = self.cursor
        self.cursor = max(0, min(position, len(self.items) - 1))
        return Outcome(changed=(old, self.cursor), article_changed=self.items[old].article != self.item.article)

    def next_open(self) -> Outcome:
        """The next item without a decision after the cursor, wrapping."""
        if not self._open:
            return Outcome(message="every sentence here has a decision")
        later = [i for i in self._open if i > self.cursor]
        return self.goto(min(later) if later else min(self._open))

    def article_step(self, delta: int) -> Outcome:
        target = self._place[self.item.article] + delta
        if not 0 <= target < len(self._order):
            return Outcome(message="no next article" if delta > 0 else "no previous article")
        return self.goto(self._first[self._order[target]])

    # -- deciding --------------------------------------------------------------------------------
    def take(self, number: int) -> Outcome:
        """Annotator ``number``'s labels (1-based, as the rows are numbered) as the decision."""
        if not 1 <= number <= len(self.annotators):
            return Outcome(message=f"no annotator {number} (there are {len(self.annotators)})", error=True)
        name = self.annotators[number - 1]
        row = next((row for row in self.item.rows if row.name == name), None)
        if row is None or not row.done:
            return Outcome(message=f"{name} did not finish this sentence", error=True)
        outcome = self._decide(row.labels)
        if not outcome.error:
            outcome.message = _join(f"took {name}'s labels", outcome.message)
        return outcome

    def toggle(self, label: str) -> Outcome:
        labels = self.scheme.toggle(list(self.shown().labels), label)
        return self._decide(tuple(labels))

    def accept(self) -> Outcome:
        """Make the decision shown the reviewer's (unless it already is, or every annotator agrees)
        and move on."""
        if self.mine() is None and self.shown().source != "unanimous":  # agreement needs no decision
            outcome = self._decide(self.shown().labels)
            if outcome.error:
                return outcome
        else:
            outcome = Outcome(changed=(self.cursor,))
        moved = self.move(1)
        if moved.changed[0] == moved.changed[1]:
            left = self._open_disagreements
            moved.message = "last sentence" + (f"; {left} disagreement{'' if left == 1 else 's'} left (n: the next)" if left else "")
        moved.changed = tuple(sorted({*outcome.changed, *moved.changed}))
        return moved

    def note(self, text: str) -> Outcome:
        """The reviewer's note on the decision; an undecided sentence is decided with what is shown."""
        return self._decide(self.shown().labels, note=text.strip())

    def withdraw(self) -> Outcome:
        before = self._state()
        if self.mine() is None:
            return Outcome(message="no decision of yours on this sentence")
        extra = {k: v for k, v in before.extra.items() if k != REVIEW}
        after = SentenceState(status=schema.TODO, updated=now(), extra=extra)
        outcome = self._apply(self.cursor, after)
        if not outcome.error:
            outcome.message = _join("decision withdrawn", outcome.message)
        return outcome

    def _state(self) -> SentenceState:
        item = self.item
        return self._store_for(item.article).get(item.sentence)

    def _decide(self, labels: tuple[str, ...], note: str | None = None) -> Outcome:
        item = self.item
        before = self._state()
        previous = before.extra.get(REVIEW) if self.mine() is not None else None
        previous = previous if isinstance(previous, dict) else {}
        labels = tuple(self.scheme.order(list(labels)))
        note = str(previous.get("note") or "") if note is None else note
        if previous and tuple(before.labels) == labels and str(previous.get("note") or "") == note:
            return Outcome(changed=(self.cursor,))
        stamp = now()
        review: dict = {"decided_by": self.reviewer, "decided_at": stamp,
                        "annotators": {name: annofile.Flow(given) for name, given in item.given.items()}}
        if note:
            review["note"] = note
        extra = {k: v for k, v in before.extra.items() if k != REVIEW}
        extra[REVIEW] = review
        after = SentenceState(status=schema.DONE, labels=labels, updated=stamp, extra=extra)
        return self._apply(self.cursor, after)

    def _apply(self, position: int, after: SentenceState, record: bool = True) -> Outcome:
        item = self.items[position]
        store = self._store_for(item.article)
        if store.read_only:
            self._notice = ""
            return Outcome(message=f"{store.path}: {store.read_only}", error=True)
        before = store.get(item.sentence)
        if item.article not in self._entities_written:
            for index, unit in enumerate(self.articles[item.article].units):
                if unit.entities:
                    store.set_entities(index, [(e.start, e.end, e.label) for e in unit.entities])
            self._entities_written.add(item.article)
        try:
            store.set(item.sentence, after)
        except OSError as error:
            return Outcome(message=f"{store.journal_path}: cannot save ({error.strerror or error})", error=True)
        was_settled = self._settled(position)
        self._remember(item.article, item.sentence, store.get(item.sentence))
        settled = self._settled(position)
        if settled != was_settled:
            (self._open.discard if settled else self._open.add)(position)
            if item.disagreement:
                self._open_disagreements += -1 if settled else 1
        if record:
            self._undo.append(_Edit(position, before, after))
            self._redo.clear()
        notice, self._notice = self._notice, ""
        return Outcome(changed=(position,), message=notice)

    def undo(self) -> Outcome:
        return self._step_history(self._undo, self._redo, "before", "undone", "nothing to undo")

    def redo(self) -> Outcome:
        return self._step_history(self._redo, self._undo, "after", "redone", "nothing to redo")

    def _step_history(self, source: list[_Edit], target: list[_Edit], side: str, done: str, empty: str) -> Outcome:
        if not source:
            return Outcome(message=empty)
        edit = source.pop()
        moved = self.goto(edit.item)
        outcome = self._apply(edit.item, getattr(edit, side), record=False)
        if outcome.error:
            source.append(edit)
            return outcome
        target.append(edit)
        return Outcome(changed=tuple(sorted({*moved.changed, *outcome.changed})), message=done,
                       article_changed=moved.article_changed)


def _state_of(sentence: corpus.Sentence) -> SentenceState:
    review = sentence.review.as_data() if sentence.review is not None else {}
    return SentenceState(sentence.status, sentence.labels, sentence.flag, sentence.note, sentence.updated, {REVIEW: review})


def _join(*messages: str) -> str:
    return "; ".join(m for m in messages if m)


def _ordered_review(review: dict) -> dict:
    ordered: dict = {"decided_by": review.get("decided_by")}
    if review.get("decided_at"):
        ordered["decided_at"] = review["decided_at"]
    given = review.get("annotators")
    if isinstance(given, dict):
        ordered["annotators"] = {name: annofile.Flow(labels) if isinstance(labels, list) else labels for name, labels in given.items()}
    if review.get("note"):
        ordered["note"] = review["note"]
    ordered.update({k: v for k, v in review.items() if k not in ordered and k not in ("decided_at", "note")})
    return ordered


def _most_common(values) -> str:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else ""


def _normal_path(path: str) -> str:
    return Path(articles.display_path(Path(path))).as_posix()


def _model_of(files: list[Path]) -> dict | None:
    """The model the annotators' entities came from, read from the head of their first file."""
    for path in files:
        try:
            with safefile.open_regular(path) as handle:
                head = []
                for raw in handle:
                    line = raw.decode("utf-8")
                    if line.startswith("sentences:"):
                        break
                    head.append(line)
            model = annofile.loads("".join(head), path).get("model")
        except (OSError, UnicodeDecodeError, annofile.AnnotationFileError):
            continue
        if isinstance(model, dict) and model.get("name"):
            return dict(model)
    return None
