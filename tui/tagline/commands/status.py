"""``tagline status``: reads the options, calls :mod:`tagline.core.status`, prints. Writes nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tagline.commands.output import cell, say
from tagline.core import safefile
from tagline.core.labels import LabelScheme
from tagline.core.status import Status, compute


def _figure(value, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


def _minute(stamp: str | None) -> str:
    """``2026-11-20T09:00:20Z`` as ``2026-11-20 09:00`` (the JSON keeps the seconds)."""
    return stamp[:16].replace("T", " ") if stamp else "never"


def render(status: Status, width: int = 80):
    """The annotators' table (turned when its headings would not fit whole in ``width`` cells),
    then a few lines about articles, review and agreement (rich renderables)."""
    from rich.console import Group
    from rich.text import Text

    from tagline.commands.tables import fitted

    headings = ["annotator", "assigned", "started", "done", "sentences", "per hour", "s/sentence", "last active"]
    rows = [[person.name, person.assigned if status.team else "n/a", person.started, person.done,
             f"{person.sentences_done}/{person.sentences_total}", _figure(person.sentences_per_hour),
             _figure(person.seconds_per_sentence), _minute(person.last_active)] for person in status.annotators.values()]
    table = fitted(headings, rows, width, title=Text("Team status"), caption=Text("pace: gaps between actions, breaks over 10 min left out"))
    counts = status.summary()
    agree = status.agreement
    lines = [
        cell(f"articles: {len(status.articles)}; " + ", ".join(f"{n} {what}" for what, n in counts.items())),
        cell(f"waiting for review: {_count(status.waiting_for_review, 'sentence')} in "
             f"{_count(status.articles_waiting, 'article')}" + (" (tagline review)" if status.waiting_for_review else "")),
        # Two lines of their own: as one (about 100 columns) it wrapped mid-phrase at 80.
        cell(f"agreement so far: observed {_figure(agree['observed'], 3)}, "
             f"Krippendorff's alpha {_figure(agree['krippendorff_alpha'], 3)} (label set)"),
        cell(f"  over {_count(agree['sentences'], 'sentence')} done by two or more annotators"),
    ]
    if status.outside:
        lines.append(cell("outside the team (not routed; exported): " + "; ".join(
            f"{p.name} {p.started} started, {p.done} done, {p.sentences_done} sentences" for p in status.outside.values())))
    return Group(table, *lines)


def run(args, scheme: LabelScheme, team, article_ids: list[str] | None, unlisted: list | None = None) -> int:
    """``unlisted``: what listing the articles could not read (each said, and status 1)."""
    if not Path(args.annotations).is_dir():  # a file, or nothing: as agree, stats, export and train say
        say(f"{args.annotations}: {safefile.not_a_folder(args.annotations, 'annotations folder')}")
        return 1
    status = compute(args.annotations, scheme, team, article_ids)
    for problem in [*(unlisted or []), *status.problems]:
        say(problem)
    if args.format == "json":
        sys.stdout.write(json.dumps(status.as_data(), ensure_ascii=True) + "\n")
    else:
        from rich.console import Console

        console = Console(highlight=False)
        console.print(render(status, console.width))
    return 1 if status.problems or unlisted else 0
