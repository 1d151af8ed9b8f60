"""The project file, ``tagline.yaml``: read in one place, parsed once per version of the file.

It holds the label scheme (:mod:`tagline.core.labels`) and, for a team, a ``team:`` section
(:mod:`tagline.core.team`). Both read the file through :func:`read`, so a file changed on disk is
read again and an unchanged one is parsed once, however many parts of tagline ask for it.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from tagline.core import safefile, safeyaml

FILE_NAME = "tagline.yaml"

#: The top-level keys of a project file, and of a ``--labels FILE`` (which may be one): the label
#: scheme's (:mod:`tagline.core.labels`), the team's (:mod:`tagline.core.team`), and ``scheme``, an
#: older form that holds ``labels`` and ``exclusive`` one level down.
KEYS = ("labels", "exclusive", "team", "scheme")
#: The ones a message lists (``scheme`` is read, not recommended).
SHOWN_KEYS = ("labels", "exclusive", "team")


class ProjectFileError(ValueError):
    """A project file that cannot be read or parsed; the message is one line for the user."""


_parsed: dict[tuple[str, int, int], object] = {}


def default_path(cwd: str | Path | None = None) -> Path:
    return Path(cwd or Path.cwd()) / FILE_NAME


def present(path: str | Path) -> bool:
    """Whether there is anything at all at ``path``: a project file that is a folder, a FIFO, a
    device, a broken link or a loop is there, and :func:`read` says why it cannot be read (before,
    such a file was taken for no project file, and the project ran on the default labels, without
    its team, without a word)."""
    return os.path.lexists(path)


def read(path: str | Path, pipes: bool = False) -> object:
    """The parsed contents of ``path`` (any YAML value); :class:`ProjectFileError` when it cannot
    be read or is not YAML. A FIFO or device is refused unless ``pipes`` (a file the user named,
    such as ``--labels <(…)``)."""
    path = Path(path)
    try:
        info = path.stat()
        key = (str(path.resolve()), info.st_mtime_ns, info.st_size)
        if key in _parsed:
            return _parsed[key]
        raw = safefile.read_text(path, pipes=pipes)
    except OSError as error:
        raise ProjectFileError(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError as error:
        raise ProjectFileError(f"{path}: not valid YAML ({_first_line(error)})") from None
    try:
        data = safeyaml.load(raw)
    except yaml.YAMLError as error:
        raise ProjectFileError(f"{path}: not valid YAML ({_first_line(error)})") from None
    _parsed.clear()  # one project file at a time is the normal case: keep the latest only
    _parsed[key] = data
    return data


def check_keys(data: object, path: str | Path) -> None:
    """:class:`ProjectFileError` when the mapping ``data`` read from ``path`` has a top-level key
    tagline does not know: a mistyped ``lables:`` or ``teem:`` was ignored without a word, and the
    project ran on the default labels or without its team."""
    if not isinstance(data, dict):
        return
    from tagline.core import known_keys

    found, key = known_keys.first_unknown(data, KEYS)
    if not found:
        return
    message = f"{path}: {known_keys.unknown_key(key, KEYS)}"
    if known_keys.likely(key, KEYS) is None:
        from tagline.core.labels import FIELDS

        field = known_keys.likely(key, FIELDS)
        if field is not None:  # ``guidlines:`` at the top: a label's field, misplaced
            message += f" (a label's '{field}' goes inside that label, under its name)"
    raise ProjectFileError(f"{message}; the file takes {', '.join(SHOWN_KEYS)}")


def _first_line(error: Exception) -> str:
    return " ".join(str(error).split())[:160]
