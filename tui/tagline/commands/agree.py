"""``tagline agree``: reads the options, calls :mod:`tagline.core.agreement`, prints."""

from __future__ import annotations
import sys
from itertools import combinations
from tagline.core import corpus
from tagline.core.labels import LabelScheme
from tagline.core.agreement import compute
from tagline.commands.output import cell, json_text, say


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def render_table(report: dict, width: int = 80):
    from rich.text import Text

    from tagline.commands.tables import fitted

    names = report["annotators"]
    title = cell(f"Agreement of {', '.join(names) or 'nobody'}: {report['sentences']} sentences done by all")
    headings = ["label", "sentences", "observed", "Fleiss κ", "Krippendorff α", *(f"κ {a}–{b}" for a, b in combinations(names, 2))]
    rows = []
    for label, entry in report["labels"].items():
        row = [label, entry["sentences"], _figure(entry["observed"]), _figure(entry["fleiss_kappa"]), _figure(entry["krippendorff_alpha"])]
        row += [f"{_figure(p['cohen_kappa'])} ({p['sentences']})" for p in entry["pairs"]]
        rows.append(row)
    return fitted(headings, rows, width, title=title,
                  caption=Text("n/a: undefined (no sentences, one annotator, or chance agreement of 1)"))


def run(args, scheme: LabelScheme, annotators: list[str] | None) -> int:
    merged = corpus.load(args.annotations, scheme, annotators)
    problems = list(merged.problems)
    present = set(merged.annotators)
    for name in annotators or []:
        if name not in present:
            problems.append(corpus.Problem(str(args.annotations), f"no annotations by '{name}'"))
    for problem in problems:
        say(f"{problem}")
    selected = [name for name in annotators if name in present] if annotators else None
    report = compute(merged, scheme, selected)
    if getattr(args, "format", "table") == "json":
        sys.stdout.write(json_text(report, indent=2) + "\n")
    else:
        from rich.console import Console

        console = Console(highlight=False)
        console.print(render_table(report, console.width))
    return 1 if problems else 0
