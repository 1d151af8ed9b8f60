"""The article ``story.txt`` and annotation files written for it by hand, the way another tool or
a user's script would leave them: for tests that put files where tagline reads them."""

from __future__ import annotations

from pathlib import Path

SENTENCES = ("The mayor said it rained.", "The river rose 3 metres.")
STORY = " ".join(SENTENCES) + "\n"


def annotation(who: str, *labels: str) -> str:
    """``who``'s annotation file of ``story.txt``: its first sentences done, one for each of
    ``labels``, with that label."""
    lines = ["schema: tagline.annotations/1", "article: {id: story, path: story.txt}", f"annotator: {who}",
             "labels: [claim, quote, statistic]", "sentences:"]
    start = 0
    for index, (text, label) in enumerate(zip(SENTENCES, labels)):
        end = start + len(text)
        lines.append(f'  - {{index: {index}, start: {start}, end: {end}, text: "{text}", status: done, labels: [{label}]}}')
        start = end + 1
    return "\n".join(lines) + "\n"


def write_annotation(folder: Path, who: str, *labels: str) -> Path:
    """:func:`annotation` written as ``folder/story.yaml`` (the folder made if need be)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "story.yaml"
    path.write_text(annotation(who, *labels), encoding="utf-8")
    return path
