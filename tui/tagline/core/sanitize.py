"""Article text is data: make every character that could act on a terminal visible instead.

The mapping is one character to one character, so offsets into the shown text are offsets into the
article text: wrapping, entity spans and cursor positions need no translation.
"""

from __future__ import annotations

_TABLE: dict[int, str] = {}
for _code in range(0x20):
    _TABLE[_code] = chr(0x2400 + _code)  # control pictures: ␀ … ␟ (ESC becomes ␛)
_TABLE[0x09] = " "  # a tab reads as a space
_TABLE[0x7F] = "\u2421"  # ␡
for _code in range(0x80, 0xA0):  # C1 controls (CSI, OSC, …) have no picture of their own
    _TABLE[_code] = "\ufffd"
# Bidi embeddings, overrides and isolates could reorder what the annotator reads.
for _code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C):
    _TABLE[_code] = "\u2051"  # ⁑
# Zero-width characters would hide text; show them as a thin mark. So would the other invisible
# format characters: invisible operators, deprecated format controls, the Mongolian vowel
# separator, interlinear annotation marks, musical formatting controls and tag characters (which
# can spell a hidden message inside a word).
for _code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E, *range(0x2061, 0x2065),
              *range(0x206A, 0x2070), *range(0xFFF9, 0xFFFC), *range(0x13430, 0x13440), *range(0x1BCA0, 0x1BCA4), *range(0x1D173, 0x1D17B),
              *range(0xE0000, 0xE0080)):
    _TABLE[_code] = "\u00b7"  # ·
# Lone surrogates (a file name whose bytes are not UTF-8, a "\ud800" JSON escape) are not text: no
# UTF-8 writer takes them.
for _code in range(0xD800, 0xE000):
    _TABLE[_code] = "\ufffd"
_TABLE[0x2028] = "\u23ce"  # line separator ⏎
_TABLE[0x2029] = "\u00b6"  # paragraph separator ¶


def visible(text: str) -> str:
    """Return ``text`` with every control, bidi and zero-width character replaced by a visible one.

    ``len(visible(text)) == len(text)`` always holds.
    """
    if text.isprintable():  # no character of _TABLE is printable: nothing to replace (C speed)
        return text
    return text.translate(_TABLE)


def sentence(text: str) -> str:
    """A sentence as the annotator reads it: :func:`visible`, except that a line break inside it (a
    hard-wrapped paragraph) reads as a space. One character for one, like :func:`visible`."""
    if "\n" in text or "\r" in text:
        text = text.replace("\r", " ").replace("\n", " ")
    return visible(text)


def one_line(text: str, limit: int = 200) -> str:
    """A short, single-line, visible rendering of ``text`` for lists and messages."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return visible(flat)


# Characters JSON (RFC 8259) leaves as they are but a terminal could act on or be reordered by:
# DEL, C1 controls, bidi controls, zero-width characters, line and paragraph separators.
def _json_escape(code: int) -> str:
    """``\\uXXXX``, as a surrogate pair above U+FFFF (one six-character escape holds four digits)."""
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


_JSON_ESCAPES = {code: _json_escape(code) for code in (0x7F, *range(0x80, 0xA0))}
_JSON_ESCAPES.update({code: _json_escape(code) for code in _TABLE if code >= 0x200})


def json_text(value: object, **options) -> str:
    """``json.dumps(value, ensure_ascii=False, **options)`` with every character that could act on a
    terminal written as a ``\\uXXXX`` escape: the same data for any JSON reader, and nothing a
    terminal showing it would obey (JSON already escapes C0 controls; this adds DEL, C1, bidi and
    zero-width characters). Such characters only occur inside strings, where the escape is valid."""
    import json

    text = json.dumps(value, ensure_ascii=False, **options)
    return text if text.isprintable() else text.translate(_JSON_ESCAPES)


def terminal_data(text: str) -> str:
    """Data written to standard output when that is a terminal: each line :func:`visible`, so a CSV
    or YAML export read on screen cannot act on it. Written to a file or a pipe, data is left as it
    is."""
    return "\n".join(visible(line) for line in text.split("\n"))


_LONE_SURROGATE = None


def lone_surrogates(value: object) -> int:
    """How many lone surrogates (U+D800 to U+DFFF) the strings in ``value`` (a JSON value: strings,
    lists, mappings with their keys) hold. ``json.loads`` turns an escape such as ``"\\ud800"`` into
    one; it is not text: no UTF-8 encoder (a YAML file, a hash, the terminal) accepts it."""
    global _LONE_SURROGATE
    if _LONE_SURROGATE is None:
        import re

        _LONE_SURROGATE = re.compile("[\ud800-\udfff]")
    if isinstance(value, str):
        return len(_LONE_SURROGATE.findall(value)) if not value.isascii() else 0
    if isinstance(value, dict):
        return sum(lone_surrogates(k) + lone_surrogates(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return sum(lone_surrogates(v) for v in value)
    return 0


def replace_surrogates(value: object) -> object:
    """``value`` with every lone surrogate in its strings (and keys) replaced by U+FFFD, as an
    undecodable byte is; the same shape otherwise."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value) if lone_surrogates(value) else value
    if isinstance(value, dict):
        return {replace_surrogates(k): replace_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_surrogates(v) for v in value]
    return value
