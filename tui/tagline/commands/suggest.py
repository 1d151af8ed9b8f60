"""``tagline suggest``: reads the options, calls :mod:`tagline.core.suggest`, prints."""

from __future__ import annotations
import sys
from tagline.core.suggest import SuggestError, for_scheme, load_pipeline, suggest_articles
from tagline.commands.output import cell, json_text, say


def run(args, scheme) -> int:
    """``tagline suggest PATH... [--model NAME] [--format {table,jsonl}]``."""
    from tagline.core import articles

    def complain(message: str) -> None:
        say(f"{message}")

    try:
        nlp, _info = load_pipeline(args.model)
    except SuggestError as error:
        complain(str(error))
        return 1
    found, problems = articles.load(args.paths)
    for problem in problems:
        complain(str(problem))
    # A file read with a warning (undecodable bytes) is still suggested; anything else was left out.
    warnings = {(article.path, article.warning) for article in found if article.warning}
    left_out = any((problem.path, problem.reason) not in warnings for problem in problems)
    names = scheme.names
    table = None
    if args.format == "table":
        from rich.table import Table

        table = Table("article", "#", "sentence", "labels", "scores", show_lines=False, expand=True)
    out = sys.stdout
    for article, results in zip(found, suggest_articles(nlp, found)):
        for index, (span, result) in enumerate(zip(article.sentences, results)):
            result = for_scheme(result, names)
            text = article.text[span.start : span.end]
            if table is None:
                row = {
                    "article": article.id,
                    "index": index,
                    "start": span.start,
                    "end": span.end,
                    "text": text,
                    "labels": result["labels"],
                    "scores": result["scores"],
                    "reasons": result["reasons"],
                    "checkworthy": result["checkworthy"],
                }
                out.write(json_text(row) + "\n")
            else:
                table.add_row(*_table_row(article.id, index, text, result))
    if table is not None:
        from rich.console import Console

        Console(file=out, highlight=False, markup=False, emoji=False).print(table)
    out.flush()
    return 1 if left_out or not found else 0


def _table_row(article_id: str, index: int, text: str, result: dict):
    from rich.text import Text

    labels = cell(", ".join(result["labels"]) or "-")
    scores = Text(" ".join(f"{name[:1]}={score:.2f}" for name, score in result["scores"].items()) + f" check={result['checkworthy']:.2f}")
    return cell(article_id), cell(index), cell(text), labels, scores
