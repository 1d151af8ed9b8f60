"""The marks the reader draws, in Unicode, or in ASCII when the terminal's encoding cannot show
Unicode (an ASCII or Latin-1 locale): one column each either way, so the layout never moves."""

from __future__ import annotations

import codecs
import sys
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Glyphs:
    cursor: str
    done: str
    todo: str
    off: str
    flag: str
    note: str
    duplicate: str
    thumb: str
    ascii: bool


UNICODE = Glyphs("▌", "✓", "·", "·", "⚑", "✎", "≡", "█", False)
ASCII = Glyphs(">", "+", ".", ".", "!", "n", "=", "|", True)

_TYPOGRAPHY = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"',
    "‹": "'", "›": "'", "–": "-", "—": "-", "‒": "-", "―": "-", "‐": "-", "‑": "-", "−": "-",
    "…": ".", "\u00a0": " ", "•": "*", "·": ".", "×": "x",
}


def output_encoding() -> str:
    stream = sys.__stderr__  # where Textual writes
    return getattr(stream, "encoding", None) or "utf-8"


def unicode_ok(encoding: str | None = None) -> bool:
    try:
        return codecs.lookup(encoding or output_encoding()).name in ("utf-8", "utf-16", "utf-32", "gb18030")
    except LookupError:
        return False


def current() -> Glyphs:
    return UNICODE if unicode_ok() else ASCII


def ascii_fold(text: str) -> str:
    """``text`` with every character the terminal cannot show replaced by one ASCII character
    (offsets stay valid): typographic marks by their plain forms, accented letters by their base
    letter, anything else by ``?``."""
    if text.isascii():
        return text
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
        elif char in _TYPOGRAPHY:
            out.append(_TYPOGRAPHY[char])
        else:
            base = unicodedata.normalize("NFKD", char)[:1]
            out.append(base if base.isascii() and base.isprintable() and base else "?")
    return "".join(out)


def prepare_output() -> None:
    """On a terminal that cannot show Unicode, let anything Textual itself draws degrade to ``?``
    (one column) instead of a multi-column escape that would break the layout."""
    if not unicode_ok():
        try:
            sys.__stderr__.reconfigure(errors="replace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
