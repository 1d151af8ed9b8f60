"""Time from ``tagline`` starting to its first taggable sentence, in a real terminal.

    python bench/startup.py                # the table (two to three minutes)
    python bench/startup.py --repeats 5

Whole process, as a user sees it: tmux (80x24) starts ``tagline open ARTICLE``, and the clock stops
when the status line shows the sentence counter (``1/5000``), which is drawn together with the
first sentences. Three ways to start:

* ``none``:  ``--model none``;
* ``cold``:  with the model and an empty parse cache: sentences are taggable before the model has
  parsed anything, entities stream in afterwards (the ``entities`` column is the time until every
  paragraph is parsed and the legend stops saying ``parsing``);
* ``warm``:  with the model and a cache filled by ``tagline prepare``;
* ``reopen``: as ``warm``, on an article this annotator has worked on before: its annotation file
  lists every sentence with its entities (1.4 MB of YAML on 5,000 sentences), as after a session.

The goal is the same for all three, on both texts: a taggable screen in under 0.5 s.

Each on the sample article (34 sentences) and on a generated 5,000-sentence news article, with a
fresh annotation folder each time (for ``reopen``, a fresh copy of the annotated one); median of ``--repeats`` runs, interleaved. The ratio is against
the sample article in the same run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import term  # noqa: E402

MODES = ("none", "cold", "warm", "reopen")
GOALS = {"none": 0.5, "cold": 0.5, "warm": 0.5, "reopen": 0.5}


@dataclass
class Parse:
    """The cold parse to the end: how long, and the CPU seconds of the app and its model process."""

    seconds: float
    app_cpu: float
    model_cpu: float


def run_once(
    article: Path, total: int, mode: str, work: Path, cache: Path, entities: bool, annotated: Path | None = None
) -> tuple[float, Parse | None]:
    """(seconds to the first taggable sentence, the whole parse if asked); ``annotated``: an
    annotation folder to start from (copied)."""
    pane = term.Pane(80, 24)
    annotations = Path(tempfile.mkdtemp(prefix="ann-", dir=work))
    if annotated is not None:
        shutil.copytree(annotated, annotations, dirs_exist_ok=True)
    model = "none" if mode == "none" else "en_core_web_sm"
    command = f"{term.tagline_command()} open {article} --model {model} --annotations {annotations}"
    env = {"TAGLINE_CACHE": str(cache), "TAGLINE_ANNOTATOR": "bench"}
    pane.start(command, work, env)
    try:
        # The sentence counter: 1/N on a new article, where the annotator left off on a reopened one.
        counter = re.compile(rf" \d+/{total} ")
        pane.wait_until(lambda screen: counter.search(screen) is not None, timeout=60)
        first = time.perf_counter() - pane.started
        complete = None
        if entities and mode != "none":
            pane.wait_until(lambda s: "parsing" not in s and "entities" in s, timeout=300)
            seconds = time.perf_counter() - pane.started
            pid = pane.pid()
            complete = Parse(seconds, term.cpu_seconds(pid), sum(term.cpu_seconds(c) for c in term.children(pid)))
        pane.keys("C-q")
        if not pane.wait_exit(60):
            raise RuntimeError(f"tagline did not quit:\n{pane.screen()}")
    finally:
        pane.close()
    return first, complete


def annotate(article: Path, total: int, work: Path, cache: Path) -> Path:
    """An annotation folder as a session leaves it: the article opened with the model (warm), every
    entity in, a few sentences tagged, then quit (the YAML and its parsed form written)."""
    annotations = Path(tempfile.mkdtemp(prefix="annotated-", dir=work))
    pane = term.Pane(80, 24)
    command = f"{term.tagline_command()} open {article} --model en_core_web_sm --annotations {annotations}"
    pane.start(command, work, {"TAGLINE_CACHE": str(cache), "TAGLINE_ANNOTATOR": "bench"})
    try:
        pane.wait_for(f" 1/{total} ", timeout=60)
        pane.wait_until(lambda s: "parsing" not in s and "entities" in s, timeout=300)
        pane.keys("c", "j", "q", "j", "space")
        pane.settle(0.5)
        pane.keys("C-q")
        if not pane.wait_exit(120):
            raise RuntimeError(f"tagline did not quit:\n{pane.screen()}")
    finally:
        pane.close()
    return annotations


def prepare(article: Path, cache: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "tagline", "prepare", str(article)],
        env={**os.environ, "TAGLINE_CACHE": str(cache)}, check=True, capture_output=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sentences", type=int, default=5000)
    parser.add_argument("--no-entities", action="store_true", help="skip timing the cold parse to the end")
    parser.add_argument("--modes", default=",".join(MODES), help=f"which of {', '.join(MODES)} (default: all)")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m in MODES]
    term.require_tmux()
    with tempfile.TemporaryDirectory(prefix="tagline-startup-", ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        big = corpus.write_article(work / "articles", args.sentences)
        sample = corpus.SAMPLE
        articles = {"sample": (sample, corpus.count(sample.read_text(encoding="utf-8"))), "big": (big, args.sentences)}
        warm = {name: work / f"cache-warm-{name}" for name in articles}
        for name, (path, _) in articles.items():
            prepare(path, warm[name])
        annotated = {name: annotate(path, total, work, warm[name]) for name, (path, total) in articles.items()} if "reopen" in modes else {}
        times: dict[tuple[str, str], list[float]] = {}
        parsed: dict[tuple[str, str], list[Parse]] = {}
        try:
            for r in range(args.repeats):
                for mode in modes:
                    order = list(articles) if r % 2 == 0 else list(reversed(articles))
                    for name in order:
                        path, total = articles[name]
                        cache = warm[name] if mode in ("warm", "reopen") else Path(tempfile.mkdtemp(prefix="cache-cold-", dir=work))
                        # Time the whole cold parse once per article: it takes a while on 5,000.
                        want_entities = mode == "cold" and r == 0 and not args.no_entities
                        first, complete = run_once(
                            path, total, mode, work, cache, want_entities, annotated[name] if mode == "reopen" else None
                        )
                        times.setdefault((name, mode), []).append(first)
                        if complete is not None:
                            parsed.setdefault((name, mode), []).append(complete)
                        print(f"  {mode:<5} {total:>5} sentences: {first:.2f} s", file=sys.stderr)
        finally:
            term.stop_server()
        print(f"{'mode':<6} {'sentences':>9} {'first sentence s':>16} {'ratio':>6} {'goal s':>6} {'met':>4} {'entities s':>11}")
        print("-" * 66)
        for mode in modes:
            base = statistics.median(times[("sample", mode)])
            for name in articles:
                median = statistics.median(times[(name, mode)])
                total = articles[name][1]
                ratio = f"{median / base:.2f}" if name != "sample" else ""
                goal = GOALS[mode]
                met = ("yes" if median <= goal else "no") if goal else ""
                ents = parsed.get((name, mode))
                ents_s = f"{ents[0].seconds:.1f}" if ents else ("cached" if mode in ("warm", "reopen") else "-")
                print(f"{mode:<6} {total:>9} {median:>16.2f} {ratio:>6} {goal or '':>6} {met:>4} {ents_s:>11}")
        print(f"median of {args.repeats} runs each; ratio against the sample article; whole process in tmux at 80x24")
        for (name, _), runs in parsed.items():
            p = runs[0]
            print(
                f"cold parse of {articles[name][1]} sentences to the last entity: {p.seconds:.1f} s; "
                f"CPU: app {p.app_cpu:.1f} s, model process {p.model_cpu:.1f} s"
            )
    print(corpus.machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
