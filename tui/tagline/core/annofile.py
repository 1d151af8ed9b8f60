"""Reading and writing one annotation file: YAML in the contract's key order, written atomically.

Reading is strict about safety (safe tags only; aliases only while what they expand to is bounded,
:mod:`tagline.core.safeyaml`) and tolerant about content (unknown keys are kept). A file that does
not parse raises :class:`AnnotationFileError` with a one-line reason that names the line and
column; callers never overwrite such a file.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import yaml

from tagline.core import safefile, safejson, safeyaml, schema
from tagline.core.sanitize import visible

#: An annotation file larger than this is refused, not read: the largest article (8 MB) with its
#: entities and suggestions makes a file of a few tens of megabytes.
MAX_BYTES = 256 * safefile.MB

def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: New files get the permissions the user's umask gives (mkstemp alone would make them private).
_NEW_FILE_MODE = 0o666 & ~_umask()

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class AnnotationFileError(ValueError):
    """An annotation file that cannot be read or does not hold a valid document: its ``path`` and a
    one-line ``reason``."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(visible(f"{path}: {reason}"))  # one harmless line, as every problem's
        self.path = str(path)
        self.reason = reason


class Flow(list):
    """A list written in flow style: ``[claim, quote]``."""


class FlowMap(dict):
    """A mapping written in flow style: ``{start: 0, end: 8, label: GPE}``."""


class _Dumper(_BaseDumper):
    def ignore_aliases(self, data):  # never write anchors: every reader sees plain data
        return True


_Dumper.add_representer(Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_Dumper.add_representer(FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True))


def dumps(document: dict) -> str:
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 20, default_flow_style=False)


def loads(text: str, path: str | Path = "<text>") -> dict:
    """Parse annotation YAML; raise :class:`AnnotationFileError` with line and column on failure."""
    try:
        data = safeyaml.load(text, _Loader)
    except (safeyaml.TooManyAliases, safeyaml.DuplicateKey) as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise AnnotationFileError(path, f"{where}{error.problem}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise AnnotationFileError(path, f"does not parse as YAML ({where}{problem})") from None
    except RecursionError:  # the pure-Python loader (no libyaml) composes nested nodes recursively
        raise AnnotationFileError(path, "does not parse as YAML (nested too deeply)") from None
    if not isinstance(data, dict):
        raise AnnotationFileError(path, "is not a YAML mapping")
    problems = check(data)
    if problems:
        raise AnnotationFileError(path, problems[0])
    return data


def read(path: str | Path, keep_parsed: bool = False) -> dict:
    """The document in ``path``. Parsing YAML is the slow part of opening a long article (0.8 s for
    5,000 sentences with entities), so the parsed document is kept beside the file as JSON
    (:func:`parsed_path`) and used only while the file's bytes hash to what it was made from: a file
    changed by anyone else is parsed again. Only the file's owner writes that form (``write``, or
    ``keep_parsed`` when the store opens its own file): reading other people's files writes
    nothing."""
    path = Path(path)
    try:
        raw = safefile.read_bytes(path, MAX_BYTES)
    except OSError as error:
        raise AnnotationFileError(path, f"cannot be read ({error.strerror or error})") from None
    digest = digest_of(raw)
    known = _parsed(path, digest)
    if known is not None:
        return known
    mine = None if keep_parsed else own_parsed_path(digest)
    if mine is not None and (known := _parsed_at(mine, digest, theirs_only=True)) is not None:
        return known
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise AnnotationFileError(path, f"is not UTF-8 (bad byte at {error.start})") from None
    data = loads(text, path)
    if keep_parsed:
        _keep_parsed(path, digest, data)
    elif mine is not None:
        _keep_parsed_at(mine, digest, data)
        if digest.startswith("00"):  # about one write in 256: forms not written again lately go
            _prune(mine.parent)
    return data


#: Days after which a parsed form in this user's cache is removed (its file is parsed again then).
PARSED_KEEP_DAYS = 14


def _prune(folder: Path) -> None:
    """Remove the forms in ``folder`` written more than :data:`PARSED_KEEP_DAYS` ago: the cache
    would otherwise keep one for every version of every file ever read."""
    import time

    oldest = time.time() - PARSED_KEEP_DAYS * 86400
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    if entry.name.endswith(".json") and entry.stat(follow_symlinks=False).st_mtime < oldest:
                        os.unlink(entry.path)
                except OSError:
                    continue
    except OSError:
        pass


def own_parsed_path(digest: str) -> Path | None:
    """Where this user keeps the parsed form of a file they may not write beside (another
    annotator's, or one copied in, pulled with git or written by hand, which no tagline session has
    saved): ``<cache>/parsed/<sha256>.json`` in ``$TAGLINE_CACHE`` or the user cache folder. Named
    by the file's bytes, so it holds for any file with the same bytes and never for a changed one.
    The corpus commands read every file of a project on every run: 10,000 such files took 19 to
    28 s of YAML each time."""
    folder = own_parsed_folder()
    return folder / f"{digest}.json" if folder is not None else None


def own_parsed_folder() -> Path | None:
    """The folder of :func:`own_parsed_path`, or None when there is no user cache folder."""
    try:
        from tagline.core.nlp.cache import cache_dir

        return cache_dir() / "parsed"
    except (ImportError, OSError, ValueError):
        return None


def write(path: str | Path, document: dict, deny: int = 0) -> None:
    """Write ``document`` to ``path`` atomically, and its parsed form beside it for the next read;
    ``deny``: permission bits neither file gets (see :func:`atomic_write`)."""
    text = dumps(document)
    atomic_write(path, text, deny)
    _keep_parsed(Path(path), digest_of(text.encode("utf-8")), document, deny)


def parsed_path(path: str | Path) -> Path:
    """Where the parsed form of an annotation file is kept: ``.<name>.json`` beside it."""
    path = Path(path)
    return path.with_name(f".{path.name}.json")


def digest_of(raw: bytes) -> str:
    import hashlib

    return hashlib.sha256(raw).hexdigest()


#: A JSON escape of a surrogate (``\ud800``): no YAML file can hold one, so no parsed form made
#: from a YAML file has one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


#: The checks the YAML passed before its parsed form was kept: a form kept by a reader that let
#: more through (2: a key given twice in a mapping, once kept with the last value) is not used.
PARSED_CHECKS = 2


def _parsed(path: Path, digest: str) -> dict | None:
    return _parsed_at(parsed_path(path), digest)


def _parsed_at(where: Path, digest: str, theirs_only: bool = False) -> dict | None:
    """The parsed form kept at ``where`` of a file whose bytes hash to ``digest``, or None.
    ``theirs_only``: read it only when it is this user's (one in their cache: a cache folder others
    may write, as a shared ``$TAGLINE_CACHE``, could hold a form planted for a digest)."""
    try:
        if theirs_only and hasattr(os, "getuid") and where.stat().st_uid != os.getuid():
            return None
        raw = safefile.read_text(where, 2 * MAX_BYTES)
        if _SURROGATE_ESCAPE.search(raw):  # never written by tagline (it writes characters as they are)
            return None
        # tagline's own output (json.dumps of a dict: no key twice), checked against the YAML's
        # sha256 and read on every open of a big file: the fast path, no hook per object.
        kept = safejson.loads(raw, unique=False)
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("yaml_sha256") != digest or kept.get("checks") != PARSED_CHECKS:
        return None
    data = kept.get("document")
    if not isinstance(data, dict) or check(data):
        return None
    return data


def _keep_parsed(path: Path, digest: str, document: dict, deny: int = 0) -> None:
    """Best effort: a parsed form that cannot be written only means the next read parses YAML."""
    _keep_parsed_at(parsed_path(path), digest, document, deny)


def _keep_parsed_at(where: Path, digest: str, document: dict, deny: int = 0) -> None:
    try:
        text = json.dumps({"yaml_sha256": digest, "checks": PARSED_CHECKS, "document": document}, ensure_ascii=False)
        # A cache checked on every read (JSON, the YAML's sha256, the checks): two fsyncs a file were
        # a tenth of agree's first read of 1,000 files nobody had cached.
        atomic_write(where, text, deny, durable=False)
    except (OSError, TypeError, ValueError):
        pass


#: Optional sentence keys whose type the reader relies on: a wrong one is reported, never guessed at
#: (``flag: "no"`` must not become a flag).
_SENTENCE_TYPES = (("flag", bool), ("note", str), ("entities", list))
_KIND_NAMES = {"flag": "true or false", "note": "text", "entities": "a list"}


def _shown(value) -> str:
    from tagline.core.sanitize import one_line

    return one_line(repr(value), 40)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # ``start: true`` is not an offset


def _bad_entity(raw, length: int) -> str:
    """Why a sentence's ``entities`` cannot be read ("" when they can): a list of mappings, each
    with whole ``start`` < ``end`` inside the sentence and a ``label``."""
    if raw is None:
        return ""
    if not isinstance(raw, list):
        return "'entities' is not a list"
    for item in raw:
        if not isinstance(item, dict):
            return "an entity is not a mapping"
        start, end, label = item.get("start"), item.get("end"), item.get("label")
        if not (_whole(start) and _whole(end) and 0 <= start < end <= length and isinstance(label, str) and label):
            return f"entity {_shown(start)}..{_shown(end)} {_shown(label)} is not inside the sentence"
    return ""


def check(data: dict) -> list[str]:
    """The first problems that make ``data`` unusable as an annotation file (empty when fine)."""
    problems: list[str] = []
    version = data.get("schema")
    if version is not None and version != schema.SCHEMA_VERSION:
        problems.append(f"schema {version!r} is not {schema.SCHEMA_VERSION!r}")
    for key in ("article", "model"):
        if data.get(key) is not None and not isinstance(data[key], dict):
            problems.append(f"'{key}' is not a mapping")
    annotator = data.get("annotator")
    if annotator is not None and not isinstance(annotator, str):  # was read as the folder's name, silently
        problems.append(f"'annotator' must be a name (text), not {_shown(annotator)}")
    scheme_names = data.get("labels")
    if scheme_names is not None and not (isinstance(scheme_names, list) and all(isinstance(x, str) for x in scheme_names)):
        problems.append(f"'labels' (the label scheme in force) must be a list of names, not {_shown(scheme_names)}")
    orphans = data.get("orphans")
    if orphans is not None and not (isinstance(orphans, list) and all(isinstance(o, dict) for o in orphans)):
        problems.append("'orphans' is not a list of mappings")
    if problems:
        return problems
    sentences = data.get("sentences", [])
    if sentences is None:
        sentences = []
    if not isinstance(sentences, list):
        return problems + ["'sentences' is not a list"]
    for position, sentence in enumerate(sentences):
        where = f"sentence {position}"
        if not isinstance(sentence, dict):
            problems.append(f"{where} is not a mapping")
            break
        start, end, text = sentence.get("start"), sentence.get("end"), sentence.get("text")
        if not (_whole(start) and _whole(end) and 0 <= start <= end):
            problems.append(f"{where}: 'start' and 'end' must be whole numbers with start <= end")
            break
        if not isinstance(text, str) or len(text) != end - start:
            problems.append(f"{where}: 'text' does not span start..end")
            break
        # What every reader refuses, the app refuses too: it rewrote such a file in silence (an
        # index "zero" made 0, entities it could not read dropped) that export, agree and status
        # refused. One check, here, for both. (Offsets out of order are the readers' to refuse:
        # the app re-anchors them, keeping a backup.)
        index = sentence.get("index", position)
        if not _whole(index) or index != position:
            problems.append(f"{where}: 'index' is {_shown(index)} but it is sentence {position} in the file")
            break
        entity = _bad_entity(sentence.get("entities"), len(text))
        if entity:
            problems.append(f"{where}: {entity}")
            break
        wrong = review_problem(sentence.get("review"))
        if wrong:
            problems.append(f"{where}: {wrong}")
            break
        if sentence.get("status", schema.TODO) not in schema.STATUSES:
            problems.append(f"{where}: status {sentence.get('status')!r} is not one of {', '.join(schema.STATUSES)}")
            break
        labels = sentence.get("labels", [])
        if labels is not None and (not isinstance(labels, list) or not all(isinstance(x, str) for x in labels)):
            problems.append(f"{where}: 'labels' must be a list of names")
            break
        wrong = next((key for key, kind in _SENTENCE_TYPES if sentence.get(key) is not None and not isinstance(sentence[key], kind)), None)
        if wrong:
            problems.append(f"{where}: '{wrong}' must be {_KIND_NAMES[wrong]}")
            break
    return problems


def review_problem(review) -> str:
    """Why a sentence's ``review`` (as a file or a journal line holds it) is not one tagline writes
    ("" when it is, or when there is none): a mapping with ``decided_by``, its ``annotators``
    mapping names to label lists, its ``decided_at`` and ``note`` text."""
    if review is None:
        return ""
    if not (isinstance(review, dict) and isinstance(review.get("decided_by"), str) and review["decided_by"].strip()):
        return "'review' must be a mapping with 'decided_by'"
    wrong = next((key for key in ("decided_at", "note") if review.get(key) is not None and not isinstance(review[key], str)), None)
    if wrong:
        return f"'review.{wrong}' must be text"
    given = review.get("annotators")
    if given is not None and not (isinstance(given, dict) and all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in given.values())):
        return "'review.annotators' must map names to label lists"
    return ""


def atomic_write(path: str | Path, text: str | bytes, deny: int = 0, durable: bool = True) -> None:
    """Write ``text`` (or bytes) to ``path`` so that a reader, a crash, ``kill -9`` or a full disk
    leaves the old file or the new one, never a mix: temporary file, fsync, rename, fsync of the
    folder. The file keeps the permissions it had (a new one: the umask's), less the bits in ``deny``.
    ``durable=False``, for a cache whose loss or a torn copy after a power cut only means work done
    again (its reader checks it): no fsync, still never a mix for a reader."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            mode = path.stat().st_mode & 0o7777
        except OSError:
            mode = _NEW_FILE_MODE
        os.fchmod(fd, mode & ~deny)
        with (os.fdopen(fd, "wb") if isinstance(text, bytes) else os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as handle:
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if durable:
        fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def annotator_folders(root: str | Path) -> list[Path]:
    """The annotator folders of the annotations folder ``root``: every folder in it but hidden ones
    (a link to a folder counts: whether it is another folder's second name is the reader's to say,
    :func:`tagline.core.corpus.same_folders`), sorted by name. The one list every reader goes by.
    Empty when ``root`` is no folder; OSError when it cannot be listed."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if not p.name.startswith(".") and p.is_dir())


def iter_files(root: str | Path, annotators: list[str] | None = None):
    """(annotator, path) for every annotation file under ``root``."""
    for folder in annotator_folders(root):
        if annotators and folder.name not in annotators:
            continue
        for path in sorted(folder.glob(f"*{schema.ANNOTATION_SUFFIX}")):
            if not path.name.startswith("."):
                yield folder.name, path
