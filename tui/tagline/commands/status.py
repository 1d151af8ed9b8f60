"""``tagline status``: reads the options, calls :mod:`tagline.core.status`, prints. Writes nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tagline.commands.output import cell, say
from tagline.core import safefile
from tagline.core.labels import LabelScheme
from tagline.core import status as core
from tagline.core.status import compute


def render(report, width: int = 80):
    """The annotators' table (turned when its headings would not fit whole in ``width`` cells),
    then a few lines about articles, review and agreement (rich renderables). ``report``:
    a :class:`Status` or its :meth:`Status.as_data`; the words are :mod:`tagline.core.status`'s, as on the app's screen."""
    from rich.console import Group
    from rich.text import Text

    from tagline.commands.tables import fitted

    if not isinstance(report, dict):  # a Status
        report = report.as_data()
    rows = core.table_rows(report)
    lines = [cell(line) for line in core.report_lines(report)]
    if not rows:  # no table: its headings alone do not fit in 80 columns
        return Group(Text(core.TITLE), *lines)
    return Group(fitted(list(core.HEADINGS), rows, width, title=Text(core.TITLE), caption=Text(core.CAPTION)), *lines)


def run(args, scheme: LabelScheme, team, article_ids: list[str] | None, unlisted: list | None = None) -> int:
    """``unlisted``: what listing the articles could not read (each said, and status 1)."""
    folder = Path(args.annotations)
    # A team's project before anyone has begun has no annotations folder yet: its routing is still
    # worth showing (everyone at 0). Otherwise, a file or nothing: as agree, stats, export and train say.
    if not folder.is_dir() and not (team is not None and not folder.exists() and not folder.is_symlink()):
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
        console.print(render(status.as_data(), console.width))
    return 1 if status.problems or unlisted else 0
