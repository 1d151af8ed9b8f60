"""Themes are YAML files (``themes/`` and the user's config folder) turned into Textual themes."""

from __future__ import annotations

from pathlib import Path

import yaml

from tagline.core import safefile
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


def theme_from_file(path: Path) -> Theme:
    data = yaml.safe_load(safefile.read_text(path))
    if not isinstance(data, dict) or not isinstance(data.get("primary"), str):
        raise ValueError(f"{path}: a theme needs at least 'name' and 'primary'")
    fields = {k: str(data[k]) for k in _FIELDS if data.get(k) is not None}
    variables = {str(k): str(v) for k, v in (data.get("variables") or {}).items()}
    return Theme(name=str(data.get("name") or path.stem), dark=bool(data.get("dark", True)), variables=variables, **fields)


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
