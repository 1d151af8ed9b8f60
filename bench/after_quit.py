"""What waits for the fold a session leaves behind when it quits or moves on: each reader command
run the moment the session has quit, reopening the article, and going back to it in the app.

    python bench/after_quit.py [--rounds 3] [--sentences 5000] [--tag 1500]

The article is a templated feed of ``--sentences`` sentences, one a line, all alike ("Item 17 says
that the council approved …", ``bench/duplicates.py``), so its fold is as long as an article's gets.
Annotator ``bench`` has a file for it (folded before the rounds) and annotator ``other`` one too, so
``agree`` has two annotators. Each round: a session of ``bench`` opens the article (the core's
``Session``, as the app opens it), tags ``--tag`` sentences (claim, quote, statistic in turn, a
different set each round so the fold always has work), and quits as ctrl+q does
(``Session.close(after_exit=True)``: the fold is left to a forked child). At once, one of:

* a command (``tagline export``, ``agree``, ``stats``, ``train``, ``status``), a process, timed from
  its start to its exit;
* ``reopen``: a new ``Session`` on the article in this process (the next ``tagline open``), timed;
* ``go back``: (no quit) in one session, ``]`` to a short article then ``[`` back at once: the long
  one's fold runs meanwhile; the time of the ``[`` (``Session.open_article``), which the app's
  event loop spends.

A row named ``NAME first`` (``export first``, ``reopen first``, …) is that row on an article
annotator ``bench`` annotates for the first time: its file is deleted before the session opens, so
the fold the quit leaves is the one that writes the article's first file.

Baseline, in the same run: the same thing once the fold is written (no fold running). Each row
checks that what it read holds the round's tags (the command's output, or the session's states).
Figures: median [lowest, highest] in ms; the ratio is the median against the baseline's; the last
column counts the rounds whose fold was still under way when the command (or the open) ended: it
did not wait for the fold. (The fold's CPU, on a machine of two cores, is still shared with it.)
``BENCH_TREE=DIR`` measures the tagline of another checkout (``DIR/tui``), for a before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
#: The tagline measured: this checkout's, or another's (``BENCH_TREE=DIR``: ``DIR/tui``, for before/after).
TUI = Path(os.environ.get("BENCH_TREE") or HERE.parent) / "tui"
sys.path.insert(0, str(TUI))

from duplicates import templated  # noqa: E402

from tagline.core.articles import Article  # noqa: E402
from tagline.core.labels import DEFAULT_SCHEME  # noqa: E402
from tagline.core.session import Session  # noqa: E402
from tagline.core.store import SentenceState, wait_for_folds_after_quit  # noqa: E402

LABELS = (("claim",), ("quote",), ("statistic",))
STILL_FOLDING: list[bool] = []  # per measurement right after the quit: was the fold still under way at its end
COMMANDS = ("export", "agree", "stats", "train", "status", "reopen", "go back")
FIRST = tuple(f"{name} first" for name in ("export", "agree", "stats", "reopen"))


def command_line(name: str, root: Path, out: Path) -> list[str]:
    base = [sys.executable, "-m", "tagline"]
    if name == "export":
        return [*base, "export", "--format", "jsonl", "--merge", "each", "--annotations", str(root), "--out", str(out)]
    if name == "train":
        return [*base, "train", "--annotations", str(root), "--out", str(out.parent / "model")]
    if name == "status":
        return [*base, "status", "--annotations", str(root), "--format", "json"]
    return [*base, name, "--annotations", str(root)]


def tag(session: Session, count: int, round_no: int) -> int:
    """Tag ``count`` sentences, a label set of this round's; the index of the last one tagged."""
    labels = LABELS[round_no % len(LABELS)]
    store = session.store
    for index in range(count):
        store.set(index, SentenceState("done", labels, updated="2026-12-01T10:00:00Z"))
    return count - 1


def wait_folded(root: Path) -> None:
    wait_for_folds_after_quit(root, 60.0)
    folder = root / "bench"
    deadline = time.monotonic() + 60
    while any(p.suffix in (".journal", ".folding") for p in folder.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.02)
        wait_for_folds_after_quit(root, 60.0)


def folding(root: Path) -> bool:
    """Whether the fold left by the quit is still under way: the journal it folds is still there."""
    return any(p.name.startswith("feed.journal") for p in (root / "bench").iterdir())


def run_command(name: str, root: Path, work: Path, round_no: int, feed: Article) -> float:
    out = work / "out.jsonl"
    if name in ("reopen", "go back"):
        raise AssertionError(name)
    env = dict(os.environ, PYTHONPATH=str(TUI))
    start = time.perf_counter()
    done = subprocess.run(command_line(name, root, out), capture_output=True, text=True, env=env, cwd=work)
    took = time.perf_counter() - start
    STILL_FOLDING.append(folding(root))
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{name}: exit {done.returncode}: {done.stderr[-400:]}")
    if name == "export":
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        mine = [r for r in rows if r.get("annotator") == "bench" and r.get("labels") == list(LABELS[round_no % 3])]
        assert len(mine) >= 1, "export did not see the round's tags"
    if name == "status":
        assert json.loads(done.stdout)["annotators"]["bench"]["sentences_done"] >= 1
    return took


def forget(root: Path) -> None:
    """Annotator ``bench`` has never annotated the feed: its file (and the file's parsed form) go."""
    for path in (root / "bench").glob("*feed.yaml*"):
        path.unlink()


def one(name: str, root: Path, work: Path, feed: Article, short: Article, round_no: int, tagged: int, after: bool) -> float:
    """One measurement: ``after`` right after the quit (the fold running), else once it is written.
    ``NAME first``: NAME, on an article with no file yet."""
    if name.endswith(" first"):
        forget(root)
        name = name[: -len(" first")]
    if name == "go back":
        session = Session([feed, short], root, "bench", DEFAULT_SCHEME, None)
        tag(session, tagged, round_no)
        session.open_article(1)  # ]: the long article's fold starts
        if not after:
            session._wait_for_close()
        start = time.perf_counter()
        session.open_article(0)  # [: back
        took = time.perf_counter() - start
        STILL_FOLDING.append(folding(root))
        assert session.store.get(0).labels == LABELS[round_no % 3]
        session.close()
        wait_folded(root)
        return took
    session = Session([feed], root, "bench", DEFAULT_SCHEME, None)
    tag(session, tagged, round_no)
    session.close(after_exit=True)  # ctrl+q: the fold is left to a forked child
    if not after:
        wait_folded(root)
    if name == "reopen":
        start = time.perf_counter()
        again = Session([feed], root, "bench", DEFAULT_SCHEME, None)
        took = time.perf_counter() - start
        STILL_FOLDING.append(folding(root))
        assert again.store.get(0).labels == LABELS[round_no % 3] and again.store.read_only is None
        again.close()
    else:
        took = run_command(name, root, work, round_no, feed)
    wait_folded(root)
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sentences", type=int, default=5000)
    parser.add_argument("--tag", type=int, default=1500)
    parser.add_argument("--only", default=",".join(COMMANDS + FIRST), help="comma-separated rows")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="after-quit-") as tmp:
        work = Path(tmp)
        os.chdir(work)  # the article's path, as the sessions give it, is found from here, as from tagline open
        text = "\n".join(templated(args.sentences, 20261125)) + "\n"
        (work / "feed.txt").write_text(text, encoding="utf-8")
        feed = Article("feed", "feed.txt", text)
        short = Article("short", "short.txt", "A short article. It has two sentences.\n")
        root = work / "annotations"
        for name in ("bench", "other"):  # a file each, folded before the rounds
            session = Session([feed], root, name, DEFAULT_SCHEME, None)
            tag(session, min(args.tag, args.sentences), 0)
            session.close()
        rows = []
        for name in args.only.split(","):
            timings: dict[bool, list[float]] = {False: [], True: []}
            folding_at_end = 0
            for round_no in range(1, args.rounds + 1):
                for after in (False, True):
                    timings[after].append(1000 * one(name, root, work, feed, short, round_no, args.tag, after))
                    folding_at_end += after and STILL_FOLDING[-1]
            rows.append((name, timings, folding_at_end))
            print(f"  {name}: done", file=sys.stderr)
    print(f"{args.sentences:,}-sentence templated feed, {args.tag:,} sentences tagged a round, "
          f"{args.rounds} rounds; ms, median [lowest, highest]")
    print(f"{'what':<14} {'no fold running (baseline)':>28} {'right after the quit':>28} {'ratio':>7} {'fold still running at its end':>31}")
    for name, timings, folding_at_end in rows:
        cells = []
        for after in (False, True):
            values = timings[after]
            cells.append(f"{statistics.median(values):.0f} [{min(values):.0f}, {max(values):.0f}]")
        ratio = statistics.median(timings[True]) / statistics.median(timings[False])
        print(f"{name:<14} {cells[0]:>28} {cells[1]:>28} {ratio:>7.2f} {f'{folding_at_end} of {args.rounds}':>31}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
