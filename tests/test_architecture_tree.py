"""The folder tree of docs/design/architecture.md names every module of the package, each on a line of
its own with what it owns, and nothing the package no longer has."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tui" / "tagline"
DOC = ROOT / "docs" / "design" / "architecture.md"
ENTRY = re.compile(r"^( *)([\w.-]+/|[\w-]+\.(?:py|json|tcss))(?:\s{2,}(\S.*))?$")


def tree_block(text: str) -> list[str]:
    after = text[text.index("## The folder tree"):]
    start = after.index("```\n") + 4
    return after[start:after.index("```", start)].splitlines()


def documented(lines: list[str]) -> dict[str, str]:
    """Path (from the repository root) to its description, for every entry line of the tree."""
    entries: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in lines:
        match = ENTRY.match(line)
        if not match or len(match.group(1)) >= 24:  # a description's second line, not an entry
            continue
        depth = len(match.group(1)) // 2
        stack = [(d, name) for d, name in stack if d < depth]
        path = "".join(name for _, name in stack) + match.group(2)
        entries[path] = match.group(3) or ""
        if match.group(2).endswith("/"):
            stack.append((depth, match.group(2)))
    return entries


def package_files() -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*")
        if path.suffix in {".py", ".json", ".tcss"} and path.name != "__init__.py" and "__pycache__" not in path.parts
    }


def test_the_tree_names_every_module_of_the_package_and_no_other():
    entries = documented(tree_block(DOC.read_text(encoding="utf-8")))
    named = {path for path in entries if path.startswith("tui/tagline/") and not path.endswith("/")}
    assert sorted(package_files() - named) == [], "modules missing from the tree"
    assert sorted(named - package_files()) == [], "the tree names modules the package no longer has"


def test_every_module_in_the_tree_says_what_it_owns():
    entries = documented(tree_block(DOC.read_text(encoding="utf-8")))
    assert [path for path, what in entries.items() if path.startswith("tui/tagline/") and not what] == []


def test_a_module_left_out_of_the_tree_is_noticed():
    lines = ["tui/  the root", "  tagline/  the package", "    cli.py  the command line", "    core/  the core",
             "      store.py  the store", "                               store.py is not an entry here"]
    entries = documented(lines)
    assert set(entries) == {"tui/", "tui/tagline/", "tui/tagline/cli.py", "tui/tagline/core/", "tui/tagline/core/store.py"}
