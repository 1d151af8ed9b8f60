"""``tagline prepare``: reads the options, calls :mod:`tagline.core.prepare`, prints."""

from __future__ import annotations
import time
from concurrent.futures.process import BrokenProcessPool
from tagline.core import nlp
from tagline.core.prepare import Summary, UsageError, options, corpus_duplicates, load, make_plan, parse
from tagline.commands.output import safe, say


def run(args) -> int:
    started = time.perf_counter()
    try:
        model, jobs = options(args.model, args.jobs)
    except UsageError as error:
        say(f"{error}", prefix="tagline prepare")
        return 2
    except nlp.ModelError as error:
        say(f"{str(error).split(';')[0]}; nothing prepared")
        return 1
    found, problems, notes = load(args.paths)
    failed = bool(problems)
    for message in problems + notes:
        say(f"{message}")
    if not found and not problems:
        say("nothing to prepare: no .txt, .md or .jsonl articles found")
        return 1
    cache = nlp.ParseCache()
    plan = make_plan(found, model, cache)
    if cache.error:
        say(f"{cache.error.split(';')[0]}; nothing prepared")
        return 1
    report = None
    try:
        if getattr(args, "scheduler", None):
            from tagline.core import cluster  # only here: without --scheduler, no Dask at all

            try:
                report = cluster.parse(plan, model, cache, args.scheduler)
            except cluster.ClusterError as error:
                done = len(cache.get_many(list(plan.todo)))
                after = f"; {done} of {len(plan.todo)} paragraphs cached" if error.status != 2 else ""
                say(f"{error}{after}", prefix="tagline prepare")
                return error.status
            written = report.written
        else:
            written = parse(plan, model, cache, jobs)
    except KeyboardInterrupt:
        done = len(cache.get_many(list(plan.todo)))
        say(f"interrupted; {done} of {len(plan.todo)} paragraphs cached, run again to go on")
        return 130
    except (nlp.ModelError, BrokenProcessPool) as error:
        done = len(cache.get_many(list(plan.todo)))
        reason = str(error) if isinstance(error, nlp.ModelError) else "a worker process died (out of memory?)"
        say(f"{reason}; {done} of {len(plan.todo)} paragraphs cached")
        return 1
    missing = len(plan.todo) - written
    if missing:
        say(f"{missing} paragraphs could not be written to the parse cache in {cache.folder}")
        failed = True
    repeated = corpus_duplicates(found, cache)
    summary = Summary(plan.articles, written, plan.skipped, time.perf_counter() - started)
    print(safe(summary.line()))
    if report is not None:
        print(safe(report.line()))
    if repeated:
        print(f"{repeated} sentences repeat a sentence of another article (marked when those articles open)")
    return 1 if failed else 0
