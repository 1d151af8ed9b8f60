"""Finding and reading articles: ``.txt`` and ``.md`` files, and ``.jsonl`` with one article a line.

Reading never raises for a bad file: it yields a :class:`Problem` with a one-line reason instead, and
the rest of the corpus still opens.
"""

from __future__ import annotations

import hashlib  # with the module, not at quit: the hash of an article is first needed then
import codecs
import json
import os
import stat
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tagline.core import safefile, safejson, segment
from tagline.core.sanitize import lone_surrogates, replace_surrogates, visible

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl",)
SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES
#: Read as text too where the user says the files are transcripts: the tab-separated files of the
#: CheckThat! lab (:mod:`tagline.core.transcript`).
TRANSCRIPT_SUFFIXES = SUFFIXES + (".tsv",)
#: What the readers take for "the files and folders to read": one path, or any iterable of them
#: (a list, a tuple, a generator).
Paths = str | os.PathLike | Iterable[str | os.PathLike]
MAX_BYTES = 64 * 1024 * 1024  # a file larger than this is refused, not loaded
#: One article longer than this is refused: a news article is a few thousand sentences at most, and a
#: 50 MB "article" takes seconds to split and would make an annotation file of hundreds of megabytes.
MAX_ARTICLE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """A file or folder among the paths given that gave no article: its path and a one-line reason."""

    path: str
    reason: str

    def __str__(self) -> str:
        # A file name may hold newlines or escape sequences: the message stays one harmless line.
        return visible(f"{self.path}: {self.reason}")


class ArticleUnreadable(ValueError):
    """An article whose file cannot be used; the message is one line for the user."""


class Article:
    """One article: its id, its path as given, and its text, read from ``source`` on first use when
    it was not given (so a corpus of thousands opens without reading every file)."""

    #: Its text and sentences are what :func:`read_file` gives, read again from its file and split
    #: (so a reader can rebuild its first annotation file from the head a quitting session left,
    #: :func:`tagline.core.store.first_document`); False for an article known otherwise.
    read_again = True

    def __init__(self, id: str, path: str, text: str | None = None, meta: dict | None = None,
                 warning: str | None = None, source: Path | None = None):
        self.id = id
        self.path = path
        self.meta = meta or {}
        self.warning = warning
        self.source = source
        self._text = text
        self._sha256: str | None = None
        self._split: tuple | None = None
        self._para_ranges: dict | None = None
        if text is None and source is None:
            raise ValueError("an article needs its text or a file to read it from")

    def __repr__(self) -> str:
        return f"Article({self.id!r}, {self.path!r})"

    @property
    def warning_line(self) -> str:
        """The warning about this article's file (undecodable bytes), naming the file, on one
        visible line; empty when there is none. Read the text first: a lazy article learns of it
        then."""
        return str(Problem(self.path, self.warning)) if self.warning else ""

    @property
    def loaded(self) -> bool:
        return self._text is not None

    @property
    def text(self) -> str:
        if self._text is None:
            assert self.source is not None
            found, problems = read_file(self.source)
            if not found:
                raise ArticleUnreadable(str(problems[0]) if problems else f"{self.path}: unreadable")
            self._text = found[0].text
            self.warning = found[0].warning
        return self._text

    @property
    def sha256(self) -> str:
        """Computed when first asked for: an article without annotations opens without hashing."""
        if self._sha256 is None:
            self._sha256 = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        return self._sha256

    def split(self) -> tuple[list[segment.Span], list[segment.Span], list[int]]:
        """(paragraphs, sentences, paragraph index of each sentence), computed once."""
        if self._split is None:
            self._split = segment.split(self.text)
        return self._split

    def sentence_range(self, paragraph: int) -> range:
        """The indices of the sentences in paragraph ``paragraph``."""
        if self._para_ranges is None:
            ranges: dict[int, list[int]] = {}
            for i, p in enumerate(self.split()[2]):
                ranges.setdefault(p, [i, i])[1] = i
            self._para_ranges = {p: range(a, b + 1) for p, (a, b) in ranges.items()}
        return self._para_ranges.get(paragraph, range(0))

    @property
    def sentences(self) -> list[segment.Span]:
        return self.split()[1]

    @property
    def first_line(self) -> str:
        for line in self.text.splitlines():
            if line.strip():
                return line.strip()
        return ""


def display_path(path: Path) -> str:
    """``path`` relative to the working folder where it can be, as the contract asks."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)


#: Files and folders under one PATH that are not articles, walked before the walk stops: a PATH
#: that is (or links to) ``/`` listed the whole file system first (5 to 25 s), and the reader showed
#: nothing meanwhile. A folder of articles holds few files else; a million article files are walked
#: whole.
MAX_OTHER_ENTRIES = 50_000


@dataclass
class _Walked:
    """What one walk left out, said in one line each after it."""

    links: int = 0  # links to folders, not followed
    first_link: str = ""
    others: list[tuple[str, str]] = field(default_factory=list)  # (name left out, the name listed)
    stopped: bool = False  # the walk stopped at MAX_OTHER_ENTRIES


def _walk(top: str, suffixes: tuple[str, ...], problems: list[Problem], walked: _Walked) -> list[tuple[Path, tuple[int, int] | None, bool]]:
    """(file, (device, inode), whether it is a link) of the article files under the folder ``top``, in name order. Links
    to folders are not followed (counted in ``walked``), hidden names are passed over, and the walk
    stops after :data:`MAX_OTHER_ENTRIES` entries that are not article files."""
    found: list[tuple[str, tuple[int, int] | None, bool]] = []
    folders = [top]
    others = 0
    while folders:
        folder = folders.pop()
        try:
            device = os.stat(folder).st_dev
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as error:
            problems.append(Problem(str(error.filename or folder), f"cannot read ({error.strerror or error})"))
            continue
        below = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    below.append(entry.path)
                    others += 1
                elif entry.is_symlink():
                    try:
                        info = os.stat(entry.path)
                    except OSError:  # a broken link or a loop named like an article: said when read
                        info = None
                    if info is not None and stat.S_ISDIR(info.st_mode):
                        walked.links += 1
                        walked.first_link = walked.first_link or entry.path
                    elif name.lower().endswith(suffixes):
                        found.append((entry.path, (info.st_dev, info.st_ino) if info is not None else None, True))
                    else:
                        others += 1
                elif name.lower().endswith(suffixes):
                    found.append((entry.path, (device, entry.inode()), False))
                else:
                    others += 1
            except OSError:
                others += 1
        if others > MAX_OTHER_ENTRIES:
            walked.stopped = True
            break
        folders.extend(sorted(below, reverse=True))
    found.sort(key=lambda item: item[0].split(os.sep))  # as Paths sort, part by part (sorting Paths took 4 times as long)
    return [(Path(name), key, linked) for name, key, linked in found]


def find(paths: Paths, suffixes: tuple[str, ...] = SUFFIXES) -> tuple[list[Path], list[Problem]]:
    """Article files under ``paths``: see :func:`_find`."""
    files, problems, others = _find(paths, suffixes)
    return files, problems + _other_names(others)


def _find(paths: Paths, suffixes: tuple[str, ...] = SUFFIXES) -> tuple[list[Path], list[Problem], list[tuple[str, str]]]:
    """Article files under ``paths`` (files as given, folders walked in name order), those whose
    names end in one of ``suffixes``. A file reached twice, under the same name or another (a link,
    a hard link), is listed once; the other names are said in one line. Links to folders found in a
    folder are not followed (said in one line): name one as a PATH to open what it holds."""
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)  # "a.txt" is one path, not five
    files: list[Path] = []
    problems: list[Problem] = []
    # A file reached twice (``c c``, ``c ./c``, ``c/a.txt c``, a link or a hard link to it) is one
    # article: listed once. Before, the same name twice was "id 'a' is taken by an earlier article",
    # and another name of the file was a second article with a second annotation file.
    seen_names: set[str] = set()
    walked = _Walked()
    candidates: list[tuple[Path, tuple[int, int] | None, bool]] = []

    def first_time(path: Path) -> bool:
        name = os.path.abspath(path)
        if name in seen_names:
            return False
        seen_names.add(name)
        return True

    def take(path: Path, key: tuple[int, int] | None, linked: bool) -> None:
        if _undecodable_name(path):
            problems.append(Problem(str(path), _UNDECODABLE_NAME))
        elif (long := _too_long(path)) is not None:
            problems.append(long)
        else:
            candidates.append((path, key, linked))

    walked_folders: set[tuple[int, int]] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            info = os.stat(path)
            if (info.st_dev, info.st_ino) in walked_folders:  # ``c ./c``, a link to c: walked once
                continue
            walked_folders.add((info.st_dev, info.st_ino))
            for name, key, linked in _walk(str(path), suffixes, problems, walked):
                if len(paths) == 1 or first_time(name):  # one PATH: no name can come twice
                    take(name, key, linked)
            if walked.stopped:
                problems.append(Problem(str(path), f"stopped listing after {MAX_OTHER_ENTRIES:,} files and folders that "
                                        "are not articles (the articles found so far are listed): name the folder of articles"))
                walked.stopped = False
        elif path.is_file():
            if not first_time(path):
                continue
            if path.suffix.lower() in suffixes:
                info = os.stat(path)
                take(path, (info.st_dev, info.st_ino), path.is_symlink())
            else:
                problems.append(Problem(str(path), f"not an article file (expected {', '.join(suffixes)})"))
        elif path.exists() or path.is_symlink():  # a FIFO or a device would block or never end
            if first_time(path):
                problems.append(Problem(str(path), f"not an article file or folder ({safefile.kind(path)})"))
        elif first_time(path):
            problems.append(Problem(str(path), "no such file or folder"))
    if walked.links:
        more = walked.links - 1
        problems.append(Problem(walked.first_link, "a link to a folder, not followed (name it as a PATH to open what it holds)"
                                + (f"; {more} more such link{'' if more == 1 else 's'} not followed" if more else "")))
    # One file under two names is one article: the name that is not a link where there is one (a
    # link may be removed, the file it names stays), else the first in order.
    chosen: dict[tuple[int, int], Path] = {}
    links = {path for path, _, linked in candidates if linked}
    for path, key, linked in candidates:
        if key is not None and (key not in chosen or (not linked and chosen[key] in links)):
            chosen[key] = path
    for path, key, _ in candidates:
        if key is None or chosen[key] == path:
            files.append(path)
        else:
            walked.others.append((display_path(path), display_path(chosen[key])))
    return files, problems, walked.others


def _other_names(others: list[tuple[str, str]]) -> list[Problem]:
    """One line for the names of articles listed already under another name, left out."""
    if not others:
        return []
    (name, listed), more = others[0], len(others) - 1
    reason = f"the same article as {listed} (a link, a hard link or its name in another Unicode form); left out"
    if more:
        reason += f", as {'is' if more == 1 else 'are'} {more} more such name{'' if more == 1 else 's'}"
    return [Problem(name, reason)]


#: A file name the file system holds as bytes that are not UTF-8 (Python keeps them as lone
#: surrogates): the article's id and path could not be written into its UTF-8 annotation file.
_UNDECODABLE_NAME = "file name is not valid UTF-8; rename the file to open it"


def _undecodable_name(path: Path | str) -> bool:
    return lone_surrogates(str(path)) > 0


#: Byte order marks of the UTF-16 and UTF-32 a Windows editor saves ("Unicode"): such a file is
#: text, read as what its mark says (before, its NUL bytes had it refused as binary). UTF-32's
#: little-endian mark begins with UTF-16's, so it is looked for first.
_UNICODE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                 (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, where: str) -> tuple[str | None, str | None]:
    """(text, warning) or (None, reason) for bytes read from ``where``."""
    for bom, codec in _UNICODE_BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
                note = None
            except UnicodeDecodeError as error:
                text = data.decode(codec, errors="replace")
                note = f"not valid {codec.upper()} (first bad byte at {error.start + len(bom)}); undecodable bytes shown as \ufffd"
            if "\x00" in text[:8192]:
                return None, "binary, not text (has NUL characters)"
            if not text.strip():
                return None, "empty"
            return text, note
    if not data.strip():
        return None, "empty"
    head = data[:8192]
    if b"\x00" in head:
        if len(head) >= 4 and max(head[1::2].count(0), head[0::2].count(0)) >= 0.6 * (len(head) // 2):  # mostly Latin text
            return None, "UTF-16 without a byte order mark, it seems; save it as UTF-8"
        return None, "binary, not text (has NUL bytes)"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        text = data.decode("utf-8-sig", errors="replace")
        return text, f"not valid UTF-8 (first bad byte at {error.start}); undecodable bytes shown as \ufffd"


def read_file(path: Path) -> tuple[list[Article], list[Problem]]:
    """The articles in one file."""
    shown = display_path(path)
    limit = MAX_BYTES if path.suffix.lower() in JSONL_SUFFIXES else MAX_ARTICLE_BYTES
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            return [], [Problem(shown, "not a regular file")]
        if info.st_size > limit:
            return [], [Problem(shown, f"too large ({_megabytes(info.st_size)}; the limit is {_megabytes(limit)})")]
        data = path.read_bytes()
    except OSError as error:
        return [], [Problem(shown, f"cannot read ({error.strerror or error})")]
    if path.suffix.lower() in JSONL_SUFFIXES:
        return _read_jsonl(path, shown, data)
    text, note = decode(data, shown)
    if text is None:
        return [], [Problem(shown, note or "unreadable")]
    if not text.strip():
        return [], [Problem(shown, "empty")]
    return [Article(path.stem, shown, text, warning=note)], ([Problem(shown, note)] if note else [])


def _read_jsonl(path: Path, shown: str, data: bytes) -> tuple[list[Article], list[Problem]]:
    articles: list[Article] = []
    problems: list[Problem] = []
    for number, raw in enumerate(data.splitlines(), 1):
        if not raw.strip():
            continue
        where = f"{shown}:{number}"
        try:
            row = safejson.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            problems.append(Problem(where, safejson.reason(error)))  # a key given twice too: nothing kept
            continue
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            problems.append(Problem(where, "a line needs an object with a 'text' string"))
            continue
        warning = None
        if lone_surrogates(row):  # "\ud800" escapes: not text, no UTF-8 writer takes them
            row = replace_surrogates(row)
            warning = "holds lone surrogate escapes (\\udXXX), not text; shown as \ufffd"
            problems.append(Problem(where, warning))
        if not row["text"].strip():
            problems.append(Problem(where, "empty text"))
            continue
        if len(row["text"]) > MAX_ARTICLE_BYTES:
            problems.append(Problem(where, f"text too long ({len(row['text']):,} characters; the limit is {MAX_ARTICLE_BYTES:,})"))
            continue
        article_id = row.get("id")
        article_id = str(article_id) if article_id not in (None, "") else f"{path.stem}-{number}"
        if not safe_id(article_id):
            problems.append(Problem(where, f"id {article_id!r} cannot name a file"))
            continue
        meta = row.get("meta")
        if meta is not None and not isinstance(meta, dict):  # said, as import says it: not dropped unsaid
            problems.append(Problem(where, f"'meta' must be an object, not {type(meta).__name__}; the article is read without it"))
        meta = meta if isinstance(meta, dict) else {}
        articles.append(Article(article_id, shown, row["text"], meta, warning=warning))
    return articles, problems


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


#: The longest id, in bytes of UTF-8: the names made from it (``.<id>.yaml.json``'s temporary
#: file, 26 bytes more; a backup's, 33 more) must fit the 255 bytes a file system allows a name.
MAX_ID_BYTES = 200


def id_bytes(article_id: str) -> int:
    return len(article_id.encode("utf-8", "surrogatepass"))


def safe_id(article_id: str) -> bool:
    """Whether ``article_id`` can name its annotation file (``<id>.yaml``) and export files in a folder:
    no path separator, not ``.`` or ``..``, no NUL, at most 200 bytes (a limit in characters let
    100 Chinese ones through, 300 bytes, and the annotation file could not be created)."""
    return (bool(article_id) and "/" not in article_id and "\\" not in article_id and article_id not in (".", "..")
            and "\x00" not in article_id and id_bytes(article_id) <= MAX_ID_BYTES)


def _too_long(path: Path) -> Problem | None:
    """A text file whose name is too long to name its annotation files (a 255-byte name made the
    app end with a traceback on opening it)."""
    if path.suffix.lower() in JSONL_SUFFIXES or id_bytes(path.stem) <= MAX_ID_BYTES:
        return None
    return Problem(display_path(path), f"file name too long to name its annotation files ({id_bytes(path.stem)} bytes; at most {MAX_ID_BYTES})")


def load(paths: Paths, suffixes: tuple[str, ...] = SUFFIXES) -> tuple[list[Article], list[Problem]]:
    """Every article under ``paths``, read now; ids made unique where two files share a stem.
    ``suffixes``: the files to read (:data:`TRANSCRIPT_SUFFIXES` adds ``.tsv``)."""
    return _collect(paths, lazy=False, suffixes=suffixes)


def open_corpus(paths: Paths) -> tuple[list[Article], list[Problem]]:
    """Like :func:`load`, but ``.txt`` and ``.md`` files are read only when an article is opened:
    a folder of 10,000 articles is listed without reading them. ``.jsonl`` files are read at once
    (their ids are inside)."""
    return _collect(paths, lazy=True)


def _collect(paths: Paths, lazy: bool, suffixes: tuple[str, ...] = SUFFIXES) -> tuple[list[Article], list[Problem]]:
    files, problems, others = _find(paths, suffixes)
    articles: list[Article] = []
    seen: set[str] = set()
    first: dict[str, str] = {}  # an id in NFC: the path of the article that has it
    for path in files:
        if lazy and path.suffix.lower() not in JSONL_SUFFIXES:
            found = [Article(path.stem, display_path(path), source=path)]
        else:
            found, trouble = read_file(path)
            problems.extend(trouble)
        for article in found:
            key = same_id(article.id)
            if key in first:
                if article.id in seen:
                    problems.append(Problem(article.path, f"id '{article.id}' is taken by an earlier article; skipped"))
                else:  # ``café`` in NFC and in NFD: one annotation file where names are normalised (macOS)
                    others.append((article.path, first[key]))
                continue
            first[key] = article.path
            seen.add(article.id)
            articles.append(article)
    problems.extend(_other_names(others))
    return articles, problems


def same_id(article_id: str) -> str:
    """The form of ``article_id`` that two ids share when they name one annotation file on a file
    system that normalises names (NFC)."""
    return unicodedata.normalize("NFC", article_id)


def list_ids(paths: list[str | Path], problems: list[Problem] | None = None) -> list[str]:
    """The ids of the articles under ``paths`` as :func:`open_corpus` would give them (the first of
    two with one id), cheaply: text files are not read nor turned into articles, only ``.jsonl``
    files are read (their ids are inside). For routing and status over a corpus of 10,000 files.
    ``problems``: where to say what could not be listed (a folder that cannot be read, a PATH that
    is not there, a ``.jsonl`` line that gives no article); before, ``status`` left them out of its
    counts without a word."""
    ids: list[str] = []
    seen: set[str] = set()
    said = problems if problems is not None else []
    files, trouble, others = _find(paths)
    said.extend(trouble)
    first: dict[str, str] = {}
    for path in files:
        if path.suffix.lower() in JSONL_SUFFIXES:
            found, lines = read_file(path)
            stems = [a.id for a in found]
            kept = {a.warning for a in found if a.warning}  # read with a warning: listed, the warning the reader's
            said.extend(problem for problem in lines if problem.reason not in kept)  # a line left out, said
        else:
            stems = [path.stem]
            if not os.access(path, os.R_OK):  # listed, not read: it would open as "cannot be read"
                said.append(Problem(display_path(path), "cannot be read (Permission denied)"))
        for stem in stems:
            key = same_id(stem)
            if key not in first:
                first[key] = str(path)
                seen.add(stem)
                ids.append(stem)
            elif stem not in seen:  # as open_corpus: the same id in another Unicode form
                others.append((display_path(path), display_path(Path(first[key]))))
    said.extend(_other_names(others))
    return ids
