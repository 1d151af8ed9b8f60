"""Keys and ways out on shapes of input nobody tuned on, in a real terminal, with the real model:
does a key cost the same, and does the app leave at once, whatever the article or corpus looks like?

    python bench/shapes.py                         # every shape (about 25 minutes)
    python bench/shapes.py --shapes sample,feed5k  # some of them
    python bench/shapes.py --rounds 2 --before OLD-CHECKOUT

Shapes (written once per run into a scratch folder):

* ``sample``: 30 news sentences (``bench/corpus.py``), the baseline of every ratio;
* ``feed5k``, ``feed20k``: a templated feed, 5,000 / 20,000 near-identical sentences
  (``bench/background.py``'s, a line each);
* ``dup5k``: one sentence 5,000 times, a line each (exact duplicates);
* ``corpus2000``: a folder of 2,000 articles that are all the same 30 sentences;
* ``yes50k``: 50,000 sentences ``Yes.``, ten a line;
* ``para3mb``: one paragraph of 3 MB, 30,000 news sentences on one line;
* ``entities10k``: a sentence naming 10,000 places, amid 30 news sentences;
* ``labels9``: the sample under a scheme of nine labels;
* ``review``: ``tagline review`` on 5,000 news sentences that two annotators labelled differently,
  every one of them.

Each shape is opened in a tmux pane of 80x24 (``bench/term.py``) with ``en_core_web_sm`` and an
empty parse cache, so the model parses in its process and the duplicate scan runs in its own
while the first keys come. The actions, each timed by ``bench/keyloop.py``'s loop with the app's
CPU as the clock (its process, all threads: ``/proc/PID/task/*/schedstat``; the model's and the
scan's processes are not in it): ``j``, ``k``, a label key, ``u``, ``G``, ``g``, a search (``/``,
a word, enter), the command palette (ctrl+p; escape after, not timed), and ``none`` (nothing sent:
the app's own CPU in the same window, taken off every other action's). An action is sent through a
tmux client in control mode (``bench/background.py``'s ``Typist``) and given a window of
``--window`` s; ``to screen`` is from the send to the first bytes the app writes after it.
Phases: ``busy`` (right after the first screen: the model parsing, the scan running) and
``after`` (once both are over, or after ``--settle`` s). Then three fresh starts of each shape,
one tag, and at once ctrl+q, SIGTERM or SIGHUP: ms to the process gone, the model still parsing.

Ratios are against ``sample`` in the same run. ``--before DIR`` runs each shape with tagline from
another checkout too (``DIR/tui`` first on the path), interleaved.
"""

from __future__ import annotations

import argparse
import random
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import background  # noqa: E402
import corpus  # noqa: E402
import keyloop  # noqa: E402
import term  # noqa: E402

ACTIONS = ("none", "j", "k", "label", "u", "G", "g", "search", "palette")
#: Not keys of ``tagline review``: left out of its rows.
REVIEW_UNBOUND = ("G", "g", "search", "palette")
WAYS = ("ctrl+q", "SIGTERM", "SIGHUP")
SHAPES = ("sample", "feed5k", "feed20k", "dup5k", "corpus2000", "yes50k", "para3mb", "entities10k", "labels9",
          "review")
PLACES = ("Paris", "London", "Berlin", "Madrid", "Rome", "Vienna", "Lisbon", "Dublin", "Warsaw", "Prague",
          "Athens", "Oslo", "Helsinki", "Brussels", "Amsterdam", "Geneva", "Chicago", "Boston", "Toronto", "Tokyo")
NINE = ("claim", "quote", "statistic", "opinion", "prediction", "question", "correction", "source", "rumour")


def nine_labels(path: Path) -> None:
    keys = "1 2 3 4 5 6 7 8 9".split()
    lines = ["labels:"] + [f"  - name: {name}\n    keys: [\"{key}\"]\n    guideline: Sentences that are a {name}."
                           for name, key in zip(NINE, keys)]
    path.write_text("\n".join(lines) + "\nexclusive: false\n", encoding="utf-8")


def two_annotators_everywhere(work: Path, article: str) -> None:
    """Every sentence of ``article`` labelled by ``alice`` and ``bob``, differently."""
    from tagline.core.articles import Article
    from tagline.core.labels import DEFAULT_SCHEME
    from tagline.core.store import ArticleStore, SentenceState

    text = (work / article).read_text(encoding="utf-8")
    parsed = Article(Path(article).stem, article, text)
    for name, labels in (("alice", ("claim",)), ("bob", ("statistic",))):
        store = ArticleStore(work / "annotations", name, parsed, DEFAULT_SCHEME)
        state = SentenceState("done", labels, updated="2026-11-20T09:00:00Z")
        for i in range(len(parsed.sentences) - 1):
            store._put(i, state)  # in memory: the last set and the close write every one, in one file
        store.set(len(parsed.sentences) - 1, state)
        store.close()


def write_shape(shape: str, folder: Path) -> tuple[str, int, list[str]]:
    """The shape's files in ``folder``: what to open, its number of sentences (the status row's
    total; of the first article for a corpus), and extra command-line arguments."""
    folder.mkdir(parents=True, exist_ok=True)
    news = corpus.article_text(30)
    extra: list[str] = []
    if shape in ("sample", "labels9"):
        (folder / "news.txt").write_text(news, encoding="utf-8")
        if shape == "labels9":
            nine_labels(folder / "nine.yaml")
            extra = ["--labels", "nine.yaml"]
        return "news.txt", 30, extra
    if shape in ("feed5k", "feed20k"):
        n = 5_000 if shape == "feed5k" else 20_000
        (folder / "feed.txt").write_text(background.templated_feed(n), encoding="utf-8")
        return "feed.txt", n, extra
    if shape == "dup5k":
        (folder / "dup.txt").write_text("The council approved the budget for the northern district on Monday.\n" * 5_000,
                                        encoding="utf-8")
        return "dup.txt", 5_000, extra
    if shape == "corpus2000":
        articles = folder / "articles"
        articles.mkdir(exist_ok=True)
        for i in range(2_000):
            (articles / f"a{i:04d}.txt").write_text(news, encoding="utf-8")
        return "articles", 30, extra
    if shape == "yes50k":
        (folder / "yes.txt").write_text("\n".join(" ".join(["Yes."] * 10) for _ in range(5_000)) + "\n", encoding="utf-8")
        return "yes.txt", 50_000, extra
    if shape == "para3mb":
        sentences = [s for s in corpus.sentences() if 60 <= len(s) <= 140 and s.endswith(".")]
        rng = random.Random(3)
        line = " ".join(rng.choice(sentences) for _ in range(30_000))
        (folder / "para.txt").write_text(line + "\n", encoding="utf-8")
        total = corpus.count(line + "\n")
        return "para.txt", total, extra
    if shape == "entities10k":
        names = ", ".join(PLACES[i % len(PLACES)] for i in range(10_000))
        text = news + f"\nDelegates came from {names} and Geneva.\n"
        (folder / "places.txt").write_text(text, encoding="utf-8")
        return "places.txt", corpus.count(text), extra
    if shape == "review":
        text = corpus.article_text(5_000)
        (folder / "news.txt").write_text(text, encoding="utf-8")
        two_annotators_everywhere(folder, "news.txt")
        return "news.txt", 5_000, extra
    raise ValueError(shape)


def start(shape: str, work: Path, target: str, total: int, extra: list[str], before: Path | None,
          model: str) -> tuple[term.Pane, int, float]:
    """The shape open in a fresh 80x24 pane with an empty parse cache: the pane, the app's pid and
    seconds to the first screen."""
    pane = term.Pane(80, 24)
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    env = {"TAGLINE_ANNOTATOR": "bench", "TAGLINE_CACHE": str(cache), "XDG_CONFIG_HOME": str(work / "config")}
    if before is not None:
        env["PYTHONPATH"] = str(before / "tui")
    annotations = Path(tempfile.mkdtemp(prefix="annotations-", dir=work))
    if shape == "review":
        annotations.rmdir()
        annotations = work / "annotations"
        command = f"review {shlex.quote(target)} --annotations {shlex.quote(str(annotations))}"
        ready = "  decided "
    else:
        command = (f"open {shlex.quote(target)} --model {model} --annotations {shlex.quote(str(annotations))} "
                   + " ".join(shlex.quote(a) for a in extra))
        ready = f"/{total} done"
    pane.start(f"{shlex.quote(sys.executable)} -m tagline {command}", work, env)
    pid = pane.pid()
    background.shift_group(pid)
    seconds = pane.wait_for(ready, timeout=180 + total / 200)
    return pane, pid, seconds


def busy(pane: term.Pane, pid: int) -> bool:
    """The scan running, or the model's process at work (CPU over a third of a second)."""
    if background.scan_alive(pid):
        return True
    workers = [c for c in term.children(pid) if b"nlp_worker" in _cmdline(c)]
    before = sum(term.cpu_seconds_fine(c) for c in workers)
    time.sleep(0.3)
    return sum(term.cpu_seconds_fine(c) for c in workers) - before > 0.05


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


class Stamps:
    """What the app writes, with when (``bench/stamps.py``), read as it grows."""

    def __init__(self, pane: term.Pane, work: Path) -> None:
        self.log = Path(tempfile.mktemp(prefix="out-", dir=work))
        self.path = self.log.with_suffix(".stamps")
        self.log.write_bytes(b"")
        self.path.write_text("")
        pane.pipe_to(self.log, self.path)
        self.seen = 0
        self.times: list[float] = []

    def since(self, began: float) -> float | None:
        """Seconds from ``began`` to the first chunk written after it."""
        with self.path.open() as f:
            f.seek(self.seen)
            new = f.read()
            self.seen += len(new)
        self.times.extend(float(line.split()[0]) for line in new.splitlines() if line.strip())
        later = [t for t in self.times if t >= began]
        return (later[0] - began) if later else None


def keys_of(action: str, label_key: str, query: str) -> list[str]:
    return {"none": [], "j": ["j"], "k": ["k"], "label": [label_key], "u": ["u"], "G": ["G"], "g": ["g"],
            "search": ["/", f"-l {query}", "Enter"], "palette": ["C-p"]}[action]


def type_actions(pane: term.Pane, pid: int, work: Path, rounds: int, window: float, label_key: str, query: str,
                 review: bool) -> dict[str, keyloop.Timed]:
    """``rounds`` of every action; per action its CPU (keyloop's cpu_ms), and its ms to the screen (extra)."""
    typist = background.Typist(pane)
    stamps = Stamps(pane, work)
    actions = [a for a in ACTIONS if not (review and a in REVIEW_UNBOUND)]
    found: dict[str, keyloop.Timed] = {a: keyloop.Timed() for a in actions}
    began = [0.0]

    def press(action: str) -> None:
        began[0] = time.monotonic()
        for key in keys_of(action, label_key, query):
            typist.send(key)
        time.sleep(window)

    def after(i: int) -> float:
        late = stamps.since(began[0])
        action = sequence[i]
        if action == "palette":
            typist.send("Escape")
            time.sleep(window)
        elif action == "search":
            typist.send("g")
            time.sleep(window / 2)
        return float("nan") if late is None or action == "none" else late * 1000

    sequence = [a for _ in range(rounds) for a in actions]
    try:
        timed = keyloop.time_keys(sequence, press, cpu=lambda: term.cpu_seconds_fine(pid), after=after)
    finally:
        typist.close()
        term.tmux("pipe-pane", "-t", pane.name)
    for key, cpu, wall, late in zip(timed.keys, timed.cpu_ms, timed.wall_ms, timed.extra):
        found[key].keys.append(key)
        found[key].cpu_ms.append(cpu)
        found[key].wall_ms.append(wall)
        found[key].extra.append(late)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default=",".join(SHAPES), help=f"comma-separated, of {', '.join(SHAPES)}")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every action in each phase (default 3)")
    parser.add_argument("--window", type=float, default=0.3, help="s given to each action (default 0.3)")
    parser.add_argument("--settle", type=float, default=90.0, help="s at most to wait for the background work to end")
    parser.add_argument("--model", default="en_core_web_sm")
    parser.add_argument("--ways", default=",".join(WAYS))
    parser.add_argument("--before", type=Path, help="also run with tagline from this checkout (DIR/tui)")
    args = parser.parse_args(argv)
    shapes = [s for s in args.shapes.split(",") if s]
    if [s for s in shapes if s not in SHAPES]:
        parser.error(f"unknown shape: {', '.join(s for s in shapes if s not in SHAPES)}")
    if "sample" not in shapes:
        shapes.insert(0, "sample")
    ways = [w for w in args.ways.split(",") if w]
    term.require_tmux()
    background.shift_groups_for_run(False)
    scratch = Path(tempfile.mkdtemp(prefix="tagline-bench-shapes-"))
    codes = ["now"] + (["before"] if args.before else [])
    rows: dict[tuple[str, str, str], dict[str, keyloop.Timed]] = {}
    opened: dict[tuple[str, str], float] = {}
    left: dict[tuple[str, str, str], float] = {}
    try:
        for shape in shapes:
            files = scratch / shape
            target, total, extra = write_shape(shape, files)
            label_key = "!" if shape == "review" else ("1" if shape == "labels9" else "c")
            query = "Item" if shape.startswith("feed") else ("Yes" if shape == "yes50k" else "the")
            for code in codes:
                before = args.before if code == "before" else None
                pane, pid, seconds = start(shape, files, target, total, extra, before, args.model)
                opened[(shape, code)] = seconds
                try:
                    rows[(shape, code, "busy")] = type_actions(pane, pid, files, args.rounds, args.window, label_key,
                                                               query, shape == "review")
                    was_busy = busy(pane, pid)
                    deadline = time.monotonic() + args.settle
                    while busy(pane, pid) and time.monotonic() < deadline:
                        time.sleep(0.5)
                    still = busy(pane, pid)
                    rows[(shape, code, "after" + ("*" if still else ""))] = type_actions(
                        pane, pid, files, args.rounds, args.window, label_key, query, shape == "review")
                    print(f"  {shape} ({code}): first screen {seconds:.2f} s; busy after the first phase: {was_busy}; "
                          f"still busy: {still}", file=sys.stderr)
                finally:
                    pane.close()
                for way in ways:
                    pane, pid, _ = start(shape, files, target, total, extra, before, args.model)
                    try:
                        left[(shape, code, way)] = background.quit_latency(pane, pid, way, first=label_key)
                        print(f"  {shape} ({code}) {way}: gone in {left[(shape, code, way)]:.0f} ms", file=sys.stderr)
                    finally:
                        pane.close()
            print(table(rows, opened, left, ways), file=sys.stderr)  # so far: a long run interrupted keeps it
    finally:
        term.stop_server()
    print(table(rows, opened, left, ways))
    print(corpus.machine())
    return 0


def table(rows, opened, left, ways) -> str:
    """Per action the app's CPU (the median, less the median of ``none`` in the same phase) and ms
    to the screen; ``x`` is the CPU of the phase's actions together against the sample's, the same
    actions, phase and code."""
    none = {k: statistics.median(v["none"].cpu_ms) for k, v in rows.items()}

    def cost(k, action):
        return max(0.0, statistics.median(rows[k][action].cpu_ms) - none[k])

    out = ["app CPU ms per action (median, less the app's CPU in an idle window of the same phase) / ms to the "
           "screen (median); x: the actions' CPU together against the sample's, same phase and code"]
    header = f"{'shape':<12} {'code':<6} {'phase':<6} {'idle':>5} " + " ".join(f"{a:>13}" for a in ACTIONS[1:]) + "      x"
    out += [header, "-" * len(header)]
    for k, timed in rows.items():
        shape, code, phase = k
        ref = next((r for r in rows if r[0] == "sample" and r[1] == code and r[2].rstrip("*") == phase.rstrip("*")), None)
        cells = []
        for a in ACTIONS[1:]:
            if a not in timed:
                cells.append(f"{'-':>13}")
                continue
            late = [x for x in timed[a].extra if x == x]
            cells.append(f"{cost(k, a):>6.1f}/{(statistics.median(late) if late else float('nan')):>6.0f}")
        shared = [a for a in ACTIONS[1:] if a in timed and ref is not None and a in rows[ref]]
        total, base = sum(cost(k, a) for a in shared), sum(cost(ref, a) for a in shared) if ref else 0.0
        out.append(f"{shape:<12} {code:<6} {phase:<6} {none[k]:>5.1f} " + " ".join(cells)
                   + (f" {total / base:>6.2f}" if base else "      -"))
    out.append("phase after*: the background work was still running when the second phase began")
    out.append("")
    out.append(f"{'shape':<12} {'code':<6} {'first screen s':>14} " + " ".join(f"{w + ' ms':>12}" for w in ways))
    for (shape, code), seconds in opened.items():
        out.append(f"{shape:<12} {code:<6} {seconds:>14.2f} "
                   + " ".join(f"{left.get((shape, code, w), float('nan')):>12.0f}" for w in ways))
    return "\n".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
