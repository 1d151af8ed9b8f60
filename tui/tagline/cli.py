"""The command line: ``tagline [open|review|export|agree|suggest|stats|prepare|import|train] …``.

Parsing only; each command lives in :mod:`tagline.commands` (or the app, for those that open screens).
Exit status: 0 success, 2 usage error, 1 any other failure, with a one-line reason on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXPORT_FORMATS = ("yaml", "jsonl", "prodigy", "doccano", "csv", "spacy", "brat")


class Failure(Exception):
    """A failure to report in one line with exit status 1."""


class Usage(Exception):
    """A usage error to report in one line with exit status 2."""


def checked_annotator(name: str, source: str, hint: str = "") -> str:
    """``name`` when it can be an annotator's folder name as it is; else a :class:`Usage` error naming
    where it came from (``--annotator``, ``$TAGLINE_ANNOTATOR``, …)."""
    from tagline.core.store import annotator_problem

    problem = annotator_problem(name)
    if problem:
        raise Usage(f"{source} {name!r}: {problem}{hint}")
    return name


def default_annotator() -> str:
    name = os.environ.get("TAGLINE_ANNOTATOR")
    if name:
        return checked_annotator(name, "$TAGLINE_ANNOTATOR")
    import getpass  # here: not needed when the name is given

    try:
        login = getpass.getuser()
    except Exception:  # no login name (containers): still a usable folder
        return "anonymous"
    return checked_annotator(login, "the login name", " (give one with --annotator NAME or $TAGLINE_ANNOTATOR)")


def annotator_option(value: str | None, option: str = "--annotator") -> str:
    """The annotator an option names (an empty one is refused, not replaced), else the default."""
    return default_annotator() if value is None else checked_annotator(value, option)


def bundled(folder: str) -> Path:
    """A folder shipped with tagline (``seeds``, ``themes``): inside the installed package, read
    through :mod:`importlib.resources`, else at the top of the source tree (an editable install)."""
    from importlib.resources import files

    packaged = Path(str(files("tagline") / "_bundled" / folder))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / folder


def default_paths() -> list[str]:
    return ["seeds"] if Path("seeds").is_dir() else [str(bundled("seeds"))]


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors are one line (the contract: a one-line reason on
    standard error, exit status 2), naming the command and where its help is, instead of the whole
    usage block; and which quote the arguments as visible characters: "unrecognized arguments"
    printed them as they were, and a shell glob puts file names (an escape sequence in one) among
    them. Subcommands' parsers are of the same class."""

    def error(self, message: str):
        from tagline.core.sanitize import one_line

        self.exit(2, f"{self.prog}: {one_line(message, 400)} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tagline", description="Read news text sentence by sentence and tag claims, quotes and statistics.")
    from tagline import __version__

    parser.add_argument("--version", action="version", version=f"tagline {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def annotations(p):
        p.add_argument("--annotations", default="annotations", metavar="DIR", help="annotation folder (default: ./annotations)")

    def annotators(p):
        p.add_argument("--annotators", metavar="A,B", help="only these annotators (comma separated)")

    def labels(p):
        p.add_argument("--labels", default=None, metavar="FILE", help="label scheme (default: ./tagline.yaml or claim/quote/statistic)")

    p = commands.add_parser("open", help="annotate articles (the default command)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="article files or folders (default: ./seeds or the bundled samples)")
    annotations(p)
    p.add_argument("--annotator", default=None, help="your name (default: $TAGLINE_ANNOTATOR, then the login name)")
    p.add_argument("--model", default="en_core_web_sm", help="spaCy pipeline for entities, or 'none'")
    p.add_argument("--theme", default=None, help="theme name (see themes/)")
    labels(p)

    p = commands.add_parser("review", help="adjudicate disagreements between annotators")
    p.add_argument("paths", nargs="*", metavar="PATH", help="only these articles (files, folders or article ids; default: all)")
    annotations(p)
    annotators(p)
    p.add_argument("--reviewer", default=None, help="the reviewer's name (default: as --annotator)")
    p.add_argument("--filter", default="disagreements", choices=("disagreements", "unanimous", "flagged", "notes", "all"),
                   help="which sentences to step through (unanimous: those settled by agreement)")
    p.add_argument("--unfinished", action="store_true",
                   help="also sentences some annotator of the article has not finished (by default they wait)")
    labels(p)
    p.add_argument("--theme", default=None, help="theme name (see themes/)")

    p = commands.add_parser("export", help="export annotations for training")
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS, help="the training format (see docs/guide/export.md)")
    annotations(p)
    annotators(p)
    p.add_argument("--out", default=None, metavar="PATH", help="output file or folder (default: standard output where the format allows)")
    p.add_argument("--split", type=float, default=None, metavar="DEV", help="fraction of articles for a dev set, e.g. 0.2")
    p.add_argument("--seed", type=int, default=0, help="seed for --split")
    p.add_argument("--merge", default=None, choices=("reviewed", "unanimous", "majority", "each"),
                   help="how several annotators' answers become rows (default: reviewed; see docs/guide/export.md)")
    p.add_argument("--keep-duplicates", action="store_true", help="keep rows whose text and labels repeat")
    p.add_argument("--no-reviewed", action="store_true", help="ignore reviewers' decisions: the same as --merge unanimous")
    labels(p)

    p = commands.add_parser("import", help="read Prodigy or doccano JSONL back into annotation files")
    p.add_argument("file", metavar="FILE", help="the JSONL file to read (an export of Prodigy, doccano or tagline)")
    p.add_argument("--format", required=True, choices=("prodigy", "doccano", "jsonl"), help="the format FILE is in")
    annotations(p)
    p.add_argument("--annotator", default=None, help="whose files to write (default: as for open)")
    p.add_argument("--articles", nargs="+", action="extend", default=[], metavar="PATH",
                   help="the articles the rows come from (files or folders), so each file lists every sentence")
    labels(p)

    p = commands.add_parser("agree", help="inter-annotator agreement")
    annotations(p)
    annotators(p)
    p.add_argument("--format", default="table", choices=("table", "json"), help="a table (default) or JSON")
    p.add_argument("--pairs", action="store_true",
                   help="list every pair of annotators (by default, beyond 10 annotators, a summary of the pairs)")
    labels(p)

    p = commands.add_parser("suggest", help="pre-annotate without the UI")
    p.add_argument("paths", nargs="+", metavar="PATH", help="article files or folders")
    p.add_argument("--model", default="en_core_web_sm", help="spaCy pipeline that parses the sentences")
    p.add_argument("--format", default="table", choices=("table", "jsonl"), help="a table (default) or JSON lines")
    labels(p)
    p.add_argument("--transcript", action="store_true",
                   help="the files are transcripts that name their speakers ('SPEAKER: text' paragraphs, or "
                        "'speaker<TAB>text' lines, .tsv files too): each sentence gets its speaker, and the "
                        "lines of those who ask rank last")
    p.add_argument("--order", default="reading", choices=("reading", "checkworthy"),
                   help="rows in reading order (default), or the most check-worthy first within each article")

    p = commands.add_parser("stats", help="progress and label counts per annotator")
    annotations(p)
    labels(p)

    p = commands.add_parser("status", help="who has done what, per annotator and article; writes nothing")
    p.add_argument("paths", nargs="*", metavar="PATH", help="the corpus the team is routed over (default: as for open)")
    annotations(p)
    p.add_argument("--format", default="table", choices=("table", "json"), help="a table (default) or JSON")
    labels(p)

    p = commands.add_parser("serve", help="serve the reader to web browsers, one process per visitor")
    p.add_argument("paths", nargs="*", metavar="PATH", help="article files or folders (default: as for open)")
    annotations(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=_port, default=8000, help="port (default: 8000)")
    p.add_argument("--model", default="en_core_web_sm", help="spaCy pipeline for entities, or 'none'")
    labels(p)
    p.add_argument("--theme", default=None, help="theme name (see themes/)")
    p.add_argument("--add-annotator", default=None, metavar="NAME", help="give NAME a login link (printed once) and exit")
    p.add_argument("--url", default=None, metavar="URL", help="the address browsers use, if not http://HOST:PORT (a proxy, a DNS name)")
    p.add_argument("--no-auth", action="store_true", help="no login; everyone is you (only with a loopback --host)")

    p = commands.add_parser("train", help="train a sentence classifier on the annotations, for suggestions")
    annotations(p)
    annotators(p)
    labels(p)
    p.add_argument("--out", default=None, metavar="DIR", help="where to save the model (default: <annotations>/.model)")

    p = commands.add_parser("prepare", help="parse and cache articles ahead of time")
    p.add_argument("paths", nargs="+", metavar="PATH", help="article files or folders")
    p.add_argument("--model", default="en_core_web_sm", help="spaCy pipeline to parse with")
    p.add_argument("--jobs", type=int, default=0, help="processes (default: all cores; not with --scheduler)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="parse on the Dask cluster of this scheduler (pip install 'tagline[dask]')")
    p.add_argument("--annotations", default=None, metavar="DIR",
                   help="fill the team's project cache in DIR/.cache with entities and suggestions "
                        "(default when tagline.yaml has a team: ./annotations)")
    p.add_argument("--labels", default=None, metavar="FILE", help="label scheme the suggestions are for")
    return parser


def _port(text: str) -> int:
    """A TCP port, 0 to 65535 (0: any free one): argparse's usage error otherwise, where ``bind``
    raised an OverflowError with a traceback."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is not between 0 and 65535")
    return port


def _near_command(word: str, names) -> str | None:
    """The command ``word`` looks like a slip for (``stat``, ``exprot``), when it is no file or
    folder either and has no suffix or folder in it: else it is opened as an article path."""
    import difflib

    if not word or word.startswith("-") or "." in word or "/" in word or os.path.lexists(word):
        return None
    return next(iter(difflib.get_close_matches(word, list(names), n=1, cutoff=0.75)), None)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    names = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    if not argv or (argv[0] not in names and argv[0] not in ("-h", "--help", "--version")):
        near = _near_command(argv[0], names) if argv else None
        if near:
            from tagline.commands.output import say

            say(f"'{argv[0]}' is no command, file or folder: did you mean `tagline {near}`? (see tagline --help)")
            return 2
        argv = ["open", *argv]
    args, extra = parser.parse_known_args(argv)
    if extra:  # said by the command's own parser, which names the command (not "tagline")
        chosen = parser._subparsers._group_actions[0].choices.get(args.command, parser)  # type: ignore[union-attr]
        chosen.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return int(_dispatch(args) or 0)
    except Failure as failure:
        from tagline.commands.output import say

        say(failure)
        return 1
    except Usage as usage:
        from tagline.commands.output import say

        say(usage)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _scheme(args):
    from tagline.core.labels import LabelSchemeError, load_scheme

    try:
        return load_scheme(getattr(args, "labels", None))
    except LabelSchemeError as error:
        raise Failure(str(error)) from None


def _team():
    """The ``team:`` section of ./tagline.yaml, or None."""
    from tagline.core.team import TeamError, load_team

    try:
        return load_team()
    except TeamError as error:
        raise Failure(str(error)) from None


def _queue_team():
    """The team, for a command given no PATH: its queue is routed over ./seeds, so without that
    folder every annotator would be routed over the bundled sample instead (a queue of one article
    that is no part of the corpus) and status would count that one article."""
    team = _team()
    if team is not None and not Path("seeds").is_dir():
        raise Failure(f"{team.source}: the team's queues are routed over the articles in ./seeds, and there is "
                      "no seeds/ folder here: put the team's articles in seeds/")
    return team


def _reviewers() -> tuple[str, ...]:
    """Who may decide, when the team names reviewers; () for anyone (no team, or none named)."""
    team = _team()
    return team.reviewers if team is not None else ()


def _corpus_ids(paths, problems: list | None = None) -> list[str]:
    """The ids of the articles under ``paths``, listed without reading them; what could not be
    listed goes to ``problems``."""
    from tagline.core.articles import list_ids

    return list_ids(paths, problems)


def _annotators(args) -> list[str] | None:
    raw = getattr(args, "annotators", None)
    return [a.strip() for a in raw.split(",") if a.strip()] if raw else None


def _dispatch(args) -> int:
    command = args.command
    if command == "open":
        from tagline.app.launch import run_reader

        return run_reader(
            paths=args.paths or default_paths(),
            annotations=args.annotations,
            annotator=annotator_option(args.annotator),
            model=args.model,
            theme=args.theme,
            scheme=_scheme(args),
            team=None if args.paths else _queue_team(),  # no PATH and a team: the annotator's queue
        )
    if command == "review":
        from tagline.app.launch import run_review

        return run_review(
            paths=args.paths,
            annotations=args.annotations,
            annotators=_annotators(args),
            reviewer=annotator_option(args.reviewer, "--reviewer"),
            filter=args.filter,
            theme=args.theme,
            scheme=_scheme(args),
            team=_team(),
            unfinished=args.unfinished,
        )
    if command == "export":
        from tagline.commands import export

        return export.run(args, _scheme(args), _annotators(args), _reviewers())
    if command == "import":
        from tagline.commands import import_

        return import_.run(args, _scheme(args), annotator_option(args.annotator))
    if command == "agree":
        from tagline.commands import agree

        return agree.run(args, _scheme(args), _annotators(args), _reviewers())
    if command == "stats":
        from tagline.commands import stats

        return stats.run(args, _scheme(args), _reviewers())
    if command == "status":
        from tagline.commands import status

        unlisted: list = []
        team = _team() if args.paths else _queue_team()
        # With no PATH, the corpus is ./seeds; the bundled sample is no project's corpus, and its
        # one article was counted "not started" in a folder whose annotators had never seen it.
        paths = args.paths or (["seeds"] if Path("seeds").is_dir() else [])
        ids = _corpus_ids(paths, unlisted) if paths else None
        return status.run(args, _scheme(args), team, ids, unlisted)
    if command == "suggest":
        from tagline.commands import suggest

        return suggest.run(args, _scheme(args))
    if command == "serve":
        from tagline.app import serve

        # No PATH: each visitor's tagline open gets none either, so a team's annotator gets their queue.
        args.named_paths = list(args.paths)
        args.paths = args.paths or default_paths()
        return serve.run(args, _scheme(args))
    if command == "train":
        from tagline.commands import train

        return train.run(args, _scheme(args), _annotators(args), _reviewers())
    if command == "prepare":
        from tagline.commands import prepare

        return prepare.run(args)
    raise Failure(f"unknown command {command}")
