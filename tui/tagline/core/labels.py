"""The label scheme: which labels exist, their keys, guidelines and colours. One owner of that fact.

Loaded from ``--labels FILE`` or ``tagline.yaml`` in the working folder; the default is claim /
quote / statistic, multi-label. A file looks like::

    labels:
      - name: claim
        keys: [c, "1"]
        colour: label-claim        # a theme variable
        guideline: An assertion of fact that could be checked.
        badge: C                   # optional: the letter shown where colour is not; unique
    exclusive: false               # true: a sentence takes at most one label
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

from tagline.core import keymap


#: A label's ``colour``: the name of a theme variable (``label-claim``, ``accent``).
COLOUR_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")


class LabelSchemeError(ValueError):
    """A label scheme that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class Label:
    """One label: its name, the keys that toggle it, the guideline shown in help, its colour."""

    name: str
    keys: tuple[str, ...]
    guideline: str = ""
    colour: str = ""
    #: The letter that stands for the label where colour is not available (gutter, status row,
    #: review); lowercase for a suggestion. Unique in a scheme (see :func:`scheme_from_data`).
    badge: str = ""

    def __post_init__(self) -> None:
        if not self.badge:
            object.__setattr__(self, "badge", self.name[:1].upper())


@dataclass(frozen=True)
class LabelScheme:
    """The labels in force and whether they exclude each other (:func:`load_scheme` reads one)."""

    labels: tuple[Label, ...]
    exclusive: bool = False
    source: str = "built-in"
    by_name: dict[str, Label] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {label.name: label for label in self.labels})

    @property
    def names(self) -> list[str]:
        return [label.name for label in self.labels]

    def order(self, names: Collection[str]) -> list[str]:
        """``names`` in the scheme's order, unknown ones last in their own order."""
        known = [n for n in self.names if n in names]
        return known + [n for n in names if n not in self.by_name]

    def toggle(self, current: list[str], name: str) -> list[str]:
        """The labels after toggling ``name`` on a sentence that has ``current``."""
        if name in current:
            return [n for n in current if n != name]
        if self.exclusive:
            return [name]
        return self.order([*current, name])

    def key_for(self) -> dict[str, str]:
        """Textual key name -> label name."""
        return {keymap.key_name(k): label.name for label in self.labels for k in label.keys}


DEFAULT_SCHEME = LabelScheme(
    labels=(
        Label(
            "claim",
            ("c", "1"),
            "An assertion of fact that could be checked: accusations, denials, causal or comparative "
            "statements, what someone did or provides. Not opinion, prediction or scene-setting.",
            "label-claim",
        ),
        Label(
            "quote",
            ("q", "2"),
            "Someone's words reported: direct speech in quotation marks (including a fragment that "
            "ends a quote split over sentences) or indirect speech (said that, told, warned, "
            "according to).",
            "label-quote",
        ),
        Label(
            "statistic",
            ("s", "3"),
            "A number that measures something: counts, percentages, money, quantities ('more than "
            "700 attacks'). A date or a year alone is not a statistic.",
            "label-statistic",
        ),
    ),
    exclusive=False,
)

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")
#: The fields a label may have; any other is refused (a mistyped ``key:`` was silently ignored).
FIELDS = ("name", "keys", "guideline", "colour", "color", "badge")
#: The keys of a scheme itself; any other is refused (a mistyped ``exclusiv:`` was silently ignored,
#: and the labels were not exclusive).
SCHEME_KEYS = ("labels", "exclusive")


def scheme_from_data(data: object, source: str) -> LabelScheme:
    if isinstance(data, dict):
        from tagline.core import known_keys

        found, key = known_keys.first_unknown(data, SCHEME_KEYS)
        if found:
            raise LabelSchemeError(f"{source}: {known_keys.unknown_key(key, SCHEME_KEYS)}; a label scheme takes "
                                   f"{', '.join(SCHEME_KEYS)}")
    if not isinstance(data, dict) or not isinstance(data.get("labels"), list) or not data["labels"]:
        raise LabelSchemeError(f"{source}: expected a mapping with a non-empty 'labels' list")
    taken = keymap.taken_keys()  # on every screen the scheme will be used on, checked once here
    labels: list[Label] = []
    names: set[str] = set()
    seen_keys: dict[str, str] = {}
    for i, item in enumerate(data["labels"]):
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            raise LabelSchemeError(f"{source}: label {i + 1} must be a name or a mapping")
        name = item.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise LabelSchemeError(f"{source}: label {i + 1} needs a name of letters, digits, _ or -")
        if name in names:
            raise LabelSchemeError(f"{source}: label '{name}' appears twice")
        names.add(name)
        from tagline.core import known_keys

        found, field_name = known_keys.first_unknown(item, FIELDS)
        if found:
            raise LabelSchemeError(
                f"{source}: label '{name}' has an {known_keys.unknown_key(field_name, FIELDS, 'field')}; "
                f"a label takes {', '.join(f for f in FIELDS if f != 'color')}"
            )
        raw_keys = item.get("keys")
        if raw_keys is None:  # not written: keys no command and no earlier label holds
            raw_keys = _default_keys(name, i, taken, seen_keys)
            if not raw_keys:
                raise LabelSchemeError(f"{source}: label '{name}' has no keys written and every free letter is taken; give it keys")
        if raw_keys == []:  # a label no key can set
            raise LabelSchemeError(f"{source}: keys of label '{name}' is an empty list; give it a key, or leave 'keys' out")
        if isinstance(raw_keys, (str, int)) and not isinstance(raw_keys, bool):
            raw_keys = [raw_keys]
        if not isinstance(raw_keys, list):
            raise LabelSchemeError(f"{source}: keys of label '{name}' must be a list of keys, not {_shown(raw_keys)}")
        for key in raw_keys:
            if not (isinstance(key, str) or (isinstance(key, int) and not isinstance(key, bool) and 0 <= key <= 9)) or not is_key(str(key)):
                raise LabelSchemeError(
                    f"{source}: key {_shown(key)} of label '{name}' is not a key (one character, or a key name "
                    "such as f1, enter, tab, ctrl+x)"
                )
        keys = tuple(str(k) for k in raw_keys)
        for key in keys:
            normal = keymap.key_name(key)
            if normal in taken:
                screen, command = taken[normal]
                raise LabelSchemeError(
                    f"{source}: key '{key}' of label '{name}' is taken by the {screen}command "
                    f"'{command.id}'; choose another"
                )
            if normal in seen_keys:
                raise LabelSchemeError(
                    f"{source}: key '{key}' is given to both '{seen_keys[normal]}' and '{name}'"
                )
            seen_keys[normal] = name
        guideline = item.get("guideline") or ""
        colour = item.get("colour", item.get("color")) or f"label-{name}"
        for field_name, value in (("guideline", guideline), ("colour", colour)):
            if not isinstance(value, str):  # a list or a mapping would be shown as Python's repr of it
                raise LabelSchemeError(f"{source}: {field_name} of label '{name}' must be text, not {_shown(value)}")
        given = item.get("colour", item.get("color"))
        if given and not COLOUR_NAME.fullmatch(colour):  # 'red; background: blue', an escape: taken in silence before
            raise LabelSchemeError(f"{source}: colour of label '{name}' must name a theme variable such as "
                                   f"label-{name} (letters, digits and hyphens), not {_shown(colour)}")
        labels.append(Label(name, keys, str(guideline).strip(), str(colour), _badge(item.get("badge"), name, source)))
    labels = _unique_badges(labels, data["labels"], source)
    exclusive = data.get("exclusive", False)
    if not isinstance(exclusive, bool):  # "no" in quotes is a string, and a true one
        raise LabelSchemeError(f"{source}: 'exclusive' must be true or false, not {_shown(exclusive)}")
    return LabelScheme(tuple(labels), exclusive, source)


_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


def is_key(key: str) -> bool:
    """Whether ``key`` names a key a terminal can send: one printable character, or a key name
    ("enter", "f1", "pageup", "question_mark"), after any modifiers ("ctrl+", "shift+", …). A key
    that is not one ("notakey", "", "CC") would leave its label without a working key, silently."""
    if key == " ":
        return True
    *modifiers, base = key.split("+") if len(key) > 1 else [key]
    if any(m not in _MODIFIERS for m in modifiers) or len(set(modifiers)) != len(modifiers):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    if base in _KEY_NAMES:
        return True
    try:  # Textual's name for a character ("exclamation_mark", "number_sign")
        return len(unicodedata.lookup(base.replace("_", " ").replace("-", " "))) == 1
    except KeyError:
        return False


#: Textual's names of the keys that are not characters (the core never imports Textual).
_KEY_NAMES = frozenset({
    "escape", "enter", "return", "tab", "backspace", "delete", "insert", "home", "end", "pageup", "pagedown",
    "up", "down", "left", "right", "space", *(f"f{n}" for n in range(1, 25)),
    "slash", "backslash", "at", "minus", "plus", "underscore",  # Textual's short names of characters
})


def _badge(raw: object, name: str, source: str) -> str:
    """A badge as written in the scheme ("" when none is): one letter or digit, one cell wide."""
    if raw is None:
        return ""
    text = str(raw)
    if len(text) != 1 or not text.isalnum() or unicodedata.east_asian_width(text) in ("W", "F"):
        raise LabelSchemeError(f"{source}: badge {_shown(raw)} of label '{name}' must be one letter or digit")
    return text.upper()


def _unique_badges(labels: list[Label], items: list, source: str) -> list[Label]:
    """Badges written in the scheme as they are (two alike refused); the others chosen so that no
    two labels share one: the first letter of the name that is free, then any free letter of it,
    then A to Z, then 1 to 9. Compared ignoring case: a suggestion shows the badge in lowercase."""
    written = {label.name for label, item in zip(labels, items) if isinstance(item, dict) and item.get("badge") is not None}
    used: dict[str, str] = {}
    for label in labels:
        if label.name in written:
            if label.badge in used:
                raise LabelSchemeError(
                    f"{source}: badge '{label.badge}' is given to both '{used[label.badge]}' and '{label.name}'"
                )
            used[label.badge] = label.name
    chosen = []
    for label in labels:
        if label.name not in written:
            candidates = [*label.name.upper(), *string.ascii_uppercase, *"123456789"]
            badge = next((c for c in candidates if c.isalnum() and c not in used), label.badge)
            used[badge] = label.name
            label = replace(label, badge=badge)
        chosen.append(label)
    return chosen


def _default_keys(name: str, index: int, taken, seen: dict[str, str]) -> list[str]:
    """The first letter of ``name`` that is free (then any free letter of it, then of the
    alphabet), and the label's number while it is one digit."""
    letters = [*name.lower(), *string.ascii_lowercase]
    free = next((c for c in letters if c.isalpha() and c not in taken and c not in seen), None)
    keys = [free] if free else []
    if index < 9 and str(index + 1) not in taken and str(index + 1) not in seen:
        keys.append(str(index + 1))
    return keys


def _shown(value: object) -> str:
    from tagline.core.sanitize import one_line

    return one_line(repr(value), 40)


def load_scheme(path: str | Path | None = None, cwd: str | Path | None = None) -> LabelScheme:
    """The scheme from ``path``, else ``tagline.yaml`` in ``cwd``, else the default. A project file
    with a ``team:`` section and no labels uses the default scheme."""
    from tagline.core import project

    named = path is not None
    if path is None:
        candidate = project.default_path(cwd)
        if not project.present(candidate):
            return DEFAULT_SCHEME
        path = candidate
    path = Path(path)
    try:
        data = project.read(path, pipes=named)
        project.check_keys(data, path)
    except project.ProjectFileError as error:
        message = str(error).replace(": cannot read (", ": cannot read the label scheme (", 1)
        raise LabelSchemeError(message) from None
    if isinstance(data, dict):
        if "scheme" in data:  # the older form: labels and exclusive one level down
            twice = next((key for key in SCHEME_KEYS if key in data), None)
            if twice is not None:
                raise LabelSchemeError(f"{path}: '{twice}' is given both at the top and under 'scheme'; give it once")
            data = data["scheme"]
            if not isinstance(data, dict):
                raise LabelSchemeError(f"{path}: 'scheme' must be a mapping with a non-empty 'labels' list")
            return scheme_from_data(data, str(path))
        if "team" in data:
            if not any(key in data for key in SCHEME_KEYS):  # a team section alone: the default labels
                return DEFAULT_SCHEME
            data = {key: value for key, value in data.items() if key != "team"}
    return scheme_from_data(data, str(path))


def _first_line(error: Exception) -> str:
    return " ".join(str(error).split())[:160]
