"""``tagline train``: reads the options, calls :mod:`tagline.core.train`, prints."""

from __future__ import annotations
from tagline.core.labels import LabelScheme
from tagline.core.train import TrainError, train
from tagline.commands.output import lines, say


def run(args, scheme: LabelScheme, annotators: list[str] | None, reviewers: tuple[str, ...] = ()) -> int:
    """``tagline train [--annotations DIR] [--annotators A,B] [--labels FILE] [--out DIR]``."""
    try:
        report = train(args.annotations, scheme, annotators, getattr(args, "out", None), reviewers=reviewers)
    except TrainError as error:
        for problem in error.problems:
            say(f"{problem}")
        say(f"{error}")
        return 1
    for problem in report.problems:
        say(f"{problem}")
    if report.merge is not None and report.merge.left_out:  # said as export says it, never silently
        from tagline.commands.export import summary

        say(summary(report.merge, len(report.problems)))
    print(lines(report.summary()))
    return 1 if report.problems else 0
