"""Keys a user writes in a file of their own (a label scheme, ``tagline.yaml``, the settings).

A key that is not known is said, with the known key it likely meant, never ignored without a word:
a mistyped ``lables:`` would otherwise leave the annotator tagging with the wrong label set. The key
is text from a file, so a message shows it as visible characters (an ESC in it reads as ␛).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from tagline.core.sanitize import visible


def first_unknown(mapping: dict, known: Iterable[str]) -> tuple[bool, object]:
    """(True, the first key of ``mapping`` in file order that is not in ``known``), else (False, None)."""
    known = set(known)
    for key in mapping:
        if not isinstance(key, str) or key not in known:
            return True, key
    return False, None


def shown(key: object, limit: int = 40) -> str:
    """``key`` as a message quotes it: text in quotes, as visible characters on one line; a key that
    is not text (``1:``, ``~:``) as Python writes it."""
    text = key if isinstance(key, str) else repr(key)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = visible(text)
    return f"'{text}'" if isinstance(key, str) else text


def likely(key: object, known: Iterable[str]) -> str | None:
    """The known key ``key`` was most likely meant to be (close in spelling, case aside), or None."""
    if not isinstance(key, str) or not key.strip():
        return None
    by_lower = {name.lower(): name for name in known}
    found = difflib.get_close_matches(key.strip().lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[found[0]] if found else None


def unknown_key(key: object, known: Iterable[str], what: str = "key") -> str:
    """``unknown key 'lables' (did you mean 'labels'?)``: one clause for a one-line message."""
    known = list(known)
    guess = likely(key, known)
    return f"unknown {what} {shown(key)}" + (f" (did you mean '{guess}'?)" if guess else "")
