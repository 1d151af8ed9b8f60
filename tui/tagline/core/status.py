"""``tagline status``: who has done what, read from the folders without writing anything.

Per annotator: articles assigned (by the team's routing; without a team, the articles they have a
file for), started and done, sentences done, pace and when they were last active. Per article: how
many of its annotators are done. What waits for review: sentences every finished annotator of an
article has done, on which they disagree and no reviewer has decided. Agreement so far: over the
sentences two or more annotators have done (:mod:`tagline.core.agreement`, on the label set).

Fast on a large project: each annotator folder is listed once and its progress index
(:mod:`tagline.core.progress`) read once; an annotation file is parsed only when the index does not
describe it as it is on disk (written by an older tagline, changed by hand, or open right now).
"""

from __future__ import annotations

import heapq
import operator
import os
import stat
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tagline.core import agreement, annofile, corpus, parse_ahead, safefile, sanitize, schema, store, wording
from tagline.core.labels import LabelScheme
from tagline.core.progress import decode_marks, decode_times, entry_is_current, epoch, mask_labels, read_index
from tagline.core.stats import SESSION_BREAK
from tagline.core.team import Team, no_login_line, nobody_logs_in_as, route

#: Pace (sentences per hour, seconds per sentence) is measured over this many of an annotator's
#: articles, those saved last: the pace now, and a cost that does not grow with the project.
RECENT = 300


@dataclass
class Work:
    """One annotator's file for one article, as far as status needs it."""

    done: int
    total: int
    marks: str | list  # the index's form (with ``names``), or per sentence None / labels joined by "+"
    times: str | list[int]  # [first stamp, gap, gap, …] in time order, or the index's string of them
    open_now: bool = False
    #: The journal of an article with no file whose session stopped before saving it: started, its
    #: sentences in no count (no reader can place them until a session saves them; said).
    unsaved: bool = False
    names: tuple | None = None  # the label names the bits of ``marks`` stand for, when it is a string
    mtime: int = 0


@dataclass
class AnnotatorStatus:
    name: str
    assigned: int = 0
    started: int = 0
    done: int = 0  # articles
    sentences_done: int = 0
    sentences_total: int = 0  # of the articles they have a file for
    within: list[int] = field(default_factory=list, repr=False)  # gaps between actions in one article
    spans: list[tuple[int, int]] = field(default_factory=list, repr=False)  # (first, last) per article
    open_now: list[str] = field(default_factory=list)  # articles open in a session right now

    def add_times(self, times: str | list[int]) -> None:
        if isinstance(times, str):
            times = decode_times(times)
        if times:
            self.within.extend(times[1:])
            self.spans.append((times[0], times[0] + sum(times[1:])))

    def _gaps(self) -> list[int]:
        gaps = [g for g in self.within if g <= SESSION_BREAK]
        spans = sorted(self.spans)
        gaps += [b[0] - a[1] for a, b in zip(spans, spans[1:]) if 0 <= b[0] - a[1] <= SESSION_BREAK]
        return gaps

    @property
    def seconds_per_sentence(self) -> float | None:
        """The median gap between consecutive actions (in the :data:`RECENT` articles last saved),
        breaks over ten minutes left out."""
        gaps = self._gaps()
        return float(statistics.median(gaps)) if gaps else None

    @property
    def sentences_per_hour(self) -> float | None:
        """Actions per hour of time spent annotating (the gaps between actions, breaks left out)."""
        gaps = self._gaps()
        spent = sum(gaps)
        return 3600.0 * len(gaps) / spent if spent else None

    @property
    def last_active(self) -> str | None:
        if not self.spans:
            return None
        import datetime as _dt

        try:  # the index's times are numbers read back from a file: any size
            moment = _dt.datetime.fromtimestamp(max(last for _, last in self.spans), _dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
        return moment.isoformat().replace("+00:00", "Z")

    def as_data(self) -> dict:
        pace = self.seconds_per_sentence
        rate = self.sentences_per_hour
        return {
            "assigned": self.assigned, "started": self.started, "done": self.done,
            "sentences_done": self.sentences_done, "sentences_total": self.sentences_total,
            "sentences_per_hour": None if rate is None else round(rate, 1),
            "seconds_per_sentence": None if pace is None else round(pace, 1),
            "last_active": self.last_active,
            "open_now": self.open_now,
        }


@dataclass
class Status:
    annotators: dict[str, AnnotatorStatus]
    articles: dict[str, dict]  # id -> {"wanted", "annotators", "done"}
    waiting_for_review: int  # sentences
    articles_waiting: int
    agreement: dict
    problems: list[str]
    team: bool
    parsed_files: int = 0  # annotation files that had to be parsed (the index did not cover them)
    outside: dict[str, AnnotatorStatus] = field(default_factory=dict)  # folders with answers, not in the team
    #: Names of the team nobody can log in as yet (:func:`tagline.core.team.nobody_logs_in_as`):
    #: name -> {"role": "annotator" or "reviewer", "articles": the article ids routed to them}.
    no_login: dict[str, dict] = field(default_factory=dict)

    def summary(self) -> dict[str, int]:
        counts = {"complete": 0, "in progress": 0, "not started": 0}
        for entry in self.articles.values():
            if entry["wanted"] and entry["done"] >= entry["wanted"]:
                counts["complete"] += 1
            elif entry["started"]:
                counts["in progress"] += 1
            else:
                counts["not started"] += 1
        return counts

    def as_data(self) -> dict:
        return {
            # Without a team nothing is routed: "assigned" is null, as the table's "n/a" says.
            "annotators": {name: a.as_data() | ({} if self.team else {"assigned": None}) for name, a in self.annotators.items()},
            "articles": self.articles,
            "summary": self.summary(),
            "review": {"sentences": self.waiting_for_review, "articles": self.articles_waiting},
            "agreement": self.agreement,
            "problems": self.problems,
            "outside_team": {name: a.as_data() for name, a in self.outside.items()},
            "no_login": self.no_login,
            "team": self.team,
        }


def _folders(root: Path, problems: list[str]) -> list[str]:
    """The annotator folders' names, as every reader lists them (:func:`annofile.annotator_folders`),
    less a link to a folder already listed (:func:`corpus.same_folders`, said)."""
    try:
        names = [path.name for path in annofile.annotator_folders(root)]
    except OSError as error:
        problems.append(f"{root}: cannot list ({error.strerror or error})")
        return []
    said: list[corpus.Problem] = []
    twice = corpus.same_folders(root, set(names), said)
    problems.extend(str(problem) for problem in said)
    kept = []
    for name in names:
        impostor = store.named_for_another(root / name)
        if impostor:  # as the readers leave it out; read_folder reads nothing of it either
            problems.append(f"{root / name}: {impostor}")
        elif name not in twice:
            kept.append(name)
    return kept


def read_folder(folder: Path, scheme: LabelScheme, problems: list[str], decisions: bool = False,
                owner: Path | None = None, places: Callable[[str], dict] | None = None,
                held: set[tuple[int, int, int]] | None = None,
                ) -> tuple[dict[str, Work], dict[str, set[int]], int]:
    """(article id -> work, article id -> sentence indices a reviewer decided, files parsed).
    ``decisions``: a reviewer's folder, whose files are all read for the decisions they hold.
    ``owner``: the annotator folder whose owner the files must have (default: ``folder``).
    ``places``: article id -> {(start, end): (sentence index, text)}, from another file of the article,
    for the decisions of a journal whose own file is not written yet.
    ``held``: the locks held now (:func:`store.held_locks`), to tell a journal with no file whose
    session stopped (said, as every reader says it, and counted as started only) from one open now.

    Read only, and never waiting: an article being folded right now (a session that has quit, its
    fold left to a process of its own) is read from its journals, then its file, whichever of the
    two the fold has got to (:func:`_journaled`)."""
    if store.named_for_another(owner or folder):  # said once, where the folders are listed (_folders)
        return {}, {}, 0
    index = read_index(folder)
    owner_uid = store.folder_owner(owner or folder)
    yaml_files: dict[str, int] = {}
    journals: set[str] = set()
    try:
        with os.scandir(folder) as found:
            for item in found:
                name = item.name
                if name.startswith("."):
                    continue
                if name.endswith(schema.ANNOTATION_SUFFIX):
                    foreign = store.foreign_owner(item.path, owner_uid)
                    if foreign:
                        problems.append(f"{item.path}: {foreign}")
                        continue
                    try:
                        yaml_files[name[: -len(schema.ANNOTATION_SUFFIX)]] = item.stat().st_mtime_ns
                    except OSError as error:  # a link loop, a broken link: said, as agree says it
                        problems.append(f"{item.path}: cannot be read ({error.strerror or error})")
                        continue
                elif name.endswith(schema.JOURNAL_SUFFIX) or name.endswith(schema.JOURNAL_SUFFIX + ".folding"):
                    foreign = store.foreign_owner(item.path, owner_uid)
                    if foreign:
                        problems.append(f"{item.path}: {foreign}")
                        continue
                    if not item.is_file(follow_symlinks=False):  # a FIFO would block the read for ever
                        problems.append(f"{item.path}: not a file ({safefile.kind(item.path)}); left out")
                        continue
                    journals.add(name.split(schema.JOURNAL_SUFFIX)[0])
    except FileNotFoundError:  # a listed annotator who has not begun
        return {}, {}, 0
    except OSError as error:
        problems.append(f"{folder}: cannot list ({error.strerror})")
        return {}, {}, 0
    work: dict[str, Work] = {}
    decided: dict[str, set[int]] = {}
    parsed = 0

    def parse(article_id: str, mtime: int, journaled: bool) -> bool:
        """The article's file, with what its journals hold over it (``journaled``: an article open,
        being folded, or whose session died: :func:`store.current_document`); False when it cannot
        be read."""
        said: list[tuple[str, str]] = []
        try:
            loaded = corpus.parse_file(folder / f"{article_id}{schema.ANNOTATION_SUFFIX}", folder.name, scheme,
                                       current=journaled, owner_uid=owner_uid, said=said)
        except annofile.AnnotationFileError as error:
            problems.append(str(error))
            return False
        finally:
            problems.extend(f"{where}: {why}" for where, why in said)
        named: list = []  # a file (or decision) that names someone other than its folder: said, as export says it
        corpus.belongs_to_folder(loaded, (owner or folder).name, named)
        problems.extend(str(problem) for problem in named)
        marks = [("+".join(s.labels) if s.done else None) for s in loaded.sentences]
        updated = [s.updated for s in loaded.sentences]
        chosen = {s.index for s in loaded.sentences if s.is_decision}
        stamps = sorted(t for t in (epoch(u) for u in updated) if t is not None)
        times = stamps[:1] + [b - a for a, b in zip(stamps, stamps[1:])]
        work[article_id] = Work(sum(m is not None for m in marks), len(marks), marks, times, article_id in journals, mtime=mtime)
        if chosen:
            decided[article_id] = chosen
        return True

    index_get = index.get
    unindexed: list[tuple[str, int]] = []
    for article_id, mtime in yaml_files.items():
        entry = index_get(article_id)
        # The entry describes the file as it is (entry_is_current, inlined: 30,000 of these).
        if (not decisions and type(entry) is dict and entry.get("mtime_ns") == mtime and article_id not in journals
                and type(entry.get("times")) is str):
            marks = entry.get("marks")
            names = entry.get("names")
            done, total = entry.get("done"), entry.get("total")
            if type(marks) is str and type(names) is list and type(done) is int and type(total) is int:
                work[article_id] = Work(done, total, marks, entry["times"], names=tuple(names), mtime=mtime)
                continue
            if entry_is_current(entry, mtime):
                marks = decode_marks(entry) if isinstance(marks, str) else marks
                work[article_id] = Work(_int(done), _int(total), marks, entry["times"], mtime=mtime)
                continue
        unindexed.append((article_id, mtime))
    with parse_ahead.warming(folder / f"{article_id}{schema.ANNOTATION_SUFFIX}" for article_id, _ in unindexed):
        for article_id, mtime in unindexed:
            parsed += 1
            parse(article_id, mtime, article_id in journals)
    for article_id in journals - set(work):  # opened, no file when listed: what its journal holds
        journaled = _journaled(folder, article_id, owner_uid)
        path = folder / f"{article_id}{schema.ANNOTATION_SUFFIX}"
        if article_id not in yaml_files and path.exists() and not store.foreign_owner(path, owner_uid):
            # A fold wrote the file since the folder was listed (its journal may be gone by now).
            parsed += 1
            try:
                mtime = path.stat().st_mtime_ns
            except OSError:
                mtime = 0
            if parse(article_id, mtime, True):
                continue
        marks = [mark for mark, _, _ in journaled.values()]
        stamps = sorted(t for t in (epoch(u) for _, u, _ in journaled.values()) if t is not None)
        times = stamps[:1] + [b - a for a, b in zip(stamps, stamps[1:])]
        if held is not None and not decisions and store.stopped_before_first_save(folder, article_id, held):
            problems.append(f"{folder / (article_id + schema.JOURNAL_SUFFIX)}: {corpus.UNSAVED_JOURNAL}")
            work[article_id] = Work(0, 0, [], times, unsaved=True)
            continue
        # How many sentences the article has is in no file yet: 0, never "finished".
        work[article_id] = Work(sum(m is not None for m in marks), 0, [], times, open_now=True)
        if decisions and places is not None and any(decision for _, _, decision in journaled.values()):
            where = places(article_id)
            chosen = {at for key, (_, _, decision) in journaled.items() if decision and (at := _place(where, key)) is not None}
            if chosen:
                decided[article_id] = chosen
    return work, decided, parsed


def open_articles(folder: Path, held: set[tuple[int, int, int]]) -> list[str]:
    """The articles of the annotator folder ``folder`` whose lock file is held now (``held``: from
    :func:`tagline.core.store.held_locks`), leaving out a fold a session that has quit is still writing. Sorted."""
    inodes = {inode for _, _, inode in held}
    found = []
    try:
        with os.scandir(folder) as entries:
            candidates = [e for e in entries if e.name.startswith(".") and e.name.endswith(".lock") and e.inode() in inodes]
    except OSError:
        return []
    owner_uid = store.folder_owner(folder)
    for entry in candidates:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if (not stat.S_ISREG(info.st_mode) or (os.major(info.st_dev), os.minor(info.st_dev), info.st_ino) not in held
                or store.foreign_owner(entry.path, owner_uid)):
            continue  # a FIFO would block the read; a file someone else put there is not the annotator's
        try:
            with open(entry.path, "rb") as handle:
                holder = handle.read(400).decode("utf-8", errors="replace").strip()
        except OSError:
            continue
        if not holder.endswith(store.AFTER_EXIT):
            found.append(entry.name[1:-len(".lock")])
    return sorted(found)


def _place(where: dict, key: tuple) -> int | None:
    """The index of the sentence a journal line names (``key``, from :func:`_journaled`) among
    ``where``, {(start, end): (index, text)} of a file of the article, or None."""
    start, end, text, check = key
    found = where.get((start, end))
    if found is None:
        return None
    index, said = found
    # A line names its sentence by its text, or (a long sentence) by a check of it.
    return index if (said == text if check is None else store.text_check(said) == check) else None


def _journaled(folder: Path, article_id: str, owner_uid: int | None = None) -> dict[tuple, tuple[str | None, str, bool]]:
    """(start, end, text, check) -> (mark, updated, a reviewer's decision) as the article's journals
    left each sentence they touched (a line has the text, or for a long sentence a check of it, and
    None for the other), in the order the store replays them (``.journal.folding``, then
    ``.journal``); each line holds a sentence's whole state, and a line cut short (being written now)
    is skipped. Read only, taking no lock (:func:`store.journaled`)."""
    found: dict[tuple, tuple[str | None, str, bool]] = {}
    for entry in store.journaled(folder, article_id, owner_uid):
        labels = entry.get("labels")
        labels = [str(x) for x in labels] if isinstance(labels, list) else []
        done = entry.get("status") == schema.DONE
        extra = entry.get("extra")
        decision = done and isinstance(extra, dict) and isinstance(extra.get("review"), dict)
        check = entry.get("check") if "text" not in entry and isinstance(entry.get("check"), str) else None
        found[(entry.get("start"), entry.get("end"), entry.get("text"), check)] = (
            "+".join(labels) if done else None, str(entry.get("updated") or ""), decision)
    return found


def compute(root: str | Path, scheme: LabelScheme, team: Team | None = None, article_ids: list[str] | None = None) -> Status:
    """The status of the annotation folder ``root``; ``article_ids``: the corpus the team is routed
    over (needed for 'assigned' and for articles nobody has touched)."""
    with corpus.collector_paused():
        return _compute(root, scheme, team, article_ids)


def _compute(root: str | Path, scheme: LabelScheme, team: Team | None, article_ids: list[str] | None) -> Status:
    """The body of :func:`compute`."""
    root = Path(root)
    problems: list[str] = []
    # Nothing here waits for another process: an article a session that has quit is still folding
    # (its fold left to a child that holds the article's lock) is read from its journals and file
    # as they are on disk (read_folder), so status answers at once.
    reviewers = set(team.reviewers) if team else set()
    folders = _folders(root, problems)
    names = list(team.annotators) if team else [n for n in folders if n not in reviewers]
    works: dict[str, dict[str, Work]] = {}
    decided: dict[str, set[int]] = {}
    parsed = 0
    held = store.held_locks()
    for name in names:
        # A folder by its own name: a team's names are folder names as they are (the rule of
        # --annotator), and a folder listed without a team is read under the name it has (its
        # name made "safe" was another path, and its answers, exported, were left out of sight).
        works[name], _, count = read_folder(root / name, scheme, problems, held=held)
        parsed += count
    spans: dict[str, dict] = {}

    def places(article_id: str) -> dict:
        """Where each sentence of ``article_id`` is, from the first annotator's file of it: for the
        decisions a reviewer's journal holds before their file is written."""
        if article_id not in spans:
            spans[article_id] = {}
            for name in names:
                folder = root / name
                path = folder / f"{article_id}{schema.ANNOTATION_SUFFIX}"
                if article_id not in works.get(name, {}) or store.foreign_owner(path, store.folder_owner(folder)):
                    continue
                try:
                    loaded = corpus.parse_file(path, folder.name, scheme)
                except (annofile.AnnotationFileError, OSError):
                    continue
                spans[article_id] = {(s.start, s.end): (i, s.text) for i, s in enumerate(loaded.sentences)}
                break
        return spans[article_id]

    def may_decide(name: str) -> bool:
        """Whose decisions settle a dispute: anyone's, unless the team names its reviewers (as
        :func:`corpus.load` reads them)."""
        return not reviewers or name in reviewers

    outside: dict[str, AnnotatorStatus] = {}
    for name in sorted(reviewers | (set(folders) - set(names) if team else set())):
        if name in works:
            continue
        theirs, found, count = read_folder(root / name, scheme, problems, decisions=True, places=places)
        parsed += count
        if name not in reviewers and any(w.done > 0 for w in theirs.values()):
            # Answers of someone the team section no longer (or never) names: not routed, still
            # exported, so said rather than left out of sight.
            outside[name] = _tally(AnnotatorStatus(name), theirs)
        if may_decide(name):
            for article_id, indices in found.items():
                decided.setdefault(article_id, set()).update(indices)
    for name in folders:  # decisions kept apart from answers: <reviewer>/decisions/ (docs/guide/review.md)
        _, found, count = read_folder(root / name / schema.DECISIONS_FOLDER, scheme, problems, decisions=True,
                                      owner=root / name, places=places)
        parsed += count
        if found and not may_decide(name):
            # As export, agree and stats leave them out: they settled disputes here, in silence.
            problems.append(f"{root / name / schema.DECISIONS_FOLDER}: decisions of '{name}', "
                            "who is not among the team's reviewers; left out")
            continue
        for article_id, indices in found.items():
            decided.setdefault(article_id, set()).update(indices)

    started: dict[str, set[str]] = {}
    for name, per_article in works.items():
        for article_id, w in per_article.items():
            if w.done > 0 or w.open_now or w.unsaved:
                started.setdefault(article_id, set()).add(name)
    ids = list(article_ids) if article_ids is not None else sorted({a for per in works.values() for a in per})
    known_ids = set(ids) | {a for per in works.values() for a in per}
    if article_ids is not None and team is not None:
        gone = sorted(known_ids - set(ids))
        if gone:  # counted with the work done on them, never routed: said, not left to look routed
            problems.append(f"{wording.count(len(gone), 'annotated article')} not in the corpus ({wording.first_few(gone)}): "
                            "counted with the work done on them, routed to nobody")
    routing = route(team, ids, started) if team else {a: tuple(sorted(n for n in names if a in works[n])) for a in known_ids}

    no_login: dict[str, dict] = {}
    if team is not None:
        nobody = nobody_logs_in_as(team, root, problems)
        routed: dict[str, list[str]] = {name: [] for name in nobody}
        for article_id in ids:  # once over the routing (each name over every article: 10 s for 20,000)
            for name in routing.get(article_id, ()):
                if name in routed:
                    routed[name].append(article_id)
        annotators = set(team.annotators)
        for name in nobody:
            role = "annotator" if name in annotators else "reviewer"
            no_login[name] = {"role": role, "articles": routed[name] if role == "annotator" else []}

    people = {name: AnnotatorStatus(name) for name in names}
    for holders in routing.values():
        for name in holders:
            if name in people:
                people[name].assigned += 1
    for name, per_article in works.items():
        _tally(people[name], per_article)
    if held is not None:  # who has which article open: the sessions holding an article's lock now
        for name, person in [*people.items(), *outside.items()]:
            person.open_now = open_articles(root / name, held) if held else []

    articles: dict[str, dict] = {}
    waiting = waiting_articles = 0
    columns: dict[tuple | None, Counter] = {}  # how sentences were marked, counted per pattern
    empty: dict = {}
    place = {name: i for i, name in enumerate(names)}  # rows in the order of names, as before
    for article_id in sorted(known_ids):
        holders = routing.get(article_id, ())
        begun = started.get(article_id)
        if begun and not begun.issubset(holders):
            holders = tuple(sorted(set(holders) | begun))
        rows: list[Work] = []
        finished: list[Work] = []
        # The article's holders, not every name for each article (20,000 names by 2,000 articles
        # was 40 million steps of a status).
        for name in sorted((h for h in holders if h in place), key=place.__getitem__):
            w = works.get(name, empty).get(article_id)
            if w is not None:
                rows.append(w)
                if w.total and w.done >= w.total:
                    finished.append(w)
        wanted = team.wanted(article_id) if team else len(holders)
        articles[article_id] = {"wanted": wanted, "annotators": list(holders), "done": len(finished), "started": len(begun or ())}
        if len(rows) >= 2:
            key, marks = _comparable(rows)
            columns.setdefault(key, Counter()).update(zip(*marks))
        if len(finished) >= 2 and len(finished) >= wanted:
            _, marks = _comparable(finished) if len(finished) < len(rows) else (key, marks)
            first = marks[0]
            if any(m != first for m in marks[1:]):
                chosen = decided.get(article_id)
                if chosen:
                    count = len({i for i, col in enumerate(zip(*marks)) if col.count(col[0]) != len(col)} - chosen)
                else:  # how many positions differ from the first row in any row: in C, not per sentence
                    count = sum(map(any, zip(*[map(operator.ne, first, m) for m in marks[1:]])))
                if count:
                    waiting += count
                    waiting_articles += 1
    label_sets: Counter = Counter()  # the ratings of a sentence, sorted -> how many sentences had them
    for key, counted in columns.items():
        for column, count in counted.items():
            given = sorted(_labels(value, key) for value in column if value not in (".", None))
            if len(given) >= 2:
                label_sets[tuple(given)] += count
    return Status(
        people, articles, waiting, waiting_articles,
        _agreement(label_sets),
        list(dict.fromkeys(problems)), team is not None, parsed, outside, no_login,
    )


def _tally(person: AnnotatorStatus, per_article: dict[str, Work]) -> AnnotatorStatus:
    for w in per_article.values():
        if w.done > 0 or w.open_now or w.unsaved:
            person.started += 1
        if w.total and w.done >= w.total:
            person.done += 1
        person.sentences_done += w.done
        person.sentences_total += w.total
    person.open_now = sorted(a for a, w in per_article.items() if w.open_now)  # without /proc/locks
    for w in heapq.nlargest(RECENT, per_article.values(), key=lambda w: w.mtime):
        person.add_times(w.times)
    return person


def _comparable(rows: list[Work]) -> tuple[tuple | None, list]:
    """(key, marks) where marks compare sentence by sentence: the index's strings as they are when
    every row has them with the same label names (the key), else decoded label strings (key None)."""
    names = rows[0].names
    if names is not None:
        for r in rows:
            if r.names != names:
                break
        else:  # a row with names has its marks as a string
            return names, [r.marks for r in rows]
    return None, [_decoded(r) for r in rows]


def _decoded(row: Work) -> list:
    if isinstance(row.marks, str):
        return decode_marks({"marks": row.marks, "names": list(row.names or ())})
    return row.marks


def _labels(value: str, names: tuple | None) -> str:
    return mask_labels(ord(value) - 48, list(names)) if names is not None else value


def _int(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _agreement(label_sets: Counter) -> dict:
    # Identical rating patterns are counted once, weighted: a few dozen patterns, not 300,000 units.
    units, weights = list(label_sets), list(label_sets.values())
    return {
        "sentences": sum(weights),
        "observed": _round(agreement.mean_pair_agreement(units, weights)),
        "krippendorff_alpha": _round(agreement.krippendorff_alpha(units, weights)),
    }


def _finished(w: Work | None) -> bool:
    return w is not None and w.total > 0 and w.done >= w.total


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


# -- what ``tagline status`` and the app's Team status screen show --------------------------------
# One owner of the words: both render these from the report of :meth:`Status.as_data` (the screen
# gets it from ``tagline status --format json``), so the two never say different things.

TITLE = "Team status"
HEADINGS = ("annotator", "assigned", "started", "done", "sentences", "per hour", "s/sentence", "last active", "open now")
CAPTION = "pace: gaps between actions, breaks over 10 min left out"
#: Cells of an article id in the "open now" column (a longer one is cut, with "…").
OPEN_CELLS = 14
#: Cells the line listing what is routed to a name nobody can log in as is kept within.
LINE_CELLS = 78


def _shown(value) -> str:
    return sanitize.visible(str(value))


def _cut(text: str, most: int) -> str:
    """``text`` made visible and cut to ``most`` cells, with "…" where it was cut."""
    from tagline.core import layout  # only to show the report, never for --format json

    text = _shown(text)
    if layout.cells(text) <= most:
        return text
    while text and layout.cells(text) > most - 1:
        text = text[:-1]
    return text + "…"


def _figure(value, digits: int = 1) -> str:
    return "n/a" if not isinstance(value, (int, float)) or isinstance(value, bool) else f"{value:.{digits}f}"


def _minute(stamp) -> str:
    """``2026-11-20T09:00:20Z`` as ``2026-11-20 09:00`` (the JSON keeps the seconds)."""
    return _shown(stamp)[:16].replace("T", " ") if stamp else "never"


def open_cell(open_now) -> str:
    """The "open now" cell: the article an annotator has open (cut to :data:`OPEN_CELLS`), "+N" for
    more (logged in twice), "-" for none."""
    if not isinstance(open_now, list) or not open_now:
        return "-"
    more = f" +{len(open_now) - 1}" if len(open_now) > 1 else ""
    return _cut(open_now[0], OPEN_CELLS) + more


def table_rows(report: dict) -> list[list[str]]:
    """The annotators' table under :data:`HEADINGS`, one row per annotator, every cell visible text."""
    team = report.get("team", True)
    rows = []
    for name, a in (report.get("annotators") or {}).items():
        rows.append([
            _shown(name), str(a.get("assigned", 0)) if team else "n/a", str(a.get("started", 0)), str(a.get("done", 0)),
            f"{a.get('sentences_done', 0)}/{a.get('sentences_total', 0)}", _figure(a.get("sentences_per_hour")),
            _figure(a.get("seconds_per_sentence")), _minute(a.get("last_active")), open_cell(a.get("open_now")),
        ])
    return rows


def report_lines(report: dict) -> list[str]:
    """The lines under the table: articles, review, agreement, answers from outside the team, and
    each name of the team nobody can log in as (with the articles routed to them). Visible text."""
    counts = report.get("summary") or {}
    review = report.get("review") or {}
    agree = report.get("agreement") or {}
    waiting = review.get("sentences", 0)
    lines = [] if report.get("annotators") else [
        # An empty table cut its nine headings to "annota…", "assig…" at 80 columns, and said nothing.
        "no annotators yet: no team in tagline.yaml, no folder in the annotations folder"]
    lines += [
        f"articles: {len(report.get('articles') or {})}; " + ", ".join(f"{n} {what}" for what, n in counts.items()),
        f"waiting for review: {wording.count(waiting, 'sentence')} in {wording.count(review.get('articles', 0), 'article')}"
        + (" (tagline review)" if waiting else ""),
        # Two lines of their own: as one (about 100 columns) it wrapped mid-phrase at 80.
        f"agreement so far: observed {_figure(agree.get('observed'), 3)}, "
        f"Krippendorff's alpha {_figure(agree.get('krippendorff_alpha'), 3)} (label set)",
        f"  over {wording.count(agree.get('sentences', 0), 'sentence')} done by two or more annotators",
    ]
    outside = report.get("outside_team") or {}
    if outside:
        lines.append("outside the team (not routed; exported): " + "; ".join(
            f"{name} {p.get('started', 0)} started, {p.get('done', 0)} done, {wording.count(p.get('sentences_done', 0), 'sentence')}"
            for name, p in outside.items()))
    for name, entry in (report.get("no_login") or {}).items():
        lines.extend(no_login_lines(name, entry))
    return [_shown(line) for line in lines]


def no_login_lines(name: str, entry: dict) -> list[str]:
    """A name nobody can log in as: one line saying so, and for an annotator one listing the first
    articles routed to them (as many as fit in :data:`LINE_CELLS`; ``--format json`` has them all)."""
    articles = [a for a in entry.get("articles") or [] if isinstance(a, str)]
    lines = [no_login_line(name, str(entry.get("role")), len(articles))]
    if articles:
        from tagline.core import layout

        line = f"  routed to {_cut(name, 20)}:"
        for at, article_id in enumerate(articles):
            rest = len(articles) - at
            piece = f" {_cut(article_id, 24)}" + ("," if rest > 1 else "")
            tail = f" … {rest} more"
            if layout.cells(line + piece) > LINE_CELLS - (len(tail) if rest > 1 else 0):
                line += tail
                break
            line += piece
        lines.append(line)
    return lines


def problem_lines(report: dict, most: int = 5) -> list[str]:
    """The report's problems (``tagline status`` says each on standard error), the first ``most``."""
    problems = [str(p) for p in report.get("problems") or []]
    shown = [f"problem: {_shown(p)}" for p in problems[:most]]
    if len(problems) > most:
        shown.append(f"… and {len(problems) - most} more problems (tagline status lists them)")
    return shown
