"""Every relative link in the repository's Markdown files leads somewhere: the file or folder exists,
and a ``#anchor`` names a heading of the file it points into (GitHub's slugs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# [text](target) and [text](target "title"); images too. Autolinks and bare URLs are not relative.
LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"`+[^`]*`+")


def markdown_files() -> list[Path]:
    """The project's Markdown: not what hidden folders (a venv, caches) or build output hold."""
    skip = {"node_modules", "build", "dist", "annotations"}
    return sorted(
        p for p in ROOT.rglob("*.md")
        if not any(part.startswith(".") or part in skip for part in p.relative_to(ROOT).parts[:-1])
    )


def prose_lines(text: str) -> list[tuple[int, str]]:
    """The lines outside fenced code blocks, with their line numbers."""
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, line))
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`([^`]*)`", r"\1", heading.strip())
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link in a heading keeps its text
    text = text.lower()
    text = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for _, line in prose_lines(path.read_text(encoding="utf-8")):
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not match:
            continue
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def relative_links(path: Path) -> list[tuple[int, str]]:
    links = []
    for number, line in prose_lines(path.read_text(encoding="utf-8")):
        for match in LINK.finditer(CODE_SPAN.sub("", line)):
            target = match.group(1)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("//"):
                continue  # http:, https:, mailto: …
            links.append((number, target))
    return links


def broken_links(path: Path) -> list[str]:
    problems = []
    for number, target in relative_links(path):
        file_part, _, anchor = target.partition("#")
        destination = (path.parent / file_part).resolve() if file_part else path
        where = f"{path.relative_to(ROOT)}:{number}: {target}"
        if not destination.exists():
            problems.append(f"{where}: no such file")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            problems.append(f"{where}: no heading #{anchor}")
    return problems


def test_every_relative_link_and_anchor_in_the_markdown_resolves():
    files = markdown_files()
    assert any(p.name == "README.md" and p.parent == ROOT for p in files)
    problems = [problem for path in files for problem in broken_links(path)]
    assert problems == []


def test_a_broken_link_or_anchor_is_reported(tmp_path):
    (tmp_path / "guide.md").write_text("# The guide\n\n## Two words\n\n```\n# not a heading\n```\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](guide.md) [ok](guide.md#two-words) [ok](#here) [web](https://example.org/x.md)\n"
        "`[code](missing.md)`\n\n## Here\n\n"
        "[gone](missing.md) [bad anchor](guide.md#three-words) [fenced](guide.md#not-a-heading)\n",
        encoding="utf-8",
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        problems = broken_links(page)
    finally:
        ROOT = saved
    assert [p.split(": ", 1)[1] for p in problems] == [
        "missing.md: no such file",
        "guide.md#three-words: no heading #three-words",
        "guide.md#not-a-heading: no heading #not-a-heading",
    ]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [("Ranking a debate transcript", "ranking-a-debate-transcript"),
     ("The API for the app (`tui/tagline/core/train.py`)", "the-api-for-the-app-tuitaglinecoretrainpy"),
     ("9. A key while the scan and the model work (2026-12-02)", "9-a-key-while-the-scan-and-the-model-work-2026-12-02")],
)
def test_anchors_are_githubs_slugs(heading, expected):
    assert slug(heading) == expected
