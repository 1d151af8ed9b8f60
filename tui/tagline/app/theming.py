"""Themes are YAML files (``themes/`` and the user's config folder) turned into Textual themes."""

from __future__ import annotations

import re

from pathlib import Path

import yaml

from tagline.core import safefile, safeyaml
from textual.color import Color, ColorParseError
from textual.theme import Theme

DEFAULT_THEME = "tagline-dark"
_FIELDS = ("primary", "secondary", "accent", "foreground", "background", "surface", "panel", "boost", "warning", "error", "success")

#: Colour variables every theme has; a theme file overrides them (see themes/tagline-dark.yaml).
VARIABLE_DEFAULTS = {
    "label-claim": "#ff8787",
    "label-quote": "#87d7ff",
    "label-statistic": "#d7af5f",
    "ent-person": "#d7afff",
    "ent-org": "#5fd7af",
    "ent-place": "#87afff",
    "ent-time": "#afaf87",
    "ent-number": "#ffaf5f",
    "ent-other": "#d7875f",
    "cursor-background": "#3a3a4a",
}


#: For the themes that follow the terminal's own palette: colours named by that palette.
ANSI_VARIABLES = {
    "label-claim": "ansi_bright_red",
    "label-quote": "ansi_bright_cyan",
    "label-statistic": "ansi_bright_yellow",
    "ent-person": "ansi_magenta",
    "ent-org": "ansi_green",
    "ent-place": "ansi_blue",
    "ent-time": "ansi_yellow",
    "ent-number": "ansi_bright_yellow",
    "ent-other": "ansi_red",
    "cursor-background": "ansi_bright_black",
}


def with_palette_colours(theme: Theme) -> Theme:
    """An ANSI theme (``ansi-dark``, ``ansi-light``) with tagline's colours taken from the terminal's
    palette too, instead of fixed ones tuned for a dark background."""
    import dataclasses

    return dataclasses.replace(theme, variables={**ANSI_VARIABLES, **(theme.variables or {})})


_KNOWN: set[str] = set()


def _known_variables() -> set[str]:
    """The variables Textual's own stylesheets and tagline's use."""
    if not _KNOWN:
        from textual.theme import BUILTIN_THEMES

        _KNOWN.update(BUILTIN_THEMES["textual-dark"].to_color_system().generate(), VARIABLE_DEFAULTS)
    return _KNOWN


def _variable_ok(name: str, value: str) -> bool:
    """Whether Textual's stylesheet can use ``value`` for the variable ``name``: a text style for
    ``…-style`` variables (``bold underline``), else a colour (``#fff``, ``red``, ``auto 87%``)."""
    from textual.color import Color, ColorParseError
    from textual.css.constants import VALID_STYLE_FLAGS

    if name not in _known_variables() and not name.startswith(("label-", "ent-")):
        # A variable of the theme's own: used only where a scheme names it, but Textual's stylesheet
        # reads every variable, and a value it cannot read ("@click=…", "a;b") stopped the app at start.
        from textual.css.tokenize import tokenize_values
        from textual.css.tokenizer import TokenError

        try:
            tokenize_values({name: value})
        except TokenError:
            return False
        return True
    if name.endswith("style"):
        return bool(value.split()) and all(word in VALID_STYLE_FLAGS for word in value.split())
    words = value.split()
    if value in ("initial", "transparent") or (len(words) == 2 and words[0] == "auto" and words[1].endswith("%")):
        return True
    try:
        Color.parse(value)
    except ColorParseError:
        return False
    return True


def label_colour(variables: dict[str, str], name: str) -> str:
    """The colour the theme variable ``name`` (a label's ``colour`` in the scheme) holds, or "".

    A scheme may name any variable, and not every variable is a colour (``block-cursor-text-style``
    is ``bold``; a theme's own variables are not checked when it loads): such a value was parsed as
    a colour and ended the app at start, or went into a style string, where ``link …`` or
    ``@click=…`` are not colours but a hyperlink and an action. The label is then shown without
    colour."""
    value = variables.get(name, "")
    if not value:
        return ""
    try:
        Color.parse(value)
    except (ColorParseError, ValueError, TypeError):
        return ""
    return value


#: What a theme's name may hold: the names of the themes shipped and of Textual's own.
_THEME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
THEME_NAME_RULE = "letters, digits and . _ - only, starting with a letter or digit, at most 64 characters"


def theme_from_file(path: Path) -> Theme:
    """The theme in ``path``; ``ValueError`` (one line) for a file that could not be used as one: a
    field of the wrong kind or a colour Textual cannot parse stopped the app at start before."""
    from textual.color import Color, ColorParseError

    data = safeyaml.load(safefile.read_text(path))
    if not isinstance(data, dict) or not isinstance(data.get("primary"), str):
        raise ValueError(f"{path}: a theme needs at least 'name' and 'primary'")
    name = data.get("name") or path.stem
    if not isinstance(name, str):
        raise ValueError("'name' must be text")
    if not _THEME_NAME.fullmatch(name):
        # Textual's theme palette lists the name as markup and its preview wrote it to the terminal
        # as it was: "[bold]x" lost its brackets, an OSC 0 in it retitled the terminal.
        raise ValueError(f"name {name!r} is not a theme name ({THEME_NAME_RULE})")
    fields = {k: data[k] for k in _FIELDS if data.get(k) is not None}
    for key, value in fields.items():
        try:
            Color.parse(value)
        except (ColorParseError, TypeError, ValueError):
            raise ValueError(f"{key} {value!r} is not a colour") from None
    variables = data.get("variables") or {}
    if not isinstance(variables, dict) or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in variables.values()):
        raise ValueError("'variables' must map names to values")
    for key, value in variables.items():
        if not _variable_ok(str(key), str(value)):  # Textual's stylesheet would fail to parse at start
            raise ValueError(f"variable {key} {value!r} is not a colour" + (" nor a text style" if str(key).endswith("style") else ""))
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ValueError("'dark' must be true or false")
    return Theme(name=name, dark=dark, variables={str(k): str(v) for k, v in variables.items()}, **fields)


def load_themes(folders: list[Path]) -> tuple[list[Theme], list[str]]:
    """Every theme in ``folders`` (later folders override earlier ones), and one-line problems."""
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    for folder in folders:
        try:
            if not folder.is_dir():
                continue
            found = sorted(folder.glob("*.yaml"))
        except OSError as error:  # a theme folder this user may not read: say so, start anyway
            problems.append(f"themes in {folder}: cannot read ({error.strerror})")
            continue
        for path in found:
            try:
                theme = theme_from_file(path)
            except (OSError, ValueError, yaml.YAMLError) as error:
                problems.append(f"theme {path.name}: {' '.join(str(error).split())[:120]}")
                continue
            themes[theme.name] = theme
    return list(themes.values()), problems
