"""``tagline open`` with no PATH and a ``team:`` section opens the annotator's queue (real terminal)."""

from __future__ import annotations

import pytest

from tagline.core.team import Plan, Progress, Team, route

pytestmark = pytest.mark.e2e  # starts the installed program in tmux


def test_open_without_path_follows_my_queue_then_takes_work(terminal, workdir):
    seeds = workdir / "seeds"
    for old in seeds.iterdir():
        old.unlink()
    ids = [f"story{i}" for i in range(6)]
    for article_id in ids:
        (seeds / f"{article_id}.txt").write_text(f"First of {article_id}. Second of {article_id}.\n", encoding="utf-8")
    (workdir / "tagline.yaml").write_text("team:\n  annotators: [alice, bob]\n  per_article: 1\n", encoding="utf-8")
    routing = route(Team(("alice", "bob")), ids)
    mine = [a for a in ids if routing[a] == ("alice",)]
    theirs = [a for a in ids if routing[a] == ("bob",)]
    terminal.start("--annotator alice --model none")
    terminal.wait_for(f"First of {mine[0]}")
    terminal.wait_for("your queue: 3 articles")
    terminal.keys("]")
    terminal.wait_for(f"First of {mine[1]}")
    terminal.keys("]")
    terminal.wait_for(f"First of {mine[2]}")
    terminal.keys("]")  # the queue is not finished: back to its first unfinished article
    terminal.wait_for(f"First of {mine[0]}")
    for _ in mine:  # finish the queue: space twice per article, n on
        terminal.keys("Space", "Space", "n")
    taken = Plan(Team(("alice", "bob")), ids, Progress(started={a: {"alice"} for a in mine})).takeable("alice")
    assert set(taken) == set(theirs)
    terminal.wait_for(f"First of {taken[0]}")  # then n takes one of bob's articles, which he has not started
    terminal.keys("C-q")
    terminal.wait_for("TAGLINE-EXIT-0")
    for article_id in mine:
        assert (workdir / "annotations" / "alice" / f"{article_id}.yaml").is_file()
