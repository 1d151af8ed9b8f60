"""What a project that depends on tagline may rely on: ``py.typed`` shipped, and one version number."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_package_says_it_is_typed():
    assert resources.files("tagline").joinpath("py.typed").is_file()


def test_the_version_is_written_once():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "tui/tagline/__init__.py"
