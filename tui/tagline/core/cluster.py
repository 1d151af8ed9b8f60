"""``tagline prepare PATH... --scheduler ADDRESS``: the parsing of :mod:`tagline.core.prepare` on a
Dask cluster (``pip install "tagline[dask]"``).

The client (the machine that runs ``tagline prepare``) reads the articles, works out which distinct
paragraphs are not cached yet (:func:`tagline.core.prepare.make_plan`, as without a cluster), and
sends them to the workers as coarse tasks: a batch of paragraphs of up to :data:`MAX_TASK_CHARS`
characters (fewer for a small corpus, so every worker thread gets several). Each task runs
``nlp.pipe`` on its worker with a pipeline loaded once per worker thread and returns the entities;
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
import uuid
from dataclasses import dataclass

from tagline.core import nlp
from tagline.core import prepare as prepare_mod

#: The largest task, in characters of text: spaCy's advice for distributed parsing is few, large,
#: idempotent jobs. 16 MB of news is about 2.7 million words: a few minutes on one core.
MAX_TASK_CHARS = 16_000_000
#: The smallest task (unless the corpus is smaller): below this the per-task cost shows.
MIN_TASK_CHARS = 20_000
#: Tasks per worker thread for a corpus smaller than that many large tasks, so that the last tasks
#: are short and no worker waits long for the others at the end.
TASKS_PER_THREAD = 16
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


def task_chars(total: int, threads: int) -> int:
    """Characters per task for ``total`` characters of text on ``threads`` worker threads."""
    explicit = os.environ.get(TASK_CHARS_ENV)
    if explicit:
        try:
            return max(1, int(explicit))
        except ValueError:
            raise ClusterError(f"{TASK_CHARS_ENV} must be a number of characters, not {explicit!r}") from None
    share = math.ceil(total / max(1, threads * TASKS_PER_THREAD))
    return max(MIN_TASK_CHARS, min(MAX_TASK_CHARS, share))


# -- the client side -------------------------------------------------------------------------------
def connect(address: str, timeout: float = CONNECT_TIMEOUT):
    """A :class:`distributed.Client` on ``address``, with at least one worker; or :class:`ClusterError`."""
    try:
        import dask
        import distributed
    except ImportError:
        raise ClusterError("--scheduler needs Dask: pip install 'tagline[dask]'") from None
    # The client's own log lines (lost connections, retries) are for the cluster's operators, not
    # this command's output: what matters is said in one line.
    for name in ("distributed", "distributed.client", "distributed.comm", "distributed.core"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    # A task carries its paragraphs (no shared file system): tens of MB, by design.
    dask.config.set({"distributed.admin.large-graph-warning-threshold": "2GB"})
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


def parse(plan: prepare_mod.Plan, model: nlp.ModelInfo, cache: nlp.ParseCache, address: str) -> Report:
    """Parse every paragraph of ``plan`` on the cluster at ``address`` and write it to ``cache``.

    Raises :class:`ClusterError` (nothing sent, or the cluster failed), :class:`nlp.ModelError`
    (the model does not load on a worker) or ``KeyboardInterrupt`` (the tasks are cancelled first);
    whatever was written before stays written.
    """
    report = Report(address)
    client = connect(address)
    try:
        threads = check_workers(client, model)
        report.workers, report.threads = len(threads), sum(threads.values())
        if plan.todo:
            _run(client, plan, model, cache, report)
        report.written = len(cache.get_many(list(plan.todo)))
        return report
    finally:
        _close(client)


def _run(client, plan: prepare_mod.Plan, model: nlp.ModelInfo, cache: nlp.ParseCache, report: Report) -> None:
    from distributed import as_completed
    from distributed.comm import CommClosedError

    size = task_chars(sum(map(len, plan.todo.values())), report.threads)
    queue = list(reversed(prepare_mod.batches(plan.todo, size)))
    report.tasks = len(queue)
    run_id = uuid.uuid4().hex[:12]
    pending: dict = {}
    completed = as_completed(loop=client.loop)

    def send() -> None:
        ahead = AHEAD_PER_THREAD * max(1, sum(client.nthreads().values()))
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


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:200]


# -- the worker side -----------------------------------------------------------------------------
_local = threading.local()  # per worker thread: {model name: (model key, pipeline)}
#: Tasks this worker process has run (read by the tests through ``client.run``).
tasks_run = 0
_count_lock = threading.Lock()


def parse_batch(model_name: str, model_key: str, texts: list[str]) -> list[list[list]]:
    """On a worker: the entities of ``texts``, as :func:`tagline.core.prepare._worker_parse` gives
    them. The pipeline is loaded by the first task of each worker thread and kept."""
    global tasks_run
    with _count_lock:
        tasks_run += 1
    loaded = getattr(_local, "models", None)
    if loaded is None:
        loaded = _local.models = {}
    if model_name not in loaded:
        info = nlp.resolve_model(model_name)  # ModelError: not installed on this worker
        if info.key != model_key:
            raise WorkerMismatch(f"a worker has model {info.key}, the client {model_key}; the rest was not sent")
        try:
            import spacy

            loaded[model_name] = spacy.load(info.package, exclude=list(nlp.EXCLUDE))
        except Exception as error:
            raise nlp.ModelError(f"cannot load {info.package} on a worker: {_one_line(error)}") from None
    pipeline = loaded[model_name]
    return [[[e.start_char, e.end_char, e.label_] for e in doc.ents] for doc in pipeline.pipe(texts)]
