"""``tagline prepare PATH... --scheduler ADDRESS``: the parsing of :mod:`tagline.core.prepare` on a
Dask cluster (``pip install "tagline[dask]"``).

The client (the machine that runs ``tagline prepare``) reads the articles, works out which distinct
paragraphs are not cached yet (:func:`tagline.core.prepare.make_plan`, as without a cluster), and
sends them to the workers as coarse tasks: a batch of paragraphs of up to :data:`MAX_TASK_CHARS`
characters (fewer for a small corpus, so every worker thread gets several). Each task runs
``nlp.pipe`` on its worker, in a single-threaded parsing process that each worker thread starts
once and keeps (:mod:`tagline.core.parser_process`: the same CPU per paragraph as a process of the
local pool, which a worker's own thread does not get), and returns the entities;
the client writes them into its own parse cache as they complete. So the workers need the package
and the model, not the articles, the cache or a shared file system.

* Resumable and idempotent: cache keys are content hashes of (model, paragraph), cached paragraphs
  are never sent, and writing a result twice writes the same row. A second run sends no task.
* A worker lost mid-run: the scheduler runs its tasks again elsewhere; a task's result reaches the
  client once. Only ``distributed.scheduler.allowed-failures`` deaths on one task end the run.
* Before any task, every worker's tagline, spaCy and model versions are checked against the
  client's (a cache filled by another model version would be wrong), and each task checks its own
  worker again (for workers that join, or come back, later).

Nothing here imports Dask at module level: without ``--scheduler`` it is never imported at all.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
import uuid
from dataclasses import dataclass

from tagline.core import nlp
from tagline.core import prepare as prepare_mod

#: The largest task, in characters of text: spaCy's advice for distributed parsing is few, large,
#: idempotent jobs. 16 MB of news is about 2.7 million words: a few minutes on one core.
MAX_TASK_CHARS = 16_000_000
#: The smallest task (unless the corpus is smaller): below this the per-task cost shows.
MIN_TASK_CHARS = 10_000
#: Each task takes 1 / (threads * GUIDED) of the text still to send (guided self-scheduling).
GUIDED = 4
#: Tasks sent ahead per worker thread: one running, one waiting, so no worker waits on the client;
#: no more, so that the scheduler never holds much of the corpus.
AHEAD_PER_THREAD = 2
#: Seconds to reach the scheduler and to find a worker.
CONNECT_TIMEOUT = 5.0
#: Overrides the task size (characters), for tests and benchmarks.
TASK_CHARS_ENV = "TAGLINE_DASK_TASK_CHARS"


class ClusterError(Exception):
    """A cluster that cannot be used; ``str()`` is one line for the user. ``status`` is the exit
    status: 2 for what is wrong before any work (no scheduler, mismatched workers), 1 after."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


class WorkerMismatch(ClusterError):
    """A worker whose tagline, spaCy or model differs from the client's."""


@dataclass
class Report:
    """What a cluster run did."""

    address: str
    workers: int = 0
    threads: int = 0
    tasks: int = 0
    written: int = 0

    def line(self) -> str:
        return (
            f"on the Dask cluster at {self.address}: {self.tasks} task{'s' if self.tasks != 1 else ''} "
            f"on {self.workers} worker{'s' if self.workers != 1 else ''} "
            f"({self.threads} thread{'s' if self.threads != 1 else ''})"
        )


def versions(model_name: str) -> dict[str, str | None]:
    """What must be the same on the client and on every worker: the cache keys and entities depend
    on them. Imports neither spaCy nor Dask."""
    from importlib import metadata

    from tagline import __version__

    try:
        spacy_version: str | None = metadata.version("spacy")
    except metadata.PackageNotFoundError:
        spacy_version = None
    try:
        model: str | None = nlp.resolve_model(model_name).key
    except nlp.ModelError:
        model = None
    return {"tagline": __version__, "spaCy": spacy_version, "model": model}


def tasks(todo: dict[str, str], threads: int) -> list[list[tuple[str, str]]]:
    """``todo`` cut into tasks for ``threads`` worker threads, in the order they are sent.

    Guided self-scheduling: each task takes a share of what is left (``1 / (threads * GUIDED)``,
    between :data:`MIN_TASK_CHARS` and :data:`MAX_TASK_CHARS`), so the first tasks are large (few
    round trips) and the last ones small (no worker waits long for another at the end).
    ``$TAGLINE_DASK_TASK_CHARS`` fixes the size instead.
    """
    explicit = os.environ.get(TASK_CHARS_ENV)
    fixed = None
    if explicit:
        try:
            fixed = max(1, int(explicit))
        except ValueError:
            raise ClusterError(f"{TASK_CHARS_ENV} must be a number of characters, not {explicit!r}") from None
    left = sum(map(len, todo.values()))
    result: list[list[tuple[str, str]]] = []
    size = chars = 0
    for key, text in todo.items():
        if not result or chars >= size:
            size = fixed or max(MIN_TASK_CHARS, min(MAX_TASK_CHARS, math.ceil(left / (max(1, threads) * GUIDED))))
            result.append([])
            chars = 0
        result[-1].append((key, text))
        chars += len(text)
        left -= len(text)
    return result


# -- the client side -------------------------------------------------------------------------------
def connect(address: str, timeout: float = CONNECT_TIMEOUT):
    """A :class:`distributed.Client` on ``address``, with at least one worker; or :class:`ClusterError`."""
    try:
        import dask
        import distributed
    except ImportError:
        raise ClusterError("--scheduler needs Dask: pip install 'tagline[dask]'") from None
    # The client's own log lines (lost connections, retries) are for the cluster's operators, not
    # this command's output: what matters is said in one line. So are the client event loop's
    # (tornado's): ctrl+c while distributed's sync() waits made it log a NameError traceback from
    # its own cancel callback (distributed.utils.sync: ``future`` not yet bound), with exit 130 and
    # the cache consistent all the same.
    for name in ("distributed", "distributed.client", "distributed.comm", "distributed.core", "tornado.application"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    # A task carries its paragraphs (no shared file system): tens of MB, by design.
    # The client's event loop needs no health check 50 times a second (the default tick): on a
    # machine that also runs workers, every wake-up is taken from the parsing.
    dask.config.set({"distributed.admin.large-graph-warning-threshold": "2GB", "distributed.admin.tick.interval": "1s"})
    problem = _address_problem(address) or _not_a_scheduler(address, timeout)
    if problem:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({problem}); nothing sent")
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except Exception as error:  # OSError, TimeoutError, ValueError (a malformed address), …
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({_one_line(error)}); nothing sent") from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except Exception:
        _close(client)
        raise ClusterError(f"the Dask scheduler at {address} has no workers; nothing sent") from None
    return client


def check_workers(client, model: nlp.ModelInfo) -> dict[str, int]:
    """Every worker's thread count, once each has the client's tagline, spaCy and model versions;
    raises :class:`WorkerMismatch` naming the first worker that differs (or cannot answer)."""
    mine = versions(model.name)
    theirs = client.run(versions, model.name, on_error="return")
    bad: list[str] = []
    for worker, found in sorted(theirs.items()):
        if isinstance(found, BaseException):
            bad.append(f"worker {worker} cannot run tagline ({_one_line(found)})")
            continue
        for what in ("tagline", "spaCy", "model"):
            if found.get(what) != mine[what]:
                here = mine[what] or "none"
                bad.append(f"worker {worker} has {what} {found.get(what) or 'not installed'}, this machine {here}")
                break
    if bad:
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        raise WorkerMismatch(f"{bad[0]}{more}; nothing sent")
    nthreads = client.nthreads()
    return {worker: nthreads.get(worker, 1) for worker in theirs}


class Session:
    """One run's connection to the cluster at ``address``: opened before the articles are read, so
    that the workers load the model while this machine reads the articles and works out what is
    left to parse (the two overlap instead of following each other).

    ``with Session(address, model) as session: ... session.parse(plan, cache)``. Entering connects
    and checks every worker's versions (:class:`ClusterError` / :class:`WorkerMismatch`, nothing
    sent), then asks each worker to load the model: no paragraph is sent before :meth:`parse`.
    """

    def __init__(self, address: str, model: nlp.ModelInfo):
        self.address = address
        self.model = model
        self.report = Report(address)
        self.client = None
        self._warming: list = []

    def __enter__(self) -> Session:
        self.client = connect(self.address)
        try:
            threads = check_workers(self.client, self.model)
            self.report.workers, self.report.threads = len(threads), sum(threads.values())
            self._warming = [
                self.client.submit(warm, self.model.name, self.model.key, workers=[worker],
                                   allow_other_workers=False, pure=False, key=f"tagline-load-{uuid.uuid4().hex[:12]}")
                for worker in threads
            ]
        except BaseException:
            _close(self.client)
            raise
        return self

    def parse(self, plan: prepare_mod.Plan, cache: nlp.ParseCache) -> Report:
        """Parse every paragraph of ``plan`` on the cluster and write it to ``cache``.

        Raises :class:`ClusterError` (the cluster failed), :class:`nlp.ModelError` (the model does
        not load on a worker) or ``KeyboardInterrupt`` (the tasks are cancelled first); whatever was
        written before stays written.
        """
        if plan.todo:
            _run(self.client, plan, self.model, cache, self.report)
        self.report.written = len(cache.get_many(list(plan.todo)))
        return self.report

    def __exit__(self, *exc) -> None:
        try:
            self.client.cancel(self._warming, force=True)
        except Exception:
            pass
        _close(self.client)


def parse(plan: prepare_mod.Plan, model: nlp.ModelInfo, cache: nlp.ParseCache, address: str) -> Report:
    """:meth:`Session.parse` in a session of its own."""
    with Session(address, model) as session:
        return session.parse(plan, cache)


def _run(client, plan: prepare_mod.Plan, model: nlp.ModelInfo, cache: nlp.ParseCache, report: Report) -> None:
    from distributed import as_completed
    from distributed.comm import CommClosedError

    queue = list(reversed(tasks(plan.todo, report.threads)))
    report.tasks = len(queue)
    run_id = uuid.uuid4().hex[:12]
    pending: dict = {}
    completed = as_completed(loop=client.loop)

    threads = {"count": report.threads, "asked": time.monotonic()}

    def send() -> None:
        # Workers may join or leave: the scheduler is asked again at most once a second (a round
        # trip through the client's event loop, not on every result).
        if time.monotonic() - threads["asked"] >= 1.0:
            try:
                threads["count"] = sum(client.nthreads().values())
            except (OSError, CommClosedError):  # the scheduler went away between two results
                raise ClusterError(f"lost the Dask scheduler at {report.address}", status=1) from None
            threads["asked"] = time.monotonic()
        ahead = AHEAD_PER_THREAD * max(1, threads["count"])
        while queue and len(pending) < ahead:
            batch = queue.pop()
            future = client.submit(
                parse_batch, model.name, model.key, [text for _, text in batch],
                key=f"tagline-parse-{run_id}-{len(queue)}", pure=False,
            )
            pending[future] = batch
            completed.add(future)

    with prepare_mod._progress(len(plan.todo)) as advance:
        try:
            send()
            for future in completed:
                batch = pending.pop(future)
                try:
                    results = future.result()
                except (nlp.ModelError, ClusterError):
                    raise
                except (OSError, CommClosedError):
                    raise ClusterError(f"lost the Dask scheduler at {report.address}", status=1) from None
                except Exception as error:
                    if future.cancelled():  # the scheduler went away: every task is cancelled
                        raise ClusterError(f"lost the Dask scheduler at {report.address}", status=1) from None
                    # KilledWorker: the task's workers died allowed-failures times
                    raise ClusterError(f"a task failed on the cluster: {_one_line(error)}", status=1) from None
                prepare_mod._store(cache, batch, results)
                advance(len(batch))
                send()
        except BaseException:
            # ctrl+c or a failure: nothing more is computed for this run. What is cached stays
            # (each batch is written in one transaction), and a new run sends only the rest.
            try:
                client.cancel(list(pending), force=True)
            except Exception:
                pass
            raise


def _close(client) -> None:
    try:
        client.close(timeout=CONNECT_TIMEOUT)
    except Exception:
        pass


def _address_problem(address: str) -> str | None:
    """Why ``address`` is no scheduler address (a host without a port), else None. Checked before
    :class:`distributed.Client` is made: a client refused by its own constructor is left half-built,
    and its finaliser then waited 10 s and printed a traceback after the one-line message."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme in ("tcp", "tls", "ws", "wss"):
            parse_host_port(location)
    except (ValueError, TypeError) as error:
        return _one_line(error)
    return None


def _not_a_scheduler(address: str, timeout: float) -> str | None:
    """Why nothing at ``address`` answers as a Dask scheduler within ``timeout`` seconds, else None:
    asked once, over a connection of its own, for its identity. A client made on a port where
    something else listens (a web server, the scheduler's dashboard) waited for good, and on a
    scheme without its settings (``tls://``) it waited 10 s and printed a traceback."""
    import asyncio

    from distributed.comm import connect as comm_connect
    from distributed.security import Security

    async def ask():
        comm = await comm_connect(address, timeout=timeout, **Security().get_connection_args("client"))
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    try:
        answer = asyncio.run(asyncio.wait_for(ask(), timeout))
    except (asyncio.TimeoutError, TimeoutError):
        return f"nothing answered as a Dask scheduler within {timeout:g} s; give the scheduler's address, not its dashboard's"
    except Exception as error:  # refused, a scheme without its settings, a malformed address, …
        return _one_line(error)
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        return "what answered is not a Dask scheduler"
    return None


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:200]


# -- the worker side -----------------------------------------------------------------------------
_local = threading.local()  # per worker thread: {model name: ParserProcess}
#: Tasks this worker process has run (read by the tests through ``client.run``).
tasks_run = 0
_count_lock = threading.Lock()


def load_model(model_name: str, model_key: str):
    """On a worker: the :class:`tagline.core.parser_process.ParserProcess` that parses for this
    worker thread, started (and its model loaded) by the first call in the thread and kept; a
    session asks each worker for it as soon as it connects.

    The parsing runs in that single-threaded child, not in the worker's own thread, for the same
    CPU per paragraph as a process of the local pool (see :mod:`tagline.core.parser_process`)."""
    from tagline.core.parser_process import ParserProcess

    loaded = getattr(_local, "models", None)
    if loaded is None:
        loaded = _local.models = {}
    parser = loaded.get(model_name)
    if parser is None or not parser.alive():
        try:
            info = nlp.resolve_model(model_name)
        except nlp.ModelError as error:
            # Said as the worker's, not as this machine's ("not installed …; running without
            # entities" read as if the client lacked it, and prepare runs with none).
            raise WorkerMismatch(f"the worker at {_worker_address()} cannot load {model_name} "
                                 f"({str(error).split(';')[0]}); the rest was not sent", status=1) from None
        if info.key != model_key:
            raise WorkerMismatch(f"a worker has model {info.key}, the client {model_key}; the rest was not sent")
        parser = loaded[model_name] = ParserProcess(info.package, where=" (on a worker)", env=parser_environment())
    return parser


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except Exception:  # not on a worker (a test calling it here)
        return "?"


def parser_environment() -> dict[str, str]:
    """The worker's environment for its parsing process, less the malloc setting Dask's nanny gives
    its workers (``MALLOC_TRIM_THRESHOLD_=65536``, so that a worker's freed memory shows at once in
    its memory monitor): the monitor does not watch the parsing process, and with that setting the
    same parse took 8 to 14% more CPU (page faults: 183,000 a pass against 18,000). The parsing
    process then has glibc's own trimming, as the local pool's processes do. A value the operator
    set otherwise is kept."""
    import dask
    import distributed  # noqa: F401 (its settings, the nanny's among them)

    env = dict(os.environ)
    preset = dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}
    name = "MALLOC_TRIM_THRESHOLD_"
    if name in env and preset.get(name) is not None and env[name] == str(preset[name]):
        del env[name]
    return env


def warm(model_name: str, model_key: str) -> None:
    """On a worker: load the pipeline now, before the first task needs it."""
    load_model(model_name, model_key)


def parse_batch(model_name: str, model_key: str, texts: list[str]) -> list[list[list]]:
    """On a worker: the entities of ``texts``, as :func:`tagline.core.prepare._worker_parse` gives
    them."""
    from tagline.core.parser_process import ParserGone

    global tasks_run
    with _count_lock:
        tasks_run += 1
    try:
        return load_model(model_name, model_key).parse(texts)
    except ParserGone as error:  # killed (out of memory?): the next task starts another
        raise ClusterError(str(error), status=1) from None


def parser_probe(model_name: str, model_key: str) -> dict:
    """On a worker: this thread's parsing process's id and whether it is single-threaded (tests)."""
    return load_model(model_name, model_key).probe()
