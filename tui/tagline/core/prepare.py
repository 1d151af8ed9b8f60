"""``tagline prepare PATH... [--model NAME] [--jobs N]``: parse articles ahead of time.

Every paragraph of every article is run through the spaCy pipeline in worker processes and its
entities are written to the parse cache (:class:`tagline.core.nlp.ParseCache`) exactly as the reader's
:func:`tagline.core.nlp.stream` writes them, so opening a prepared article shows its entities at once,
with no model process at all. Work is committed batch by batch: an interrupted run resumes where it
stopped, because cached paragraphs are skipped. A paragraph that repeats (within an article or across
articles) is parsed once.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

from tagline.core import articles as articles_mod
from tagline.core import nlp

#: Characters per batch sent to a worker: large enough that spaCy batches well and the pipes stay
#: idle, small enough that progress moves and an interruption loses little.
BATCH_CHARS = 20_000
#: Batches in flight per worker, so none waits on the parent.
IN_FLIGHT = 3


class UsageError(Exception):
    """Options that cannot work (exit status 2)."""


@dataclass
class Plan:
    """What a run has to do: unique paragraph texts not yet cached, with their cache keys."""

    articles: int = 0
    paragraphs: int = 0  # every paragraph of every article, repeats included
    todo: dict[str, str] = field(default_factory=dict)  # cache key -> paragraph text
    #: Sentences longer than :data:`tagline.core.nlp.streaming.MAX_SENTENCE_CHARS`, which no model
    #: reads: no chunk holds them, so they are parsed by no run and have no entities (said, counted).
    too_long: int = 0

    @property
    def skipped(self) -> int:
        return self.paragraphs - len(self.todo)


@dataclass
class Summary:
    articles: int
    parsed: int
    skipped: int
    seconds: float

    def line(self) -> str:
        rate = self.parsed / self.seconds if self.seconds > 0 else 0.0
        return (
            f"prepared {self.articles} article{'s' if self.articles != 1 else ''}: "
            f"{self.parsed} paragraphs parsed, {self.skipped} skipped (cached or repeated), "
            f"{self.seconds:.1f} s, {rate:.{1 if rate < 10 else 0}f} paragraphs/s"  # 5 in 11.6 s: 0.4, not 0
        )


def corpus_duplicates(found: list[articles_mod.Article], cache: nlp.ParseCache) -> int:
    """Find sentences that repeat, exactly or nearly, a sentence of another article of the corpus
    (hashing, then rapidfuzz on rare-word blocks: seconds for 10,000 articles) and leave them in the
    cache, where the reader finds them when it opens the article. Returns how many were found."""
    from tagline.core.duplicates import find_duplicates

    texts = [(a.id, i, a.text[s.start : s.end]) for a in found for i, s in enumerate(a.sentences)]
    across: dict[str, list] = {}
    for (article_id, index), (first_article, first_index) in find_duplicates(texts).items():
        if first_article != article_id:
            across.setdefault(article_id, []).append([index, first_article, first_index])
    by_id = {a.id: a for a in found}
    cache.put_many({nlp.corpus_duplicates_key(by_id[k]): v for k, v in across.items()}, table="duplicates")
    return sum(len(v) for v in across.values())


def options(model_name: str, jobs: int) -> tuple[nlp.ModelInfo, int]:
    if not model_name or model_name.lower() == "none":
        raise UsageError("--model none leaves nothing to cache; name a spaCy pipeline (default: en_core_web_sm)")
    if jobs < 0:
        raise UsageError(f"--jobs must be 0 (all cores) or more, not {jobs}")
    return nlp.resolve_model(model_name), jobs or available_cores()


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def load(paths: list[str]) -> tuple[list[articles_mod.Article], list[str], list[str]]:
    """Every readable article under ``paths``, a one-line message for each file left out, and one
    for each file prepared with a warning.

    Unlike the reader, two articles with the same id are both prepared: the cache is keyed by text.
    A file read with a warning (bad UTF-8, shown as U+FFFD) is prepared as the reader will show it.
    """
    files, problems = articles_mod.find(paths)
    messages = [str(p) for p in problems]
    notes: list[str] = []
    found: list[articles_mod.Article] = []
    for path in files:
        read, trouble = articles_mod.read_file(path)
        found.extend(read)
        warnings = {a.warning for a in read if a.warning}
        messages.extend(str(p) for p in trouble if p.reason not in warnings)
        notes.extend(f"{p}; prepared as the reader shows it" for p in trouble if p.reason in warnings)
    return found, messages, notes


def make_plan(found: list[articles_mod.Article], model: nlp.ModelInfo, cache: nlp.ParseCache) -> Plan:
    plan = Plan(articles=len(found))
    wanted: dict[str, str] = {}
    for article in found:
        # The chunks the reader asks the cache for (:func:`tagline.core.nlp.streaming.chunks`): a
        # paragraph, or runs of a very long one's sentences, none too long for the model. Whole
        # paragraphs were parsed before: a long one was never the reader's key, and one of 10⁶
        # characters ended the command in spaCy's E088.
        for chunk in nlp.streaming.chunks(article):
            text = article.text[chunk.start : chunk.end]
            wanted.setdefault(nlp.ParseCache.key(model, text), text)
            plan.paragraphs += 1
        limit = nlp.streaming.MAX_SENTENCE_CHARS
        plan.too_long += sum(1 for span in article.sentences if span.end - span.start > limit)
    cached = cache.get_many(list(wanted))
    plan.todo = {key: text for key, text in wanted.items() if key not in cached}
    return plan


def batches(todo: dict[str, str], size: int | None = None) -> list[list[tuple[str, str]]]:
    """(key, text) pairs in reading order, cut into batches of about ``size`` characters."""
    size = size or BATCH_CHARS
    result: list[list[tuple[str, str]]] = []
    chars = size
    for key, text in todo.items():
        if chars >= size:
            result.append([])
            chars = 0
        result[-1].append((key, text))
        chars += len(text)
    return result


def parse(plan: Plan, model: nlp.ModelInfo, cache: nlp.ParseCache, jobs: int) -> int:
    """Parse every paragraph of ``plan`` and write it to ``cache``; the number written."""
    if not plan.todo:
        return 0
    work = batches(plan.todo)
    with _progress(len(plan.todo)) as advance:
        if jobs == 1 or len(work) == 1:
            _worker_start(model.package, ignore_interrupt=False)
            for batch in work:
                _store(cache, batch, _worker_parse([text for _, text in batch]))
                advance(len(batch))
        else:
            _parse_in_pool(work, model, cache, min(jobs, len(work)), advance)
    return len(cache.get_many(list(plan.todo)))


def _parse_in_pool(work, model: nlp.ModelInfo, cache: nlp.ParseCache, jobs: int, advance) -> None:
    # Not fork: the parent has threads (the pool's own). The workers import spaCy themselves, in
    # parallel; on this path the parent never does.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    queue = list(reversed(work))
    pending: dict[Future, list[tuple[str, str]]] = {}
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_start, initargs=(model.package,)) as pool:
        try:
            while queue or pending:
                while queue and len(pending) < jobs * IN_FLIGHT:
                    batch = queue.pop()
                    pending[pool.submit(_worker_parse, [text for _, text in batch])] = batch
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    batch = pending.pop(future)
                    _store(cache, batch, future.result())
                    advance(len(batch))
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def _store(cache: nlp.ParseCache, batch: list[tuple[str, str]], results: list[list]) -> None:
    # As nlp.stream stores them: a list of [start, end, label] lists per paragraph.
    cache.put_many({key: [list(e) for e in ents] for (key, _), ents in zip(batch, results, strict=True)})


class _progress:
    """A Rich progress bar on stderr, drawn only on a terminal; ``advance(n)`` moves it and redraws
    it. Drawn by the caller, not by Rich's refresh thread: ``--jobs 1`` parses in this process, and
    a process that has ever had a second thread parses 9 to 14% more slowly for the rest of its life
    (glibc's locks take atomic instructions; ``bench/parse_cpu.py``)."""

    def __init__(self, total: int):
        self.total = total
        self._progress = None

    def __enter__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        console = Console(stderr=True)
        if not console.is_terminal:
            return lambda n: None
        self._progress = Progress(
            TextColumn("parsing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("paragraphs"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            auto_refresh=False,
        )
        self._progress.start()
        task = self._progress.add_task("parsing", total=self.total)
        self._progress.refresh()

        def advance(n: int) -> None:
            self._progress.advance(task, n)
            self._progress.refresh()

        return advance

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()


# -- the worker side (runs in each pool process, or in this one with --jobs 1) ----------------------
_package: str | None = None  # what _nlp was loaded from (or failed to load from)
_nlp = None
_load_error: str | None = None


def _worker_start(package: str, ignore_interrupt: bool = True) -> None:
    global _package, _nlp, _load_error
    if ignore_interrupt:
        # ctrl+c is the parent's to handle: it stops the pool, and what is cached stays cached.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if package == _package:
        return
    _package, _nlp, _load_error = package, None, None
    # A failure is kept and raised with the first batch: raised here, it would only break the pool,
    # and the parent would never learn why.
    nlp.one_math_thread()
    try:
        import spacy

        _nlp = spacy.load(package, exclude=list(nlp.EXCLUDE))
    except Exception as error:
        _load_error = f"cannot load {package}: {' '.join(str(error).split())[:200]}"


def _worker_parse(texts: list[str]) -> list[list[list]]:
    if _nlp is None:
        raise nlp.ModelError(_load_error or "the model is not loaded")
    return [[[e.start_char, e.end_char, e.label_] for e in doc.ents] for doc in _nlp.pipe(texts)]


# -- for a team: everything the reader asks the model for, in the project cache ---------------------
def reader_version(annotations, scheme) -> str:
    """The suggestion version the reader asks the cache for (see the app's entity worker): the
    trained model's time stamp (or ``rules``) and the label set."""
    from tagline.core import train

    return f"{train.trained_stamp(annotations) or 'rules'}:{','.join(scheme.names)}"


def prepare_for_reader(found: list[articles_mod.Article], model: nlp.ModelInfo, cache: nlp.ParseCache, jobs: int,
                       annotations, scheme) -> tuple[int, int]:
    """Fill ``cache`` with the entities *and* suggestions of every chunk of every article, asked
    exactly as the reader asks (:func:`tagline.core.nlp.stream_annotations` through the model
    process), so a session on these articles finds everything and starts no model. ``jobs`` model
    processes, one article at a time each. Returns (chunks parsed, chunks still missing)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    version = reader_version(annotations, scheme)
    local = threading.local()
    services: list[nlp.EntityService] = []
    lock = threading.Lock()
    parsed = [0]

    def one(article) -> None:
        missing = _missing(article, model, cache, version)
        if not missing:
            return
        service = getattr(local, "service", None)
        if service is None:
            service = nlp.EntityService(model, suggest=True, trained=str(annotations), labels=scheme.names,
                                        exclusive=scheme.exclusive)
            local.service = service
            with lock:
                services.append(service)
        for _ in nlp.stream_annotations(article, model, service, cache, suggest=True, suggest_version=version):
            pass
        with lock:
            parsed[0] += missing

    readable = [a for a in found if a.sentences]
    with _progress(len(readable)) as advance:
        try:
            with ThreadPoolExecutor(max(1, min(jobs, len(readable)))) as pool:
                for _ in pool.map(one, readable):
                    advance(1)
        finally:
            for service in services:
                service.close()
    left = sum(_missing(a, model, cache, version) for a in readable)
    return parsed[0] - left, left


def _missing(article, model: nlp.ModelInfo, cache: nlp.ParseCache, version: str) -> int:
    """Chunks of ``article`` whose entities or suggestions the reader would not find in ``cache``."""
    from tagline.core.nlp.streaming import leads, suggester_version, suggestion_keys

    pieces = nlp.chunks(article)
    texts = [article.text[c.start : c.end] for c in pieces]
    keys = [nlp.ParseCache.key(model, t) for t in texts]
    skeys = suggestion_keys(keys, f"{suggester_version()}:{version}", leads(article, pieces))
    found = cache.get_many(keys)
    found_s = cache.get_many(skeys, table="suggestions")
    return sum(1 for k, s in zip(keys, skeys) if k not in found or s not in found_s)
