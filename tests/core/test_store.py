"""The store: every action durable at once, folded atomically, state restored, nothing clobbered."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from tagline.core import annofile, schema
from tagline.core.articles import Article, load
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session
from tagline.core.store import ArticleStore


def sample(sample_path) -> Article:
    articles, problems = load([sample_path])
    assert not problems
    return articles[0]


def test_round_trip_every_sentence_listed_with_exact_offsets(tmp_path, sample_path):
    article = sample(sample_path)
    session = Session([article], tmp_path, "alice", DEFAULT_SCHEME, {"name": "en_core_web_sm", "version": "3.8.0"})
    session.toggle("claim")
    session.move(1)
    session.toggle("quote")
    session.toggle("statistic")
    session.confirm()
    session.confirm()  # done with no label: a real negative
    session.flag()
    session.note("check the figure")
    session.close()
    data = yaml.safe_load((tmp_path / "alice" / f"{article.id}.yaml").read_text(encoding="utf-8"))
    # The key order written down in the contract, not the schema module's own constant.
    assert list(data) == ["schema", "article", "annotator", "labels", "model", "sentences"]
    assert list(data["article"]) == ["id", "path", "sha256"]
    assert list(data["sentences"][4]) == ["index", "start", "end", "text", "status", "labels", "entities"]
    assert list(data["sentences"][3]) == ["index", "start", "end", "text", "status", "labels", "entities", "flag", "note", "updated"]
    assert data["schema"] == schema.SCHEMA_VERSION
    assert data["article"] == {"id": article.id, "path": article.path, "sha256": article.sha256}
    assert data["labels"] == ["claim", "quote", "statistic"]
    assert data["model"] == {"name": "en_core_web_sm", "version": "3.8.0"}
    sentences = data["sentences"]
    assert len(sentences) == len(article.sentences) == 34
    for i, record in enumerate(sentences):
        assert record["index"] == i
        assert article.text[record["start"] : record["end"]] == record["text"]
    assert sentences[0]["labels"] == ["claim"] and sentences[0]["status"] == "done"
    assert sentences[1]["labels"] == ["quote", "statistic"] and sentences[1]["status"] == "done"
    assert sentences[2] == {**sentences[2], "labels": [], "status": "done"}
    assert sentences[3]["flag"] is True and sentences[3]["note"] == "check the figure"
    assert sentences[4]["status"] == "todo" and "flag" not in sentences[4]
    # Reopening restores the state and puts the cursor on the first todo sentence.
    again = Session([article], tmp_path, "alice", DEFAULT_SCHEME)
    assert again.state(1).labels == ("quote", "statistic")
    assert again.state(3).flag
    assert again.cursor == 3
    again.close()


def test_each_action_is_in_the_journal_before_the_call_returns(tmp_path, sample_path):
    article = sample(sample_path)
    session = Session([article], tmp_path, "alice", DEFAULT_SCHEME)
    session.toggle("claim")
    journal = tmp_path / "alice" / f"{article.id}{schema.JOURNAL_SUFFIX}"
    assert journal.read_text(encoding="utf-8").count("\n") == 1
    # A crash now (no close, no fold): a new session finds the action.
    session.store._let_go()  # let go of the lock as a killed process would
    reopened = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    assert reopened.get(0).labels == ("claim",)
    reopened.close()
    assert not journal.exists()
    data = annofile.read(tmp_path / "alice" / f"{article.id}.yaml")
    assert data["sentences"][0]["labels"] == ["claim"]


def test_the_journal_is_synced_to_disk_before_an_action_returns(tmp_path, sample_path, monkeypatch):
    """kill -9 keeps the page cache, so only this shows the sync is there: each action's journal
    line is written and fdatasync'ed (on the journal's own descriptor) before the call returns."""
    from tagline.core import store as store_module

    events: list[tuple[str, str]] = []
    real_sync = store_module._fdatasync

    def recording_sync(fd: int) -> None:
        target = os.readlink(f"/proc/self/fd/{fd}")
        events.append(("sync", Path(target).name))
        real_sync(fd)

    monkeypatch.setattr(store_module, "_fdatasync", recording_sync)
    article = sample(sample_path)
    session = Session([article], tmp_path, "alice", DEFAULT_SCHEME)
    journal = f"{article.id}{schema.JOURNAL_SUFFIX}"
    for action in (lambda: session.toggle("claim"), session.flag, lambda: session.note("n"), session.undo):
        before = len(events)
        action()
        events.append(("returned", ""))
        assert events[before:] == [("sync", journal), ("returned", "")]
    session.close()


def test_torn_last_journal_line_is_the_action_in_flight(tmp_path, sample_path):
    article = sample(sample_path)
    store = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    from tagline.core.store import SentenceState

    store.set(0, SentenceState(status="done", labels=("quote",)))
    store.set(1, SentenceState(status="done", labels=("claim",)))
    store._journal.close()
    store._journal = None
    store._let_go()
    journal = store.journal_path
    data = journal.read_bytes()
    journal.write_bytes(data[:-7])  # the second line torn by kill -9
    reopened = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    assert reopened.get(0).labels == ("quote",)
    assert reopened.get(1).labels == ()
    reopened.close()


def test_an_action_after_a_torn_line_is_not_lost_with_it(tmp_path, sample_path):
    """The journal a crash left with a torn last line is appended to by the next session: its first
    action must start a line of its own, or a second crash loses it glued to the broken one."""
    from tagline.core.store import SentenceState

    article = sample(sample_path)
    journal = tmp_path / "alice" / f"{article.id}{schema.JOURNAL_SUFFIX}"
    journal.parent.mkdir(parents=True)
    journal.write_bytes(b'{"start": 0, "end": 5, "text": "torn li')  # kill -9 mid-line, nothing else
    store = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    store.set(3, SentenceState(status="done", labels=("statistic",)))
    store._journal.close()  # a second kill -9: no fold
    store._journal = None
    store._let_go()
    reopened = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    assert reopened.get(3).labels == ("statistic",)
    reopened.close()


def test_a_record_follows_its_text_not_offsets_that_now_hold_other_text(tmp_path):
    """A record names its sentence by offsets and text: when the sentence at those offsets is now
    another one (same length), the record goes where its text is, not to the offsets."""
    original = Article("b", "b.txt", "Alpha beta gamma.\nDelta epsilon zeta.")
    session = Session([original], tmp_path, "alice", DEFAULT_SCHEME)
    session.toggle("claim")  # "Alpha beta gamma." at 0..17
    session.close()
    edited = Article("b", "b.txt", "Omega sigma kapp.\nAlpha beta gamma.")  # other text at 0..17
    assert edited.text[0:17] != "Alpha beta gamma." and len("Omega sigma kapp.") == 17
    store = ArticleStore(tmp_path, "alice", edited, DEFAULT_SCHEME)
    assert store.get(1).labels == ("claim",)
    assert store.get(0).labels == ()
    store.close()


def test_a_sentence_that_only_resembles_the_annotated_one_does_not_take_its_labels(tmp_path):
    """Re-anchoring to an edited sentence needs a close match (FUZZY_MIN_SCORE, 85 of 100): a sentence
    that shares the shape but not the content (rapidfuzz ratio 66) leaves the record an orphan."""
    said = "The minister said the budget would rise by ten percent next year."
    original = Article("c", "c.txt", f"{said}\nAnother sentence stays here.")
    session = Session([original], tmp_path, "alice", DEFAULT_SCHEME)
    session.toggle("claim")
    session.close()
    other = "The mayor said the bridge would close for ten days next month."  # ratio 66 against it
    edited = Article("c", "c.txt", f"{other}\nAnother sentence stays here.")
    store = ArticleStore(tmp_path, "alice", edited, DEFAULT_SCHEME)
    assert store.get(0).labels == ()
    assert [o["text"] for o in store.orphans] == [said]
    store.close()


def test_an_edited_sentence_keeps_its_labels(tmp_path):
    said = "The minister said the budget would rise by ten percent next year."
    session = Session([Article("c", "c.txt", f"{said}\nAnother sentence stays here.")], tmp_path, "alice", DEFAULT_SCHEME)
    session.toggle("claim")
    session.close()
    edit = "The minister said the budget could rise by ten percent next year."  # ratio 98
    store = ArticleStore(tmp_path, "alice", Article("c", "c.txt", f"{edit}\nAnother sentence stays here."), DEFAULT_SCHEME)
    assert store.get(0).labels == ("claim",) and store.orphans == []
    store.close()


def test_unknown_keys_survive_a_rewrite(tmp_path, sample_path):
    article = sample(sample_path)
    session = Session([article], tmp_path, "alice", DEFAULT_SCHEME)
    session.toggle("claim")
    session.close()
    path = tmp_path / "alice" / f"{article.id}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["project"] = {"batch": 7}
    data["sentences"][0]["review"] = {"decided_by": "carol"}
    data["sentences"][5]["suggested"] = {"labels": ["statistic"]}
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    session = Session([article], tmp_path, "alice", DEFAULT_SCHEME)
    session.goto(0)
    session.toggle("quote")
    session.close()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["project"] == {"batch": 7}
    assert data["sentences"][0]["review"] == {"decided_by": "carol"}
    assert data["sentences"][0]["labels"] == ["claim", "quote"]
    assert data["sentences"][5]["suggested"] == {"labels": ["statistic"]}


@pytest.mark.parametrize(
    "content, reason",
    [
        ("schema: tagline.annotations/1\nsentences: [\n", "line"),
        ("- just\n- a list\n", "not a YAML mapping"),
        ("sentences:\n  - {start: 0, end: 5, text: abc}\n", "does not span"),
        ("a: &x [1, *x]\nsentences: []\n", "aliases"),
        ("x: !!python/object/apply:os.system ['echo pwned']\n", "line"),
    ],
)
def test_a_file_that_does_not_parse_is_reported_and_never_overwritten(tmp_path, sample_path, content, reason):
    article = sample(sample_path)
    path = tmp_path / "alice" / f"{article.id}.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    session = Session([article], tmp_path, "alice", DEFAULT_SCHEME)
    assert session.store.read_only and reason in session.store.read_only
    outcome = session.toggle("claim")
    assert outcome.error
    session.close()
    assert path.read_text(encoding="utf-8") == content


def test_second_session_on_the_same_file_is_read_only(tmp_path, sample_path):
    article = sample(sample_path)
    first = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    second = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    assert first.read_only is None
    assert second.read_only and "another session" in second.read_only
    second.close()
    first.close()
    third = ArticleStore(tmp_path, "alice", article, DEFAULT_SCHEME)
    assert third.read_only is None
    third.close()


def test_changed_article_reanchors_and_keeps_orphans(tmp_path):
    original = Article("a", "a.txt", "First claim here. Second one.\nThird line stays.")
    session = Session([original], tmp_path, "alice", DEFAULT_SCHEME)
    session.toggle("claim")  # "First claim here."
    session.goto(1)
    session.toggle("quote")  # "Second one." (will vanish)
    session.goto(2)
    session.toggle("statistic")  # "Third line stays." (moves)
    session.close()
    edited = Article("a", "a.txt", "A new opening line.\nFirst claim here.\nThird line stays.")
    store = ArticleStore(tmp_path, "alice", edited, DEFAULT_SCHEME)
    assert store.get(1).labels == ("claim",)
    assert store.get(2).labels == ("statistic",)
    assert [o["text"] for o in store.orphans] == ["Second one."]
    assert "re-anchored" in store.notice
    store.close()
    data = annofile.read(tmp_path / "alice" / "a.yaml")
    assert data["orphans"][0]["labels"] == ["quote"]


def test_atomic_write_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "x.yaml"
    annofile.atomic_write(target, "a: 1\n")
    annofile.atomic_write(target, "a: 2\n")
    assert os.listdir(tmp_path) == ["x.yaml"]
    assert target.read_text() == "a: 2\n"


def test_extra_keys_of_a_state_survive_a_crash(tmp_path, sample_path):
    from tagline.core.store import SentenceState

    article = sample(sample_path)
    store = ArticleStore(tmp_path, "carol", article, DEFAULT_SCHEME)
    store.set(0, SentenceState(status="done", labels=("claim",), extra={"review": {"decided_by": "carol", "note": "first"}}))
    store.set(0, SentenceState(status="done", labels=("quote",), extra={"review": {"decided_by": "carol", "note": "second"}}))
    store._journal.close()
    store._journal = None
    store._let_go()  # killed: no fold
    reopened = ArticleStore(tmp_path, "carol", article, DEFAULT_SCHEME)
    assert reopened.get(0).labels == ("quote",)
    assert reopened.get(0).extra == {"review": {"decided_by": "carol", "note": "second"}}
    reopened.close()
    assert annofile.read(reopened.path)["sentences"][0]["review"]["note"] == "second"


def _rich_session(tmp_path, sample_path) -> tuple[Session, Article]:
    article = sample(sample_path)
    session = Session([article], tmp_path, "alice", DEFAULT_SCHEME, {"name": "en_core_web_sm", "version": "3.8.0"})
    store = session.store
    store.set_entities(0, [(18, 26, "DATE"), (40, 47, "ORG")])
    store.set_suggestion(1, {"labels": ["quote"], "scores": {"quote": 0.8571428571428571, "claim": 1e-07}, "reasons": {"quote": "said: “x” — ‘y’"}})
    store.set_duplicate(2, 0)
    session.toggle("claim")
    session.note('a note with "quotes", a colon: yes, #hash, a tab\there, a line\nbreak, ünïcødé, 💡, - dash, null, true, 007')
    session.move(1)
    session.flag()
    return session, article


def test_the_parsed_form_kept_beside_the_file_reads_as_the_yaml_does(tmp_path, sample_path):
    session, article = _rich_session(tmp_path, sample_path)
    session.close()
    path = tmp_path / "alice" / f"{article.id}.yaml"
    kept = annofile.parsed_path(path)
    assert kept.exists()
    from_yaml = annofile.loads(path.read_text(encoding="utf-8"), path)
    assert annofile.read(path) == from_yaml
    kept.unlink()  # without it the YAML is parsed; a reader of the file writes nothing beside it
    assert annofile.read(path) == from_yaml and not kept.exists()
    Session([article], tmp_path, "alice", DEFAULT_SCHEME, None).close()  # its owner does
    assert kept.exists() and annofile.read(path) == from_yaml
    assert [p for _, p in annofile.iter_files(tmp_path)] == [path]  # never taken for an annotation file


def test_a_yaml_file_changed_by_hand_is_read_again_not_from_its_parsed_form(tmp_path, sample_path):
    session, article = _rich_session(tmp_path, sample_path)
    session.close()
    path = tmp_path / "alice" / f"{article.id}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("labels: [claim]", "labels: [quote]", 1), encoding="utf-8")
    assert annofile.read(path)["sentences"][0]["labels"] == ["quote"]
    again = Session([article], tmp_path, "alice", DEFAULT_SCHEME, None)
    assert again.state(0).labels == ("quote",)
    again.close()
    annofile.parsed_path(path).write_text("{not json", encoding="utf-8")  # a broken one is ignored
    assert annofile.read(path)["sentences"][0]["labels"] == ["quote"]
    path.write_text("sentences: [\n", encoding="utf-8")  # and never stands in for a broken file
    with pytest.raises(annofile.AnnotationFileError):
        annofile.read(path)
