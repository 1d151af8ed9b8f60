"""The annotation store of one annotator on one article: durable on every action, cheap at any size.

Each action appends the sentence's whole new state as one JSON line to a journal and fsyncs it, so the
cost of a key does not grow with the article. A line names its sentence by offsets and text; a sentence
longer than :data:`JOURNAL_TEXT_MAX` characters (a pasted log, a feed without punctuation) by its index,
offsets and a short check of its text instead (:func:`text_check`), so the cost does not grow with the
sentence either. The journal is folded into the YAML file (atomically)
when the article is closed, on quit, and in the background while the annotator works. Folding rotates
the journal first, so actions taken while the YAML is written are never lost:

    <id>.journal          actions since the last fold began
    <id>.journal.folding  actions being folded (deleted once the YAML is on disk)

Loading replays the YAML, then ``.journal.folding``, then ``.journal``; replay is idempotent because
every line holds a whole state. A lock file, held with ``flock`` while the article is open, keeps a
second session read-only; the kernel drops it when the process dies, even by ``kill -9``. A second
lock, ``.<id>.fold-lock``, is held by whoever may write the YAML: the open session, and after it
has quit (or moved to another article) the process its last fold is left to
(:meth:`ArticleStore.fold_after_exit`), which lets go of the first lock at once. A session opened
meanwhile opens at once: it replays the file and the journals as they are, appends to the journal,
and folds only once that process has gone; that process deletes a journal only if it is still
what its fold covered (:func:`_drop_folded`), so it never deletes an action it did not fold.
When the article has no file yet, the quitting session leaves that fold the head of the file
(``.<id>.first-fold.json``: where the article is), and readers list the article from it and the
journals meanwhile (:func:`first_document`).

When the article changed since it was annotated, each record is re-anchored
(:mod:`tagline.core.anchoring`); a record that cannot be placed is kept under ``orphans``. The YAML
as it was is copied to
``<id>.yaml.bak-<sha8 of the old article>`` before the first rewrite, so re-anchoring never costs data.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import socket
import stat
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from tagline.core import annofile, safefile, safejson, schema
from tagline.core.anchoring import Anchors, whole as _whole
from tagline.core.articles import Article
from tagline.core.labels import LabelScheme
from tagline.core.sanitize import lone_surrogates, replace_surrogates

#: What the fold lock file says while a session that has quit is still writing its last fold
#: (:meth:`ArticleStore.fold_after_exit`). A new session opens at once beside it; an older tagline's
#: fold after quit said it in the session's lock file, and a new session waits up to
#: :data:`AFTER_EXIT_WAIT` s for that one.
AFTER_EXIT = "(writing after quit)"
AFTER_EXIT_WAIT = 20.0
#: The fold lock's file, beside the session's ``.<id>.lock``: ``.<id>.fold-lock`` (no article's
#: session lock can have this name).
FOLD_LOCK_SUFFIX = ".fold-lock"
#: What an article's first fold will write at the top of its file, and where its sentences are read
#: from, written by a session that leaves that fold to a child (:meth:`ArticleStore.fold_after_exit`)
#: while the article has no file yet: ``.<id>.first-fold.json``. Readers list the article from it and
#: the journals at once (:func:`current_document`); the fold deletes it once the file is written.
FIRST_FOLD_SUFFIX = ".first-fold.json"


def first_fold_path(path: str | Path) -> Path:
    """The first fold's head (:data:`FIRST_FOLD_SUFFIX`) beside the annotation file ``path``."""
    path = Path(path)
    return path.with_name(f".{path.name[: -len(schema.ANNOTATION_SUFFIX)]}{FIRST_FOLD_SUFFIX}")


#: An article with at least this many sentences, or this many characters, is folded by a process
#: forked for it: in the background (the idle fold), when the session moves to another article, and
#: when the process is about to end, in the reader and in the review alike. (One sentence of 2 MB
#: took 120 ms of YAML in a thread of the app, and a key typed meanwhile waited for it.)
FOLD_AFTER_EXIT_SENTENCES = 1_000
FOLD_AFTER_EXIT_CHARACTERS = 200_000


def folded_apart(article) -> bool:
    """Whether ``article`` is long enough to be folded by a process forked for it."""
    return len(article.sentences) >= FOLD_AFTER_EXIT_SENTENCES or len(article.text) >= FOLD_AFTER_EXIT_CHARACTERS


def _wait_gone(pid: int) -> None:
    """Until process ``pid`` has exited (gone, or a zombie); -1: nothing to wait for."""
    import time

    while pid > 0:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return
        if "State:\tZ" in status:
            return
        time.sleep(0.02)


def _wait_for_lock(handle, seconds: float, shared: bool = False) -> bool:
    """Take the lock of ``handle`` within ``seconds`` (a session that has quit finishing its fold);
    ``shared``: as a reader, beside other readers."""
    import time

    mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
    deadline = time.monotonic() + seconds
    while True:
        try:
            fcntl.flock(handle, mode)
            return True
        except OSError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None


def _holder(handle) -> str:
    """What a held lock file says about its holder. A holder rewrites it (truncate, then write) as it
    changes hands, so an empty read is retried for a moment rather than taken as "nobody": a reader
    that read it between the two took a fold after quit for an open session and did not wait."""
    import time

    for _attempt in range(20):
        handle.seek(0)
        text = handle.read().strip()
        if text:
            return text
        time.sleep(0.005)
    return ""


def wait_for_folds_after_quit(root: str | Path, seconds: float = AFTER_EXIT_WAIT, first_only: bool = False) -> None:
    """Wait (at most ``seconds`` in all) until every fold a quit session left to its child process
    (:meth:`ArticleStore.fold_after_exit`) under ``root`` is written, so a reader run right after
    ctrl+q reads the article's file as the annotator left it (a reviewer's decisions too, in
    ``<reviewer>/decisions``). A lock file is looked into only when it was written within
    ``seconds`` and says :data:`AFTER_EXIT`; an open session is not waited for. ``first_only``:
    only the folds that write an article's first file and left no head of it (an older tagline's:
    a reader cannot tell its sentences from the journal alone); a file that exists, or the head of
    one, is read with its journal instead (:func:`current_document`)."""
    import time

    if fcntl is None:
        return
    deadline = time.monotonic() + seconds
    recent = time.time() - seconds
    try:
        folders = [entry.path for entry in os.scandir(root) if entry.is_dir(follow_symlinks=False)]
    except OSError:
        return
    folders += [path for folder in folders
                if os.path.isdir(path := os.path.join(folder, schema.DECISIONS_FOLDER)) and not os.path.islink(path)]
    for folder in folders:
        try:
            entries = [e for e in os.scandir(folder) if e.name.startswith(".") and e.name.endswith((".lock", FOLD_LOCK_SUFFIX))]
        except OSError:
            continue
        for entry in entries:
            name = entry.name[1:]
            article_id = name[: -len(FOLD_LOCK_SUFFIX)] if name.endswith(FOLD_LOCK_SUFFIX) else name[: -len(".lock")]
            if first_only and (os.path.exists(os.path.join(folder, article_id + schema.ANNOTATION_SUFFIX))
                               or os.path.exists(os.path.join(folder, f".{article_id}{FIRST_FOLD_SUFFIX}"))):
                continue
            if not _wait_for_quit_lock(entry.path, deadline, recent):
                return


def held_locks() -> set[tuple[int, int, int]] | None:
    """(major, minor, inode) of every file a process on this machine holds a ``flock`` on, from
    Linux's ``/proc/locks`` (read, taking no lock and waiting for none); None where there is none.

    An article is open in a session exactly while that session holds its lock file. A journal is
    no sign of it: the background fold empties it while the article stays open, and a session
    killed leaves one behind."""
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as handle:
            text = handle.read(1 << 22)
    except OSError:
        return None
    held = set()
    for line in text.splitlines():
        parts = line.split()  # "1: FLOCK  ADVISORY  WRITE 1234 fe:00:5490232 0 EOF" ("1: -> FLOCK …" waits)
        if len(parts) >= 6 and parts[1] == "FLOCK":
            try:
                major, minor, inode = parts[5].split(":")
                held.add((int(major, 16), int(minor, 16), int(inode)))
            except ValueError:
                continue
    return held


def session_holds(folder: str | Path, article_id: str, held: set[tuple[int, int, int]]) -> bool:
    """Whether a process holds a lock of ``article_id`` in the annotator folder ``folder`` now
    (``held``: from :func:`held_locks`): a session has the article open, or the fold a session that
    quit left to a child is writing its file; either saves what its journals hold."""
    for suffix in (".lock", FOLD_LOCK_SUFFIX):
        try:
            info = os.stat(os.path.join(folder, f".{article_id}{suffix}"))
        except OSError:
            continue
        if (os.major(info.st_dev), os.minor(info.st_dev), info.st_ino) in held:
            return True
    return False


def stopped_before_first_save(folder: str | Path, article_id: str, held: set[tuple[int, int, int]]) -> bool:
    """Whether the journal of ``article_id`` in ``folder`` is a stopped session's from before its
    first save: the article has no file, no first fold's head, and no process holds a lock on it
    (``held``: :func:`held_locks`). Its actions wait for the next session on the article; until
    then no reader can place them, and every reader says so."""
    path = Path(folder) / f"{article_id}{schema.ANNOTATION_SUFFIX}"
    return (not os.path.lexists(path) and not os.path.lexists(first_fold_path(path))
            and not session_holds(folder, article_id, held))


def wait_for_fold_after_quit(path: str | Path, seconds: float = AFTER_EXIT_WAIT) -> None:
    """:func:`wait_for_folds_after_quit` for the one annotation file ``path``: what a reader does
    when the head of its first fold cannot be trusted (:func:`current_document`)."""
    import time

    if fcntl is None:
        return
    path = Path(path)
    article_id = path.name[: -len(schema.ANNOTATION_SUFFIX)]
    deadline = time.monotonic() + seconds
    recent = time.time() - seconds
    for name in (f".{article_id}.lock", f".{article_id}{FOLD_LOCK_SUFFIX}"):
        if not _wait_for_quit_lock(str(path.with_name(name)), deadline, recent):
            return


def _wait_for_quit_lock(lock: str, deadline: float, recent: float) -> bool:
    """Wait until the lock file ``lock``, when written since ``recent`` by a session that has quit
    (:data:`AFTER_EXIT`), is let go of, at most until ``deadline`` (monotonic): False once past it."""
    import time

    try:
        if os.stat(lock).st_mtime < recent:
            return True
        with open(lock) as handle:  # closing it lets go of the lock
            if not _holder(handle).endswith(AFTER_EXIT):
                return True
            return _wait_for_lock(handle, max(0.0, deadline - time.monotonic()), shared=True)
    except OSError:
        return True

_fdatasync = getattr(os, "fdatasync", os.fsync)

#: The longest sentence (characters) whose text a journal line carries, as every line did before;
#: a longer one is named by ``index``, ``start``, ``end`` and ``check`` (:func:`text_check`). The
#: longest sentence of NewsSD-ENG has 714 characters; a 2 MB "sentence" journaled with its text cost
#: about 30 ms of JSON and fdatasync a key, and 2 MB of journal.
JOURNAL_TEXT_MAX = 2_000


def text_check(text: str) -> str:
    """The check a journal line carries for a sentence too long to journal: the first 16 hex digits
    of the sha256 of its text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class NotSaved(OSError):
    """An action that could not be written to the journal (a full disk, a quota, an I/O error),
    and so was not taken; the message is one line for the annotator."""


@dataclass(frozen=True)
class SentenceState:
    status: str = schema.TODO
    labels: tuple[str, ...] = ()
    flag: bool = False
    note: str = ""
    updated: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)  # unknown keys, kept

    @property
    def is_blank(self) -> bool:
        return self.status == schema.TODO and not self.labels and not self.flag and not self.note and not self.extra


BLANK = SentenceState()


def now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


#: An annotator's name is the name of their folder: it must be one, as it is, on every system.
MAX_ANNOTATOR = 64
ANNOTATOR_RULE = f"letters, digits and . _ - only, not starting with . or -, not ending with ., at most {MAX_ANNOTATOR} characters"
# Not ending with "." either: "alice." would be saved in alice's folder (safe_name drops the dots, as
# some file systems do), so whoever has that name would write as alice.
_ANNOTATOR = re.compile(rf"[A-Za-z0-9_](?:[A-Za-z0-9._-]{{0,{MAX_ANNOTATOR - 2}}}[A-Za-z0-9_-])?")


def annotator_problem(name: str) -> str | None:
    """Why ``name`` cannot be an annotator's name (and folder), or None when it can."""
    if not name:
        return f"an annotator name cannot be empty: use {ANNOTATOR_RULE}"
    if _ANNOTATOR.fullmatch(name) is None:
        return f"not a usable annotator name: use {ANNOTATOR_RULE}"
    return None


def safe_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_.@" else "_" for c in name).strip(".")
    return cleaned or "anonymous"


def user_name(uid: int) -> str:
    """The login name of ``uid``, or "uid N" where it has none."""
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"


def named_for_another(folder: str | Path) -> str | None:
    """Why the annotator folder ``folder`` is not read as the work of the user it is named for, or
    None: in an annotations folder others may write in (``chmod g+ws``, or 1777), a folder named for
    a login of this machine must belong to that login (or to root, who may set up or restore).

    Files are trusted by the folder they sit in (:func:`foreign_owner`); without this, a member of
    the group made ``annotations/lead`` (or moved ``carol`` aside and made a new one) and wrote
    decisions and answers that every command read as the lead's, or carol's."""
    if not hasattr(os, "geteuid"):
        return None
    folder = Path(folder)
    try:
        if not folder.parent.stat().st_mode & NOT_THEIRS:
            return None  # only its owner makes folders in it: theirs to name
        owner = os.stat(folder).st_uid
    except OSError:
        return None
    if owner == 0:
        return None
    try:
        import pwd

        named = pwd.getpwnam(folder.name).pw_uid
    except (ImportError, KeyError, ValueError):
        return None  # no login of that name: nobody it could be taken for
    if named == owner:
        return None
    return f"is named for {folder.name} but belongs to {user_name(owner)}; left out (only {folder.name} makes that folder)"


def not_yours(folder: Path, annotator: str) -> str | None:
    """Why this process must not write into the annotator folder ``folder``, or None.

    On a shared server the annotator is the login name, and plain permissions keep one user out of
    another's folder. A group-shared annotations folder (``chmod g+ws``, umask 002) lets every member
    write everywhere, so tagline refuses by itself: it writes only into a folder its user owns, and in
    a group-writable annotations folder it creates a folder only for its own login name."""
    if not hasattr(os, "geteuid"):
        return None
    me = os.geteuid()
    try:
        info = folder.stat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        return f"cannot read {folder} ({error.strerror}); read-only here"
    if info is not None:
        if info.st_uid != me:
            return f"{folder} belongs to {user_name(info.st_uid)}, not to you ({user_name(me)}); read-only here"
        if named_for_another(folder):  # made by this user under a colleague's name: never read as theirs
            return f"{folder} is named for {folder.name}, not for you ({user_name(me)}); read-only here"
        return None
    try:
        shared = folder.parent.stat().st_mode & 0o022
    except OSError:
        return None  # the parent is missing too: creating it says why, if it cannot be
    login = user_name(me)
    if shared and annotator != login and safe_name(annotator) != safe_name(login):
        by = "everyone" if shared & 0o002 else "a group"
        return f"{folder.parent} is shared by {by}: annotate as your login name ({login}), not {annotator}; read-only here"
    return None


def foreign_owner(path: str | Path, owner_uid: int | None) -> str | None:
    """Why the file ``path``, in the annotator folder whose owner is ``owner_uid``, is not that
    annotator's, or None: it belongs to another user (root aside, who may restore or move files).
    Such a file was put there while the folder let others write, never by tagline."""
    if owner_uid is None or not hasattr(os, "geteuid"):
        return None
    try:
        uid = os.lstat(path).st_uid
    except OSError:
        return None
    if uid in (owner_uid, 0):
        return None
    return f"belongs to {user_name(uid)}, not to {user_name(owner_uid)} whose folder it is in; left out"


def folder_owner(folder: str | Path) -> int | None:
    try:
        return os.stat(folder).st_uid
    except OSError:
        return None


#: Write permission an annotator folder, and the files tagline makes in it, never give anyone but
#: their owner, whatever the umask (002 in a group-shared project): a member of the group must not be
#: able to change, replace or plant (a link where the journal or the lock goes) someone else's files.
NOT_THEIRS = 0o022


def keep_to_owner(folder: Path) -> None:
    """Take group and others' write permission off ``folder``, which this user owns (one made by an
    older tagline under umask 002 had it)."""
    try:
        mode = folder.stat(follow_symlinks=False).st_mode
        if mode & NOT_THEIRS:
            os.chmod(folder, mode & 0o7777 & ~NOT_THEIRS, follow_symlinks=False)
    except (OSError, NotImplementedError):
        pass


def _open_own(path: Path, flags: int):
    """Open a file of this user's annotator folder to append (``a+``/``ab``): never through a link,
    created without write permission for anyone else, and made so if it had it."""
    fd = os.open(path, flags | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o666 & ~NOT_THEIRS)
    try:
        info = os.fstat(fd)
        if info.st_mode & NOT_THEIRS and info.st_uid == os.geteuid():
            os.fchmod(fd, info.st_mode & 0o7777 & ~NOT_THEIRS)
    except OSError:
        pass
    return fd


def _backup_tag(recorded, current: str) -> str:
    """What names the copy kept before re-anchoring: the first 8 hex digits of the sha256 the file
    recorded, when it is one (the field is the file's, and may hold anything: ``/``, ``..``, control
    characters), else of the article as read now."""
    tag = recorded[:8].lower() if isinstance(recorded, str) else ""
    return tag if len(tag) == 8 and all(c in "0123456789abcdef" for c in tag) else current[:8]


def journal_entries(journal: Path, rejected: list[tuple[str, str]] | None = None) -> list[dict]:
    """The actions a journal holds, each a sentence's whole state, in the order written; a line cut
    short (the action in flight when a process died, or being written now) is left out. So is a
    line that parses but is not an action as tagline writes one (:func:`journal_problem`): a
    journal edited by hand or by something else; ``rejected`` gets (the journal, why) once per
    journal that has such lines."""
    try:
        lines = safefile.read_bytes(journal).splitlines()  # a FIFO is refused, not waited on
    except OSError:
        return []
    entries = []
    bad: list[str] = []
    for raw in lines:
        try:
            # tagline's own output (json.dumps of a dict a line: no key twice), replayed on every
            # read of an article: the fast path, no hook per object.
            entry = safejson.loads(raw, unique=False)
        except (ValueError, UnicodeDecodeError):
            continue  # the action in flight when the process died
        problem = journal_problem(entry)
        if problem:
            bad.append(problem)
            continue
        if b"\\ud" in raw.lower() and lone_surrogates(entry):  # not text: no YAML could hold it
            entry = replace_surrogates(entry)
        entries.append(entry)
    if bad and rejected is not None:
        rejected.append((str(journal), f"{len(bad)} line{'' if len(bad) == 1 else 's'} that {'is' if len(bad) == 1 else 'are'} "
                                       f"not tagline's actions ({bad[0]}); left out"))
    return entries


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def journal_problem(entry) -> str:
    """Why a parsed journal line is not an action as tagline writes one ("" when it is): a mapping
    naming a sentence by ``start`` and ``end`` (or its ``index``), each key of the type written."""
    if not isinstance(entry, dict):
        return "not a mapping"
    if "start" in entry or "end" in entry:
        if not (_is_int(entry.get("start")) and _is_int(entry.get("end"))):
            return "'start' and 'end' must be numbers"
    elif not _is_int(entry.get("index")):
        return "names no sentence"
    if "index" in entry and not _is_int(entry["index"]):
        return "'index' must be a number"
    for key in ("text", "check", "note", "updated"):
        if key in entry and not isinstance(entry[key], str) and not (entry[key] is None and key in ("note", "updated")):
            return f"'{key}' must be text"
    if "status" in entry and entry["status"] not in schema.STATUSES:
        return f"'status' must be {' or '.join(schema.STATUSES)}"
    labels = entry.get("labels", [])
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        return "'labels' must be a list of names"
    if "flag" in entry and not isinstance(entry["flag"], bool):
        return "'flag' must be true or false"
    if "extra" in entry and not isinstance(entry["extra"], dict):
        return "'extra' must be a mapping"
    return annofile.review_problem(entry.get("extra", {}).get("review"))


#: How many times :func:`read_current` reads an article's files again when a fold or an action
#: changed them while it read; then it keeps what it read last (it never waits).
CURRENT_READS = 5


def _identity(path: Path) -> tuple | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def journal_paths(folder: str | Path, article_id: str) -> tuple[Path, Path]:
    """(``.journal.folding``, ``.journal``) of an article, in the order a replay reads them."""
    folder = Path(folder)
    return (folder / f"{article_id}{schema.JOURNAL_SUFFIX}.folding", folder / f"{article_id}{schema.JOURNAL_SUFFIX}")


def read_current(paths: list[Path], read: Callable[[], object]):
    """``read()`` (which reads ``paths``: an annotation file and its journals) as one consistent
    picture, taking no lock and never waiting: when a fold (its file written, its journal renamed or
    deleted) or an action (a line appended) changed any of them meanwhile, it reads again, at most
    :data:`CURRENT_READS` times. A fold after quit, or a session open on the article, can then
    neither make a line count twice against an older file nor vanish between the two reads."""
    result = None
    for _attempt in range(CURRENT_READS):
        before = [_identity(path) for path in paths]
        result = read()
        if [_identity(path) for path in paths] == before:
            break
    return result


def journaled(folder: str | Path, article_id: str, owner_uid: int | None = None) -> list[dict]:
    """Every action an article's journals hold, in the order a replay applies them (``.folding``,
    then ``.journal``), read without a lock; journals of another owner are left out (said where the
    folder is listed)."""
    paths = [path for path in journal_paths(folder, article_id) if not foreign_owner(path, owner_uid)]
    return read_current(paths, lambda: [entry for path in paths for entry in journal_entries(path)])


def current_document(path: str | Path, owner_uid: int | None = None, rejected: list[tuple[str, str]] | None = None) -> dict:
    """The annotation file ``path`` as it stands with its journals replayed over it: what the next
    fold writes (for the same article), read now, without waiting for a fold under way or taking a
    lock (:func:`read_current`). The one owner of "an article's annotations are its file plus its
    journal". Raises :class:`annofile.AnnotationFileError` as :func:`annofile.read` does.

    An article that has no file yet, whose first fold a session that has quit left to a child, is
    read from the head that session left (:func:`first_fold_path`): its sentences from the article
    it names, blank, with the journals replayed over them (:func:`first_document`), until the file
    is there. A head that cannot be trusted (unreadable, the article changed since, an action that
    names no sentence of it) is waited past: the fold is waited for as before the head
    (:func:`wait_for_fold_after_quit`) and its file read; with no file written then, raises
    :class:`FirstFoldPending` (a reader leaves the article out, as before)."""
    path = Path(path)
    article_id = path.name[: -len(schema.ANNOTATION_SUFFIX)]
    journals = [p for p in journal_paths(path.parent, article_id) if not foreign_owner(p, owner_uid)]
    head = first_fold_path(path)
    said: list[tuple[str, str]] = []  # journal lines left out (a read may be repeated: read_current)
    try:
        return _current_document(path, owner_uid, journals, head, said)
    finally:
        if rejected is not None:
            rejected.extend(dict.fromkeys(said))


def _current_document(path: Path, owner_uid: int | None, journals: list[Path], head: Path,
                      said: list[tuple[str, str]]) -> dict:
    if not path.exists() and head.exists() and not foreign_owner(head, owner_uid):
        blank: list[dict] = []  # read once: the article does not change between two reads

        def first() -> tuple[dict | None, list[dict]]:
            entries = [entry for p in journals for entry in journal_entries(p, said)]
            if path.exists():  # the fold has written it meanwhile
                return annofile.read(path), entries
            if not blank:
                blank.append(first_document(path, head))
            return None, entries

        try:
            data, entries = read_current([path, head, *journals], first)
            if data is not None:
                return apply_journal(data, entries)
            missed: list[dict] = []
            document = apply_journal(blank[0], entries, missed)
            if not missed:
                return document
        except annofile.AnnotationFileError:
            pass
        # The head cannot be trusted (unreadable, the article changed, an action naming no sentence
        # of it): wait for the fold and read the file it writes, as before the head.
        wait_for_fold_after_quit(path)
        if not path.exists():
            raise FirstFoldPending(path, "has no file yet: its first fold has not written it")
    if not any(p.exists() for p in journals):
        return annofile.read(path)

    def both() -> tuple[dict, list[dict]]:
        return annofile.read(path), [entry for p in journals for entry in journal_entries(p, said)]

    data, entries = read_current([path, *journals], both)
    return apply_journal(data, entries)


class FirstFoldPending(annofile.AnnotationFileError):
    """An article with no file yet whose first fold's head could not be trusted, and whose fold,
    waited for, has not written the file (killed, or longer than the wait): a reader leaves the
    article out, as before the head; its journal stays for the next session that opens it."""


def first_document(path: Path, head_path: Path) -> dict:
    """The file an article's first fold writes, with every sentence blank: the top of it from the
    head its session left (:meth:`ArticleStore._write_first_fold_head`), the sentences from the
    article the head names, read and split as the session did. Raises
    :class:`annofile.AnnotationFileError` when the head cannot be read or the article is not the
    one the session had (not found, or another length or number of sentences)."""
    from tagline.core.articles import read_file

    try:
        head = safejson.loads(safefile.read_bytes(head_path, 1 << 20))
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise annofile.AnnotationFileError(path, f"has no file yet and the head of its first fold cannot be read ({error})") from None
    article_id = path.name[: -len(schema.ANNOTATION_SUFFIX)]
    meta = head.get("article") if isinstance(head, dict) else None
    source = head.get("source") if isinstance(head, dict) else None
    if not (isinstance(meta, dict) and meta.get("id") == article_id and isinstance(source, str)
            and _whole(head.get("sentences")) and _whole(head.get("characters"))):
        raise annofile.AnnotationFileError(path, "has no file yet and the head of its first fold is not tagline's")
    found, _problems = read_file(Path(source))
    article = next((a for a in found if a.id == article_id), found[0] if len(found) == 1 else None)
    if (article is None or len(article.text) != head["characters"]
            or len(article.sentences) != head["sentences"]):
        raise annofile.AnnotationFileError(path, f"has no file yet and its article {source} is not as its session read it; "
                                           "read it again once its first fold has written the file")
    text = article.text
    sentences = [{"index": index, "start": span.start, "end": span.end, "text": text[span.start : span.end],
                  "status": schema.TODO, "labels": [], "entities": []} for index, span in enumerate(article.sentences)]
    return annotation_document(
        {"id": article_id, "path": str(meta.get("path") or ""), "sha256": article.sha256},
        head.get("annotator"),
        head.get("labels") if isinstance(head.get("labels"), list) else [],
        head.get("model") if isinstance(head.get("model"), dict) else {"name": "none", "version": None},
        sentences,
    )


def annotation_document(article: dict, annotator, labels: list, model: dict, sentences: list[dict]) -> dict:
    """An annotation file's document in the contract's key order, with this tagline's schema version:
    what a fold writes (:meth:`ArticleStore.document`) and what a first fold's head stands for
    (:func:`first_document`), built in one place."""
    return {
        "schema": schema.SCHEMA_VERSION,
        "article": article,
        "annotator": annotator,
        "labels": labels,
        "model": model,
        "sentences": sentences,
    }


def apply_journal(data: dict, entries: list[dict], missed: list[dict] | None = None) -> dict:
    """``data`` (an annotation file's document) with journal ``entries`` applied as a fold applies
    them to an article that has not changed: each line's whole state replaces that of the sentence it
    names (by offsets and text, or by index, offsets and the check of a long sentence); the line's
    ``extra`` (a review's provenance, …) stands for the keys the store does not own, as of that
    action. A line that names no sentence of the file is not applied here (the store re-anchors it
    against the article); ``missed`` collects those lines."""
    records = data.get("sentences")
    if not entries or not isinstance(records, list):
        return data
    where: dict[tuple, int] = {}
    for position, record in enumerate(records):
        if isinstance(record, dict):
            where[(record.get("start"), record.get("end"))] = position
    records = list(records)
    for entry in entries:
        position = where.get((entry.get("start"), entry.get("end")))
        record = records[position] if position is not None else {}
        text = record.get("text")
        if position is None or (entry.get("text") != text if "text" in entry or not isinstance(entry.get("check"), str)
                                else not isinstance(text, str) or text_check(text) != entry["check"]):
            if missed is not None:
                missed.append(entry)
            continue
        state = _state_from_record({k: v for k, v in entry.items() if k not in ("extra", "check", "index")})
        journaled_extra = entry.get("extra")
        extra = journaled_extra if isinstance(journaled_extra, dict) else {
            k: v for k, v in record.items() if k not in _STATE_KEYS}
        updated = {k: record[k] for k in schema.SENTENCE_KEYS if k in record}
        updated.update(status=state.status, labels=list(state.labels))
        updated.update(_optional_fields(state))
        for key, value in extra.items():
            updated.setdefault(key, value)
        records[position] = updated
    return {**data, "sentences": records}


class ArticleStore:
    """Annotation state for (annotator, article), keyed by sentence index."""

    def __init__(self, root: str | Path, annotator: str, article: Article, scheme: LabelScheme, model: dict | None = None,
                 owner: tuple[Path, str] | None = None):
        self.annotator = annotator
        self.article = article
        self.scheme = scheme
        self.model = model or {"name": "none", "version": None}
        folder = Path(root) / safe_name(annotator)
        # (the annotator folder, whose it is): the folder itself, unless it is a subfolder of one
        # (a reviewer's decisions/), whose owner then decides who may write here.
        self._owner = owner or (folder, annotator)
        self.path = folder / f"{article.id}{schema.ANNOTATION_SUFFIX}"
        self.journal_path = folder / f"{article.id}{schema.JOURNAL_SUFFIX}"
        self.folding_path = folder / f"{article.id}{schema.JOURNAL_SUFFIX}.folding"
        self.lock_path = folder / f".{article.id}.lock"
        self.fold_lock_path = folder / f".{article.id}{FOLD_LOCK_SUFFIX}"
        self.first_fold_path = first_fold_path(self.path)
        self.read_only: str | None = None  # why this article cannot be saved, if it cannot
        self.held_elsewhere = False  # read-only because another session holds its lock
        self.notice: str | None = None  # something the annotator should know (re-anchored, …)
        self.unsaved: str | None = None  # why the last fold of :meth:`close` was not written
        self.states: dict[int, SentenceState] = {}
        self.orphans: list[dict] = []
        self.extra_top: dict = {}
        self.extra_article: dict = {}  # keys of the file's article: mapping tagline does not own
        self._entities: dict[int, list] = {}
        self._suggestions: dict[int, dict] = {}
        self._duplicates: dict[int, int | dict] = {}
        self._lock = threading.RLock()
        self._journal = None
        self._lock_handle = None
        # The fold lock: held while this store may write the YAML. A session opened while the fold
        # of one that has quit is still being written has its file open but not locked (it folds
        # once it gets it); meanwhile each action takes the journal's own lock to be appended.
        self._fold_handle = None
        self._fold_held = False
        self._dirty = False
        self._derived = False
        self._fold_lock = threading.Lock()  # one fold at a time: an older document never lands last
        self._writer: int | None = None  # the child writing a fold (fold_forked), while it runs
        self._leaving = False  # set on quit: stop waiting for that child
        self._backup_suffix: str | None = None  # set when the YAML must be copied before a rewrite
        self._done = self._flagged = 0
        self._label_counts: dict[str, int] = {}
        self._sentences = article.sentences
        self._checks: dict[int, str] = {}  # text_check of a long sentence, computed once
        self._long_checks: dict[str, list[int]] | None = None
        self.unmatched = 0  # journal lines whose check no sentence of the article has
        self._load()

    # -- reading -----------------------------------------------------------------------------
    def _load(self) -> None:
        folder = self.path.parent
        owner_folder, owner = self._owner
        refused = not_yours(owner_folder, owner) or (not_yours(folder, owner) if folder != owner_folder else None)
        if refused:
            self.read_only = refused
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self.read_only = f"cannot create {folder} ({error.strerror}); read-only here"
            return
        for mine in {owner_folder, folder}:
            keep_to_owner(mine)
        foreign = self._foreign_file()
        if foreign:
            self.read_only = foreign
            return
        self._take_lock()
        if self._fold_held:
            self._remove_stale_temporaries()

        rejected: list[tuple[str, str]] = []  # journal lines that are not tagline's actions: said, not applied

        def read() -> tuple:
            rejected.clear()  # of the last read only (read_current may read again)
            data: dict | annofile.AnnotationFileError = {}
            if self.path.exists():
                try:
                    data = annofile.read(self.path, keep_parsed=self._fold_held)  # ours, if we may write it
                except annofile.AnnotationFileError as error:
                    data = error
            return data, journal_entries(self.folding_path, rejected) + journal_entries(self.journal_path, rejected)

        # One consistent picture: a fold after quit may write the file and delete its journals
        # while this session reads them (read_current reads again when it did).
        data, entries = read_current([self.path, self.folding_path, self.journal_path], read)
        if isinstance(data, annofile.AnnotationFileError):
            self.read_only = f"{data}; it is left as it is and this article is read-only"
            return
        self.extra_top = {k: v for k, v in data.items() if k not in schema.FILE_KEYS and k != "orphans"}
        recorded = data.get("article")
        if isinstance(recorded, dict):  # kept on rewrite, as every unknown key is (the contract)
            self.extra_article = {k: v for k, v in recorded.items() if k not in schema.ARTICLE_KEYS}
        recorded_sha = (data.get("article") or {}).get("sha256")
        changed = recorded_sha is not None and recorded_sha != self.article.sha256  # no file: no hashing
        anchors = Anchors(self.article.text, self._sentences)
        orphans: dict[int, dict] = {}  # position -> record, in the order they were found
        for position, record in enumerate(o for o in data.get("orphans") or [] if isinstance(o, dict)):
            orphans[-1 - position] = dict(record)
        records = data.get("sentences") or []
        # Records with annotations claim their sentences first; blank ones only bring entities back.
        ordered = sorted(((r, _state_from_record(r)) for r in records), key=lambda pair: pair[1].is_blank)
        anchors.place_batch((r.get("start"), r.get("end"), r.get("text")) for r, state in ordered if not state.is_blank)
        for record, state in ordered:
            key = (record.get("start"), record.get("end"), record.get("text"))
            index = anchors.place(*key, fuzzy=not state.is_blank, claim=not state.is_blank)
            if index is None:
                if not state.is_blank:
                    orphans[anchors.orphan(key)] = dict(record)
                continue
            if not state.is_blank:
                self._put(index, state)
            entities = record.get("entities")  # kept, so a run without the model loses none
            if isinstance(entities, list) and entities and anchors.how(key) != "fuzzy":
                length = self._sentences[index].end - self._sentences[index].start
                self._entities[index] = [
                    (e["start"], e["end"], e["label"]) for e in entities
                    if isinstance(e, dict) and _whole(e.get("start")) and _whole(e.get("end"))
                    and 0 <= e["start"] < e["end"] <= length and isinstance(e.get("label"), str)
                ]
        previous_model = data.get("model")
        if self.model.get("name") == "none" and isinstance(previous_model, dict) and self._entities:
            self.model = dict(previous_model)  # entities from that model are kept
        self._replay(entries, anchors, orphans)
        self.orphans = [record for record in orphans.values() if record is not None]
        moved, fuzzy = anchors.counts()
        lost = sum(1 for slot, record in orphans.items() if slot >= 0 and record is not None)
        notes = []
        if changed or moved or fuzzy or lost:
            if changed:
                notes.append("the article changed since it was annotated; annotations were re-anchored")
            else:
                notes.append("some annotations did not match the article at their offsets and were re-anchored")
            if fuzzy:
                notes.append(f"{fuzzy} to edited sentences")
            if lost:
                notes.append(f"{lost} kept as orphans")
            self._dirty = True
            if data:
                self._backup_suffix = f".bak-{_backup_tag(recorded_sha, self.article.sha256)}"
        unknown = sorted({name for s in self.states.values() for name in s.labels} - set(self.scheme.names))
        if self.unmatched:
            notes.append(f"{self.unmatched} journaled action{'s' if self.unmatched > 1 else ''} on a sentence the article "
                         "no longer has (the check of its text matches none) not applied, kept under orphans")
        if unknown:
            notes.append(f"labels not in the scheme, kept as they are: {', '.join(unknown)}")
        notes.extend(f"{Path(journal).name}: {why}" for journal, why in rejected)
        if notes:
            self.notice = "; ".join(notes)
        if self.read_only is None and (self.journal_path.exists() or self.folding_path.exists()):
            self._dirty = True

    def _foreign_file(self) -> str | None:
        """Why a file of this article in this user's own folder cannot be trusted, or None: tagline
        makes none of them owned by anyone else, nor a link where it appends (journal, lock), so such
        a file was put there by someone else (while the folder let them), to be read as this
        annotator's work or written through."""
        if not hasattr(os, "geteuid"):
            return None
        me = os.geteuid()
        appended = (self.journal_path, self.folding_path, self.lock_path, self.fold_lock_path)  # written through a link
        for path in (self.path, annofile.parsed_path(self.path), *appended):  # the YAML's is replaced
            try:
                info = path.lstat()
            except OSError:
                continue
            if stat.S_ISLNK(info.st_mode) and path in appended:
                return f"{path} is a link (tagline never makes one): remove it to annotate; read-only here"
            if path in appended and not stat.S_ISREG(info.st_mode):  # a FIFO: reading or appending blocked for ever
                return f"{path} is {safefile.kind(path) or 'not a file'} (tagline never makes one): remove it to annotate; read-only here"
            if info.st_uid != me:
                return f"{path} belongs to {user_name(info.st_uid)}, not to you ({user_name(me)}): remove it to annotate; read-only here"
        return None

    def _remove_stale_temporaries(self) -> None:
        """Temporary files of a write cut short by ``kill -9``: never the file itself, safe to drop
        while this session holds the lock."""
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            try:
                stale.unlink()
            except OSError:
                pass

    def _replay(self, entries: list[dict], anchors: Anchors, orphans: dict[int, dict]) -> None:
        keys = [self._journaled_key(entry) for entry in entries]
        anchors.place_batch(key for key in keys if key is not None)
        for entry, key in zip(entries, keys):
            state = _state_from_record({k: v for k, v in entry.items() if k not in ("extra", "check")})
            journaled_extra = entry.get("extra")
            if isinstance(journaled_extra, dict):
                state = replace(state, extra=journaled_extra)  # the extra keys as of this action
            if key is None:
                # A check that names no sentence of this article: not applied, kept as an orphan
                # (without the text, which the line never had) and said.
                self.unmatched += 1
                start, end, check = entry.get("start"), entry.get("end"), entry.get("check")
                slot = anchors.orphan((start, end, ("check", check)), create=not state.is_blank)
                if slot is not None:
                    orphans[slot] = None if state.is_blank else _orphan_record(orphans.get(slot), (start, end, None), state, check)
                continue
            index = anchors.place(*key, fuzzy=True, claim=True)
            if index is None:
                # A later state of a sentence the article no longer has: it stays an orphan, updated.
                slot = anchors.orphan(key, create=not state.is_blank)
                if slot is not None:
                    orphans[slot] = None if state.is_blank else _orphan_record(orphans.get(slot), key, state)
                continue
            if not isinstance(journaled_extra, dict):  # a line from before extras were journaled
                previous = self.states.get(index)
                if previous is not None and previous.extra:
                    state = replace(state, extra=previous.extra)
            self._put(index, state)

    def _journaled_key(self, entry: dict) -> tuple | None:
        """The (start, end, text) a journal line names its sentence by, for :class:`Anchors`. A line
        of a long sentence has a check instead of the text: the text is the article's, at the line's
        index when the check matches there, else that of the sentence elsewhere with the same check
        (the article changed); None when no sentence of the article has it."""
        check = entry.get("check")
        start, end = entry.get("start"), entry.get("end")
        if "text" in entry or not isinstance(check, str):
            return (start, end, entry.get("text"))
        spans = self._sentences
        index = entry.get("index")
        if (_whole(index) and 0 <= index < len(spans) and (spans[index].start, spans[index].end) == (start, end)
                and self._check(index) == check):
            return (start, end, self.article.text[start:end])
        if self._long_checks is None:
            self._long_checks = {}
            for i, span in enumerate(spans):
                if span.end - span.start > JOURNAL_TEXT_MAX:
                    self._long_checks.setdefault(self._check(i), []).append(i)
        found = self._long_checks.get(check)
        if not found:
            return None
        span = spans[found[0]]
        return (start, end, self.article.text[span.start : span.end])

    def _check(self, index: int) -> str:
        check = self._checks.get(index)
        if check is None:
            span = self._sentences[index]
            check = self._checks[index] = text_check(self.article.text[span.start : span.end])
        return check

    def _take_lock(self) -> None:
        """The session's lock (else read-only: another session has the article open), then the fold
        lock if it is free (else the fold of a session that has quit is still being written)."""
        if fcntl is None:
            self._fold_held = True
            return
        try:
            handle = open(_open_own(self.lock_path, os.O_RDWR | os.O_APPEND), "a+")
        except OSError:
            self._fold_held = True
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _holder(handle) or "another session"
            # An older tagline's fold after quit held this lock: waited for, as it was.
            if not (holder.endswith(AFTER_EXIT) and _wait_for_lock(handle, AFTER_EXIT_WAIT)):
                handle.close()
                self.read_only = f"open in another session ({holder}); read-only here"
                self.held_elsewhere = True
                return
        _say_holder(handle, f"pid {os.getpid()} on {socket.gethostname()}")
        self._lock_handle = handle
        try:
            self._fold_handle = open(_open_own(self.fold_lock_path, os.O_RDWR | os.O_APPEND), "a+")
        except OSError:
            self._fold_held = True  # no fold lock to be had: this session is the only writer, as it was
            return
        self._take_fold_lock()

    def _take_fold_lock(self, wait: float = 0.0) -> bool:
        """Whether this store may write the YAML: it holds the fold lock, or takes it now (within
        ``wait`` seconds: the process a quit session left its fold to has finished)."""
        if self._fold_held:
            return True
        if self._fold_handle is None or not _wait_for_lock(self._fold_handle, wait):
            return False
        _say_holder(self._fold_handle, f"pid {os.getpid()} on {socket.gethostname()}")
        self._fold_held = True
        self._remove_stale_temporaries()  # of a write cut short: nobody else is writing now
        return True

    # -- state -------------------------------------------------------------------------------
    def get(self, index: int) -> SentenceState:
        return self.states.get(index, BLANK)

    def _put(self, index: int, state: SentenceState) -> None:
        previous = self.states.pop(index, None)
        if previous is not None:
            self._count(previous, -1)
        if not state.is_blank:
            self.states[index] = state
            self._count(state, +1)

    def _count(self, state: SentenceState, sign: int) -> None:
        """Keep the counts the status line shows current, so no key has to recount the article."""
        if state.status == schema.DONE:
            self._done += sign
        if state.flag:
            self._flagged += sign
        for name in state.labels:
            self._label_counts[name] = self._label_counts.get(name, 0) + sign

    def set(self, index: int, state: SentenceState) -> None:
        """Record ``state`` for sentence ``index``, durably, before returning."""
        self.set_many([(index, state)])

    def set_many(self, changes: list[tuple[int, SentenceState]]) -> None:
        """Record each ``(index, state)`` durably before returning, as one write and one sync: an
        action on many sentences (copying labels to 4,999 duplicates, undoing it) synced the journal
        once per sentence, 14 s on a 5,000-sentence article. All or none are taken."""
        if self.read_only:
            raise PermissionError(self.read_only)
        if not changes:
            return
        with self._lock:
            previous = [(index, self.get(index)) for index, _ in changes]
            lines = []
            for index, state in changes:
                span = self._sentences[index]
                self._put(index, state)
                if span.end - span.start <= JOURNAL_TEXT_MAX:
                    entry = {"start": span.start, "end": span.end, "text": self.article.text[span.start : span.end]}
                else:  # named, not copied: the text is the article's (see _journaled_key)
                    entry = {"index": index, "start": span.start, "end": span.end, "check": self._check(index)}
                entry.update({
                    "status": state.status,
                    "labels": list(state.labels),
                    "flag": state.flag,
                    "note": state.note,
                    "updated": state.updated,
                    # Keys this store does not own (a review's provenance, …) travel with the state,
                    # so a replay restores them as of this action, removed ones included.
                    "extra": state.extra,
                })
                lines.append(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
            try:
                if self._journal is None:
                    self._journal = _open_journal(self.journal_path)
                data = "".join(lines).encode("utf-8")
                if self._fold_held:
                    _write_all(self._journal, data)
                    _fdatasync(self._journal.fileno())
                else:
                    self._append_beside_a_fold(data)
            except OSError as error:
                # A full disk, a quota, an I/O error: the action is not on disk, so it is not
                # taken either (the screen must not show what a crash would lose). The handle
                # goes; the next action opens the journal again and closes off a line this one
                # may have left cut short.
                for index, state in reversed(previous):
                    self._put(index, state)
                self._drop_journal()
                raise NotSaved(error.errno, error.strerror or str(error), str(self.journal_path)) from None
            self._dirty = True

    def _append_beside_a_fold(self, data: bytes) -> None:
        """Append ``data`` (whole lines) to the journal while the process a quit session left its fold to may be
        deleting it (:func:`_drop_folded`): under the journal's own lock, into the journal still in
        place (a new one when that process has just deleted the one this store had open)."""
        while True:
            fcntl.flock(self._journal.fileno(), fcntl.LOCK_EX)
            if os.fstat(self._journal.fileno()).st_nlink:
                break
            self._journal.close()  # deleted, its actions folded: start the next journal
            self._journal = _open_journal(self.journal_path)
        try:
            _write_all(self._journal, data)
            _fdatasync(self._journal.fileno())
        finally:
            fcntl.flock(self._journal.fileno(), fcntl.LOCK_UN)

    def set_entities(self, index: int, entities: list) -> None:
        """Entities for sentence ``index`` (sentence offsets), written with the next fold."""
        entities = [tuple(e) for e in entities]
        with self._lock:
            if self._entities.get(index, []) != entities:
                self._entities[index] = entities
                self._derived = True

    def set_suggestion(self, index: int, suggestion: dict) -> None:
        """The suggester's labels, scores and reasons for sentence ``index`` (saved as ``suggested``;
        never an annotation until accepted or confirmed)."""
        with self._lock:
            if self._suggestions.get(index) != suggestion:
                self._suggestions[index] = suggestion
                self._derived = True

    def set_duplicate(self, index: int, original: int | dict) -> None:
        """Sentence ``index`` repeats sentence ``original`` of this article (an index), or of another
        (``{article: id, index: n}``): saved as ``duplicate_of``."""
        with self._lock:
            if self._duplicates.get(index) != original:
                self._duplicates[index] = original
                self._derived = True

    def entities(self) -> dict[int, list]:
        """Entities known for this article so far: {sentence index: [(start, end, label)]}."""
        with self._lock:
            return dict(self._entities)

    @property
    def dirty(self) -> bool:
        """Edits not yet in the YAML file (they are in the journal)."""
        return self._dirty

    @property
    def stale(self) -> bool:
        """Anything not yet in the YAML file: edits, or entities, suggestions and duplicate marks
        (derived data: worth a rewrite once it is complete, on close, or with the next edit, never
        one rewrite per batch)."""
        return self._dirty or self._derived

    def counts(self) -> tuple[int, dict[str, int], int]:
        """(done, label -> count, flagged), kept current by every change: O(labels), not O(article)."""
        per_label = {name: self._label_counts.get(name, 0) for name in self.scheme.names}
        per_label.update({k: v for k, v in self._label_counts.items() if k not in per_label and v})
        return self._done, per_label, self._flagged

    # -- writing -----------------------------------------------------------------------------
    def document(self) -> dict:
        """The whole annotation file as data, in the contract's key order."""
        text = self.article.text
        sentences = []
        with self._lock:
            states = dict(self.states)
            entities = dict(self._entities)
            suggestions = dict(self._suggestions)
            duplicates = dict(self._duplicates)
        for index, span in enumerate(self._sentences):
            state = states.get(index, BLANK)
            record = {
                "index": index,
                "start": span.start,
                "end": span.end,
                "text": text[span.start : span.end],
                "status": state.status,
                "labels": annofile.Flow(state.labels),
                "entities": annofile.Flow(annofile.FlowMap(start=s, end=e, label=label) for s, e, label in entities.get(index, ())),
            }
            record.update(_optional_fields(state))
            suggestion = suggestions.get(index)
            if suggestion is not None:
                record["suggested"] = {
                    "labels": annofile.Flow(suggestion.get("labels", [])),
                    "scores": annofile.FlowMap(suggestion.get("scores", {})),
                    "reasons": dict(suggestion.get("reasons", {})),
                }
            if index in duplicates:
                record["duplicate_of"] = duplicates[index]
            for key, value in state.extra.items():
                record.setdefault(key, value)
            sentences.append(record)
        article = {"id": self.article.id, "path": self.article.path, "sha256": self.article.sha256}
        if self.article.meta:  # a .jsonl line's meta: the article's, as the line gives it now
            article["meta"] = self.article.meta
        article.update({k: v for k, v in self.extra_article.items() if k not in article})
        document = annotation_document(
            article,
            self.annotator, annofile.Flow(self.scheme.names), annofile.FlowMap(self.model), sentences,
        )
        document.update({k: v for k, v in self.extra_top.items() if k not in document})
        if self.orphans:
            document["orphans"] = self.orphans
        return document

    def fold(self, force: bool = False) -> bool:
        """Write the YAML file and retire the journal. Safe to call from a worker thread.

        A fold under way in another thread is waited for, even when nothing is left to fold: a
        caller about to exit (quit, hang-up) must not leave that fold's YAML half written."""
        if self.read_only:
            return False
        with self._fold_lock:
            if self._leaving or not (self._dirty or self._derived or force):
                return False  # leaving: the rest is folded after exit, after the fold under way
            if not self._take_fold_lock():
                return False  # a quit session's fold is still being written: the next fold, then
            return self._fold()

    def _drop_journal(self) -> None:
        """Let go of the journal's handle after a write that failed."""
        handle, self._journal = self._journal, None
        if handle is not None:
            try:
                handle.close()
            except OSError:
                pass

    def _rotate_journal(self) -> None:
        """The journal becomes ``.journal.folding`` (the next action starts a new journal); under
        ``self._lock``."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        if self.journal_path.exists():
            if self.folding_path.exists():
                # A fold that died: keep both histories in order inside .folding.
                with _open_journal(self.folding_path) as out:
                    _write_all(out, self.journal_path.read_bytes())
                    os.fsync(out.fileno())
                self.journal_path.unlink()
            else:
                os.replace(self.journal_path, self.folding_path)

    def fold_forked(self) -> bool:
        """:meth:`fold`, with the document built and the YAML written by a child process forked for
        it: a long article's fold (a second or more of CPU for 5,000 sentences) never holds this
        process's interpreter. The journal is rotated here, before the fork, so the actions taken
        meanwhile go to a new journal; this thread then waits for the child without holding the
        interpreter (:meth:`fold_after_exit` can stop that wait). A child that fails leaves
        ``.journal.folding``, which the next fold merges, so nothing is lost."""
        if self.read_only or not hasattr(os, "fork"):
            return self.fold()
        with self._fold_lock:
            if not self._leaving and not self._take_fold_lock():
                return False  # a quit session's fold is still being written: the next fold, then
            with self._lock:
                # Leaving (fold_after_exit): a fold under way was let go unwaited, and a second writer
                # forked now could land its file before that one's older file; the fold after exit
                # waits for it, then folds the rest.
                if self._leaving or not (self._dirty or self._derived):
                    return False
                self._rotate_journal()
                self._dirty = self._derived = False
                try:
                    pid = os.fork()
                except OSError:
                    pid = -1
                if pid == 0:
                    self._write_in_child(previous=None)
                if pid < 0:
                    self._dirty = True
            if pid < 0:
                return self._fold()
            self._writer = pid
            written = self._wait_for_writer(pid)
            if not written:
                self._dirty = True
            return written

    def _wait_for_writer(self, pid: int) -> bool:
        import time

        while True:
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return True
            if done:
                self._writer = None
                return os.waitstatus_to_exitcode(status) == 0
            if self._leaving:  # the app is quitting: the child finishes on its own
                return True
            time.sleep(0.02)

    def _write_in_child(self, previous: int | None, then: Callable[[], None] | None = None, fold: bool = True,
                        covered: dict | None = None) -> None:
        """In a forked child (only this thread exists), then exit; never returns. ``previous`` None:
        write the document of a fold whose journal the parent rotated (:meth:`fold_forked`); else
        wait for ``previous`` (such a child, or -1) to finish, and for the fold lock when the parent
        had not got it yet (an earlier session's fold after quit), then write everything (after quit;
        unless not ``fold``: nothing was left), delete the journals ``covered`` (path -> identity
        when forked) that are still as they were (:func:`_drop_folded`), then call ``then``."""
        status = 1
        try:
            os.setsid()
            quiet = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(quiet, fd)
            if self._lock_handle is not None and self._fold_handle is not None:
                # The session's lock is not this process's to hold: once the parent has let go of
                # it too, the next session on the article opens at once, beside this fold.
                try:
                    os.close(self._lock_handle.fileno())
                except OSError:
                    pass
            if previous is not None:
                _wait_gone(previous)
                if not self._fold_held and self._fold_handle is not None:
                    fcntl.flock(self._fold_handle, fcntl.LOCK_EX)  # an earlier fold after quit: after it
                holder = self._fold_handle if self._fold_handle is not None else self._lock_handle
                if holder is not None:
                    _say_holder(holder, f"pid {os.getpid()} on {socket.gethostname()} {AFTER_EXIT}")
            if previous is None:
                # fold_forked: the journal was rotated before the fork, and this process's parent
                # may already be writing a new one: only the document and .folding are ours.
                document = self.document()
                if self._backup_suffix is not None:
                    self._keep_backup()
                annofile.write(self.path, document, NOT_THEIRS)
                self._drop_first_fold_head()
                try:
                    self.folding_path.unlink()
                except FileNotFoundError:
                    pass
            elif fold:
                # After quit: the document holds every action the journals held when forked; a
                # session opened since may be appending to the journal, which then stays.
                document = self.document()
                if self._backup_suffix is not None:
                    self._keep_backup()
                annofile.write(self.path, document, NOT_THEIRS)
                self._drop_first_fold_head()
                _drop_folded(covered or {})
            status = 0
            if then is not None:
                try:
                    then()
                except Exception:  # the file is written; what comes after is a cache
                    pass
        finally:
            os._exit(status)

    def _fold(self) -> bool:
        with self._lock:
            self._rotate_journal()
            self._dirty = self._derived = False
            document = self.document()
        try:
            if self._backup_suffix is not None:
                self._keep_backup()
            annofile.write(self.path, document, NOT_THEIRS)
        except BaseException:
            self._dirty = True
            raise
        self._drop_first_fold_head()
        try:
            self.folding_path.unlink()
        except FileNotFoundError:
            pass
        return True

    def _write_first_fold_head(self) -> None:
        """Before leaving the fold of an article that has no file yet to a child: what that fold
        writes at the top of the file, and where the article's text is, so that a reader lists the
        article from its journals at once (:func:`first_document`) instead of waiting for the file.
        A few hundred bytes (no hash, no sentence: the reader reads and splits the article); written
        whole or not at all, never synced (it holds no action: without it a reader waits, as before)."""
        article = self.article
        if not article.read_again:
            return  # its text and sentences are not its file's as read again (a review's): readers wait
        source = os.path.abspath(article.source if article.source is not None else article.path)
        if not os.path.isfile(source):
            return  # an article given as text (the Python API): a reader waits for the fold, as before
        head = {
            "article": {"id": article.id, "path": article.path},
            "source": source,
            "annotator": self.annotator,
            "labels": list(self.scheme.names),
            "model": self.model,
            "sentences": len(self._sentences),
            "characters": len(article.text),
        }
        # Named as the file's own temporaries, which the next session that may write it removes.
        temporary = self.path.with_name(f".{self.path.name}.first-fold-{os.getpid()}.tmp")
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
                         | getattr(os, "O_CLOEXEC", 0), 0o666 & ~NOT_THEIRS)
            try:
                os.write(fd, json.dumps(head, default=str).encode("ascii"))  # a path's undecodable bytes escaped
            finally:
                os.close(fd)
            os.replace(temporary, self.first_fold_path)
        except OSError:
            try:
                temporary.unlink()
            except OSError:
                pass

    def _drop_first_fold_head(self) -> None:
        """The file is written: the head of its first fold (if any) is of no more use."""
        try:
            self.first_fold_path.unlink()
        except OSError:
            pass

    def _keep_backup(self) -> None:
        """Copy the YAML as it was before re-anchoring rewrites it (once; an existing copy stays)."""
        backup = self.path.with_name(self.path.name + self._backup_suffix)
        if self.path.exists() and not backup.exists():
            annofile.atomic_write(backup, self.path.read_text(encoding="utf-8"), NOT_THEIRS)
        self._backup_suffix = None

    def fold_after_exit(self, then: Callable[[], None] | None = None) -> bool:
        """Fold in a process of its own, forked from this one, so that this one can leave at once.

        The child holds the lock until the file is written (the lock file says so: a session
        opened meanwhile waits for it, :data:`AFTER_EXIT`), then exits; it is in a session of its
        own (``setsid``), so closing the terminal does not stop it, and every action is already in
        the journal if anything does. This process lets go of the store without folding. Returns
        False, having done nothing, when there is nothing to fold and no ``then``, or no ``fork``:
        then :meth:`close` folds here. ``then``: what to write once the file is (the progress
        index's entry, which records the file's modification time), in the child before it lets go
        of the lock; with nothing to fold, the child only does that (hashing a long article and
        rewriting the index took 50 to 100 ms of a quit while a thread of the app took the model's
        answers)."""
        if self.read_only or not hasattr(os, "fork"):
            return False
        self._leaving = True  # a forked fold under way is not waited for
        with self._fold_lock, self._lock:  # no change in flight
            previous = self._writer  # a forked fold still writing: it holds the lock too
            stale = self._dirty or self._derived
            if not stale and previous is None and then is None:
                self._leaving = False
                return False
            holder = self._fold_handle if self._fold_handle is not None else self._lock_handle
            if holder is not None and self._fold_held:
                _say_holder(holder, f"pid {os.getpid()} on {socket.gethostname()} {AFTER_EXIT}")
            if stale and not self.path.exists():
                self._write_first_fold_head()  # readers list the article before its first file is there
            # What the child's document covers: the journals as they are now (no action in flight).
            covered = {path: _identity(path) for path in (self.folding_path, self.journal_path)}
            if self._fold_handle is not None and self._lock_handle is not None:
                # The session's lock is let go of now, for every process that shares it (a forked
                # fold under way too): the next session opens at once, beside the fold lock's holder.
                fcntl.flock(self._lock_handle, fcntl.LOCK_UN)
            if stale or then is not None:
                try:
                    pid = os.fork()
                except OSError:
                    self._leaving = False
                    return False
                if pid == 0:  # the child: waits for the fold under way, then folds the rest
                    self._write_in_child(previous=previous if previous is not None else -1, then=then, fold=stale,
                                         covered=covered)
            # This process: the child folds and holds the lock (the same open file); let go of ours.
            if self._journal is not None:
                self._journal.close()
                self._journal = None
            self._dirty = self._derived = False
        self._let_go()
        return True

    def _let_go(self) -> None:
        """Close this process's handles of both locks (a child forked with them keeps its own)."""
        for name in ("_fold_handle", "_lock_handle"):
            handle = getattr(self, name)
            setattr(self, name, None)
            if handle is not None:
                try:
                    handle.close()
                except OSError:
                    pass

    def close(self) -> None:
        """Fold and let go of the lock. A fold that cannot be written (a full disk) leaves every
        action in the journal, which the next session reads: :attr:`unsaved` says so. Opened while
        a quit session's fold was still being written, it waits for that one (up to
        :data:`AFTER_EXIT_WAIT` s) to fold after it; past that, the journal is left for the next
        session."""
        try:
            if not self.read_only and (self._dirty or self._derived):
                self._take_fold_lock(AFTER_EXIT_WAIT)
            self.fold()
        except OSError as error:
            self.unsaved = (f"{self.path}: not written ({error.strerror or error}); every action is kept in its "
                            "journal and read when the article is opened again")
        finally:
            with self._lock:
                self._drop_journal()
            self._let_go()


#: The keys of a sentence record that its state reads; the others are kept as they are (``extra``).
_STATE_KEYS = frozenset(schema.SENTENCE_KEYS) | {"flag", "note", "updated"}


def _state_from_record(record: dict) -> SentenceState:
    labels = record.get("labels") or []
    status = record.get("status", schema.TODO)
    return SentenceState(
        status=status if status in schema.STATUSES else schema.TODO,
        labels=tuple(str(x) for x in labels) if isinstance(labels, list) else (),
        flag=bool(record.get("flag", False)),
        note=str(record.get("note") or ""),
        updated=str(record.get("updated") or ""),
        extra={k: v for k, v in record.items() if k not in _STATE_KEYS},
    )


def _orphan_record(previous: dict | None, key: tuple, state: SentenceState, check: str | None = None) -> dict:
    """An orphan as the YAML holds it, brought up to ``state``; keys it had beyond those are kept.
    ``check``: a journal line's check, kept in place of the text it did not carry."""
    record = {k: v for k, v in (previous or {}).items() if k not in ("flag", "note", "updated")}
    record.update(start=key[0], end=key[1])
    if check is None:
        record["text"] = key[2]
    else:
        record["check"] = check
    record.update(status=state.status, labels=list(state.labels))
    record.update(_optional_fields(state))
    return record


def _optional_fields(state: SentenceState) -> dict:
    """The sentence keys written only when set, in the contract's order."""
    fields: dict = {}
    if state.flag:
        fields["flag"] = True
    if state.note:
        fields["note"] = state.note
    if state.updated:
        fields["updated"] = state.updated
    return fields


def _open_journal(path: Path):
    """Open a journal for appending. A line torn by a crash is closed off first, so the next action
    starts a line of its own instead of being glued to the broken one (and lost with it)."""
    handle = open(_open_own(path, os.O_WRONLY | os.O_APPEND), "ab", buffering=0)  # nothing held back to fail at close
    try:
        if handle.seek(0, os.SEEK_END) > 0:
            with open(path, "rb") as existing:
                existing.seek(-1, os.SEEK_END)
                if existing.read(1) != b"\n":
                    _write_all(handle, b"\n")
    except BaseException:
        handle.close()
        raise
    return handle


def _drop_folded(covered: dict) -> None:
    """Delete each journal of ``covered`` (path -> identity when the fold's document was taken)
    that is still that file, unchanged: a fold deletes only actions it wrote. A session opened
    meanwhile appends under the journal's lock (:meth:`ArticleStore._append_beside_a_fold`), so an
    action is either in the file before this looks (the file changed: it stays, replayed again)
    or in a new journal after it is deleted."""
    for path, identity in covered.items():
        if identity is None:
            continue
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            continue
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            info = os.fstat(fd)
            if (info.st_ino, info.st_size, info.st_mtime_ns) == identity == _identity(path):
                os.unlink(path)
        except OSError:
            pass
        finally:
            os.close(fd)


def _say_holder(handle, text: str) -> None:
    """Write who holds the lock into its file. The lock is the ``flock``, not these words: a disk
    too full to take them leaves the file empty (the message then says "another session")."""
    try:
        handle.flush()
        os.ftruncate(handle.fileno(), 0)
        os.write(handle.fileno(), text.encode("utf-8"))  # unbuffered: nothing left to fail at close
    except OSError:
        pass


def _write_all(handle, data: bytes) -> None:
    """Write all of ``data`` to an unbuffered file (a write may take part of it, as when the disk
    fills up: the rest then fails with the reason)."""
    view = memoryview(data)
    while view:
        view = view[handle.write(view):]
