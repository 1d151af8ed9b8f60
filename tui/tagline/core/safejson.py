"""JSON from files tagline reads (articles, journals, imports, the parsed cache, the progress index).

``json.loads`` raises :class:`RecursionError`, not a :class:`ValueError`, for a value nested some
thousands deep (``[[[[…``): a line of an article feed, an import file or a journal crashed the
command with a traceback. :func:`loads` raises :class:`json.JSONDecodeError` for it, as for any
other line that is not JSON.
"""

from __future__ import annotations

import json

__all__ = ["loads"]


def loads(text: str | bytes):
    """``json.loads(text)``; :class:`json.JSONDecodeError` (a ``ValueError``) for a value nested too
    deeply to parse."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", "", 0) from None
