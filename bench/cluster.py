"""``tagline prepare --scheduler`` on a Dask cluster of two single-threaded workers against
``tagline prepare --jobs 2`` on the same texts, and en_core_web_sm's words per second per core.

    python bench/cluster.py                      # the table (about eight minutes on 2 cores)
    python bench/cluster.py --articles 120 --repeats 2

Both sides are whole ``tagline prepare`` processes, timed from start to exit, each with an empty
parse cache of its own (``$TAGLINE_CACHE``), model load included:

* ``local``: ``tagline prepare ARTICLES --jobs 2`` (two worker processes of a process pool);
* ``cluster``: ``tagline prepare ARTICLES --scheduler ADDRESS`` against a ``dask scheduler`` and two
  ``dask worker --nthreads 1 --nworkers 1`` processes on 127.0.0.1 with Dask's default settings,
  started afresh for each run and ready (not timed) before the run starts; the workers load the
  model inside the timed run, as the pool's processes do;
* ``parse-node``: the same, with the settings docs/design/scale.md gives for parsing nodes
  (``bench/dask-parse-node.yaml``: no statistical profiler sampling the parsing thread every 10 ms,
  event-loop and memory checks once a second instead of 50 and 10 times, glibc's own malloc
  trimming): on this machine the scheduler, nannies and client share the two cores with the
  workers, and Dask's defaults cost them about a sixth of a core even when idle.

Run it on a machine with nothing else to do, or give it the machine: ``nice -n -15`` (as root, with
``kernel.sched_autogroup_enabled=0``, or niceness only counts within a session).

The two alternate in order, repeat after repeat; the ratio is local seconds / cluster seconds for
each pair, for each cluster side (goal >= 0.9), with a 95% t-interval over the pairs. Then, in this process: the pipeline
tagline runs (en_core_web_sm without parser, tagger, lemmatizer: tok2vec + ner) over the same
paragraphs on one core, model loaded beforehand, in words (whitespace-separated) per second, and the
parse cache's size per article. The articles are news-like (``bench/corpus.py``): 10 to 40
sentences each, one seed per article.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

from tagline.core import nlp, segment  # noqa: E402

T95 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26}


def interval(values: list[float]) -> tuple[float, float, float]:
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, mean, mean
    half = T95.get(len(values) - 1, 2.0) * statistics.stdev(values) / math.sqrt(len(values))
    return mean, mean - half, mean + half


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: Settings for parsing nodes (docs/design/scale.md), given to the scheduler and workers.
PARSE_NODE = {"DASK_CONFIG": str(Path(__file__).resolve().parent / "dask-parse-node.yaml")}
SIDES = {"local": "tagline prepare --jobs 2", "cluster": "--scheduler, Dask defaults",
         "parse-node": "--scheduler, parse-node settings"}


class Cluster:
    """A scheduler and two single-threaded workers, each in its own session (stopped by group)."""

    def __init__(self, logs: Path, env: dict[str, str] | None = None):
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.logs = logs
        self.env = {**os.environ, **(env or {})}
        self.processes: list[subprocess.Popen] = []

    def _dask(self, name: str, *args: str) -> None:
        with (self.logs / f"{name}.log").open("ab") as out:
            self.processes.append(subprocess.Popen([sys.executable, "-m", "dask", *args], stdout=out,
                                                   stderr=subprocess.STDOUT, start_new_session=True, env=self.env))
        same_priority(self.processes[-1].pid)

    def __enter__(self) -> Cluster:
        from distributed import Client

        self._dask("scheduler", "scheduler", "--host", "127.0.0.1", "--port", self.address.rsplit(":", 1)[1],
                   "--no-dashboard")
        for i in range(2):
            self._dask(f"worker-{i}", "worker", self.address, "--host", "127.0.0.1", "--nthreads", "1",
                       "--nworkers", "1", "--no-dashboard")
        with Client(self.address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=120)
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass


def same_priority(pid: int) -> None:
    """Give the session ``pid`` leads the priority of this one: with the kernel's autogroups, a
    process in a session of its own competes as a group of its own whatever its niceness, and the
    cluster's processes (each in its own session, to be stopped by group) would get less of the
    machine than the local pool's processes, which stay in this session."""
    try:
        mine = Path("/proc/self/autogroup").read_text().split()[-1]
        Path(f"/proc/{pid}/autogroup").write_text(mine)
    except (OSError, IndexError):
        pass  # no autogroups (or not allowed): niceness alone decides


def timed(command: list[str], cache: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, env={**os.environ, "TAGLINE_CACHE": str(cache)}, check=True,
                   stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return time.perf_counter() - started


def cache_bytes(cache: Path) -> int:
    db = sqlite3.connect(cache / "entities-v1.sqlite3")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return sum(p.stat().st_size for p in cache.iterdir() if p.name.startswith("entities-v1"))


def words_per_second(package: str, texts: list[str], repeats: int) -> list[float]:
    import spacy

    pipeline = spacy.load(package, exclude=list(nlp.EXCLUDE))
    list(pipeline.pipe(texts[:50]))  # warm
    words = sum(len(t.split()) for t in texts)
    rates = []
    for _ in range(repeats):
        started = time.process_time()
        for doc in pipeline.pipe(texts):
            doc.ents  # noqa: B018
        rates.append(words / (time.process_time() - started))
    return rates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="news-like articles (default 1000, ~540,000 words)")
    parser.add_argument("--repeats", type=int, default=3, help="pairs of runs (default 3)")
    args = parser.parse_args(argv)
    model = nlp.resolve_model(nlp.DEFAULT_MODEL)
    rng = random.Random(corpus.SEED)
    with tempfile.TemporaryDirectory(prefix="tagline-cluster-bench-") as tmp:
        work = Path(tmp)
        folder = work / "articles"
        texts: dict[str, None] = {}
        article_words: list[int] = []
        for i in range(args.articles):
            path = corpus.write_article(folder, rng.randint(10, 40), seed=corpus.SEED + i, name=f"news-{i:05d}")
            text = path.read_text(encoding="utf-8")
            article_words.append(len(text.split()))
            for span in segment.split(text)[0]:
                texts.setdefault(text[span.start : span.end], None)
        paragraphs = list(texts)
        chars = sum(map(len, paragraphs))
        words = sum(len(t.split()) for t in paragraphs)
        n = len(paragraphs)
        print(f"{args.articles} articles, {n} distinct paragraphs, {words:,} words, {chars:,} characters; "
              f"load {os.getloadavg()[0]:.1f}", file=sys.stderr)

        seconds: dict[str, list[float]] = {side: [] for side in SIDES}
        sizes: list[int] = []
        for r in range(args.repeats):
            order = list(SIDES)
            for side in order[r % 3:] + order[: r % 3]:
                cache = Path(tempfile.mkdtemp(prefix=f"cache-{side}-", dir=work))
                command = [sys.executable, "-m", "tagline", "prepare", str(folder)]
                if side == "local":
                    took = timed([*command, "--jobs", "2"], cache)
                else:
                    logs = Path(tempfile.mkdtemp(prefix="logs-", dir=work))
                    with Cluster(logs, PARSE_NODE if side == "parse-node" else None) as cluster:
                        took = timed([*command, "--scheduler", cluster.address], cache)
                cached = nlp.ParseCache(cache).get_many([nlp.ParseCache.key(model, t) for t in paragraphs])
                assert len(cached) == n, f"{side} cached {len(cached)} of {n} paragraphs"
                sizes.append(cache_bytes(cache))
                seconds[side].append(took)
                print(f"  {side:<10} {took:6.1f} s  {words / took:8.0f} words/s  load {os.getloadavg()[0]:.1f}",
                      file=sys.stderr)
        sample = paragraphs[:: max(1, n // 600)]  # about 600 paragraphs: some 30,000 words a pass
        rates = words_per_second(model.package, sample, 3)
        sample_words = sum(len(t.split()) for t in sample)

    print(f"{'side':<34} {'seconds':>8} {'words/s':>9} {'paragraphs/s':>13}")
    print("-" * 67)
    for side, label in SIDES.items():
        median = statistics.median(seconds[side])
        print(f"{label:<34} {median:>8.1f} {words / median:>9.0f} {n / median:>13.1f}")
    for side in ("cluster", "parse-node"):
        ratios = [a / b for a, b in zip(seconds["local"], seconds[side], strict=True)]
        mean, low, high = interval(ratios)
        print(f"throughput ratio {side} / local: {mean:.2f} (95% CI {low:.2f} to {high:.2f}; "
              f"pairs: {', '.join(f'{r:.2f}' for r in ratios)}); goal >= 0.9")
    mean, low, high = interval(rates)
    print(f"en_core_web_sm (tok2vec + ner), one core, model loaded: {mean:,.0f} words/s of CPU "
          f"(95% CI {low:,.0f} to {high:,.0f}; {len(rates)} passes over {sample_words:,} words)")
    per_article = statistics.median(sizes) / args.articles
    print(f"parse cache: {statistics.median(sizes):,.0f} bytes for {args.articles} articles = {per_article:,.0f} bytes "
          f"per article of {statistics.fmean(article_words):.0f} words on average")
    print(f"{n} distinct paragraphs; median of {args.repeats} runs per side; whole processes, model load included")
    print(corpus.machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
