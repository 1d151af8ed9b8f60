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


def render_table(report: dict):
    from rich.table import Table
    from rich.text import Text

    names = report["annotators"]
    title = cell(f"Agreement of {', '.join(names) or 'nobody'}: {report['sentences']} sentences done by all")
    table = Table(title=title, caption=Text("n/a: undefined (no sentences, one annotator, or chance agreement of 1)"))
    table.add_column(Text("label"))
    table.add_column(Text("sentences"), justify="right")
    table.add_column(Text("observed"), justify="right")
    table.add_column(Text("Fleiss κ"), justify="right")
    table.add_column(Text("Krippendorff α"), justify="right")
    for a, b in combinations(names, 2):
        table.add_column(cell(f"κ {a}–{b}"), justify="right")
    for label, entry in report["labels"].items():
        cells = [cell(label), Text(str(entry["sentences"])), Text(_figure(entry["observed"])),
                 Text(_figure(entry["fleiss_kappa"])), Text(_figure(entry["krippendorff_alpha"]))]
        cells += [Text(f"{_figure(p['cohen_kappa'])} ({p['sentences']})") for p in entry["pairs"]]
        table.add_row(*cells)
    return table


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

        Console(highlight=False).print(render_table(report))
    return 1 if problems else 0
