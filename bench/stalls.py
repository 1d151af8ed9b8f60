"""Where the reader's event loop stalls while background work runs: a sampling profile, cut into stalls.

    python bench/stalls.py [--scenario model|scan|idle] [--seconds 20] [--stall-ms 10] [--gil]
                           [--keep PROFILE.json | --read PROFILE.json]

Opens the 5,000-sentence article of ``bench/background.py`` in a tmux pane for one scenario, types
``j``/``k`` while ``py-spy record --idle`` samples the app at 1 kHz, then reads the profile as a
timeline of the main thread (the one running the event loop): a run of samples not waiting in
``select`` longer than ``--stall-ms`` is a stall, during which a key cannot be answered. Prints how
many stalls there were, each with when it came and the deepest frames on the stack for most of it,
and the frames most often on the stack over all stalls. ``--gil`` samples only the thread holding
the interpreter lock instead, and says how often each thread held it. Needs ``py-spy``
(``pip install py-spy``) and ptrace rights over one's own processes.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import background  # noqa: E402
import corpus  # noqa: E402
import term  # noqa: E402


def stalls(profile: dict, stall_ms: float, rate: int) -> tuple[list[list[list[int]]], dict]:
    """Runs of consecutive busy samples of the main thread longer than ``stall_ms``."""
    frames = profile["shared"]["frames"]
    main = next(p for p in profile["profiles"] if "MainThread" in p["name"] or p is profile["profiles"][0])
    runs: list[list[list[int]]] = []
    current: list[list[int]] = []
    starts: list[int] = []
    for n, sample in enumerate(main["samples"]):
        idle = not sample or frames[sample[-1]]["name"].endswith("select")
        if idle:
            if len(current) * 1000 / rate > stall_ms:
                runs.append(current)
                starts.append(n - len(current))
            current = []
        else:
            current.append(sample)
    main["stall_starts"] = starts
    return runs, main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=["idle", "scan", "model"], default="model")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--stall-ms", type=float, default=10)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="keep the profile (speedscope JSON) here")
    parser.add_argument("--read", type=Path, help="only read a profile kept before")
    parser.add_argument("--gil", action="store_true",
                        help="sample only the thread holding the interpreter lock, and say how often each held it")
    args = parser.parse_args(argv)
    if args.read:
        return report(json.loads(args.read.read_text()), args, keys=0)
    term.require_tmux()
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    work = Path(tempfile.mkdtemp(prefix="tagline-bench-stalls-"))
    article = "feed.txt" if args.scenario == "scan" else "news.txt"
    text = background.templated_feed() if args.scenario == "scan" else corpus.article_text(5_000)
    (work / article).write_text(text, encoding="utf-8")
    model = "en_core_web_sm" if args.scenario == "model" else "none"
    out = args.keep or work / "profile.json"
    try:
        pane, pid = background.open_pane(work, article, model)
        if args.scenario == "idle":
            while background.scan_alive(pid):
                time.sleep(0.05)
            pane.settle(1.0)
        spying = subprocess.Popen([spy, "record", *(["--gil"] if args.gil else ["--idle"]), "--threads", "--nonblocking", "-r", str(args.rate), "-d", str(int(args.seconds)),
                                   "-f", "speedscope", "-o", str(out), "-p", str(pid)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(0.5)
        end = time.monotonic() + args.seconds - 1
        i = 0
        while time.monotonic() < end:
            pane.keys("j" if i % 2 == 0 else "k")
            i += 1
            time.sleep(0.06)
        _, err = spying.communicate(timeout=60)
        pane.keys("C-q")
        pane.wait_exit(30)
        pane.close()
    finally:
        term.stop_server()
    if not out.exists():
        print(err.decode(errors="replace"), file=sys.stderr)
        return 1
    return report(json.loads(out.read_text()), args, keys=i)


def report(profile: dict, args, keys: int) -> int:
    if args.gil:
        print(f"{args.scenario}: samples holding the interpreter lock, by thread (of {args.seconds:.0f} s at {args.rate} Hz):")
        frames = profile["shared"]["frames"]
        for thread in profile["profiles"]:
            doing = collections.Counter(frames[s[-1]]["name"] for s in thread["samples"] if s)
            print(f"  {len(thread['samples']):6d}  {thread['name']}: " + ", ".join(f"{n} {name}" for name, n in doing.most_common(4)))
        return 0
    runs, main_profile = stalls(profile, args.stall_ms, args.rate)
    frames = profile["shared"]["frames"]
    lengths = sorted((len(r) * 1000 / args.rate for r in runs), reverse=True)
    print(f"{args.scenario}: {len(main_profile['samples'])} samples of the main thread, {keys} keys; "
          f"{len(runs)} stalls > {args.stall_ms:.0f} ms; longest {', '.join(f'{x:.0f}' for x in lengths[:10])} ms")
    for start, run in zip(main_profile["stall_starts"], runs):
        # the deepest frames on the stack for at least half of the stall: what it was doing
        within: collections.Counter = collections.Counter()
        depth: dict[int, int] = {}
        for sample in run:
            for d, index in enumerate(sample):
                within[index] += 1
                depth[index] = max(depth.get(index, 0), d)
        common = sorted((i for i, n in within.items() if n >= len(run) / 2), key=lambda i: depth[i])
        where = " > ".join(f"{frames[i]['name']} ({Path(frames[i].get('file', '?')).name}:{frames[i].get('line', '?')})" for i in common[-6:])
        print(f"  at {start / args.rate:6.2f} s: {len(run) * 1000 / args.rate:5.0f} ms  {where}")
    total = sum(len(r) for r in runs) or 1
    # per frame: share of stall samples with it on the stack
    share: collections.Counter = collections.Counter()
    for run in runs:
        for sample in run:
            for name in {f"{frames[i]['name']} ({Path(frames[i].get('file', '?')).name}:{frames[i].get('line', '?')})" for i in sample}:
                share[name] += 1
    print(f"frames on the stack during stalls (share of {total} stall samples):")
    for name, n in share.most_common(45):
        print(f"  {100 * n / total:5.1f}%  {name}")
    print(corpus.machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
