"""The project file, ``tagline.yaml``: read in one place, parsed once per version of the file.

It holds the label scheme (:mod:`tagline.core.labels`) and, for a team, a ``team:`` section
(:mod:`tagline.core.team`). Both read the file through :func:`read`, so a file changed on disk is
read again and an unchanged one is parsed once, however many parts of tagline ask for it.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tagline.core import safefile, safeyaml

FILE_NAME = "tagline.yaml"


class ProjectFileError(ValueError):
    """A project file that cannot be read or parsed; the message is one line for the user."""


_parsed: dict[tuple[str, int, int], object] = {}


def default_path(cwd: Path | None = None) -> Path:
    return (cwd or Path.cwd()) / FILE_NAME


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


def _first_line(error: Exception) -> str:
    return " ".join(str(error).split())[:160]
