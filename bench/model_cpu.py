"""The reader's model process with and without a second thread: CPU of the same parse.

    python bench/model_cpu.py                     # 6 rounds, 3 passes, entities and suggestions
    python bench/model_cpu.py --rounds 2 --modes entities

The model process (``python -m tagline.core.nlp_worker``) used to start a thread that watched for
a dead parent. A process that has ever had a second thread makes glibc lock with atomic
instructions for the rest of its life, and spaCy's parse takes and gives back the interpreter's
lock millions of times (``bench/parse_cpu.py``). Variants, each a fresh process per round:

- ``now``: the model process as it is (no thread; the parent is looked at between documents and
  on a timer signal);
- ``watcher``: the same process with the watcher thread of before started first, exactly as it was.

Each loads ``en_core_web_sm``, answers a warm-up request, then the same paragraphs ``--passes``
times, as the app sends them (one JSON request; with ``--suggest`` and the sentences' spans in
mode ``suggestions``). The figure is the CPU time of the process's main thread during a request
(``/proc/PID/task/PID/schedstat``, nanoseconds): CPU, not wall time, so no benchmark lock is
needed, though a busy machine still adds noise. Variants alternate within each round; the ratio
``watcher / now`` is given with a 95% bootstrap interval over the passes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from intervals import bootstrap_ratio  # noqa: E402

#: The watcher thread exactly as ``nlp_worker._leave_with_parent`` started it before, then the
#: model process as it is now.
WATCHER = """
import os, runpy, sys, threading, time
parent = os.getppid()
def watch():
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)
threading.Thread(target=watch, daemon=True).start()
sys.argv = ["nlp_worker", *sys.argv[1:]]
runpy.run_module("tagline.core.nlp_worker", run_name="__main__")
"""


def thread_cpu_ns(pid: int) -> int:
    return int(Path(f"/proc/{pid}/task/{pid}/schedstat").read_text().split()[0])


def requests(paragraphs: list[str]) -> list[list[list[int]]]:
    from tagline.core import segment

    spans = []
    for text in paragraphs:
        _, found, _ = segment.split(text)
        spans.append([[s.start, s.end] for s in found] or [[0, len(text)]])
    return spans


def one_process(variant: str, mode: str, paragraphs: list[str], spans, passes: int) -> tuple[list[float], int]:
    from tagline.core import nlp

    package = nlp.resolve_model(nlp.DEFAULT_MODEL).package
    options = ["--suggest"] if mode == "suggestions" else []
    start = ["-m", "tagline.core.nlp_worker"] if variant == "now" else ["-c", WATCHER]
    worker = subprocess.Popen([sys.executable, *start, package, *options], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)

    def ask(number: int, texts, text_spans) -> dict:
        request = {"id": number, "texts": texts}
        if text_spans is not None:
            request["spans"] = text_spans
        worker.stdin.write(json.dumps(request) + "\n")
        worker.stdin.flush()
        answer = json.loads(worker.stdout.readline())
        assert "error" not in answer, answer
        return answer

    try:
        use_spans = spans if mode == "suggestions" else None
        ask(0, paragraphs[:50], use_spans[:50] if use_spans else None)
        threads = len(os.listdir(f"/proc/{worker.pid}/task"))
        cpu = []
        for number in range(1, passes + 1):
            before = thread_cpu_ns(worker.pid)
            ask(number, paragraphs, use_spans)
            cpu.append((thread_cpu_ns(worker.pid) - before) / 1e9)
        return cpu, threads
    finally:
        worker.stdin.close()
        worker.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--modes", default="entities,suggestions")
    args = parser.parse_args(argv)
    import parse_cpu

    paragraphs = parse_cpu.texts(args.articles)
    spans = requests(paragraphs)
    words = sum(len(t.split()) for t in paragraphs)
    print(f"{len(paragraphs)} paragraphs, {words:,} words; {args.passes} passes x {args.rounds} rounds; "
          f"load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    variants = ["now", "watcher"]
    found = {(m, v): [] for m in args.modes.split(",") for v in variants}
    threads = {}
    for r in range(args.rounds):
        for mode in args.modes.split(","):
            for variant in variants if r % 2 == 0 else variants[::-1]:
                cpu, count = one_process(variant, mode, paragraphs, spans, args.passes)
                found[(mode, variant)].extend(cpu)
                threads[(mode, variant)] = count
                print(f"  round {r + 1} {mode:<12} {variant:<8} {statistics.median(cpu):6.3f} s  threads {count}  "
                      f"load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    print(f"{'mode':<12} {'variant':<8} {'threads':>7} {'CPU s/pass':>10} {'vs now':>8} {'95% CI':>16}")
    for mode in args.modes.split(","):
        base = found[(mode, "now")]
        for variant in variants:
            values = found[(mode, variant)]
            ratio = statistics.median(values) / statistics.median(base)
            low, high = bootstrap_ratio(values, base) if variant != "now" else (1.0, 1.0)
            print(f"{mode:<12} {variant:<8} {threads[(mode, variant)]:>7} {statistics.median(values):>10.3f} "
                  f"{ratio:>8.3f} {f'[{low:.3f}, {high:.3f}]':>16}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
