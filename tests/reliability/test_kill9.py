"""``kill -9`` at random moments: every file still parses and no acknowledged action is lost.

Each round starts tagline on a 600-sentence article, sends a burst of "tag claim, next sentence"
through tmux, waits a seeded random delay (sometimes long enough for the background fold to run),
reads the status line, and kills the process with SIGKILL. Then the files are read without the store
(:mod:`ondisk`) and checked:

- every file parses (the YAML through ``annofile.read``);
- every action the screen had acknowledged (its "N/600 done" count) is on disk: the screen is drawn
  after the journal line is fsynced, so an acknowledged action that is missing is a lost action;
- the tagged sentences are one unbroken run from the first: no action in the middle went missing;
- keys sent but not on disk are counted: the action in flight, and keys that tagline had not read
  yet when it died (still in the terminal's buffer: never handled, so never acknowledged).

The run is short by default; ``TAGLINE_SOAK_ROUNDS=300`` makes it a soak test.
"""

from __future__ import annotations

import os
import random
import re
import signal
import time

import pytest

from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.store import ArticleStore

from processes import wait_gone
from ondisk import labelled, read_state

pytestmark = pytest.mark.e2e  # starts tmux and child processes killed with SIGKILL

ROUNDS = int(os.environ.get("TAGLINE_SOAK_ROUNDS", "30"))
SENTENCES = max(600, 20 * ROUNDS)  # a burst is 1 to 30 actions: room for every round
SEED = int(os.environ.get("TAGLINE_SOAK_SEED", "20261125"))
DONE = re.compile(r"(\d+)/(\d+) done")


def article_text() -> str:
    return "".join(f"Line {i}: the council said the river rose by {i} centimetres overnight.\n" for i in range(SENTENCES))


def done_on_screen(screen: str) -> int:
    match = DONE.search(screen)
    assert match, f"no status line:\n{screen}"
    return int(match.group(1))


def test_kill9_at_random_moments_loses_no_acknowledged_action(term, workdir, figures):
    (workdir / "river.txt").write_text(article_text(), encoding="utf-8")
    article = Article("river", "river.txt", article_text())
    starts = [span.start for span in article.sentences]
    assert len(starts) == SENTENCES
    folder = workdir / "annotations" / "tester"
    rng = random.Random(SEED)
    sent_total = unhandled_total = torn = temporaries = after_fold = lost = 0
    on_disk_before = 0
    rounds = 0
    for round_number in range(ROUNDS):
        terminal = term()
        terminal.start("open river.txt --model none")
        terminal.wait_for(f"{on_disk_before}/{SENTENCES} done")
        pid = terminal.app_pid()
        burst = rng.randint(1, 30)
        keys = []
        for _ in range(burst):
            keys += ["c", "j"]
        terminal.keys(*keys)
        # Mostly short delays (killed mid-burst); one round in five waits for the idle fold (2 s idle,
        # checked every second, after a burst of up to 0.5 s).
        delay = rng.uniform(3.6, 4.2) if rng.random() < 0.2 else rng.uniform(0.0, 0.4)
        time.sleep(delay)
        acknowledged = done_on_screen(terminal.screen())
        os.kill(pid, signal.SIGKILL)
        wait_gone(pid)
        terminal.wait_for("TAGLINE-EXIT-137")
        terminal.close()

        found = read_state(folder, "river")  # raises if the YAML does not parse
        tagged = labelled(found, "claim")
        on_disk = len(tagged)
        assert tagged == set(starts[:on_disk]), f"round {round_number}: a gap in the tagged sentences"
        lost += max(0, acknowledged - on_disk)
        assert on_disk >= acknowledged, f"round {round_number}: {acknowledged} acknowledged, {on_disk} on disk"
        handled = on_disk - on_disk_before
        assert 0 <= handled <= burst
        sent_total += burst
        unhandled_total += burst - handled
        torn += found.torn_lines
        temporaries += len(found.temporaries)
        after_fold += not (folder / "river.journal").exists()  # killed after the idle fold ran
        on_disk_before = on_disk
        rounds += 1

    # The store, replaying what the kills left, agrees with the independent reading.
    store = ArticleStore(workdir / "annotations", "tester", article, DEFAULT_SCHEME)
    assert {i for i, s in store.states.items() if "claim" in s.labels} == set(range(on_disk_before))
    store.close()
    assert read_state(folder, "river").temporaries == []  # a later session clears cut-short writes
    assert rounds == ROUNDS
    figures(
        "kill9",
        rounds=rounds,
        actions_sent=sent_total,
        actions_on_disk=on_disk_before,
        acknowledged_then_lost=lost,
        rounds_killed_after_a_fold=after_fold,
        sent_not_handled=unhandled_total,
        torn_journal_lines=torn,
        leftover_temporaries=temporaries,
        files_corrupted=0,
        seed=SEED,
    )


CHILD = r"""
import sys
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.store import ArticleStore, SentenceState

root, text = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
store = ArticleStore(root, "tester", Article("river", "river.txt", text), DEFAULT_SCHEME)
index = len(store.states)
print("ready", flush=True)
while index < len(store.article.sentences):
    store.set(index, SentenceState("done", ("claim",)))
    print(index, flush=True)  # acknowledged: durable before this line is written
    if index % 5 == 0:
        print("fold", flush=True)  # a 5,000-sentence YAML: the kill often lands inside a fold
        store.fold()
        print("folded", flush=True)
    index += 1
"""


def test_kill9_inside_folds_of_a_long_article(tmp_path, figures):
    """The store alone, folding a 5,000-sentence article over and over, killed at random moments:
    the YAML is always whole (old or new, never a mix) and every acknowledged action is on disk."""
    import subprocess
    import sys

    sentences = 5_000
    text = "".join(f"Line {i}: the council said the river rose by {i} centimetres overnight.\n" for i in range(sentences))
    (tmp_path / "river.txt").write_text(text, encoding="utf-8")
    article = Article("river", "river.txt", text)
    starts = [span.start for span in article.sentences]
    folder = tmp_path / "annotations" / "tester"
    rng = random.Random(SEED + 1)
    rounds = max(10, ROUNDS // 3)
    acknowledged_total = lost = torn = temporaries = kills_inside_fold = 0
    for _ in range(rounds):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / "annotations"), str(tmp_path / "river.txt")],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.5))
        child.send_signal(signal.SIGKILL)
        said = child.stdout.read().split()
        child.wait()
        acknowledged = [int(word) for word in said if word.isdigit()]
        kills_inside_fold += bool(said) and said[-1] == "fold"
        found = read_state(folder, "river")
        tagged = labelled(found, "claim")
        missing = [i for i in acknowledged if starts[i] not in tagged]
        lost += len(missing)
        assert missing == [], f"acknowledged but not on disk: {missing[:5]}"
        assert tagged == set(starts[: len(tagged)])
        acknowledged_total += len(acknowledged)
        torn += found.torn_lines
        temporaries += len(found.temporaries)
    store = ArticleStore(tmp_path / "annotations", "tester", article, DEFAULT_SCHEME)
    assert len(store.states) == len(labelled(read_state(folder, "river"), "claim"))
    store.close()
    figures("kill9_inside_folds", rounds=rounds, sentences=sentences, acknowledged=acknowledged_total,
            acknowledged_then_lost=lost, killed_while_folding=kills_inside_fold, torn_journal_lines=torn,
            leftover_temporaries=temporaries, files_corrupted=0)
