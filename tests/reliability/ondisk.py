"""What is on disk, read without the store: an independent check of what the store claims.

The annotation state of an article is the YAML file, then ``.journal.folding``, then ``.journal``,
later lines winning; a journal line that does not parse may only be the last one (the write in
flight when the process died, closed off with a newline by the next session).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tagline.core import annofile


@dataclass
class OnDisk:
    states: dict[int, dict] = field(default_factory=dict)  # sentence start offset -> record
    torn_lines: int = 0  # journal lines that do not parse: writes cut short by a crash
    temporaries: list[str] = field(default_factory=list)  # leftovers of a cut-short atomic write


def read_state(folder: Path, article_id: str) -> OnDisk:
    """Every file of ``article_id`` in ``folder``, checked and merged. Raises
    :class:`annofile.AnnotationFileError` when the YAML does not parse."""
    found = OnDisk()
    yaml_path = folder / f"{article_id}.yaml"
    if yaml_path.exists():
        data = annofile.read(yaml_path)  # raises AnnotationFileError when corrupt
        for record in data.get("sentences") or []:
            found.states[record["start"]] = record
    for suffix in (".journal.folding", ".journal"):
        path = folder / f"{article_id}{suffix}"
        if not path.exists():
            continue
        lines = path.read_bytes().split(b"\n")
        for raw in lines:
            if not raw.strip():
                continue
            try:
                entry = json.loads(raw)
            except ValueError:
                found.torn_lines += 1  # a write cut short: closed off by the next session, then skipped
                continue
            found.states[entry["start"]] = entry
    found.temporaries = sorted(p.name for p in folder.glob(f".{article_id}.yaml.*.tmp"))
    return found


def labelled(found: OnDisk, label: str) -> set[int]:
    """Start offsets of the sentences carrying ``label``."""
    return {start for start, record in found.states.items() if label in (record.get("labels") or [])}
