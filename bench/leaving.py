"""How fast each way out leaves a 5,000-sentence article with an action not yet folded: ctrl+q against
SIGTERM, SIGHUP and SIGINT, in the same run, in ``tagline open`` and in ``tagline review``.

    python bench/leaving.py [--rounds 7] [--sentences 5000] [--ways ctrl+q,SIGTERM,SIGHUP,SIGINT]
                            [--apps open,review] [--before CHECKOUT]

Each round and way: a fresh tmux pane (``bench/term.py``) and annotation folder, ``tagline open`` on a
news article of ``--sentences`` sentences (``bench/corpus.py``) with ``--model none``, once the
duplicate scan is over; one tag (``c``), waited for in the journal; then, at once (the idle fold
waits 2 s), the way out: ctrl+q through a tmux client in control mode attached beforehand (as
``bench/background.py`` sends it), or the signal with ``os.kill``. Timed: from just before the key
or the signal is sent to the app's process gone (a zombie or reaped), and to the YAML written with
the tag and no journal left (the fold, wherever it runs). The exit status is the pane's.

``review``: the same article annotated by two annotators who disagree on its first sentence (files
written before the round); ``tagline review`` on it, the action is taking annotator 1's labels (``!``),
waited for in the reviewer's decisions journal, and the YAML timed is the decisions file.

``--before DIR`` also runs every way with tagline from another checkout (``DIR/tui`` first on the
path), in the same rounds. Every row's ratio is against ctrl+q in ``open`` with this checkout in the
same run.
Run it at a negative niceness (``nice -n -15``), as ``bench/background.py`` is: the scheduling
groups of the panes, and of the child a fold is left to (a session of its own), are then raised
with the bench's niceness, so that a fold in the app and a fold in a child run at the same weight.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import background  # noqa: E402
import corpus  # noqa: E402
import term  # noqa: E402

WAYS = ("ctrl+q", "SIGTERM", "SIGHUP", "SIGINT")


APPS = ("open", "review")


def two_annotators(work: Path, article: str) -> None:
    """``article`` annotated by ``alice`` and ``bob``, who disagree on its first sentence: what
    ``tagline review`` opens on."""
    from tagline.core.articles import Article
    from tagline.core.labels import DEFAULT_SCHEME
    from tagline.core.store import ArticleStore, SentenceState

    text = (work / article).read_text(encoding="utf-8")
    parsed = Article(Path(article).stem, article, text)
    for name, labels in (("alice", ("claim",)), ("bob", ("statistic",))):
        store = ArticleStore(work / "annotations", name, parsed, DEFAULT_SCHEME)
        store.set(0, SentenceState("done", labels, updated="2026-11-20T09:00:00Z"))
        store.close()


def open_pane(work: Path, article: str, sentences: int, before: Path | None, app: str = "open") -> tuple[term.Pane, int]:
    """``tagline open`` (or ``review``) in a fresh pane, under a shell that writes its exit status
    to ``work/status`` (tmux's own ``pane_dead_status`` was at times never set for a pane whose
    program had exited); the pane and the app's pid."""
    pane = term.Pane(100, 30)
    env = {"TAGLINE_ANNOTATOR": "bench", "TAGLINE_CACHE": str(work / "cache"), "XDG_CONFIG_HOME": str(work / "config")}
    if before is not None:
        env["PYTHONPATH"] = str(before / "tui")
    command = f"open {shlex.quote(article)} --model none" if app == "open" else f"review {shlex.quote(article)}"
    line = (f"{shlex.quote(sys.executable)} -m tagline {command}; "
            f"echo $? > {shlex.quote(str(work / 'status'))}")
    pane.start(f"sh -c {shlex.quote(line)}", work, env)
    shell = pane.pid()
    background.shift_group(shell)
    pane.wait_for(f"/{sentences} done" if app == "open" else "decided 0/", timeout=120 + sentences / 500)
    [pid] = [c for c in term.children(shell) if b"tagline" in Path(f"/proc/{c}/cmdline").read_bytes()]
    return pane, pid


def exit_status(work: Path, timeout: float = 10.0) -> str:
    """The app's exit status, as its shell wrote it."""
    path = work / "status"
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.02)
    return "?"


def shift_fold_children(app: int, seen: set[int]) -> None:
    """Give the fold's child, a session (and so a scheduling group) of its own, the bench's
    niceness as the app's group has it, so that a fold in a child and a fold in the app run at
    the same weight."""
    for child in term.children(app):
        seen.add(child)
    for child in list(seen):
        try:
            if b"duplicates_worker" in Path(f"/proc/{child}/cmdline").read_bytes():
                seen.discard(child)
                continue
        except OSError:
            seen.discard(child)
            continue
        if child not in background.GROUPS_SHIFTED and os.getsid(child) == child:
            background.shift_group(child)


def folded(folder: Path, stem: str) -> bool:
    path = folder / f"{stem}.yaml"
    return (path.exists() and not (folder / f"{stem}.journal").exists()
            and not (folder / f"{stem}.journal.folding").exists())


def leave_once(work: Path, article: str, sentences: int, way: str, before: Path | None,
               app: str = "open") -> tuple[float, float, str]:
    """ms from the way out to the process gone, ms to the YAML written, and the exit status."""
    if app == "review":
        two_annotators(work, article)
    pane, pid = open_pane(work, article, sentences, before, app)
    try:
        while background.scan_alive(pid):
            time.sleep(0.05)
        pane.settle(0.5)
        typist = background.Typist(pane)  # attached before the tag: the idle fold waits 2 s after it
        try:
            folder = work / "annotations" / "bench" / ("decisions" if app == "review" else "")
            stem = Path(article).stem
            journal = folder / f"{stem}.journal"
            typist.send("c" if app == "open" else "!")
            deadline = time.perf_counter() + 30
            while not (journal.exists() and journal.read_bytes().count(b"\n") >= 1):
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"the tag did not reach the journal:\n{pane.screen()}")
                time.sleep(0.002)
            began = time.perf_counter()
            background.send_way_out(typist, pid, way)
            gone = written = None
            forked: set[int] = set()
            while gone is None or written is None:
                now = time.perf_counter()
                if gone is None or forked:
                    try:
                        shift_fold_children(pid, forked)
                    except OSError:
                        pass
                if gone is None and background.gone(pid):
                    gone = now
                if written is None and folded(folder, stem):
                    written = now
                if now - began > 60:
                    raise TimeoutError(f"{way}: the app or its fold did not finish in 60 s")
                time.sleep(0.002)
            return (gone - began) * 1000, (written - began) * 1000, exit_status(work)
        finally:
            typist.close()
    finally:
        pane.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--sentences", type=int, default=5_000)
    parser.add_argument("--ways", default=",".join(WAYS), help=f"comma-separated, of {', '.join(WAYS)}")
    parser.add_argument("--apps", default=",".join(APPS), help=f"comma-separated, of {', '.join(APPS)}")
    parser.add_argument("--before", type=Path, help="also run every way with tagline from this checkout (DIR/tui)")
    parser.add_argument("--shared-groups", action="store_true",
                        help="leave the scheduling groups of the panes and tmux at the kernel's default")
    args = parser.parse_args(argv)
    ways = [w for w in args.ways.split(",") if w]
    unknown = [w for w in ways if w not in WAYS]
    if unknown:
        parser.error(f"unknown way out: {', '.join(unknown)}")
    if "ctrl+q" not in ways:
        ways.insert(0, "ctrl+q")  # the baseline of every ratio
    apps = [a for a in args.apps.split(",") if a]
    if [a for a in apps if a not in APPS]:
        parser.error(f"unknown app: {', '.join(a for a in apps if a not in APPS)}")
    if "open" not in apps:
        apps.insert(0, "open")  # ctrl+q in open is the baseline
    term.require_tmux()
    background.shift_groups_for_run(args.shared_groups)
    codes = ["now"] + (["before"] if args.before else [])
    runs = [(app, way, code) for app in apps for code in codes for way in ways]
    gone: dict[tuple[str, str, str], list[float]] = {run: [] for run in runs}
    written: dict[tuple[str, str, str], list[float]] = {run: [] for run in runs}
    statuses: dict[tuple[str, str, str], set[str]] = {run: set() for run in runs}
    scratch = Path(tempfile.mkdtemp(prefix="tagline-bench-leaving-"))
    text = corpus.article_text(args.sentences)
    try:
        for round_ in range(args.rounds):
            for run in runs:
                app, way, code = run
                work = Path(tempfile.mkdtemp(prefix=f"{app}-{way.replace('+', '')}-{code}-", dir=scratch))
                (work / "news.txt").write_text(text, encoding="utf-8")
                left, wrote, status = leave_once(work, "news.txt", args.sentences, way,
                                                 args.before if code == "before" else None, app)
                gone[run].append(left)
                written[run].append(wrote)
                statuses[run].add(status)
                print(f"  round {round_ + 1} {app} {way} ({code}): gone {left:.0f} ms, YAML written {wrote:.0f} ms, "
                      f"exit {status}", file=sys.stderr)
    finally:
        term.stop_server()
    base = statistics.median(gone[("open", "ctrl+q", "now")])
    print(f"{args.sentences:,} sentences, one action not yet folded; ms from the key or signal, "
          f"median [lowest, highest] of {args.rounds}; ratio of the medians against ctrl+q in open (now):")
    print(f"{'app':<7} {'way out':<9} {'code':<7} {'process gone':>22} {'x ctrl+q':>9} {'YAML written':>24} {'exit':>5}")
    for run in runs:
        app, way, code = run
        values, folds = gone[run], written[run]
        median = statistics.median(values)
        print(f"{app:<7} {way:<9} {code:<7} {median:>8.0f} [{min(values):.0f}, {max(values):.0f}]".ljust(48)
              + f"{median / base:>9.2f} {statistics.median(folds):>10.0f} [{min(folds):.0f}, {max(folds):.0f}]".ljust(35)
              + f" {','.join(sorted(statuses[run])):>5}")
    print("scheduling groups of the panes and tmux: "
          + (f"shifted by {background.GROUP_OFFSET[0]}, the bench's niceness" if background.GROUP_OFFSET[0] else "as the kernel made them"))
    print(corpus.machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
