"""A sentence of megabytes (a pasted log, a feed without punctuation): an action journals a bounded
line, whatever the sentence's length, and the journal replays as before."""

from __future__ import annotations

import json

import pytest

from tagline.core import annofile, status as status_mod
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.store import JOURNAL_TEXT_MAX, ArticleStore, SentenceState, text_check
from tagline.core.team import Team

SHORT = "The mayor said the river rose by two metres."


def long_sentence(size: int, word: str = "log") -> str:
    """One sentence of ``size`` characters: words and numbers, no full stop."""
    words = []
    length = 0
    n = 0
    while length < size:
        words.append(f"{word}{n} entry")
        length += len(words[-1]) + 1
        n += 1
    return " ".join(words)[:size].rstrip()


def make_article(body: str, article_id: str = "feed") -> Article:
    """A short sentence, then the long one on a line of its own, then another short one."""
    return Article(article_id, f"{article_id}.txt", f"{SHORT}\n{body}\n{SHORT.replace('two', 'three')}\n")


def crash(store: ArticleStore) -> None:
    """What ``kill -9`` leaves: the journal as written, no fold, the lock released."""
    store._journal.close()
    store._journal = None
    store._let_go()


def journal_lines(store: ArticleStore) -> list[dict]:
    return [json.loads(line) for line in store.journal_path.read_bytes().splitlines()]


def test_an_action_journals_a_bounded_line_whatever_the_sentence_length(tmp_path):
    """Before, each action appended the sentence's whole text: 2 MB a key for a 2 MB sentence."""
    per_action = {}
    for size in (JOURNAL_TEXT_MAX + 1, 30_000, 300_000, 3_000_000):
        article = make_article(long_sentence(size))
        assert len(article.sentences) == 3 and article.sentences[1].end - article.sentences[1].start == size
        store = ArticleStore(tmp_path / str(size), "alice", article, DEFAULT_SCHEME)
        written = []
        for labels in (("claim",), ("claim", "quote"), ()):
            before = store.journal_path.stat().st_size if store.journal_path.exists() else 0
            store.set(1, SentenceState("done", labels, updated="2026-12-01T10:00:00Z"))
            written.append(store.journal_path.stat().st_size - before)
        per_action[size] = max(written)
        store.close()
    assert max(per_action.values()) < 400, per_action
    assert max(per_action.values()) - min(per_action.values()) <= 4, per_action  # the digits of the offsets


def test_a_short_sentence_is_journaled_with_its_text_as_before(tmp_path):
    article = make_article(long_sentence(50_000))
    store = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    store.set(0, SentenceState("done", ("claim",)))
    store.set(1, SentenceState("done", ("quote",)))
    short, long = journal_lines(store)
    assert list(short)[:3] == ["start", "end", "text"] and short["text"] == SHORT
    assert list(long)[:4] == ["index", "start", "end", "check"] and "text" not in long
    span = article.sentences[1]
    assert long["check"] == text_check(article.text[span.start : span.end]) and len(long["check"]) == 16
    store.close()


def test_a_journal_of_checks_replays_exactly(tmp_path):
    """Offsets, labels, flags, notes, extras and stamps come back from a journal whose lines name the
    long sentence by its check, and the YAML written from it still holds the text."""
    article = make_article(long_sentence(40_000))
    store = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    states = {
        1: SentenceState("done", ("claim", "statistic"), flag=True, note="a log, not news", updated="2026-12-01T10:00:00Z",
                         extra={"review": {"decided_by": "lead", "labels": ["claim"]}}),
        2: SentenceState("done", ("quote",), updated="2026-12-01T10:00:05Z"),
    }
    store.set(1, SentenceState("done", ("quote",)))  # an earlier state, replaced by the next line
    for index, state in states.items():
        store.set(index, state)
    crash(store)
    again = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    for index, state in states.items():
        got = again.get(index)
        assert got == state and got.extra == state.extra
    assert again.get(0).is_blank and not again.orphans and again.notice is None
    again.close()
    data = annofile.read(tmp_path / "alice" / "feed.yaml")
    record = data["sentences"][1]
    assert article.text[record["start"] : record["end"]] == record["text"]
    assert (record["labels"], record["flag"], record["note"], record["review"]) == (["claim", "statistic"], True, "a log, not news",
                                                                                    {"decided_by": "lead", "labels": ["claim"]})
    assert not (tmp_path / "alice" / "feed.journal").exists()


def test_replaying_a_journal_of_checks_twice_is_replaying_it_once(tmp_path):
    """A fold that died leaves ``.journal.folding`` holding lines the YAML may already have; each
    line is a whole state, so applying it again changes nothing."""
    article = make_article(long_sentence(40_000))
    store = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    store.set(1, SentenceState("done", ("claim",), note="first"))
    store.set(1, SentenceState("done", ("quote",), note="second"))
    crash(store)
    journal = tmp_path / "alice" / "feed.journal"
    (tmp_path / "alice" / "feed.journal.folding").write_bytes(journal.read_bytes())
    again = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    assert again.get(1) == SentenceState("done", ("quote",), note="second")
    again.close()
    third = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    assert third.get(1) == SentenceState("done", ("quote",), note="second") and third.notice is None
    third.close()


def test_a_journal_line_of_a_long_sentence_with_its_text_still_replays(tmp_path):
    """Journals written before checks carry the text of every sentence, long ones included."""
    article = make_article(long_sentence(40_000))
    span = article.sentences[1]
    old = {"start": span.start, "end": span.end, "text": article.text[span.start : span.end], "status": "done",
           "labels": ["statistic"], "flag": False, "note": "old format", "updated": "2026-11-01T08:00:00Z", "extra": {}}
    journal = tmp_path / "alice" / "feed.journal"
    journal.parent.mkdir(parents=True)
    journal.write_text(json.dumps(old) + "\n", encoding="utf-8")
    store = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    assert store.get(1) == SentenceState("done", ("statistic",), note="old format", updated="2026-11-01T08:00:00Z")
    store.set(1, SentenceState("done", ("claim",)))  # appended in the new form after the old line
    crash(store)
    again = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    assert again.get(1).labels == ("claim",)
    again.close()


def test_a_torn_last_line_of_checks_is_the_action_in_flight(tmp_path):
    article = make_article(long_sentence(40_000))
    store = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    store.set(1, SentenceState("done", ("claim",)))
    store.set(1, SentenceState("done", ("quote",)))
    crash(store)
    journal = tmp_path / "alice" / "feed.journal"
    journal.write_bytes(journal.read_bytes()[:-20])  # kill -9 in the middle of the second line
    again = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    assert again.get(1).labels == ("claim",)
    again.set(2, SentenceState("done", ("statistic",)))  # on a line of its own, not glued to the torn one
    crash(again)
    third = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    assert third.get(1).labels == ("claim",) and third.get(2).labels == ("statistic",)
    third.close()


def test_a_long_sentence_that_moved_keeps_its_journaled_state(tmp_path):
    """The article changed after the session died: a paragraph was put before the long sentence.
    Its check is found at its new place."""
    body = long_sentence(40_000)
    article = make_article(body)
    store = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    store.set(1, SentenceState("done", ("claim",), note="moved"))
    crash(store)
    edited = Article("feed", "feed.txt", f"A new opening line was added.\n{article.text}")
    again = ArticleStore(tmp_path, "alice", edited, DEFAULT_SCHEME)
    assert again.get(2) == SentenceState("done", ("claim",), note="moved")
    assert again.get(1).is_blank and not again.orphans and again.unmatched == 0
    again.close()


def test_a_journal_line_whose_check_matches_nothing_is_said_and_kept_not_applied(tmp_path):
    """The long sentence was edited after the session died: the line cannot say where its state
    belongs. It is not put on whatever sentence has its offsets now: the annotator is told, and the
    state is kept under orphans (with its check: the line never had the text)."""
    article = make_article(long_sentence(40_000))
    store = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    store.set(0, SentenceState("done", ("quote",)))
    store.set(1, SentenceState("done", ("claim",), note="gone"))
    crash(store)
    [_, line] = journal_lines(store)
    span = article.sentences[1]
    edited_body = article.text[span.start : span.end].replace("log7 ", "LOG7 ")  # same offsets, other text
    edited = Article("feed", "feed.txt", article.text[: span.start] + edited_body + article.text[span.end :])
    again = ArticleStore(tmp_path, "alice", edited, DEFAULT_SCHEME)
    assert again.get(1).is_blank  # not applied to the sentence now at those offsets
    assert again.get(0).labels == ("quote",)  # the other lines are
    assert again.unmatched == 1 and "1 journaled action on a sentence the article no longer has" in again.notice
    assert again.orphans == [{"start": span.start, "end": span.end, "check": line["check"], "status": "done",
                              "labels": ["claim"], "note": "gone"}]
    again.close()
    data = annofile.read(tmp_path / "alice" / "feed.yaml")
    assert data["orphans"] == again.orphans
    assert all(edited.text[s["start"] : s["end"]] == s["text"] for s in data["sentences"])


@pytest.mark.parametrize("folded_before", [True, False])
def test_status_counts_a_journaled_action_on_a_long_sentence(tmp_path, folded_before):
    article = make_article(long_sentence(40_000), "a1")
    if folded_before:
        first = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
        first.set(0, SentenceState("done", ("quote",)))
        first.close()
    store = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    store.set(1, SentenceState("done", ("claim",), updated="2026-12-01T10:00:00Z"))
    alice = status_mod.compute(tmp_path, DEFAULT_SCHEME, Team(("alice",), 1.0), ["a1"]).annotators["alice"]
    assert alice.sentences_done == (2 if folded_before else 1)
    store.close()
