"""``tagline suggest``: reads the options, calls :mod:`tagline.core.suggest`, prints."""

from __future__ import annotations
import sys
from tagline.core.suggest import SuggestError, for_scheme, load_pipeline, suggest_articles
from tagline.commands.output import cell, json_text, say

#: A transcript's table gives the article's id and the speaker's name at most this many columns (a
#: longer one wraps): the sentence keeps the room.
NAME_WIDTH = 12


def run(args, scheme) -> int:
    """``tagline suggest PATH... [--model NAME] [--format {table,jsonl}] [--transcript]
    [--order {reading,checkworthy}]``."""
    from tagline.core import articles

    transcript = getattr(args, "transcript", False)
    order = getattr(args, "order", "reading")

    def complain(message: str) -> None:
        say(f"{message}")

    try:
        nlp, _info = load_pipeline(args.model)
    except SuggestError as error:
        complain(str(error))
        return 1
    found, problems = articles.load(args.paths, articles.TRANSCRIPT_SUFFIXES if transcript else articles.SUFFIXES)
    if transcript:
        found, unnamed = _transcripts(found)
        problems.extend(unnamed)
    for problem in problems:
        complain(str(problem))
    if not found and not problems:  # an empty folder: exit 1 said why, as open and prepare say it
        wanted = ".txt, .md, .jsonl or .tsv transcripts" if transcript else ".txt, .md or .jsonl articles"
        complain(f"nothing to suggest for: no {wanted} found")
        return 1
    # A file read with a warning (undecodable bytes) is still suggested; anything else was left out.
    warnings = {(article.path, article.warning) for article in found if article.warning}
    left_out = any((problem.path, problem.reason) not in warnings for problem in problems)
    names = scheme.names
    table = None
    if args.format == "table":
        from rich.table import Table

        if transcript:
            # Six columns in 80: names and ids wrap at a few characters, and the check-worthiness
            # stands alone in place of the label scores (jsonl has them), so the sentence keeps
            # about a third of the width.
            table = Table(show_lines=False, expand=True)
            table.add_column("article", max_width=NAME_WIDTH, overflow="fold")
            table.add_column("#", justify="right", no_wrap=True)
            table.add_column("speaker", max_width=NAME_WIDTH, overflow="fold")
            table.add_column("sentence")
            table.add_column("labels", max_width=len("statistic") + 1)
            table.add_column("check", justify="right", no_wrap=True)
        else:
            table = Table("article", "#", "sentence", "labels", "scores", show_lines=False, expand=True)
    out = sys.stdout
    from tagline.core.nlp.streaming import MAX_SENTENCE_CHARS

    for article in found:  # read by no model, suggested nothing: said, not left to look like "none apply"
        long = [i for i, span in enumerate(article.sentences) if span.end - span.start > MAX_SENTENCE_CHARS]
        if long:
            complain(f"{article.path}: {len(long)} sentence{'' if len(long) == 1 else 's'} longer than "
                     f"{MAX_SENTENCE_CHARS:,} characters (sentence {long[0] + 1}) read by no model: nothing suggested")
    for article, results in zip(found, suggest_articles(nlp, found)):
        speakers = article.speakers if transcript else None
        rows = list(enumerate(zip(article.sentences, results)))
        if order == "checkworthy":  # the most check-worthy first; ties in reading order
            rows.sort(key=lambda row: -row[1][1]["checkworthy"])
        for index, (span, result) in rows:
            result = for_scheme(result, names)
            text = article.text[span.start : span.end]
            if table is None:
                row = {"article": article.id, "index": index, "start": span.start, "end": span.end}
                if speakers is not None:
                    row["speaker"] = speakers[index]
                row.update({
                    "text": text,
                    "labels": result["labels"],
                    "scores": result["scores"],
                    "reasons": result["reasons"],
                    "checkworthy": result["checkworthy"],
                })
                out.write(json_text(row) + "\n")
            else:
                table.add_row(*_table_row(article.id, index, text, result, speakers[index] if speakers is not None else ...))
    if table is not None and found:  # nothing read: the reasons above, and no empty table
        from rich.console import Console

        Console(file=out, highlight=False, markup=False, emoji=False).print(table)
    out.flush()
    return 1 if left_out or not found else 0


def _transcripts(found: list) -> tuple[list, list]:
    """The articles read as transcripts, and a problem for each that names no speaker (left out)."""
    from tagline.core.articles import JSONL_SUFFIXES, Problem
    from tagline.core.transcript import Transcript

    kept, problems = [], []
    for article in found:
        transcript = Transcript(article)
        if transcript.named:
            kept.append(transcript)
            continue
        where = f"{article.path} ({article.id})" if article.path.lower().endswith(JSONL_SUFFIXES) else article.path
        problems.append(Problem(where, "names no speaker (expected 'SPEAKER: text' paragraphs or "
                                       "'speaker<TAB>text' lines); left out"))
    return kept, problems


def _table_row(article_id: str, index: int, text: str, result: dict, speaker=...):
    from rich.text import Text

    labels = cell(", ".join(result["labels"]) or "-")
    if speaker is not ...:  # a transcript: its speaker ("-": none named), the check-worthiness alone
        check = Text(f"{result['checkworthy']:.2f}")
        return cell(article_id), cell(index), cell(speaker or "-"), cell(text), labels, check
    scores = Text(" ".join(f"{name[:1]}={score:.2f}" for name, score in result["scores"].items()) + f" check={result['checkworthy']:.2f}")
    return cell(article_id), cell(index), cell(text), labels, scores
