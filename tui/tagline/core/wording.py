"""Words every command and screen shares: a count with its noun in the right number."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun, plural unless ``n`` is 1: "1 article", "2 articles", "0 entities"
    (``plural``: the plural when it is not the noun with an "s")."""
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def first_few(names, most: int = 3) -> str:
    """The first ``most`` of ``names`` quoted, and how many more: "'a1', 'a2', 'a3' and 4 more"."""
    names = list(names)
    shown = ", ".join(f"'{name}'" for name in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")
