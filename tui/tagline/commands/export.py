"""``tagline export``: reads the options, calls :mod:`tagline.core.exporting`, prints."""

from __future__ import annotations
from tagline.core import corpus
from tagline.core.labels import LabelScheme
from tagline.core.exporting import ExportError, destinations, split_by_article, write
from tagline.commands.output import say


def run(args, scheme: LabelScheme, annotators: list[str] | None) -> int:
    fmt = args.format
    split = getattr(args, "split", None)
    try:
        if split is not None and not 0 < split < 1:
            raise ExportError(f"--split {split}: give the dev fraction, between 0 and 1 (e.g. 0.2)")
        targets = destinations(fmt, getattr(args, "out", None), split is not None)
    except ExportError as error:
        say(f"{error}")
        return 2
    merged = corpus.load(args.annotations, scheme, annotators)
    problems = list(merged.problems)
    present = {f.annotator for f in merged.files} | {f.path.parent.name for f in merged.files}
    problems += [corpus.Problem(str(args.annotations), f"no annotations by '{name}'") for name in annotators or [] if name not in present]
    for problem in problems:
        say(f"{problem}")
    chosen = corpus.examples(merged, reviewed=not getattr(args, "no_reviewed", False), keep_duplicates=getattr(args, "keep_duplicates", False))
    if split is not None:
        train, dev = split_by_article(chosen, split, getattr(args, "seed", 0))
        parts = {"train": train, "dev": dev}
    else:
        parts = {"all": chosen}
    summary = []
    for part, examples in parts.items():
        path = targets[part]
        try:
            write(fmt, examples, merged, scheme, path)
        except OSError as error:
            say(f"{path}: cannot write ({error.strerror or error})")
            return 1
        articles = len({e.article for e in examples})
        where = f" to {path}" if path is not None else ""
        label = "" if part == "all" else f"{part}: "
        summary.append(f"{label}{len(examples)} sentences from {articles} articles{where}")
    if any(path is not None for path in targets.values()):
        say("exported " + "; ".join(summary))
    return 1 if problems else 0
