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

from tui.core.articles import Article
from tui.core.labels import DEFAULT_SCHEME
from tui.core.store import ArticleStore

from conftest import wait_gone  # noqa: E402  (tests/reliability/conftest.py)
from ondisk import labelled, read_state

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
        # Mostly short delays (killed mid-burst); one round in five waits for the idle fold.
        delay = rng.uniform(2.2, 3.0) if rng.random() < 0.2 else rng.uniform(0.0, 0.4)
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
