"""What every command prints about files: one owner for making it safe for a terminal.

Text read from a file (a label, an annotator's name, a path, a note, a YAML error's excerpt, an
article's sentence) is data. Anything printed goes through :func:`safe` (one line, every control,
bidi and zero-width character replaced by a visible one: :func:`tagline.core.sanitize.visible`), so
an escape sequence hidden in a colleague's file cannot retitle, recolour or write the clipboard of
the terminal that prints it.
"""

from __future__ import annotations

import sys

from tagline.core.sanitize import json_text, visible

__all__ = ["cell", "json_text", "safe", "say", "lines", "no_annotations_folder"]


def safe(text: object) -> str:
    """``text`` as visible characters on one line (line breaks shown as ␊, never acted on)."""
    return visible(str(text))


def say(message: object, *, prefix: str = "tagline") -> None:
    """One line on standard error, ``tagline: <message>``, with the message made :func:`safe`."""
    print(f"{prefix}: {safe(message)}", file=sys.stderr)


def cell(value: object):
    """A table cell that shows ``value`` as it is: no markup, no terminal control."""
    from rich.text import Text

    return Text(safe(value))


def lines(text: object) -> str:
    """A report of several lines (a summary that names labels or paths): each line :func:`safe`."""
    return "\n".join(safe(line) for line in str(text).split("\n"))


def no_annotations_folder(root) -> bool:
    """Whether ``root`` is no annotations folder; if so it is said, in one line, and a command that
    only reads annotations stops there (exit 1)."""
    from tagline.core.corpus import missing_root

    missing = missing_root(root)
    if missing:
        say(missing)
    return missing is not None
