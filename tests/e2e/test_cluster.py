"""``tagline prepare --scheduler``: a real ``dask scheduler`` and two real ``dask worker`` processes on
127.0.0.1, and ``tagline prepare`` as its own process, as a user runs them."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tagline.core import nlp, segment

pytestmark = [pytest.mark.e2e, pytest.mark.model]

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "seeds" / "000_88201f31feaf2608.txt"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dask(*args: str, log: Path, env: dict | None = None) -> subprocess.Popen:
    # Its own session, so the finalizer can end the nanny and the worker it started, and only them.
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "dask", *args], stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, env={**os.environ, **(env or {})})


class Cluster:
    def __init__(self, folder: Path):
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.folder = folder
        self.processes: list[subprocess.Popen] = []

    def start(self, workers: int = 2, env: list[dict] | None = None) -> None:
        """``workers`` single-threaded workers; ``env``: extra environment for each of them."""
        port = self.address.rsplit(":", 1)[1]
        self.processes.append(dask("scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard",
                                   log=self.folder / "scheduler.log"))
        for i in range(workers):
            self.processes.append(dask("worker", self.address, "--host", "127.0.0.1", "--nthreads", "1",
                                       "--nworkers", "1", "--no-dashboard", log=self.folder / f"worker-{i}.log",
                                       env=(env or [{}] * workers)[i]))
        with self.client() as client:
            client.wait_for_workers(workers, timeout=120)

    def client(self):
        from distributed import Client

        return Client(self.address, timeout=30, set_as_default=False)

    def stop(self) -> None:
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    pytest.importorskip("distributed", reason="the dask extra: pip install -e '.[test,dask]'")
    found = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        found.start()
        yield found
    finally:
        found.stop()


def tagline(*args: str, cache: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tagline", *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "TAGLINE_CACHE": str(cache), **(env or {})}, stdin=subprocess.DEVNULL)


def entities(cache: Path, table: str = "entities") -> dict[str, str]:
    path = cache / "entities-v1.sqlite3"
    if not path.exists():
        return {}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return dict(db.execute(f"SELECT key, value FROM {table}"))
    except sqlite3.OperationalError:  # the tables are not made yet
        return {}
    finally:
        db.close()


def pairs_article(folder: Path, name: str, count: int, offset: int = 0) -> list[str]:
    """An article of ``count`` distinct paragraphs, each two sentences of the sample article (real
    news, real entities); the paragraph texts."""
    text = SAMPLE.read_text(encoding="utf-8")
    sentences = list(dict.fromkeys(" ".join(text[s.start : s.end].split()) for s in segment.split(text)[1]))
    n = len(sentences)
    paragraphs = []
    for k in range(offset, offset + count):
        i, j = divmod(k, n - 1)
        j += j >= i
        paragraphs.append(f"{sentences[i % n]} {sentences[j]}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return paragraphs


def tasks_run(cluster: Cluster) -> int:
    with cluster.client() as client:
        counts = client.run(lambda: __import__("tagline.core.cluster", fromlist=["tasks_run"]).tasks_run)
    return sum(counts.values())


def test_a_cluster_caches_what_a_local_run_caches_and_a_second_run_sends_nothing(cluster, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    rows = [{"id": "wire-1", "text": "Apple said on Monday it would buy a London start-up for $50 million."}]
    (folder / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    pairs_article(folder, "pairs", 20)
    # Small tasks, so that both workers have some.
    small = {"TAGLINE_DASK_TASK_CHARS": "3000"}

    local = tagline("prepare", str(folder), "--jobs", "1", cache=tmp_path / "local")
    assert local.returncode == 0, local.stderr
    before = tasks_run(cluster)
    remote = tagline("prepare", str(folder), "--scheduler", cluster.address, cache=tmp_path / "remote", env=small)
    assert remote.returncode == 0, remote.stderr
    assert "on 2 workers" in remote.stdout, remote.stdout
    sent = tasks_run(cluster) - before
    assert sent >= 2, "both workers had tasks"
    assert f"{sent} tasks on 2 workers" in remote.stdout

    # Every paragraph, the same entities, and the same corpus duplicates.
    want = entities(tmp_path / "local")
    assert len(want) > 40 and any(json.loads(v) for v in want.values())
    assert entities(tmp_path / "remote") == want
    assert entities(tmp_path / "remote", "duplicates") == entities(tmp_path / "local", "duplicates")

    # A second run: everything is cached, no task reaches a worker.
    again = tagline("prepare", str(folder), "--scheduler", cluster.address, cache=tmp_path / "remote", env=small)
    assert again.returncode == 0, again.stderr
    assert " 0 paragraphs parsed" in again.stdout and "0 tasks on 2 workers" in again.stdout, again.stdout
    assert tasks_run(cluster) - before == sent
    assert entities(tmp_path / "remote") == want


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def gone(pid: int) -> bool:
    """No such process, or one that has ended and waits to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return True


def test_a_worker_parses_in_a_single_threaded_process_of_its_own(cluster, tmp_path):
    # spaCy's recognizer takes and releases the interpreter's lock in its inner loops; in a process
    # that has had a second thread glibc does each of those mutex operations atomically, and a
    # worker's own task thread parsed with 9 to 14% more CPU than a process of the local pool.
    pairs_article(tmp_path / "articles", "pairs", 4, offset=400)
    run = tagline("prepare", str(tmp_path / "articles"), "--scheduler", cluster.address, cache=tmp_path / "cache")
    assert run.returncode == 0, run.stderr
    model = nlp.resolve_model(nlp.DEFAULT_MODEL)
    from tagline.core import cluster as cluster_mod

    with cluster.client() as client:
        pids = client.run(os.getpid)
        for worker, pid in pids.items():
            probe = client.submit(cluster_mod.parser_probe, model.name, model.key, workers=[worker],
                                  allow_other_workers=False, pure=False).result(timeout=120)
            assert probe["pid"] != pid and probe["pid"] in children(pid)
            assert probe["single_threaded"] is True
            # glibc's own malloc trimming, as in the local pool (the nanny's setting made the
            # parse page-fault ten times as often)
            assert probe["malloc_trim_threshold"] is None
            assert (Path(f"/proc/{pid}/environ").read_bytes().split(b"\0").count(b"MALLOC_TRIM_THRESHOLD_=65536")
                    == 1), "the worker's own settings are left as they are"


def test_the_nannys_malloc_setting_is_not_passed_on_but_an_operators_is(monkeypatch):
    pytest.importorskip("distributed", reason="the dask extra: pip install -e '.[test,dask]'")
    from tagline.core import cluster

    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")  # what Dask's nanny sets, by default
    assert "MALLOC_TRIM_THRESHOLD_" not in cluster.parser_environment()
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "1048576")  # someone's own choice
    assert cluster.parser_environment()["MALLOC_TRIM_THRESHOLD_"] == "1048576"


def test_an_unreachable_scheduler_is_one_line_and_status_2(tmp_path):
    pytest.importorskip("distributed", reason="the dask extra: pip install -e '.[test,dask]'")
    pairs_article(tmp_path / "articles", "pairs", 3)
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    run = tagline("prepare", str(tmp_path / "articles"), "--scheduler", address, cache=tmp_path / "cache")
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.startswith(f"tagline prepare: cannot reach the Dask scheduler at {address}")
    assert run.stdout == "" and not entities(tmp_path / "cache")


@pytest.mark.parametrize("address", ["nohostport", "tcp://scheduler", "evil\x1b]0;pwned\x07"])
def test_a_scheduler_address_without_a_port_is_one_line_and_status_2(tmp_path, address):
    """Refused by distributed.Client's own constructor, the half-made client's finaliser waited 10 s
    and printed a traceback after the message; the address is now checked first."""
    pytest.importorskip("distributed", reason="the dask extra: pip install -e '.[test,dask]'")
    pairs_article(tmp_path / "articles", "pairs", 3)
    run = tagline("prepare", str(tmp_path / "articles"), "--scheduler", address, cache=tmp_path / "cache")
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.startswith("tagline prepare: cannot reach the Dask scheduler at ") and "missing port" in run.stderr
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr
    assert run.stdout == "" and not entities(tmp_path / "cache")


@pytest.mark.parametrize("scheme", ["tcp", "http", "tls", "inproc"])
def test_an_address_where_no_scheduler_answers_is_one_line_and_status_2(tmp_path, scheme):
    """From the prepare audit: ``--scheduler tcp://HOST:PORT`` of a web server (a scheduler's
    dashboard, a wrong port) waited for good; ``http://``, ``tls://`` without its settings or
    ``inproc://`` said one line, then waited 10 s and printed a traceback. The address is now asked
    for its identity first, over a connection of its own, within the connect timeout."""
    pytest.importorskip("distributed", reason="the dask extra: pip install -e '.[test,dask]'")
    import http.server
    import threading

    pairs_article(tmp_path / "articles", "pairs", 3)
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    try:
        address = f"{scheme}://127.0.0.1:{web.server_address[1]}" if scheme != "inproc" else "inproc://x"
        run = tagline("prepare", str(tmp_path / "articles"), "--scheduler", address, cache=tmp_path / "cache")
    finally:
        web.shutdown()
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.startswith(f"tagline prepare: cannot reach the Dask scheduler at {address}")
    assert run.stdout == "" and not entities(tmp_path / "cache")


def older_spacy(folder: Path) -> dict:
    """The environment of a machine where another spaCy is installed: its distribution's metadata
    first on the path, as an older environment would have it."""
    fake = folder / "site" / "spacy-3.7.0.dist-info"
    fake.mkdir(parents=True)
    (fake / "METADATA").write_text("Metadata-Version: 2.1\nName: spacy\nVersion: 3.7.0\n", encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(folder / "site"), os.environ.get("PYTHONPATH")]))}


def test_a_worker_with_another_spacy_is_one_line_and_status_2(tmp_path):
    pytest.importorskip("distributed", reason="the dask extra: pip install -e '.[test,dask]'")
    # One worker as this machine, one with another spaCy: the cache keys would not mean the same
    # entities, so nothing is sent to either.
    mixed = Cluster(tmp_path)
    try:
        mixed.start(2, env=[{}, older_spacy(tmp_path)])
        with mixed.client() as client:
            pids = client.run(lambda: (os.getpid(), os.environ.get("PYTHONPATH", "")))
        odd = next(worker for worker, (_, path) in pids.items() if "site" in path)
        pairs_article(tmp_path / "articles", "pairs", 3)
        run = tagline("prepare", str(tmp_path / "articles"), "--scheduler", mixed.address, cache=tmp_path / "cache")
        assert run.returncode == 2
        assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
        assert run.stderr.startswith(f"tagline prepare: worker {odd} has spaCy 3.7.0, this machine 3.8."), run.stderr
        assert run.stderr.endswith("; nothing sent\n") and "more" not in run.stderr
        assert tasks_run(mixed) == 0 and not entities(tmp_path / "cache")
    finally:
        mixed.stop()


def test_a_client_with_another_spacy_is_one_line_and_status_2(cluster, tmp_path):
    pairs_article(tmp_path / "articles", "pairs", 3)
    before = tasks_run(cluster)
    run = tagline("prepare", str(tmp_path / "articles"), "--scheduler", cluster.address, cache=tmp_path / "cache",
                  env=older_spacy(tmp_path))
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    assert "has spaCy 3.8" in run.stderr and "this machine 3.7.0" in run.stderr, run.stderr
    assert run.stderr.endswith("; nothing sent\n")
    assert tasks_run(cluster) == before and not entities(tmp_path / "cache")


def first_result(run: subprocess.Popen, cache: Path) -> int:
    """Wait until the run has cached something; how many paragraphs."""
    deadline = time.monotonic() + 180
    while not entities(cache) and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.poll() is None, f"the run ended too soon: {run.communicate()}"
    return len(entities(cache))


def test_ctrl_c_cancels_the_tasks_and_leaves_the_cache_consistent(cluster, tmp_path):
    folder = tmp_path / "articles"
    texts = pairs_article(folder, "interrupted", 60, offset=200)
    model = nlp.resolve_model(nlp.DEFAULT_MODEL)
    cache = tmp_path / "cache"
    small = {"TAGLINE_CACHE": str(cache), "TAGLINE_DASK_TASK_CHARS": "200"}
    before = tasks_run(cluster)
    run = subprocess.Popen([sys.executable, "-m", "tagline", "prepare", str(folder), "--scheduler", cluster.address],
                           env={**os.environ, **small}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           stdin=subprocess.DEVNULL)
    try:
        first_result(run, cache)
        run.send_signal(signal.SIGINT)
        out, err = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 130, err
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert err.startswith("tagline: interrupted; ") and err.endswith(" paragraphs cached, run again to go on\n"), err
    done = len(entities(cache))
    assert f"; {done} of 60 paragraphs cached" in err
    assert 0 < done < 60
    # The tasks are cancelled: only those already running or finishing (a few) run after ctrl+c.
    time.sleep(3)
    assert tasks_run(cluster) - before <= done + 4 < 60
    # What is cached is right, and a second run does only the rest.
    expected = dict(zip((nlp.ParseCache.key(model, t) for t in texts), nlp.entities_in_process(model.package, texts)))
    assert all(json.loads(value) == [list(e) for e in expected[key]] for key, value in entities(cache).items())
    again = tagline("prepare", str(folder), "--scheduler", cluster.address, cache=cache, env=small)
    assert again.returncode == 0, again.stderr
    assert f" {60 - done} paragraphs parsed" in again.stdout, again.stdout
    assert set(entities(cache)) == set(expected)


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(cluster, tmp_path):
    folder = tmp_path / "articles"
    texts = pairs_article(folder, "first", 50) + pairs_article(folder, "second", 50, offset=50)
    model = nlp.resolve_model(nlp.DEFAULT_MODEL)
    keys = {nlp.ParseCache.key(model, t) for t in texts}
    assert len(keys) == 100
    with cluster.client() as client:
        pids = client.run(os.getpid)
    victim = sorted(pids.values())[0]
    cache = tmp_path / "cache"
    # About one paragraph per task: many tasks, so the run is still going when a worker dies.
    run = subprocess.Popen([sys.executable, "-m", "tagline", "prepare", str(folder), "--scheduler", cluster.address],
                           env={**os.environ, "TAGLINE_CACHE": str(cache), "TAGLINE_DASK_TASK_CHARS": "200"},
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        landed = first_result(run, cache)
        parsers = children(victim)  # its parsing process
        assert parsers
        os.kill(victim, signal.SIGKILL)
        assert 0 < landed < len(keys)
        out, err = run.communicate(timeout=240)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 0, err
    cached = entities(cache)
    assert set(cached) == keys, f"{len(keys - set(cached))} paragraphs missing"
    # The same entities a local model gives (each row once: the key is the table's primary key).
    expected = nlp.entities_in_process(model.package, texts)
    assert {nlp.ParseCache.key(model, t): [list(e) for e in ents] for t, ents in zip(texts, expected)} == \
        {k: json.loads(v) for k, v in cached.items()}
    with pytest.raises(ProcessLookupError):
        os.kill(victim, 0)
    # Its parsing process does not parse on for nobody.
    deadline = time.monotonic() + 60
    while not all(map(gone, parsers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(map(gone, parsers))


def test_without_scheduler_nothing_of_dask_is_imported(tmp_path):
    pairs_article(tmp_path / "articles", "pairs", 3)
    script = (
        "import sys; from tagline import cli; status = cli.main(['prepare', sys.argv[1], '--jobs', '1']); "
        "print(status, sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    run = subprocess.run([sys.executable, "-c", script, str(tmp_path / "articles")], capture_output=True, text=True,
                         timeout=300, env={**os.environ, "TAGLINE_CACHE": str(tmp_path / "cache")})
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "0 []"
    assert len(entities(tmp_path / "cache")) == 3


def test_a_scheduler_lost_mid_run_is_one_line_and_keeps_what_is_cached(tmp_path):
    pytest.importorskip("distributed", reason="the dask extra: pip install -e '.[test,dask]'")
    lost = Cluster(tmp_path)
    try:
        lost.start(1)
        folder = tmp_path / "articles"
        pairs_article(folder, "pairs", 40, offset=300)
        cache = tmp_path / "cache"
        run = subprocess.Popen([sys.executable, "-m", "tagline", "prepare", str(folder), "--scheduler", lost.address],
                               env={**os.environ, "TAGLINE_CACHE": str(cache), "TAGLINE_DASK_TASK_CHARS": "200"},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        try:
            first_result(run, cache)
            os.killpg(lost.processes[0].pid, signal.SIGKILL)  # the scheduler
            out, err = run.communicate(timeout=120)
        finally:
            if run.poll() is None:
                run.kill()
    finally:
        lost.stop()
    assert run.returncode == 1, err
    assert "Traceback" not in err and err.count("\n") == 1, err
    done = len(entities(cache))
    assert err == f"tagline prepare: lost the Dask scheduler at {lost.address}; {done} of 40 paragraphs cached\n"
    assert 0 < done < 40
