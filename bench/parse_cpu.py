"""Where a Dask worker's parsing CPU goes: the same parse of the same paragraphs, timed by the
parsing thread's own CPU time (``time.thread_time``), in the settings a task can run in.

    python bench/parse_cpu.py                        # every variant, 3 rounds
    python bench/parse_cpu.py --variants main,thread,worker-node --rounds 2

CPU time, not wall time: this needs no benchmark lock, though a busy machine still adds noise
(shared caches). Each variant is a fresh process (or a fresh cluster), loads en_core_web_sm as
tagline does, parses a warm-up batch, then parses the paragraphs ``--passes`` times; the figure is
the median pass. Variants run in turn, round after round, so a change in the machine's load falls
on all of them. Per pass it also reads the thread's minor page faults and the garbage collector's
collections.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PARSE_NODE = str(HERE / "dask-parse-node.yaml")


def texts(articles: int) -> list[str]:
    import corpus

    from tagline.core import segment

    rng = random.Random(corpus.SEED)
    found: dict[str, None] = {}
    for i in range(articles):
        text = corpus.article_text(rng.randint(10, 40), seed=corpus.SEED + i)
        for span in segment.split(text)[0]:
            found.setdefault(text[span.start : span.end], None)
    return list(found)


def _task_stat() -> tuple[int, int]:
    """This thread's minor page faults and CPU ticks (utime + stime)."""
    fields = Path(f"/proc/self/task/{threading.get_native_id()}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[7]), int(fields[11]) + int(fields[12])


def measure(paragraphs: list[str], passes: int, freeze: bool = False, threshold: list[int] | None = None) -> dict:
    """Load the model, parse ``paragraphs`` ``passes`` times in this thread; CPU seconds per pass."""
    from tagline.core import nlp

    nlp.one_math_thread()
    import spacy

    pipeline = spacy.load(nlp.resolve_model(nlp.DEFAULT_MODEL).package, exclude=list(nlp.EXCLUDE))
    [[[e.start_char, e.end_char, e.label_] for e in doc.ents] for doc in pipeline.pipe(paragraphs[:50])]
    if threshold:
        gc.set_threshold(*threshold)
    if freeze:
        gc.collect()
        gc.freeze()
    result: dict = {"cpu": [], "faults": [], "collections": [], "objects": len(gc.get_objects()),
                    "threshold": list(gc.get_threshold()), "frozen": gc.get_freeze_count(),
                    "threads": threading.active_count(), "malloc": {k: v for k, v in os.environ.items() if "MALLOC" in k}}
    for _ in range(passes):
        before_gc = [s["collections"] for s in gc.get_stats()]
        faults, _ticks = _task_stat()
        started = time.thread_time()
        [[[e.start_char, e.end_char, e.label_] for e in doc.ents] for doc in pipeline.pipe(paragraphs)]
        result["cpu"].append(time.thread_time() - started)
        result["faults"].append(_task_stat()[0] - faults)
        result["collections"].append([s["collections"] - b for s, b in zip(gc.get_stats(), before_gc)])
    return result


def _process_cpu(pid: int) -> tuple[float, int]:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), int(fields[7])


def measure_child(paragraphs: list[str], passes: int) -> dict:
    """As :func:`measure`, with the parse in tagline's parsing process (what a Dask worker's task
    does): that process's CPU per pass, in clock ticks."""
    from tagline.core import nlp
    from tagline.core.parser_process import ParserProcess

    parser = ParserProcess(nlp.resolve_model(nlp.DEFAULT_MODEL).package)
    try:
        parser.parse(paragraphs[:50])
        pid = parser.probe()["pid"]
        result: dict = {"cpu": [], "faults": [], "collections": [], "objects": 0, "threads": 1,
                        "single_threaded": parser.probe()["single_threaded"]}
        for _ in range(passes):
            cpu, faults = _process_cpu(pid)
            parser.parse(paragraphs)
            after = _process_cpu(pid)
            result["cpu"].append(after[0] - cpu)
            result["faults"].append(after[1] - faults)
            result["collections"].append([0, 0, 0])
        return result
    finally:
        parser.close()


# -- variants --------------------------------------------------------------------------------------
def in_thread(paragraphs, passes, **kw) -> dict:
    box: dict = {}
    thread = threading.Thread(target=lambda: box.update(measure(paragraphs, passes, **kw)))
    thread.start()
    thread.join()
    return box


def child(variant: str, paragraphs: list[str], passes: int) -> dict:
    """Runs in a fresh process: ``variant`` names what is around the parse."""
    parts = set(variant.split("+"))
    kw = {"freeze": "freeze" in parts}
    if "gc3" in parts:
        kw["threshold"] = [g * 3 for g in gc.get_threshold()]
    if "distributed" in parts:
        import distributed  # noqa: F401
    if "spawned" in parts:  # a thread that has come and gone: glibc's single-thread fast paths are off
        thread = threading.Thread(target=lambda: None)
        thread.start()
        thread.join()
    if "pool" in parts:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            return pool.submit(measure, paragraphs, passes, **kw).result()
    if "inproc" in parts:  # an in-process Dask worker: its event loop in another thread
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            return client.submit(measure, paragraphs, passes, pure=False, **kw).result()
    if "child" in parts:
        return measure_child(paragraphs, passes)
    if "thread" in parts:
        return in_thread(paragraphs, passes, **kw)
    return measure(paragraphs, passes, **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def on_worker(variant: str, paragraphs: list[str], passes: int, logs: Path) -> dict:
    """A real ``dask scheduler`` and one ``dask worker --nthreads 1``; the parse as a task."""
    from distributed import Client

    parts = set(variant.split("+"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    if "node" in parts:
        env["DASK_CONFIG"] = PARSE_NODE
    address = f"tcp://127.0.0.1:{free_port()}"
    processes = []
    flags = ["--no-nanny"] if "nonanny" in parts else []
    try:
        for args in (["scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
                     ["worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard", *flags]):
            with (logs / f"{variant}-{args[0]}.log").open("ab") as out:
                processes.append(subprocess.Popen([sys.executable, "-m", "dask", *args], stdout=out,
                                                  stderr=subprocess.STDOUT, start_new_session=True, env=env))
        with Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(1, timeout=120)
            import parse_cpu

            if "child" in parts:
                return client.submit(parse_cpu.measure_child, paragraphs, passes, pure=False).result()
            return client.submit(parse_cpu.measure, paragraphs, passes, pure=False, freeze="freeze" in parts).result()
    finally:
        for process in processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


ENVS = {"trim64k": {"MALLOC_TRIM_THRESHOLD_": "65536"}, "arena1": {"MALLOC_ARENA_MAX": "1"}}
VARIANTS = ["main", "main+spawned", "pool", "thread", "thread+distributed", "inproc", "thread+trim64k",
            "thread+arena1", "thread+freeze", "worker", "worker+nonanny", "worker+node", "worker+node+freeze",
            "worker+child", "worker+node+child"]


def run(variant: str, paragraphs_file: Path, passes: int, logs: Path) -> dict:
    parts = set(variant.split("+"))
    env = dict(os.environ)
    for name, extra in ENVS.items():
        if name in parts:
            env.update(extra)
    if variant.startswith("worker"):
        paragraphs = json.loads(paragraphs_file.read_text())
        old = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            return on_worker(variant, paragraphs, passes, logs)
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    out = subprocess.run([sys.executable, __file__, "--child", variant, "--paragraphs", str(paragraphs_file),
                          "--passes", str(passes)], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child")
    parser.add_argument("--paragraphs")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, json.loads(Path(args.paragraphs).read_text()), args.passes)))
        return 0
    variants = args.variants.split(",")
    with tempfile.TemporaryDirectory(prefix="tagline-parse-cpu-") as tmp:
        work = Path(tmp)
        paragraphs = texts(args.articles)
        (work / "paragraphs.json").write_text(json.dumps(paragraphs))
        words = sum(len(t.split()) for t in paragraphs)
        print(f"{len(paragraphs)} paragraphs, {words:,} words; {args.passes} passes x {args.rounds} rounds; "
              f"load {os.getloadavg()[0]:.1f}", file=sys.stderr)
        found: dict[str, list[dict]] = {v: [] for v in variants}
        for r in range(args.rounds):
            for variant in variants[r % len(variants):] + variants[: r % len(variants)]:
                result = run(variant, work / "paragraphs.json", args.passes, work)
                found[variant].append(result)
                print(f"  {variant:<22} {statistics.median(result['cpu']):6.2f} s  "
                      f"faults {statistics.median(result['faults']):>7.0f}  gc {result['collections'][-1]}  "
                      f"objects {result['objects']:,}  load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    base = statistics.median(c for r in found[variants[0]] for c in r["cpu"])
    print(f"{'variant':<22} {'CPU s/pass':>10} {'vs ' + variants[0]:>10} {'faults':>8} {'gc gen0/1/2':>14} {'objects':>9}")
    for variant, results in found.items():
        cpu = statistics.median(c for r in results for c in r["cpu"])
        faults = statistics.median(f for r in results for f in r["faults"])
        collections = results[-1]["collections"][-1]
        print(f"{variant:<22} {cpu:>10.2f} {cpu / base:>10.3f} {faults:>8.0f} {'/'.join(map(str, collections)):>14} "
              f"{results[-1]['objects']:>9,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
