"""JSON from files tagline reads (articles, journals, imports, the parsed cache, the progress index).

``json.loads`` raises :class:`RecursionError`, not a :class:`ValueError`, for a value nested some
thousands deep (``[[[[…``): a line of an article feed, an import file or a journal crashed the
command with a traceback. :func:`loads` raises :class:`json.JSONDecodeError` for it, as for any
other line that is not JSON.

``json.loads`` also keeps the last value of a key given twice in one object and drops the other
without a word: an article line with ``"text"`` twice lost one text, an imported Prodigy row with
``"accept"`` twice lost answers. :func:`loads` raises :class:`DuplicateKey` for it, a
``json.JSONDecodeError`` too, so every reader treats such a line or file as one that does not
parse; its message is one line naming the key (as visible characters, cut short) and where both
were written. RFC 8259 says the names in an object SHOULD be unique, and that readers differ on
what they keep when they are not. Files tagline wrote itself, which cannot hold a key twice (a
journal, a cache), may be read with ``unique=False``: the C parser's own dicts, no hook.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring

__all__ = ["DuplicateKey", "loads", "reason"]


class DuplicateKey(json.JSONDecodeError):
    """An object with the same key twice: ``key`` as read, ``first`` and ``pos`` the offsets in
    the text where each was written (``first`` is -1 when it could not be found)."""

    def __init__(self, key: str, doc: str, first: int, pos: int):
        from tagline.core.sanitize import one_line

        super().__init__("duplicate key", doc, max(pos, 0))
        self.key = key
        self.first = first
        shown = one_line(repr(key), 40)
        self.problem = f"the key {shown} is given twice in one object{_where(doc, first, pos)}"
        self.args = (self.problem,)

    def __str__(self) -> str:
        return self.problem

    def __reduce__(self):
        return self.__class__, (self.key, self.doc, self.first, self.pos)


def _line_column(doc: str, pos: int) -> tuple[int, int]:
    line = doc.count("\n", 0, pos) + 1
    return line, pos - doc.rfind("\n", 0, pos)


def _where(doc: str, first: int, pos: int) -> str:
    """`` (columns 2 and 20)`` on one line, `` (lines 3 and 7)`` on two; empty when not found."""
    if first < 0 or pos < 0:
        return ""
    (line_1, column_1), (line_2, column_2) = _line_column(doc, first), _line_column(doc, pos)
    if line_1 != line_2:
        return f" (lines {line_1} and {line_2})"
    on = f"line {line_1}, " if "\n" in doc.strip() else ""  # a JSONL line: the reader names the line
    return f" ({on}columns {column_1} and {column_2})"


class _Twice(Exception):
    def __init__(self, key: str):
        self.key = key


def _unique(pairs: list[tuple[str, object]]) -> dict:
    """``object_pairs_hook``: the object as ``json.loads`` makes it, unless a key was lost."""
    made = dict(pairs)
    if len(made) < len(pairs):  # a key lost: find which only then
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _Twice(key)
            seen.add(key)
    return made


_TOKEN = re.compile(r'[{}\[\],"]')


def _find_twice(doc: str) -> tuple[str, int, int] | None:
    """The first key, in the order written, given twice in one object of ``doc`` (JSON that
    parsed up to it), with the offsets of both; None when there is none. Run only on the error's
    way: a walk over the tokens in Python, with json's own string scanner for the keys."""
    stack: list[dict[str, int] | None] = []  # per open bracket: an object's keys so far, or None for a list
    expect_key = False
    index = 0
    while (found := _TOKEN.search(doc, index)) is not None:  # numbers, literals, blanks skipped in C
        index = found.start()
        char = doc[index]
        if char == '"':
            try:
                value, after = scanstring(doc, index + 1, True)
            except ValueError:
                return None
            if expect_key and stack and stack[-1] is not None:
                keys = stack[-1]
                if value in keys:
                    return value, keys[value], index
                keys[value] = index
                expect_key = False
            index = after
            continue
        if char == "{":
            stack.append({})
            expect_key = True
        elif char == "[":
            stack.append(None)
        elif char in "]}":
            if stack:
                stack.pop()
            expect_key = False
        else:  # ","
            expect_key = bool(stack) and stack[-1] is not None
        index += 1
    return None


#: Made once: ``json.loads`` with a hook makes a decoder on every call (a quarter to a third of the
#: time of a Prodigy row here).
_decode = json.JSONDecoder(object_pairs_hook=_unique).decode


def loads(text: str | bytes, *, unique: bool = True):
    """``json.loads(text)``; :class:`json.JSONDecodeError` (a ``ValueError``) for a value nested too
    deeply to parse, and (unless ``unique`` is False) :class:`DuplicateKey` for a key given twice
    in one object."""
    try:
        if not unique:
            return json.loads(text)
        if isinstance(text, (bytes, bytearray)):  # as json.loads takes them
            text = text.decode(json.detect_encoding(text), "surrogatepass")
        elif text.startswith("\ufeff"):
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        return _decode(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", "", 0) from None
    except _Twice as twice:
        found = _find_twice(text)
        key, first, pos = found if found is not None else (twice.key, -1, -1)
        raise DuplicateKey(key, text, first, pos) from None


def reason(error: Exception, what: str = "a JSON line") -> str:
    """The one-line reason a reader gives for a line or file that :func:`loads` refused (or that
    could not be decoded): the duplicate key as :class:`DuplicateKey` says it, else ``not
    <what> (…)`` with the parser's first line."""
    if isinstance(error, DuplicateKey):
        return str(error)
    return f"not {what} ({str(error).splitlines()[0][:80]})"
