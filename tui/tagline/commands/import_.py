"""``tagline import``: reads the options, calls :mod:`tagline.core.importing`, prints."""

from __future__ import annotations
from pathlib import Path
from tagline.core import annofile, corpus, schema
from tagline.core.labels import LabelScheme
from tagline.core.store import safe_name
from tagline.core.importing import Row, RowError, dedupe, build, place, read_rows
from tagline.commands.output import say


def run(args, scheme: LabelScheme, annotator: str) -> int:
    source = Path(args.file)
    root = Path(args.annotations)
    problems: list[corpus.Problem] = []
    rows = read_rows(source, args.format, scheme, problems)
    explicit = getattr(args, "annotator", None)
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        who = explicit or row.annotator or annotator
        groups.setdefault((who, row.article or source.stem), []).append(row)
    written = sentences = 0
    for (who, article), members in groups.items():
        placed = dedupe(place(members), problems)
        path = root / safe_name(who) / f"{article}{schema.ANNOTATION_SUFFIX}"
        existing = None
        if path.exists():
            try:
                existing = annofile.read(path)
            except annofile.AnnotationFileError as error:
                problems.append(corpus.Problem(error.path, f"{error.reason}; not updated"))
                continue
        try:
            document = build(existing, article, who, placed, scheme, path)
        except RowError as error:
            problems.append(corpus.Problem(str(source), f"{error}; article '{article}' not imported"))
            continue
        try:
            annofile.atomic_write(path, annofile.dumps(document))
        except OSError as error:
            problems.append(corpus.Problem(str(path), f"cannot be written ({error.strerror or error})"))
            continue
        written += 1
        sentences += len(placed)
    for problem in problems:
        say(f"{problem}")
    say(f"imported {sentences} sentences into {written} annotation files under {root}")
    return 1 if problems else 0
