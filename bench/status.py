"""Time of ``tagline status`` on a large project: 10,000 articles, 3 annotators, each on every article.

    python bench/status.py                      # the table (about a minute, most of it building the tree)
    python bench/status.py --articles 2000 --repeats 3

Builds, in a temporary folder, a corpus of N article files and, for each of 3 annotators, N annotation
files (written by tagline's own store for one article, then copied with the id changed: the YAML
files are as tagline writes them) and the progress index tagline keeps beside them. Then times:

* ``status (index)``: ``tagline status --format json`` as a whole process, start to exit (the figure
  the goal of one second is about), and :func:`tagline.core.status.compute` in this process;
* ``parse every file``: the baseline, what reading the project costs without the index, measured on
  a sample of the files (``corpus.parse_file`` on 600 of them) and scaled to all of them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tagline.core import corpus, status
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.progress import encode_times
from tagline.core.session import Session
from tagline.core.store import SentenceState

NAMES = ("alice", "bob", "carol")
SENTENCES = 30
LABEL_CHOICES = [(), ("claim",), ("quote",), ("claim", "quote"), ("statistic",)]


def article_text(i: int) -> str:
    return "\n".join(f"Sentence {j} of article {i} says something {j * i % 97}." for j in range(SENTENCES)) + "\n"


def build(root: Path, n: int) -> None:
    seeds = root / "seeds"
    seeds.mkdir(parents=True)
    ids = [f"{i:05d}_bench" for i in range(n)]
    for i, article_id in enumerate(ids):
        (seeds / f"{article_id}.txt").write_text(article_text(i), encoding="utf-8")
    (root / "tagline.yaml").write_text(f"team:\n  annotators: [{', '.join(NAMES)}]\n  per_article: 3\n", encoding="utf-8")
    annotations = root / "annotations"
    rnd = random.Random(7)
    for name in NAMES:
        # One article through the real store and session (so the file and the index entry are
        # tagline's own), then copies of it under every id, each with its own marks and times.
        template_id = "template"
        session = Session([Article(template_id, "seeds/template.txt", article_text(0))], annotations, name, DEFAULT_SCHEME)
        for j in range(SENTENCES):
            session.store.set(j, SentenceState("done", ("claim",), updated=f"2026-11-20T09:{j:02d}:00Z"))
        session.close()
        folder = annotations / name
        template = (folder / f"{template_id}.yaml").read_text(encoding="utf-8")
        entry = json.loads((folder / ".progress.json").read_text(encoding="utf-8"))[template_id]
        (folder / f"{template_id}.yaml").unlink()
        index = {}
        names = entry["names"]
        base = 1_764_000_000
        for i, article_id in enumerate(ids):
            path = folder / f"{article_id}.yaml"
            path.write_text(template.replace(f"id: {template_id}", f"id: {article_id}", 1), encoding="utf-8")
            masks = [sum(1 << names.index(label) for label in rnd.choice(LABEL_CHOICES)) for _ in range(SENTENCES)]
            start = base + i * 400 + rnd.randint(0, 50)
            stamps = [start + 9 * j + rnd.randint(0, 6) for j in range(SENTENCES)]
            index[article_id] = {**entry, "marks": "".join(chr(48 + m) for m in masks), "times": encode_times(stamps),
                                 "mtime_ns": path.stat().st_mtime_ns}
        (folder / ".progress.json").write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")


@contextlib.contextmanager
def built_project(n: int, prefix: str):
    """A temporary folder holding :func:`build`'s project of ``n`` articles, with its own parse cache
    (``TAGLINE_CACHE``): (the folder, the cache folder); removed after."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    cache = root / "cache"
    os.environ["TAGLINE_CACHE"] = str(cache)
    try:
        build(root, n)
        yield root, cache
    finally:
        shutil.rmtree(root, ignore_errors=True)


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def cpu(fn, repeats: int, child: bool) -> list[float]:
    """CPU seconds (user + system) of ``fn``: of its child processes when ``child``. On a shared
    machine the wall time is mostly waiting for a core; the CPU time is what the work costs."""
    import resource

    who = resource.RUSAGE_CHILDREN if child else resource.RUSAGE_SELF
    out = []
    for _ in range(repeats):
        before = resource.getrusage(who)
        fn()
        after = resource.getrusage(who)
        out.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="tagline-status-bench-"))
    try:
        started = time.perf_counter()
        build(root, args.articles)
        print(f"built {args.articles} articles x {len(NAMES)} annotators in {time.perf_counter() - started:.0f} s")
        env = {**os.environ, "TAGLINE_CACHE": str(root / "cache")}

        def whole() -> None:
            done = subprocess.run([sys.executable, "-m", "tagline", "status", "--format", "json"], cwd=root, env=env,
                                  capture_output=True, text=True)
            assert done.returncode == 0, done.stderr

        ids = sorted(p.stem for p in (root / "seeds").iterdir())
        from tagline.core.team import load_team

        team = load_team(cwd=root)
        check = status.compute(root / "annotations", DEFAULT_SCHEME, team, ids)
        assert check.parsed_files == 0 and len(check.articles) == args.articles, check.parsed_files
        process = timed(whole, args.repeats)
        process_cpu = cpu(whole, args.repeats, child=True)
        inside = timed(lambda: status.compute(root / "annotations", DEFAULT_SCHEME, team, ids), args.repeats)
        inside_cpu = cpu(lambda: status.compute(root / "annotations", DEFAULT_SCHEME, team, ids), args.repeats, child=False)
        files = [root / "annotations" / n / f"{i}.yaml" for n in NAMES for i in ids]
        sample = random.Random(1).sample(files, min(600, len(files)))
        per_file = min(timed(lambda: [corpus.parse_file(p, p.parent.name, DEFAULT_SCHEME) for p in sample], 2)) / len(sample)
        baseline = per_file * len(files)
        rows = [
            ("tagline status, wall (process)", process),
            ("tagline status, CPU (process)", process_cpu),
            ("status.compute, wall", inside),
            ("status.compute, CPU", inside_cpu),
        ]
        print(f"\n{'what':<34} {'median s':>9} {'min':>7} {'max':>7} {'vs parsing':>11}")
        for label, times in rows:
            med = statistics.median(times)
            print(f"{label:<34} {med:>9.3f} {min(times):>7.3f} {max(times):>7.3f} {baseline / med:>10.0f}x")
        print(f"{'parse every file (baseline)':<34} {baseline:>9.1f} {'':>7} {'':>7} {'1x':>11}")
        print(f"\n{len(files)} annotation files; baseline from {len(sample)} files parsed, {per_file * 1000:.2f} ms each")
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
