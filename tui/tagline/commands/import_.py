"""``tagline import``: reads the options, calls :mod:`tagline.core.importing`, prints."""

from __future__ import annotations
from pathlib import Path
from tagline.core import annofile, corpus, safefile, schema, wording
from tagline.core.labels import LabelScheme
from tagline.core.store import annotator_problem, keep_to_owner, not_yours, safe_name
from tagline.core.importing import ArticleFinder, Row, RowError, align, build, dedupe, foreign_decisions, place, read_rows
from tagline.commands.output import say


def run(args, scheme: LabelScheme, annotator: str) -> int:
    source = Path(args.file)
    root = Path(args.annotations)
    if (why := safefile.broken_link(root, "--annotations")) is not None:  # was "cannot be written (File exists)" per file
        say(why)
        return 1
    problems: list[corpus.Problem] = []
    skipped: dict[str, int] = {}
    rows = read_rows(source, args.format, scheme, problems, skipped)
    explicit = getattr(args, "annotator", None)
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        if not explicit and row.annotator_problem:  # never attributed to the default annotator instead
            problems.append(corpus.Problem(row.where, f"{row.annotator_problem}; row left out (--annotator NAME takes every row)"))
            continue
        if not explicit and row.annotator is not None and annotator_problem(row.annotator):
            # its folder would be a cleaned copy of the name (../x -> _x) while the file says ../x
            problems.append(corpus.Problem(row.where, f"annotator {row.annotator!r}: {annotator_problem(row.annotator)}; "
                                                      "row left out (--annotator NAME takes every row)"))
            continue
        who = explicit or row.annotator or annotator
        groups.setdefault((who, row.article or source.stem), []).append(row)
    finder = ArticleFinder(getattr(args, "articles", None) or [])
    problems.extend(corpus.Problem(p.path, p.reason) for p in finder.problems)
    written = sentences = 0
    unfound: list[str] = []
    decisions_left = 0
    parts: dict[tuple[str, str, bool], list[Row]] = {}
    for (who, article), members in groups.items():
        decisions_left += foreign_decisions(members, who)
        for row in members:  # a decision goes to the reviewer's decisions file, apart from their answers
            parts.setdefault((who, article, isinstance(row.extra.get("review"), dict)), []).append(row)
    for (who, article, decided), members in parts.items():
        owner_folder = root / safe_name(who)
        folder = owner_folder / (schema.DECISIONS_FOLDER if decided else "")
        path = folder / f"{article}{schema.ANNOTATION_SUFFIX}"
        # As the app: in a shared annotations folder, only the login's own folder is made or written
        # (import had made a colleague's, who then found it read-only, theirs taken).
        refused = not_yours(owner_folder, who) or (not_yours(folder, who) if folder != owner_folder else None)
        if refused:
            problems.append(corpus.Problem(str(source), f"{refused.removesuffix('; read-only here')}; "
                                                        f"article '{article}' not imported for {who}"))
            continue
        text = finder.find(article, members)
        if text is not None:
            placed = dedupe(sorted(align(members, text, problems), key=lambda r: (r.start, r.end)), problems)
        else:
            placed = dedupe(place(members), problems)
            if article not in unfound:
                unfound.append(article)
        existing = None
        if path.exists():
            try:
                existing = annofile.read(path)
            except annofile.AnnotationFileError as error:
                problems.append(corpus.Problem(error.path, f"{error.reason}; not updated"))
                continue
        try:
            document = build(existing, article, who, placed, scheme, path, text)
        except RowError as error:
            problems.append(corpus.Problem(str(source), f"{error}; article '{article}' not imported"))
            continue
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for mine in {owner_folder, folder}:
                keep_to_owner(mine)
            annofile.atomic_write(path, annofile.dumps(document))
        except OSError as error:
            problems.append(corpus.Problem(str(path), f"cannot be written ({error.strerror or error})"))
            continue
        written += 1
        sentences += len(placed)
    for problem in problems:
        say(f"{problem}")
    if unfound:
        say(f"{wording.count(len(unfound), 'article')} not found ({wording.first_few(unfound)}): their files list only "
            "the imported sentences, so progress counts no others; give the articles with --articles PATH")
    if decisions_left:
        say(f"{decisions_left} reviewer decision{'s' if decisions_left != 1 else ''} not imported: a decision goes only "
            "into its reviewer's own folder (import under the reviewer's name to keep it)")
    if skipped:
        count = sum(skipped.values())
        say(f"{count} row{'s' if count != 1 else ''} answered reject or ignore left out "
            f"({', '.join(f'{n} {answer}' for answer, n in skipped.items())}): not annotations")
    if written or not problems:  # nothing read and a reason said: that one line is the answer
        say(f"imported {sentences} sentences into {written} annotation files under {root}")
    return 1 if problems else 0
