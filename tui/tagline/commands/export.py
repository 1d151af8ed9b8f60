"""``tagline export``: reads the options, merges with :func:`tagline.core.corpus.merge`, writes with
:mod:`tagline.core.exporting`, and says on stderr what was left out and why."""

from __future__ import annotations

from tagline.core import corpus, safefile, wording
from tagline.core.labels import LabelScheme
from tagline.core.exporting import ExportError, Staging, destinations, split_by_article, write
from tagline.commands.output import no_annotations_folder, say

#: What to do about each reason a row is left out, when there is something to do.
REMEDIES = {corpus.DISPUTED: "settle them with tagline review", corpus.TIE: "settle them with tagline review"}


def policy_of(args) -> str:
    """``--merge``, with the older ``--no-reviewed`` as ``--merge unanimous``; ExportError on a clash."""
    policy = getattr(args, "merge", None)
    if getattr(args, "no_reviewed", False):
        if policy not in (None, "unanimous"):
            raise ExportError(f"--no-reviewed is --merge unanimous; it cannot go with --merge {policy}")
        return "unanimous"
    return policy or "reviewed"


def summary(result: corpus.Merge, problems: int = 0) -> str:
    """One line: what went in, what came out and how it was decided, what was left out and why.
    Rows out always equal rows in minus the counts after "left out". ``problems``: how many files
    (or folders) were left out or read with a caveat before the merge (said above the line): never
    "nothing left out" then, since a refused file's answers are in no count here."""
    unit = "answer" if result.policy == "each" else "sentence"
    line = f"--merge {result.policy}: {wording.count(result.rows_in, unit)} in"
    if result.policy == "each":
        line += f" (on {wording.count(result.sentences_in, 'sentence')})"
    outcomes = ", ".join(f"{kind} {n}" for kind, n in result.outcomes.items())
    line += f"; {wording.count(len(result.examples), 'row')} out" + (f" ({outcomes})" if outcomes else "")
    if result.left_out:
        parts = []
        for reason, n in result.left_out.items():
            remedy = REMEDIES.get(reason)
            parts.append(f"{n} {reason}" + (f" ({remedy})" if remedy else ""))
        line += "; left out: " + ", ".join(parts)
    elif not problems:
        line += "; nothing left out"
    if problems:
        line += f"; and {wording.count(problems, 'problem')} with the annotation files said above (their answers are in no count here)"
    if result.overruled:
        n = result.overruled
        line += (f"; {wording.count(n, 'sentence')} decided differently by two reviewers: the later decision "
                 "is used (the row's review names it)")
    if result.decisions_unused:
        n = result.decisions_unused
        line += f"; {wording.count(n, 'reviewer decision')} not used by --merge {result.policy}"
    return line


def run(args, scheme: LabelScheme, annotators: list[str] | None, reviewers: tuple[str, ...] = ()) -> int:
    fmt = args.format
    split = getattr(args, "split", None)
    try:
        policy = policy_of(args)
        if split is not None and not 0 < split < 1:
            raise ExportError(f"--split {split}: give the dev fraction, between 0 and 1 (e.g. 0.2)")
        targets = destinations(fmt, getattr(args, "out", None), split is not None)
    except ExportError as error:
        say(f"{error}")
        return 2
    for path in targets.values():  # before anything is read: as a folder that cannot be written
        if path is not None and (why := safefile.broken_link(path)):
            say(why)
            return 1
    if no_annotations_folder(args.annotations):
        return 1
    merged = corpus.load(args.annotations, scheme, annotators, reviewers)
    problems = list(merged.problems)
    present = {f.annotator for f in merged.files} | {f.path.parent.name for f in merged.files}
    problems += [corpus.Problem(str(args.annotations), f"no annotations by '{name}'") for name in annotators or [] if name not in present]
    for problem in problems:
        say(f"{problem}")
    result = corpus.merge(merged, policy, keep_duplicates=getattr(args, "keep_duplicates", False), scheme=scheme)
    chosen = result.examples
    files = [path for path in targets.values() if path is not None]
    if not chosen and problems and files:  # a read that failed never replaces an earlier export
        say(summary(result, len(problems)))
        say(f"nothing to export while files could not be read: {', '.join(map(str, files))} left as "
            + ("it was" if len(files) == 1 else "they were"))
        return 1
    if split is not None:
        train, dev = split_by_article(chosen, split, getattr(args, "seed", 0))
        parts = {"train": train, "dev": dev}
    else:
        parts = {"all": chosen}
    written = []
    entities_left_out = 0
    staging = Staging()  # every part whole, or none: what was at --out stays as it was
    path = None
    try:
        for part, examples in parts.items():
            path = targets[part]
            entities_left_out += write(fmt, examples, merged, scheme, staging.place(fmt, path))
            articles = len({e.article for e in examples})
            where = f" to {path}" if path is not None else ""
            label = "" if part == "all" else f"{part}: "
            written.append(f"{label}{wording.count(len(examples), 'sentence')} from {wording.count(articles, 'article')}{where}")
        path = args.out if len(parts) > 1 else path
        staging.publish()
    except OSError as error:
        staging.discard()
        say(f"{path if path is not None else 'standard output'}: cannot write ({error.strerror or error})")
        return 1
    say(summary(result, len(problems)))
    if entities_left_out:
        n = entities_left_out
        say(f"{n} entit{'y' if n == 1 else 'ies'} left out of the spaCy file: a Doc's entities cannot overlap, and each of these overlaps one that was kept")
    if any(path is not None for path in targets.values()):
        say("exported " + "; ".join(written))
    return 1 if problems else 0
