"""Annotations no reader can place yet are said, not dropped silently: the journal of an article whose
session stopped (a real process, ended without saving) before its first fold wrote the file, and an
article whose first fold's head cannot be trusted and whose fold never wrote the file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tagline.core import corpus
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session
from tagline.core.store import SentenceState

TEXT = "One here. Two there. Three more."


def stopped_session(root: Path, who: str, article_id: str) -> None:
    """A session in a process of its own that tags a sentence of a new article and ends at once,
    without closing (as ``kill -9`` or a dropped machine leaves it): the journal holds the action."""
    code = f"""
import os
from pathlib import Path
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session
from tagline.core.store import SentenceState
session = Session([Article({article_id!r}, {article_id + ".txt"!r}, {TEXT!r})], Path({str(root)!r}), {who!r}, DEFAULT_SCHEME)
session.store.set(0, SentenceState("done", ("claim",), updated="2026-12-03T08:00:00Z"))
os._exit(0)
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def said(root: Path) -> list[str]:
    return [str(problem) for problem in corpus.load(root, DEFAULT_SCHEME).problems]


@pytest.mark.e2e
def test_a_stopped_sessions_journal_is_said_until_a_session_saves_it(tmp_path):
    stopped_session(tmp_path, "alice", "a1")
    assert not (tmp_path / "alice" / "a1.yaml").exists()
    [problem] = said(tmp_path)
    assert "a1.journal" in problem and "no file yet" in problem and "left out" in problem
    session = Session([Article("a1", "a1.txt", TEXT)], tmp_path, "alice", DEFAULT_SCHEME)  # replays it
    session.close()
    assert said(tmp_path) == []
    [unit, *_rest] = corpus.load(tmp_path, DEFAULT_SCHEME).units
    assert unit.done == {"alice": ("claim",)}


def test_an_article_open_now_is_not_said(tmp_path):
    session = Session([Article("a1", "a1.txt", TEXT)], tmp_path, "alice", DEFAULT_SCHEME)
    try:
        session.store.set(0, SentenceState("done", ("quote",), updated="2026-12-03T08:00:00Z"))
        assert not any("a1.journal" in problem for problem in said(tmp_path))
    finally:
        session.close()


@pytest.mark.e2e
def test_a_first_fold_that_never_wrote_the_file_is_said(tmp_path):
    stopped_session(tmp_path, "alice", "a1")
    (tmp_path / "alice" / ".a1.first-fold.json").write_text("not the head tagline writes", encoding="utf-8")
    [problem] = said(tmp_path)
    assert "a1.yaml" in problem and "first fold" in problem and "left out" in problem


@pytest.mark.e2e
def test_a_journal_seen_through_a_link_to_its_folder_is_said_once(tmp_path):
    stopped_session(tmp_path, "alice", "a1")
    (tmp_path / "alicia").symlink_to(tmp_path / "alice")
    assert sum("a1.journal" in problem for problem in said(tmp_path)) == 1


@pytest.mark.e2e
def test_status_says_a_stopped_sessions_journal_and_counts_no_sentence_of_it(tmp_path):
    from tagline.core import status

    stopped_session(tmp_path, "alice", "a1")
    report = status.compute(tmp_path, DEFAULT_SCHEME)
    [problem] = report.problems
    assert "a1.journal" in problem and corpus.UNSAVED_JOURNAL in problem
    alice = report.annotators["alice"]
    # Started, but its sentences are in no file: never "1/0" (more done than there are).
    assert (alice.started, alice.sentences_done, alice.sentences_total, alice.open_now) == (1, 0, 0, [])
    session = Session([Article("a1", "a1.txt", TEXT)], tmp_path, "alice", DEFAULT_SCHEME)  # replays it
    try:
        report = status.compute(tmp_path, DEFAULT_SCHEME)
        assert report.problems == [] and report.annotators["alice"].sentences_done == 1
    finally:
        session.close()
    alice = status.compute(tmp_path, DEFAULT_SCHEME).annotators["alice"]
    assert (alice.started, alice.sentences_done, alice.sentences_total) == (1, 1, 3)



@pytest.mark.e2e
def test_a_stopped_reviews_journal_is_said_by_export(tmp_path, capsys):
    """From the speed audit: a review killed (-9) before its first save left only
    ``<reviewer>/decisions/<article>.journal``; export counted those sentences as in dispute and
    said nothing of the decisions. They are said now, as an annotator's are."""
    from tagline import cli

    for who, labels in (("alice", ("claim",)), ("bob", ("quote",))):
        session = Session([Article("a1", "a1.txt", TEXT)], tmp_path, who, DEFAULT_SCHEME)
        session.store.set(0, SentenceState("done", labels, updated="2026-12-03T08:00:00Z"))
        session.close()
    code = f"""
import os
from pathlib import Path
from tagline.core.adjudication import ReviewSession
from tagline.core.labels import DEFAULT_SCHEME
review = ReviewSession(Path({str(tmp_path)!r}), "carol", DEFAULT_SCHEME)
assert not review.take(1).error
os._exit(0)
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    assert (tmp_path / "carol" / "decisions" / "a1.journal").exists()
    assert not (tmp_path / "carol" / "decisions" / "a1.yaml").exists()
    assert cli.main(["export", "--format", "jsonl", "--annotations", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "decisions/a1.journal" in err and "no file yet" in err
