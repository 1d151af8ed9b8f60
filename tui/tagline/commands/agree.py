"""``tagline agree``: reads the options, calls :mod:`tagline.core.agreement`, prints."""

from __future__ import annotations
import sys
from tagline.core import corpus
from tagline.core.labels import LabelScheme
from tagline.core.agreement import PAIRS_LISTED, compute
from tagline.commands.output import cell, json_text, no_annotations_folder, safe, say

_NA = ("n/a: undefined (no sentences, one annotator, or chance agreement of 1); α is over every sentence two "
       "or more finished (their number in brackets when more)")


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _alpha(entry: dict) -> str:
    """Alpha, and the sentences it is over when they are more than those done by all (it takes every
    sentence two or more finished)."""
    more = entry.get("alpha_sentences", entry["sentences"])
    figure = _figure(entry["krippendorff_alpha"])
    return figure if more == entry["sentences"] or entry["krippendorff_alpha"] is None else f"{figure} ({more})"


def render_table(report: dict, width: int = 80) -> list:
    """What to print, in order (rich tables, and plain text): the team's figures, with a column per
    pair of annotators while there are few pairs; beyond :data:`PAIRS_LISTED` pairs, a summary of
    the pairs instead, and every pair a line when they were asked for."""
    from rich.text import Text

    from tagline.commands.tables import fitted

    names = report["annotators"]
    entries = report["labels"]
    summary = next(iter(entries.values()))["pair_summary"]
    headings = ["label", "sentences", "observed", "Fleiss κ", "Krippendorff α"]
    rows = [[label, e["sentences"], _figure(e["observed"]), _figure(e["fleiss_kappa"]), _alpha(e)] for label, e in entries.items()]
    if summary["pairs"] <= PAIRS_LISTED and all("pairs" in e for e in entries.values()):
        title = cell(f"Agreement of {', '.join(names) or 'nobody'}: {report['sentences']} sentences done by all")
        headings += [f"κ {p['annotators'][0]}–{p['annotators'][1]}" for p in next(iter(entries.values()))["pairs"]]
        for row, entry in zip(rows, entries.values()):
            row += [f"{_figure(p['cohen_kappa'])} ({p['sentences']})" for p in entry["pairs"]]
        return [fitted(headings, rows, width, title=title, caption=Text(_NA))]
    title = cell(f"Agreement of {len(names):,} annotators: {report['sentences']} sentences done by all")
    tables = [fitted(headings, rows, width, title=title, caption=Text(_NA))]
    pair_headings = ["label", "κ min", "median", "max", "lowest pair", "lowest mean κ"]
    pair_rows = []
    for label, entry in entries.items():
        s = entry["pair_summary"]
        kappa, lowest = s["cohen_kappa"], s["lowest"]
        means = {name: k for name, k in s["mean_kappa_by_annotator"].items() if k is not None}
        farthest = min(means, key=lambda name: (means[name], name), default=None)
        pair_rows.append([
            label, _figure(kappa["min"]), _figure(kappa["median"]), _figure(kappa["max"]),
            "n/a" if lowest is None else f"{'–'.join(lowest['annotators'])} {_figure(lowest['cohen_kappa'])}",
            "n/a" if farthest is None else f"{farthest} {_figure(means[farthest])}",
        ])
    listed = all("pairs" in e for e in entries.values())
    tables.append(fitted(
        pair_headings, pair_rows, width,
        title=cell(f"Cohen's κ of the {summary['pairs']:,} pairs of annotators"),
        caption=Text("lowest mean κ: who agrees least with the rest"
                     + ("" if listed else "; --pairs lists every pair")),
    ))
    if listed:
        tables.append(_pairs_listing(entries))
    return tables


def _pairs_listing(entries: dict) -> str:
    """One line per pair of annotators, a column per label: κ (sentences both finished). Plain
    aligned text, not a rich table: 300 annotators make 44,850 lines, which rich takes a minute to
    lay out."""
    from rich.cells import cell_len

    columns = [entry["pairs"] for entry in entries.values()]
    rows = [[safe(f"{a}–{b}")] + [f"{_figure(p['cohen_kappa'])} ({p['sentences']})" for p in figures]
            for figures in zip(*columns) for a, b in [figures[0]["annotators"]]]
    headings = ["annotators", *(safe(label) for label in entries)]
    widths = [max([cell_len(h)] + [cell_len(r[i]) for r in rows]) for i, h in enumerate(headings)]

    def line(values: list[str]) -> str:
        first = values[0] + " " * (widths[0] - cell_len(values[0]))
        rest = (" " * (w - cell_len(v)) + v for v, w in zip(values[1:], widths[1:]))
        return "  ".join([first, *rest]).rstrip()

    out = ["Cohen's κ per pair of annotators (sentences both finished)", line(headings)]
    out += [line(row) for row in rows]
    return "\n".join(out) + "\n"


def run(args, scheme: LabelScheme, annotators: list[str] | None, reviewers: tuple[str, ...] = ()) -> int:
    if no_annotations_folder(args.annotations):
        return 1
    merged = corpus.load(args.annotations, scheme, annotators, reviewers)
    problems = list(merged.problems)
    present = set(merged.annotators)
    for name in annotators or []:
        if name not in present:
            problems.append(corpus.Problem(str(args.annotations), f"no annotations by '{name}'"))
    for problem in problems:
        say(f"{problem}")
    selected = [name for name in annotators if name in present] if annotators else None
    report = compute(merged, scheme, selected, pairs=True if getattr(args, "pairs", False) else None)
    if getattr(args, "format", "table") == "json":
        sys.stdout.write(json_text(report, indent=2) + "\n")
    else:
        from rich.console import Console

        console = Console(highlight=False)
        for table in render_table(report, console.width):
            if isinstance(table, str):
                sys.stdout.write(table)
            else:
                console.print(table)
    return 1 if problems else 0
