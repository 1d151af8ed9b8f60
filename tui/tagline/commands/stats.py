"""``tagline stats``: reads the options, calls :mod:`tagline.core.stats`, prints."""

from __future__ import annotations
from tagline.core import corpus
from tagline.core.labels import LabelScheme
from tagline.core.stats import AnnotatorStats, compute
from tagline.commands.output import no_annotations_folder, say


def render_table(found: dict[str, AnnotatorStats], scheme: LabelScheme, width: int = 80):
    from rich.text import Text

    from tagline.commands.tables import fitted

    headings = ["annotator", "articles", "done", "total", "done %", *scheme.names, "flagged", "decisions", "s/sentence"]
    rows = []
    for entry in found.values():
        pace = entry.seconds_per_sentence
        share = f"{100 * entry.done / entry.total:.0f}%" if entry.total else "n/a"
        rows.append([entry.name, entry.articles, entry.done, entry.total, share, *(entry.labels.get(n, 0) for n in scheme.names),
                     entry.flagged, entry.decisions, "n/a" if pace is None else f"{pace:.1f}"])
    return fitted(headings, rows, width, title=Text("Annotation progress"),
                  caption=Text("s/sentence: median gap between actions, breaks over 10 min left out"))


def run(args, scheme: LabelScheme, reviewers: tuple[str, ...] = ()) -> int:
    if no_annotations_folder(args.annotations):
        return 1
    merged = corpus.load(args.annotations, scheme, reviewers=reviewers)
    for problem in merged.problems:
        say(f"{problem}")
    found = compute(merged, scheme)
    from rich.console import Console

    if found:
        console = Console(highlight=False)
        console.print(render_table(found, scheme, console.width))
    else:
        say(f"no annotation files under {args.annotations}")
    return 1 if merged.problems else 0
