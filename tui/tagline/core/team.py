"""Who annotates which article: the ``team:`` section of ``tagline.yaml`` and the routing it implies.

::

    team:
      annotators: [alice, bob, carol]
      per_article: 1.2          # 1 annotator on every article, a second on 20% of them
      reviewers: [dana]

Routing is a pure function of the sorted article ids, the annotator list and which articles have been
*started* (an annotation file with at least one ``done`` sentence): everyone computes the same answer
without talking to anyone.

* How many annotators an article wants: ``floor(per_article)``, plus one when the article's hash
  (sha256 of its id, as a fraction of 2**64) falls below the fractional part.
* Who: in the order of the articles' hashes, an article keeps the annotators who started it, and
  its other slots go to the least-loaded annotators not already on it (ties by a hash of article and
  annotator, so the order of names in the file does not matter). Loads stay within one article of
  each other; starting what was routed to you changes nobody's queue; a name added later gets a
  share of the unstarted articles, while started work stays where it is.
* Nothing stuck on someone absent: an annotator whose queue is finished *takes* an article routed to
  someone who has not started it, never one they already hold a slot on. Once they start it, the
  routing honours their start, so the article still has exactly its number of distinct annotators.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import heapq
import math
import os
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from tagline.core import project

#: The keys of the ``team:`` section; any other is refused.
TEAM_KEYS = ("annotators", "per_article", "reviewers")


class TeamError(ValueError):
    """A ``team:`` section that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class Team:
    annotators: tuple[str, ...]
    per_article: float = 1.0
    reviewers: tuple[str, ...] = ()
    source: str = project.FILE_NAME

    def wanted(self, article_id: str) -> int:
        """How many distinct annotators ``article_id`` wants."""
        base = math.floor(self.per_article)
        extra = self.per_article - base
        if extra > 1e-9 and unit_hash(article_id) < extra:
            base += 1
        return min(base, len(self.annotators))


def team_from_data(data: object, source: str) -> Team:
    if not isinstance(data, dict):
        raise TeamError(f"{source}: team: must be a mapping with 'annotators' (and 'per_article', 'reviewers')")
    from tagline.core import known_keys

    found, key = known_keys.first_unknown(data, TEAM_KEYS)
    if found:
        raise TeamError(f"{source}: team: {known_keys.unknown_key(key, TEAM_KEYS)}; the section takes {', '.join(TEAM_KEYS)}")
    annotators = _names(data.get("annotators"), "annotators", source)
    if not annotators:
        raise TeamError(f"{source}: team: 'annotators' must list at least one name")
    raw = data.get("per_article", 1)
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
        raise TeamError(f"{source}: team: per_article must be a number such as 2 or 1.2, not {str(raw)[:40]!r}")
    if raw < 1:
        raise TeamError(f"{source}: team: per_article must be at least 1, not {raw}")
    if raw > len(annotators):
        raise TeamError(f"{source}: team: per_article {raw} needs at least {math.ceil(raw)} annotators; {len(annotators)} listed")
    reviewers = _names(data.get("reviewers", []), "reviewers", source)
    return Team(tuple(annotators), float(raw), tuple(reviewers), source)


def _names(raw: object, key: str, source: str) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise TeamError(f"{source}: team: '{key}' must be a list of names")
    from tagline.core.store import ANNOTATOR_RULE, annotator_problem

    names: list[str] = []
    folded: dict[str, str] = {}
    for item in raw:
        if not isinstance(item, str) and isinstance(item, (int, float, _dt.date)):
            # YAML reads 007 as 7, 010 as 8, no as false, 2024-01-01 as a date: a name changed, or
            # refused as one the user never wrote. Said as YAML read it, with the way out.
            kind = "true or false" if isinstance(item, bool) else "a date" if isinstance(item, _dt.date) else "a number"
            raise TeamError(f"{source}: team: {key}: YAML reads {str(item)[:40]!r} as {kind}, not a name: put the name in quotes")
        name = item if isinstance(item, str) else None
        # The rule of --annotator and the login name: a name tagline would refuse to open as could
        # never annotate its queue, and "alice." would share alice's folder.
        if name is None or annotator_problem(name):
            shown = str(item) if len(str(item)) <= 40 else str(item)[:39] + "…"  # cut, and said so
            raise TeamError(f"{source}: team: {key}: {shown!r} is not a login name ({ANNOTATOR_RULE})")
        twin = folded.get(name.casefold())  # a dict, not ``in names``: 20,000 names took seconds
        if twin == name:
            raise TeamError(f"{source}: team: {key}: '{name}' appears twice")
        if twin is not None:
            raise TeamError(f"{source}: team: {key}: '{twin}' and '{name}' differ only by case (one folder where case is not told apart)")
        folded[name.casefold()] = name
        names.append(name)
    return names


def not_a_reviewer(team: Team | None, name: str) -> str | None:
    """Why ``name`` may not review, when the team names its reviewers and not them; else None. Their
    decisions would be left out of every export, so the work is refused before it is done."""
    if team is None or not team.reviewers or name in team.reviewers:
        return None
    return f"{team.source}: '{name}' is not among the team's reviewers ({', '.join(team.reviewers)}); their decisions would not count"


def load_team(path: str | Path | None = None, cwd: Path | None = None) -> Team | None:
    """The team of ``path`` (default: ``tagline.yaml`` in ``cwd``), or None when there is no project
    file or it has no ``team:`` section. :class:`TeamError` for a section that cannot be used."""
    path = Path(path) if path is not None else project.default_path(cwd)
    if not project.present(path):
        return None
    try:
        data = project.read(path)
        project.check_keys(data, path)  # a mistyped ``teem:`` would leave the project without its team
    except project.ProjectFileError as error:
        raise TeamError(str(error)) from None
    if not isinstance(data, dict) or "team" not in data:
        return None
    return team_from_data(data["team"], str(path))


def nobody_logs_in_as(team: Team, root: str | Path, said: list[str] | None = None) -> list[str]:
    """The names of ``team`` (annotators, then reviewers) nobody can be yet: no user of that name on
    this machine, no folder under the annotation folder ``root`` (never seen annotating or deciding)
    and no login link of ``tagline serve`` there. A mistyped name was given a share of the articles
    without a word; said, not refused (a lead may name someone before their account is made).

    The login links are read from ``tagline serve``'s token file, which only the server's user can
    read (mode 600). Read by anyone else, the names are returned as if it had none, and one line
    saying so goes into ``said``: what could not be read, why, and what that leaves unknown."""
    import pwd

    unknown = []
    for name in dict.fromkeys((*team.annotators, *team.reviewers)):
        if os.path.lexists(Path(root) / name):  # a team's names are folder names as they are
            continue
        try:
            pwd.getpwnam(name)
        except KeyError:
            unknown.append(name)
    if unknown:
        from tagline.core import tokens

        path = tokens.token_file(root)
        try:
            served = tokens.load(path).hashes
        except (tokens.TokenFileError, OSError) as error:  # another user's token file: not ours to read
            served = {}
            if said is not None:
                said.append(unread_logins_line(path, error))
        unknown = [name for name in unknown if name not in served]
    return unknown


def unread_logins_line(path: Path, error: Exception) -> str:
    """One line for a token file of ``tagline serve`` that could not be read: which file, why, whose
    it is, and that a name said as nobody can log in as may have a browser login all the same."""
    import pwd

    if isinstance(error, OSError) and error.strerror:
        reason = error.strerror
    else:
        reason = str(error).removeprefix(f"cannot read {path}: ")
    owner = None
    try:
        uid = os.stat(path, follow_symlinks=False).st_uid
        if uid != os.geteuid():
            owner = pwd.getpwuid(uid).pw_name
    except (OSError, KeyError):
        pass
    whose = f", {owner}'s file" if owner else ""
    line = f"{path}: cannot read tagline serve's login links ({reason}{whose}); a name said as nobody can log in as may have one"
    return line + (f" (tagline status run as {owner} knows)" if owner else "")


def no_login_line(name: str, role: str, routed: int = 0) -> str:
    """One line saying that nobody can log in as ``name`` (from :func:`nobody_logs_in_as`); for an
    annotator (``role``), with how many articles are routed to them (others take those once their
    own queues are done)."""
    if role != "annotator":
        return f"reviewer {name}: no user of that name here, no folder yet"
    return f"{name}: no user of that name here, no folder yet; {routed} article{'' if routed == 1 else 's'} routed to them"


# -- routing ---------------------------------------------------------------------------------------
def _digest(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def unit_hash(article_id: str) -> float:
    """The article's place in [0, 1): deterministic, the same on every machine."""
    return _digest(article_id) / 2**64


def route(team: Team, article_ids, started: dict[str, set[str]] | None = None) -> dict[str, tuple[str, ...]]:
    """article id -> its annotators (sorted), for every article of ``article_ids``.

    ``started``: article id -> annotators who have started it; those of the team keep their slots
    (all of them, even beyond what the article wants: work done is never taken away)."""
    started = started or {}
    members = set(team.annotators)
    load = dict.fromkeys(team.annotators, 0)
    encoded = [(name, name.encode("utf-8")) for name in team.annotators]
    assigned: dict[str, list[str]] = {}
    # One pass in hash order, a started article taking its starters where it stands: when people
    # start what was routed to them, the routing is exactly what it was before, so starting work
    # never reshuffles anyone's queue.
    for article_id in sorted(set(article_ids), key=lambda a: (_digest(a), a)):
        held = sorted(members & set(started.get(article_id, ())))
        need = team.wanted(article_id) - len(held)
        if need > 0:
            taken = set(held)
            if need < len(encoded) - len(taken):
                # The least loaded first, ties broken by crc32("<article>\0<name>"), then the name:
                # the crc32 of the article's prefix carried on over each name's bytes is that same
                # number, and only the ``need`` smallest are wanted (a sort of 20,000 names for
                # each of 2,000 articles took 80 s of a status).
                prefix, crc = zlib.crc32(f"{article_id}\0".encode("utf-8")), zlib.crc32
                keyed = [(load[name], crc(raw, prefix), name) for name, raw in encoded if name not in taken]
                held.extend(name for _, _, name in heapq.nsmallest(need, keyed))
            else:
                held.extend(name for name, _ in encoded if name not in taken)
        for name in held:
            load[name] += 1
        assigned[article_id] = sorted(held)
    return {article_id: tuple(names) for article_id, names in assigned.items()}


@dataclass
class Progress:
    """Who has started and who has finished which article, as the annotation folders say."""

    started: dict[str, set[str]] = field(default_factory=dict)  # article id -> annotators
    finished: dict[str, set[str]] = field(default_factory=dict)

    def mark(self, article_id: str, annotator: str, done: int, total: int) -> None:
        if done > 0:
            self.started.setdefault(article_id, set()).add(annotator)
            if total and done >= total:
                self.finished.setdefault(article_id, set()).add(annotator)


def read_progress(root: str | Path, annotators) -> Progress:
    """Started and finished articles of ``annotators`` under the annotation folder ``root``, from
    each folder's progress index (``.progress.json``); an article being annotated right now (its
    journal has lines), and so does one whose file was written since its index entry (the session's
    background fold has emptied the journal, and the entry is written when the article is closed)
    or whose lock a session holds now. No annotation file is parsed."""
    from tagline.core import schema
    from tagline.core.store import FOLD_LOCK_SUFFIX, held_locks, safe_name
    from tagline.core.progress import read_index

    progress = Progress()
    held: set | None = None  # /proc/locks, read once, the first time a lock file is met
    for name in annotators:
        folder = Path(root) / safe_name(name)
        index = read_index(folder)
        for article_id, entry in index.items():
            if isinstance(entry, dict):
                progress.mark(article_id, name, _int(entry.get("done")), _int(entry.get("total")))
        begun: set[str] = set()
        try:
            with os.scandir(folder) as found:
                for item in found:
                    given = item.name
                    if given.endswith(schema.JOURNAL_SUFFIX) and item.stat().st_size > 0:
                        begun.add(given[: -len(schema.JOURNAL_SUFFIX)])
                    elif given.endswith(schema.ANNOTATION_SUFFIX) and not given.startswith("."):
                        article_id = given[: -len(schema.ANNOTATION_SUFFIX)]
                        entry = index.get(article_id)
                        if not isinstance(entry, dict) or entry.get("mtime_ns") != item.stat().st_mtime_ns:
                            begun.add(article_id)  # written since the entry: by a session still open
                    elif given.startswith(".") and given.endswith((".lock", FOLD_LOCK_SUFFIX)):
                        if held is None:
                            held = held_locks() or set()
                        info = item.stat()
                        if (os.major(info.st_dev), os.minor(info.st_dev), info.st_ino) in held:
                            begun.add(given[1 : -len(FOLD_LOCK_SUFFIX if given.endswith(FOLD_LOCK_SUFFIX) else ".lock")])
        except OSError:
            pass
        for article_id in begun:
            progress.started.setdefault(article_id, set()).add(name)
    return progress


def _int(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass
class Plan:
    """The routing of one corpus for one team at one moment, and what each annotator does next."""

    team: Team
    article_ids: list[str]  # in corpus order
    progress: Progress
    routing: dict[str, tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        self.routing = route(self.team, self.article_ids, self.progress.started)

    @classmethod
    def build(cls, team: Team, article_ids, root: str | Path) -> Plan:
        return cls(team, list(article_ids), read_progress(root, team.annotators))

    def assigned(self, annotator: str) -> list[str]:
        """Every article routed to ``annotator``, in corpus order."""
        return [a for a in self.article_ids if annotator in self.routing.get(a, ())]

    def queue(self, annotator: str) -> list[str]:
        """The articles routed to ``annotator`` they have not finished, in corpus order."""
        return [a for a in self.assigned(annotator) if annotator not in self.progress.finished.get(a, ())]

    def takeable(self, annotator: str) -> list[str]:
        """Articles ``annotator`` may take once their queue is finished: routed to someone who has
        not started it, and not already held by ``annotator``. Those of whoever has the most
        unstarted work come first (then in hash order)."""
        waiting: dict[str, list[str]] = {}
        for article_id in self.article_ids:
            holders = self.routing.get(article_id, ())
            begun = self.progress.started.get(article_id, set())
            if annotator in holders or annotator in begun:
                continue
            for holder in holders:
                if holder not in begun:
                    waiting.setdefault(holder, []).append(article_id)
        order: list[str] = []
        seen: set[str] = set()
        for holder in sorted(waiting, key=lambda h: (-len(waiting[h]), h)):
            for article_id in sorted(waiting[holder], key=lambda a: (_digest(a), a)):
                if article_id not in seen:
                    seen.add(article_id)
                    order.append(article_id)
        return order

    def next_for(self, annotator: str) -> str | None:
        """What ``annotator`` should open next: the first of their queue, else an article to take."""
        queue = self.queue(annotator)
        if queue:
            return queue[0]
        taken = self.takeable(annotator)
        return taken[0] if taken else None


class Queue:
    """One annotator's queue over a corpus. The others' progress moves while a session is open, so
    the plan is read from the folders again, in a background thread, when it is older than
    :data:`REFRESH` seconds: a key never waits on reading 20 progress indexes of 10,000 articles.
    What this session itself did is known at once (:meth:`note`), whatever the age of the plan.
    The team is read again too when its file changed: a lead who adds or takes out a name mid-project
    reroutes the sessions already open, not only those opened after (one taken out is offered
    nothing more; a section made unusable or removed keeps the team the session had)."""

    REFRESH = 5.0

    def __init__(self, team: Team, root: str | Path, annotator: str, article_ids):
        self.team = team
        self._team_stamp = _stamp(team.source)
        self.root = Path(root)
        self.annotator = annotator
        self.article_ids = list(article_ids)
        self._places = {a: i for i, a in enumerate(self.article_ids)}
        self._plan: Plan | None = None
        self._when = 0.0
        self._refreshing = False
        self._lock = threading.Lock()
        self._noted: dict[str, tuple[int, int]] = {}
        self._reached: dict[str, str] = {}  # of the last following(): article id -> what ] says there

    def plan(self) -> Plan:
        """The plan read from the folders now (and kept as the latest)."""
        self._reread_team()
        plan = Plan.build(self.team, self.article_ids, self.root)
        with self._lock:
            for article_id, (done, total) in self._noted.items():
                plan.progress.mark(article_id, self.annotator, done, total)
            self._plan, self._when = plan, time.monotonic()
        return plan

    def latest(self) -> Plan:
        """The latest plan, refreshed in the background when it is old."""
        if self._plan is None:
            return self.plan()
        if time.monotonic() - self._when > self.REFRESH and not self._refreshing:
            self._refreshing = True

            def refresh() -> None:
                try:
                    self.plan()
                except OSError:
                    pass
                finally:
                    self._refreshing = False

            threading.Thread(target=refresh, name="team plan", daemon=True).start()
        return self._plan

    def _reread_team(self) -> None:
        stamp = _stamp(self.team.source)
        if stamp == self._team_stamp:
            return
        self._team_stamp = stamp
        try:
            team = load_team(self.team.source)
        except TeamError:
            return
        if team is not None:
            self.team = team

    @property
    def outside(self) -> bool:
        """The annotator is no longer among the team's annotators (taken out of the file)."""
        return self.annotator not in self.team.annotators

    def note(self, article_id: str, done: int, total: int) -> None:
        """This session closed ``article_id`` with ``done`` of ``total`` sentences done."""
        with self._lock:
            self._noted[article_id] = (done, total)
            if self._plan is not None:
                self._plan.progress.mark(article_id, self.annotator, done, total)

    def order(self) -> list[str]:
        """The corpus for this annotator: their unfinished queue (or, when it is finished, the next
        article to take), then their finished articles, then everyone else's, each in corpus order."""
        plan = self.plan()
        queue = plan.queue(self.annotator) or [a for a in [plan.next_for(self.annotator)] if a]
        mine = set(queue)
        finished = [a for a in plan.assigned(self.annotator) if a not in mine]
        mine.update(finished)
        return queue + finished + [a for a in self.article_ids if a not in mine]

    def following(self, current: str | None) -> list[str]:
        """Where ``n`` and ``]`` go from ``current``: the rest of the queue after it, then the queue
        before it, then the articles this annotator may take (never ``current`` itself)."""
        plan = self.latest()
        if self.annotator not in plan.team.annotators:
            return []
        queue = [a for a in plan.queue(self.annotator) if a != current]
        places = self._places
        earlier: list[str] = []
        if current in places:
            later = [a for a in queue if places[a] > places[current]]
            earlier = [a for a in queue if places[a] <= places[current]]
            queue = later + earlier
        takeable = [a for a in plan.takeable(self.annotator) if a != current]
        # What ``]`` says on reaching each (:meth:`how_reached`), known here at no further cost.
        self._reached = {**dict.fromkeys(takeable, "your queue is done: this is an article you may take"),
                         **dict.fromkeys(earlier, "back round to the first article of your queue still to do")}
        return queue + takeable

    def how_reached(self, target: str) -> str:
        """What to tell an annotator whom ``]`` took to ``target``, one of the last :meth:`following`,
        when it is not simply the next article of their queue: back round to an earlier one, or, the
        queue done, one they may take. "" otherwise."""
        return self._reached.get(target, "")

def _stamp(path: str | Path) -> tuple[int, int] | None:
    """What tells that a file changed: its mtime and size (None when it cannot be read)."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size
