"""``tagline prepare``: reads the options, calls :mod:`tagline.core.prepare`, prints."""

from __future__ import annotations

import contextlib
import time
from concurrent.futures.process import BrokenProcessPool
from tagline.core import nlp
from tagline.core.team import TeamError
from tagline.core.prepare import Summary, UsageError, options, corpus_duplicates, load, make_plan, parse
from tagline.commands.output import safe, say


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP (a dropped SSH link), taken as ctrl+c is: the pool and its workers are
    stopped, what is cached stays cached, and the exit status is 128 + the signal's number. Left to
    the signals' default, the process died at once and its forkserver, resource tracker and workers
    ran on for good under init."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.status = 128 + signum


def _stop(signum, frame) -> None:
    raise Stopped(signum)


def run(args) -> int:
    import signal

    taken = {}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        try:
            taken[signum] = signal.signal(signum, _stop)
        except (ValueError, OSError):  # not the main thread
            pass
    try:
        return _options_then_run(args)
    except Stopped as stop:  # before the work began, or after it ended
        return stop.status
    finally:
        for signum, handler in taken.items():
            signal.signal(signum, handler)


def _options_then_run(args) -> int:
    started = time.perf_counter()
    try:
        model, jobs = options(args.model, args.jobs)
    except UsageError as error:
        say(f"{error}", prefix="tagline prepare")
        return 2
    except nlp.ModelError as error:
        say(f"{str(error).split(';')[0]}; nothing prepared")
        return 1
    if getattr(args, "scheduler", None) is not None and not args.scheduler.strip():
        say("--scheduler needs the scheduler's address (tcp://HOST:PORT)", prefix="tagline prepare")
        return 2  # an empty one had quietly parsed here
    with contextlib.ExitStack() as stack:
        session = None
        if getattr(args, "scheduler", None):
            from tagline.core import cluster  # only here: without --scheduler, no Dask at all

            try:
                # Connected first, so the workers load the model while the articles are read.
                session = stack.enter_context(cluster.Session(args.scheduler, model))
            except cluster.ClusterError as error:
                say(f"{error}", prefix="tagline prepare")
                return error.status
        return _run(args, model, jobs, session, started)


def _run(args, model, jobs, session, started) -> int:
    found, problems, notes = load(args.paths)
    failed = bool(problems)
    for message in problems + notes:
        say(f"{message}")
    if not found:  # said above when a path was the reason; never followed by "prepared 0 articles"
        if not problems:
            say("nothing to prepare: no .txt, .md or .jsonl articles found")
        return 1
    try:
        project = project_folder(args)
    except TeamError as error:  # prepared into the user's own cache, the team would have none
        say(f"{error}; nothing prepared")
        return 1
    if project is not None:
        for line in nobody_lines(project, found):
            say(line)
    cache = nlp.ParseCache(nlp.project_cache_dir(project), publishing=True) if project else nlp.ParseCache()
    plan = make_plan(found, model, cache)
    if cache.error:
        say(f"{cache.error.split(';')[0]}; nothing prepared")
        return 1
    report = None
    if project is not None and session is None:
        return _prepare_project(args, found, model, cache, jobs, project, plan, started, failed)
    try:
        if session is not None:
            from tagline.core import cluster

            try:
                report = session.parse(plan, cache)
            except cluster.ClusterError as error:
                done = len(cache.get_many(list(plan.todo)))
                after = f"; {done} of {len(plan.todo)} paragraphs cached" if error.status != 2 else ""
                say(f"{error}{after}", prefix="tagline prepare")
                return error.status
            written = report.written
        else:
            written = parse(plan, model, cache, jobs)
    except KeyboardInterrupt as stop:
        done = len(cache.get_many(list(plan.todo)))
        say(f"interrupted; {done} of {len(plan.todo)} paragraphs cached, run again to go on")
        return getattr(stop, "status", 130)
    except (nlp.ModelError, BrokenProcessPool) as error:
        done = len(cache.get_many(list(plan.todo)))
        reason = str(error) if isinstance(error, nlp.ModelError) else "a worker process died (out of memory?)"
        say(f"{reason}; {done} of {len(plan.todo)} paragraphs cached")
        return 1
    missing = len(plan.todo) - written
    if missing:
        say(f"{missing} paragraphs could not be written to the parse cache in {cache.folder}")
        failed = True
    failed = _said_after_parsing(plan, cache) or failed
    repeated = corpus_duplicates(found, cache)
    summary = Summary(plan.articles, written, plan.skipped, time.perf_counter() - started)
    print(safe(summary.line()))
    if report is not None:
        print(safe(report.line()))
    if repeated:
        print(f"{repeated} sentences repeat a sentence of another article (marked when those articles open)")
    if project is not None:
        cache.publish()
    return 1 if failed else 0


def project_folder(args):
    """The annotation folder whose project cache ``prepare`` fills: ``--annotations DIR``, or
    ``./annotations`` when ``tagline.yaml`` has a team; else None (the user's own cache).
    :class:`TeamError` for a team section that cannot be used."""
    from pathlib import Path

    if getattr(args, "annotations", None):
        return Path(args.annotations)
    from tagline.core.team import load_team

    return Path("annotations") if load_team() is not None else None


def nobody_lines(project, found) -> list[str]:
    """A line for each name of the team nobody can log in as yet, with how many of the articles
    being prepared are routed to them: said, never refused (the account may come later)."""
    from tagline.core.team import Plan, TeamError, load_team, no_login_line, nobody_logs_in_as

    try:
        team = load_team()
    except TeamError:  # said where the team is needed; preparing the cache does not need it
        return []
    if team is None:
        return []
    unread: list[str] = []  # tagline serve's login links, another user's file
    unknown = nobody_logs_in_as(team, project, unread)
    if not unknown:
        return []
    ids = sorted({article.id for article in found})
    plan = Plan.build(team, ids, project)
    lines = []
    for name in unknown:
        role = "annotator" if name in team.annotators else "reviewer"
        routed = len(plan.assigned(name)) if role == "annotator" else 0
        lines.append(f"{team.source}: {no_login_line(name, role, routed)} (tagline status lists them)")
    return unread + lines


def _said_after_parsing(plan, cache) -> bool:
    """What every run says once it has parsed, whichever way: the sentences no model reads (they
    were in no count), and a cache found damaged on the way (True: the run failed)."""
    if plan.too_long:
        from tagline.core.nlp.streaming import MAX_SENTENCE_CHARS

        n = plan.too_long
        say(f"{n} sentence{'' if n == 1 else 's'} longer than {MAX_SENTENCE_CHARS:,} characters read by no model: "
            "no entities or suggestions for them")
    if cache.damaged:
        say(cache.damaged)
    return bool(cache.damaged)


def _prepare_project(args, found, model, cache, jobs, project, plan, started, failed) -> int:
    """Entities and suggestions, as the reader asks for them, into the project cache."""
    from tagline.core.labels import LabelSchemeError, load_scheme
    from tagline.core.prepare import prepare_for_reader

    try:
        scheme = load_scheme(getattr(args, "labels", None))
    except LabelSchemeError as error:
        say(f"{error}")
        return 1
    try:
        parsed, missing = prepare_for_reader(found, model, cache, jobs, project, scheme)
    except KeyboardInterrupt as stop:
        say("interrupted; what is cached stays cached, run again to go on")
        return getattr(stop, "status", 130)
    except nlp.ModelError as error:
        say(f"{error}")
        return 1
    if missing:
        say(f"{missing} paragraphs could not be written to the project cache in {cache.folder}")
        failed = True
    failed = _said_after_parsing(plan, cache) or failed
    repeated = corpus_duplicates(found, cache)
    cache.publish()
    print(Summary(plan.articles, parsed, plan.paragraphs - parsed, time.perf_counter() - started).line()
          + f"; entities and suggestions for the team in {cache.folder}")
    if repeated:
        print(f"{repeated} sentences repeat a sentence of another article (marked when those articles open)")
    return 1 if failed else 0
