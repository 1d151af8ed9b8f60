"""The user's own settings: the theme they chose last, and keys they rebound.

``<user config folder>/tagline/settings.yaml``::

    theme: tagline-light
    keymap:              # binding id -> keys (ids are in tui/tagline/core/keymap.py and label-<name>)
      next_todo: "n,tab"
      label-claim: "c,1"
    cursor: gutter       # or "sentence": a background under the whole sentence (whole rows repainted)
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
import yaml

from tagline.core import annofile, keymap, known_keys, safefile, safeyaml
from tagline.core.labels import LabelScheme, is_key
from tagline.core.sanitize import one_line


#: The keys of the settings file; any other is said (and left as it is in the file).
KEYS = ("theme", "cursor", "keymap")


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir("tagline"))


def settings_path() -> Path:
    return config_dir() / "settings.yaml"


def load() -> tuple[dict, str | None]:
    """(settings, a one-line problem or None). A broken file is reported, never overwritten."""
    data, problems, unknown = _read()
    problems = problems + unknown
    if not problems:
        return data, None
    path = settings_path()
    if data.get("_broken"):
        return data, f"{path}: {problems[0]}"
    return data, f"{path}: " + "; ".join(problems) + "; left out"


def _read() -> tuple[dict, list[str], list[str]]:
    """(settings, problems that keep the file from being rewritten, unknown keys said)."""
    path = settings_path()
    if not path.is_file():
        return {}, [], []
    try:
        data = safeyaml.load(safefile.read_text(path)) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return {"_broken": True}, [f"not read ({' '.join(str(error).split())[:160]})"], []
    if not isinstance(data, dict):
        return {"_broken": True}, ["not a mapping; ignored"], []
    from tagline.app.widgets.sentence_view import CURSOR_STYLES

    unknown = []  # a mistyped ``thme:`` was ignored without a word; the file keeps it as written
    found, key = known_keys.first_unknown(data, KEYS)
    if found:
        guessed = known_keys.likely(key, KEYS) is not None
        unknown.append(known_keys.unknown_key(key, KEYS) + ("" if guessed else f" (known: {', '.join(KEYS)})"))
    problems = []  # a value of the wrong kind is left out with a word, never guessed at
    if data.get("theme") is not None and not isinstance(data["theme"], str):  # a list ended the app at start
        problems.append(f"theme: must be the name of a theme, not {one_line(repr(data.pop('theme')), 40)}")
    if data.get("cursor") is not None and data["cursor"] not in CURSOR_STYLES:
        problems.append(f"cursor: must be {' or '.join(CURSOR_STYLES)}, not {one_line(repr(data.pop('cursor')), 40)}")
    return data, problems, unknown


def save_theme(name: str) -> None:
    data, problems, _unknown = _read()
    if problems or data.get("theme") == name:  # reported; left as it is, for the user to fix
        return
    data["theme"] = name
    try:
        annofile.atomic_write(settings_path(), yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    except OSError:
        pass


#: Binding ids renamed since a release, old -> new: a keymap written for the old id still works.
RENAMED_BINDINGS = {"twins": "duplicates"}


def checked_keymap(raw: object, scheme: LabelScheme) -> tuple[dict[str, str], list[str]]:
    """The user's keymap with every clash refused: a key may not serve two bindings."""
    if not raw:
        return {}, []
    if not isinstance(raw, dict):
        return {}, ["keymap: expected a mapping of binding id to keys"]
    commands = {c.id: c for c in (*keymap.READER_COMMANDS, *keymap.APP_COMMANDS)}
    labels = {f"label-{label.name}": label for label in scheme.labels}
    owner: dict[str, str] = {}
    for command in commands.values():
        for key in command.keys:
            owner[key] = command.id
    for binding_id, label in labels.items():
        for key in label.keys:
            owner[keymap.key_name(key)] = binding_id
    accepted: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in raw.items():
        binding_id = RENAMED_BINDINGS.get(str(binding_id), str(binding_id))
        if binding_id not in commands and binding_id not in labels:
            problems.append(f"keymap: no binding with id '{binding_id}'")
            continue
        if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            keys = ",".join(keys)
        if not isinstance(keys, str):  # a number, a mapping: its Python text would become "keys"
            problems.append(f"keymap: keys for '{binding_id}' must be text such as 'j,down', not {one_line(repr(keys), 40)}; refused")
            continue
        written = [k.strip() for k in keys.split(",") if k.strip()]
        wrong = next((k for k in written if not is_key(k)), None)
        if wrong is not None:
            problems.append(f"keymap: '{wrong}' for '{binding_id}' is not a key (one character, or a key name such as f1, enter); refused")
            continue
        names = [keymap.key_name(k) for k in written]
        if "ctrl+c" in names:
            problems.append(f"keymap: 'ctrl+c' for '{binding_id}' quits on every screen; refused")
            continue
        clash = next((k for k in names if owner.get(k) not in (None, binding_id) and owner[k] not in raw), None)
        if clash:
            problems.append(f"keymap: '{keymap.display(clash)}' for '{binding_id}' is taken by '{owner[clash]}'; refused")
            continue
        accepted[binding_id] = ",".join(names)
    return accepted, problems
