"""Time to the first screen of ``tagline open`` on a PATH that is a link to ``/``, in a real terminal.

    python bench/root_link.py                # the table (about a minute)
    python bench/root_link.py --repeats 5

tmux (80x24) starts ``tagline open PATH --model none``; the clock stops when the footer is drawn
(``^q quit``). Two PATHs, interleaved, median of ``--repeats`` runs each:

* ``one article``: a folder holding one article: the baseline;
* ``link to /``: a link to the root of the file system, which the walk lists up to its bound
  (``tagline.core.articles.MAX_OTHER_ENTRIES`` entries that are not articles).

The ratio is against the baseline in the same run. ``--tui DIR`` runs another checkout's source
(its ``tui`` folder), to compare with it in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import term  # noqa: E402


def first_screen(folder: Path, path: str, tui: str | None) -> float:
    pane = term.Pane()
    source = f"env PYTHONPATH={tui} " if tui else ""
    pane.start(f"{source}{sys.executable} -m tagline open {path} --model none --annotations ann", folder,
               env={"TAGLINE_CACHE": str(folder / "cache"), "TAGLINE_ANNOTATOR": "bench"})
    try:
        return pane.wait_for("^q quit", timeout=300)
    finally:
        pane.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tui", default=None, help="the tui folder of another checkout, measured beside this one")
    args = parser.parse_args()
    term.require_tmux()
    sources = {"this": None} | ({"other": str(Path(args.tui).resolve())} if args.tui else {})
    times: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "one").mkdir()
        (folder / "one" / "story.txt").write_text("The mayor said it rained. The river rose.\n", encoding="utf-8")
        os.symlink("/", folder / "root")
        try:
            for _ in range(args.repeats):
                for name, tui in sources.items():
                    for label, path in (("one article", "one"), ("link to /", "root")):
                        times.setdefault((name, label), []).append(first_screen(folder, path, tui))
        finally:
            term.stop_server()
    baseline = statistics.median(times[("this", "one article")])
    print(f"{'source':<8} {'PATH':<12} {'first screen (median)':>22} {'runs':>24} {'ratio':>7}")
    for (name, label), runs in times.items():
        median = statistics.median(runs)
        shown = " ".join(f"{t:.2f}" for t in runs)
        print(f"{name:<8} {label:<12} {median:>20.2f} s {shown:>24} {median / baseline:>7.2f}")


if __name__ == "__main__":
    main()
