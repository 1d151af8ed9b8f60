"""The review session without a screen: filters, deciding, undo, saving, resuming, provenance, and
what export and agreement make of the decisions."""

from __future__ import annotations

import os
import shutil

import pytest

from tagline.core import agreement, annofile, corpus
from tagline.core.labels import DEFAULT_SCHEME, scheme_from_data
from tagline.core.adjudication import NothingToReview, RecordedArticle, ReviewSession
from tagline.core.store import ArticleStore

from procs import children

SENTENCES = [
    "Prices rose 5% last year.",          # 0: alice statistic / bob claim+statistic: disagreement
    "He said it was fine.",               # 1: both quote: agreement
    "The sky is blue.",                   # 2: alice none (flagged) / bob claim: disagreement
    "Nothing [b]here[/b] at all.",        # 3: both none, alice wrote a note
    "Nobody finished this one.",          # 4: todo for both
]
ARTICLE = ("news1", "\n".join(SENTENCES) + "\n")
OTHER = ("news2", "One thing is true.\nAnother is 20% false.\n")


@pytest.fixture
def team(annotations):
    """Two annotators on two articles; a model's entities on the first sentence."""
    annotations.write("alice", ARTICLE, {0: ["statistic"], 1: ["quote"], 2: [], 3: []}, flags=(2,),
                      notes={3: "odd [red]markup[/red]"}, entities={0: [(12, 14, "PERCENT")]})
    annotations.write("bob", ARTICLE, {0: ["claim", "statistic"], 1: ["quote"], 2: ["claim"], 3: []},
                      entities={0: [(12, 14, "PERCENT")]})
    annotations.write("alice", OTHER, {0: ["claim"], 1: ["statistic"]})
    annotations.write("bob", OTHER, {0: ["claim"], 1: ["claim", "statistic"]})
    return annotations


def session(annotations, **options) -> ReviewSession:
    options.setdefault("reviewer", "carol")
    return ReviewSession(annotations.root, scheme=DEFAULT_SCHEME, **options)


def places(s: ReviewSession) -> list[tuple[str, int]]:
    return [(item.article, item.sentence) for item in s.items]


# -- what is reviewed ---------------------------------------------------------------------------
def test_filters_choose_the_sentences(team):
    assert places(session(team)) == [("news1", 0), ("news1", 2), ("news2", 1)]
    assert places(session(team, filter="flagged")) == [("news1", 2)]
    assert places(session(team, filter="notes")) == [("news1", 3)]
    assert places(session(team, filter="all")) == [("news1", i) for i in range(4)] + [("news2", 0), ("news2", 1)]


def test_rows_show_each_annotator_numbered_with_flag_and_note(team):
    s = session(team, filter="all")
    s.goto(3)
    rows = s.item.rows
    assert [(r.number, r.name, r.labels, r.done) for r in rows] == [(1, "alice", (), True), (2, "bob", (), True)]
    assert rows[0].note == "odd [red]markup[/red]" and not rows[1].note
    s.goto(2)
    assert s.item.rows[0].flag and s.item.disagreement


def test_paths_narrow_to_articles_by_id_or_file(team, tmp_path):
    assert {a for a, _ in places(session(team, paths=["news2"]))} == {"news2"}
    article_file = tmp_path / "news1.txt"
    article_file.write_text(ARTICLE[1], encoding="utf-8")
    s = session(team, paths=[str(article_file), "no-such-article"])
    assert {a for a, _ in places(s)} == {"news1"}
    assert any("no-such-article" in p for p in s.problems)


def test_annotators_limit_and_unknown_names_are_reported(team, annotations):
    annotations.write("dave", ARTICLE, {0: ["statistic"], 2: ["claim"]})
    s = session(team, annotators=["alice", "dave", "zed"])
    assert s.annotators == ["alice", "dave"]
    assert places(s) == [("news1", 2)]
    assert any("'zed'" in p for p in s.problems)


def test_nothing_to_review_says_why(annotations):
    with pytest.raises(NothingToReview) as empty:
        session(annotations)
    assert empty.value.failed and "no annotations" in str(empty.value)
    annotations.write("alice", ARTICLE, {0: ["claim"]})
    with pytest.raises(NothingToReview) as one:
        session(annotations)
    assert one.value.failed and "two annotators" in str(one.value)
    annotations.write("bob", ARTICLE, {0: ["claim"]})
    with pytest.raises(NothingToReview) as agreed:
        session(annotations)
    assert not agreed.value.failed and "no disagreements" in str(agreed.value)


def test_a_bad_file_is_reported_and_the_rest_reviewed(team, annotations):
    (annotations.root / "eve").mkdir()
    (annotations.root / "eve" / "news1.yaml").write_text("sentences: [\n", encoding="utf-8")
    s = session(team)
    assert any("eve" in p and "YAML" in p for p in s.problems)
    assert places(s)[0] == ("news1", 0)


# -- deciding -------------------------------------------------------------------------------------
def test_majority_is_proposed_and_space_accepts_it(team):
    s = session(team)
    assert s.shown().labels == ("statistic",) and s.shown().source == "majority"
    assert s.shown().tied == ("claim",)  # bob's claim, one of two: a tie, left out and said
    s.accept()
    assert s.cursor == 1
    s.goto(0)
    assert s.shown().source == "mine" and s.shown().labels == ("statistic",)
    assert s.mine().labels == ("statistic",)  # the decision itself, not only what is shown
    s.close()
    [decisions] = (team.root / "carol" / "decisions").glob("news1*.yaml")
    recorded = annofile.read(decisions)["sentences"][0]
    assert recorded["labels"] == ["statistic"] and recorded["status"] == "done"  # and it is on disk


def test_take_each_annotator_and_toggle(team):
    s = session(team)
    s.take(2)
    assert s.mine().labels == ("claim", "statistic")
    s.take(1)
    assert s.mine().labels == ("statistic",)
    s.toggle("quote")
    assert s.mine().labels == ("quote", "statistic")
    assert s.take(3).error and s.mine().labels == ("quote", "statistic")
    s.toggle("quote")
    s.toggle("statistic")
    assert s.mine().labels == () and s.mine().status == "done"


def test_take_refuses_an_annotator_who_did_not_finish(team):
    team.write("bob", ARTICLE, {0: ["claim"]}, flags=(2,))  # bob's sentence 2: flagged, todo
    s = session(team, filter="flagged", unfinished=True)
    assert [r.done for r in s.item.rows] == [True, False]
    outcome = s.take(2)
    assert outcome.error and "bob" in outcome.message and s.mine() is None


def test_exclusive_scheme_toggle_replaces(team):
    scheme = scheme_from_data({"labels": ["claim", "quote", "statistic"], "exclusive": True}, "test")
    s = ReviewSession(team.root, "carol", scheme)
    s.take(1)
    s.toggle("claim")
    assert s.mine().labels == ("claim",)


def test_progress_counts_disagreements_left_and_agreement_as_settled(team):
    s = session(team, filter="all")
    # news1#1 (quote, quote), news1#3 (none, none), news2#0 (claim, claim): settled by agreement
    assert s.progress().disagreements_left == 3 and s.progress().decided == 3
    assert s.cursor == 0 and s.shown(1).source == "unanimous" and s.shown(1).labels == ("quote",)
    s.goto(0)
    s.take(1)
    assert s.progress().disagreements_left == 2 and s.progress().decided == 4
    s.goto(1)
    s.accept()  # an agreement needs no decision: space moves on and writes nothing
    assert s.cursor == 2 and s.mine(1) is None
    assert s.progress().disagreements_left == 2 and s.progress().decided == 4
    s.goto(0)
    s.withdraw()
    assert s.progress().disagreements_left == 3 and s.progress().decided == 3 and s.mine() is None


def test_undo_redo_any_number_of_steps_across_articles(team):
    s = session(team)
    s.take(1)
    s.accept()
    s.take(2)
    s.next_open()
    s.toggle("claim")
    assert s.item.article == "news2"
    for _ in range(4):
        assert not s.undo().error
    assert s.cursor == 0 and all(s.mine(i) is None for i in range(3))
    assert s.undo().message == "nothing to undo"
    for _ in range(4):
        s.redo()
    assert [s.mine(i).labels for i in range(3)] == [("statistic",), ("claim",), ("claim", "statistic")]
    assert s.redo().message == "nothing to redo"


def test_navigation(team):
    s = session(team)
    s.move(-1)
    assert s.cursor == 0
    s.article_step(1)
    assert s.item.article == "news2"
    assert s.article_step(1).message == "no next article"
    s.article_step(-1)
    assert s.cursor == 0
    s.take(1)
    assert s.next_open().changed[-1] == 1
    s.goto(99)
    assert s.cursor == len(s.items) - 1


# -- saving ---------------------------------------------------------------------------------------
def test_decision_file_has_every_sentence_and_the_provenance(team):
    s = session(team)
    s.take(2)
    s.note("the 5% is a [b]statistic[/b]")
    s.close()
    data = team.read("carol/decisions", "news1")
    alice = team.read("alice", "news1")
    assert data["annotator"] == "carol"
    assert data["article"] == alice["article"]  # the annotators' sha256 and path, not the rebuilt text's
    assert data["model"] == alice["model"]
    assert [x["text"] for x in data["sentences"]] == SENTENCES
    decided = data["sentences"][0]
    assert decided["status"] == "done" and decided["labels"] == ["claim", "statistic"]
    assert decided["entities"] == [{"start": 12, "end": 14, "label": "PERCENT"}]
    review = decided["review"]
    assert list(review) == ["decided_by", "decided_at", "annotators", "note"]
    assert review["decided_by"] == "carol" and review["decided_at"] == decided["updated"]
    assert review["annotators"] == {"alice": ["statistic"], "bob": ["claim", "statistic"]}
    assert review["note"] == "the 5% is a [b]statistic[/b]"
    assert all(x["status"] == "todo" and "review" not in x for x in data["sentences"][1:])
    text = (team.root / "carol" / "decisions" / "news1.yaml").read_text(encoding="utf-8")
    assert "alice: [statistic]" in text  # label lists in flow style, like the rest of the file


def test_reopening_resumes_with_decisions_shown(team):
    s = session(team)
    s.take(1)
    s.accept()
    s.close()
    again = session(team)
    assert again.cursor == 1
    assert again.shown(0).source == "mine" and again.shown(0).labels == ("statistic",)
    assert again.progress().decided == 1 and again.progress().disagreements_left == 2


def test_every_decision_is_on_disk_before_the_next_action(team, tmp_path):
    s = session(team)
    s.take(2)
    s.note("first")
    crashed = tmp_path / "crashed"
    shutil.copytree(team.root, crashed)  # what a kill -9 now would leave: a journal, no fold
    assert not (crashed / "carol" / "decisions" / "news1.yaml").exists()
    assert (crashed / "carol" / "decisions" / "news1.journal").exists()
    recovered = ReviewSession(crashed, "carol", DEFAULT_SCHEME)
    assert recovered.recovered == 1
    assert recovered.shown(0).labels == ("claim", "statistic") and recovered.shown(0).note == "first"
    recovered.close()
    s.close()


def test_a_changed_decision_replays_with_its_own_provenance(team, tmp_path):
    s = session(team)
    s.take(2)
    s.note("first")
    s.close()
    s = session(team)
    s.goto(0)
    s.take(1)
    s.note("second")
    crashed = tmp_path / "crashed"
    shutil.copytree(team.root, crashed)
    recovered = ReviewSession(crashed, "carol", DEFAULT_SCHEME)
    recovered.close()
    s.close()
    review = annofile.read(crashed / "carol" / "decisions" / "news1.yaml")["sentences"][0]["review"]
    assert review["note"] == "second"
    data = annofile.read(crashed / "carol" / "decisions" / "news1.yaml")["sentences"][0]
    assert data["labels"] == ["statistic"]


def test_withdrawn_decision_leaves_no_review(team):
    s = session(team)
    s.take(1)
    s.withdraw()
    assert s.withdraw().message.startswith("no decision")
    s.close()
    first = team.read("carol/decisions", "news1")["sentences"][0]
    assert first["status"] == "todo" and "review" not in first


def test_a_second_session_is_read_only(team):
    s = session(team)
    s.take(1)
    other = session(team)
    outcome = other.take(2)
    assert outcome.error and "read-only" in outcome.message
    other.close()
    s.close()
    assert team.read("carol/decisions", "news1")["sentences"][0]["labels"] == ["statistic"]


def test_another_reviewers_decision_is_shown_and_settles(team, annotations):
    review = {"decided_by": "dave", "decided_at": "2026-11-21T10:00:00Z", "annotators": {"alice": ["statistic"], "bob": ["claim", "statistic"]}}
    annotations.write("dave", ARTICLE, {0: ["claim"]}, reviews={0: review})
    s = session(team)
    assert s.cursor == 1  # the first sentence without a decision
    shown = s.shown(0)
    assert shown.source == "other" and shown.decided_by == "dave" and shown.labels == ("claim",)
    assert s.progress().disagreements_left == 2
    assert "dave" not in s.annotators


def test_a_reviewer_who_annotated_keeps_their_own_answer(team, capsys):
    """Issue 14 item 5: alice reviews, takes bob's labels; her own answer and agreement stay as they were."""
    from tagline import cli

    own = (team.root / "alice" / "news1.yaml").read_bytes()
    assert cli.main(["agree", "--annotations", str(team.root), "--format", "json"]) == 0
    before = capsys.readouterr().out
    s = session(team, reviewer="alice")
    assert [(r.name, r.labels) for r in s.item.rows] == [("alice", ("statistic",)), ("bob", ("claim", "statistic"))]
    s.take(2)
    s.close()
    assert (team.root / "alice" / "news1.yaml").read_bytes() == own
    decided = team.read("alice/decisions", "news1")["sentences"][0]
    assert decided["labels"] == ["claim", "statistic"] and decided["review"]["decided_by"] == "alice"
    assert cli.main(["agree", "--annotations", str(team.root), "--format", "json"]) == 0
    assert capsys.readouterr().out == before
    again = session(team, reviewer="alice")
    assert [(r.name, r.labels, r.recorded) for r in again.items[0].rows] == [("alice", ("statistic",), False), ("bob", ("claim", "statistic"), False)]
    assert again.shown(0).source == "mine" and again.shown(0).labels == ("claim", "statistic")
    again.close()
    [row] = [e for e in corpus.examples(corpus.load(team.root, DEFAULT_SCHEME)) if (e.article, e.index) == ("news1", 0)]
    assert (row.labels, row.decided, row.annotator, row.annotators) == (("claim", "statistic"), "reviewed", "alice", ("alice", "bob"))


def test_review_waits_for_every_annotator_who_started_the_article(team, annotations):
    annotations.write("dave", ARTICLE, {1: ["quote"]})  # dave started news1 but has not reached 0, 2, 3
    assert places(session(team)) == [("news2", 1)]
    assert places(session(team, unfinished=True)) == [("news1", 0), ("news1", 2), ("news2", 1)]
    assert places(session(team, filter="unanimous")) == [("news1", 1), ("news2", 0)]  # settled, listed on request
    annotations.write("dave", ARTICLE, {0: ["statistic"], 1: ["quote"], 2: ["claim"], 3: []})
    assert places(session(team)) == [("news1", 0), ("news1", 2), ("news2", 1)]


def test_review_waits_for_as_many_annotators_as_the_team_wants(team):
    from tagline.core.team import Team

    three = Team(("alice", "bob", "dave"), per_article=3)
    with pytest.raises(NothingToReview) as waiting:
        session(team, team=three)
    assert "3 more wait" in str(waiting.value) and "--unfinished" in str(waiting.value)
    assert places(session(team, team=Team(("alice", "bob", "dave"), per_article=2))) == [("news1", 0), ("news1", 2), ("news2", 1)]


def test_recorded_article_keeps_offsets_and_the_annotators_sha(team):
    loaded = corpus.parse_file(team.root / "alice" / "news1.yaml", "alice", DEFAULT_SCHEME)
    article = RecordedArticle("news1", "articles/news1.txt", loaded.sha256, [(x.start, x.end, x.text) for x in loaded.sentences])
    assert article.sha256 == loaded.sha256
    assert [article.text[sp.start : sp.end] for sp in article.sentences] == SENTENCES
    store = ArticleStore(team.root, "alice", article, DEFAULT_SCHEME)  # the annotator's own file fits it
    assert store.notice is None and store.get(0).labels == ("statistic",)
    store.close()


# -- what the rest of tagline makes of it -------------------------------------------------------
def test_export_prefers_the_decision_and_agreement_ignores_it(team):
    before = agreement.compute(corpus.load(team.root, DEFAULT_SCHEME), DEFAULT_SCHEME)
    s = session(team)
    s.toggle("quote")  # majority (statistic) + quote: a label neither annotator gave
    s.close()
    merged = corpus.load(team.root, DEFAULT_SCHEME)
    assert merged.problems == []
    examples = [e for e in corpus.examples(merged) if e.article == "news1" and e.index == 0]
    assert len(examples) == 1
    decided = examples[0]
    assert decided.reviewed and decided.annotator == "carol" and decided.labels == ("quote", "statistic")
    assert decided.review.annotators == {"alice": ("statistic",), "bob": ("claim", "statistic")}
    assert decided.annotations == {"alice": ("statistic",), "bob": ("claim", "statistic")}
    unreviewed = [e for e in corpus.examples(merged, "each", keep_duplicates=True) if e.article == "news1" and e.index == 0]
    assert {e.annotator for e in unreviewed} == {"alice", "bob"}
    assert agreement.compute(merged, DEFAULT_SCHEME) == before


def test_fold_writes_the_yaml_while_the_session_goes_on(team):
    s = session(team)
    s.take(1)
    assert s.dirty and s.fold()
    journal = team.root / "carol" / "decisions" / "news1.journal"
    assert not journal.exists() and not s.dirty
    assert team.read("carol/decisions", "news1")["sentences"][0]["labels"] == ["statistic"]
    s.take(2)
    assert journal.exists() and s.dirty
    s.close()
    assert team.read("carol/decisions", "news1")["sentences"][0]["labels"] == ["claim", "statistic"]


def test_stats_count_decisions_apart_from_annotations(team):
    from tagline.core import stats

    s = session(team)
    s.take(1)
    s.close()
    found = stats.compute(corpus.load(team.root, DEFAULT_SCHEME), DEFAULT_SCHEME)
    assert (found["carol"].decisions, found["carol"].articles, found["carol"].total) == (1, 0, 0)
    assert found["alice"].decisions == 0 and found["alice"].done == 6


def test_going_back_to_a_long_article_while_its_decisions_fold_is_held_is_at_once(annotations, hold_yaml_writes):
    """Leaving a long article in review folded its decisions in a thread, and deciding on it again
    (going back) waited for that thread on the event loop. Its fold now goes to a process forked for
    it; going back opens its decisions beside that fold, and neither loses a decision. Every write
    of a YAML file waits for a gate here (the forked child inherits the hold)."""
    long = ("river", "".join(f"Line {i}: the river rose by {i} centimetres.\n" for i in range(1_000)))
    annotations.write("alice", long, {0: ["claim"], 1: ["quote"]})
    annotations.write("bob", long, {0: ["quote"], 1: ["claim"]})
    annotations.write("alice", OTHER, {0: ["claim"]})
    annotations.write("bob", OTHER, {0: ["quote"]})
    held = hold_yaml_writes()
    s = session(annotations)
    assert s.item.article == "news2"
    s.article_step(1)
    assert s.item.article == "river"
    s.take(1)  # the long article's decisions store opens
    s.article_step(-1)
    s.take(1)  # news2's store opens: the long one is left, its fold held
    s.article_step(1)
    decided_while_held = held.returns_meanwhile(s.take, 2)  # deciding on the long article again
    assert decided_while_held  # before: it waited for the fold, held here
    s.close()
    data = annotations.read("carol/decisions", "river")
    assert data["sentences"][0]["labels"] == ["quote"]  # bob's, taken after going back


def test_a_review_whose_first_fold_is_killed_reopens_with_its_decisions(tmp_path, monkeypatch, hold_yaml_writes):
    """A review decides two sentences of an article it has no decisions file of yet and leaves its
    fold to a child, which is killed before it writes. The review's article is rebuilt from the
    annotators' files (its text and sentences are theirs, not the article file's, read again), so
    the head of the first fold a plain session leaves (``.<id>.first-fold.json``) cannot describe the
    file that fold writes: read against the article file, it made every reader refuse the decisions
    ("is not as its session read it") and the review could not open again. The decisions are read
    as before the head: the reopened review has both, from the journal."""
    import os
    import signal

    from tagline.core.articles import Article
    from tagline.core.store import SentenceState

    monkeypatch.chdir(tmp_path)  # the article's path, as given, is found from here
    text = "".join(f"Line {i}: the council said the river rose by {i} centimetres overnight.\n" for i in range(300))
    (tmp_path / "river.txt").write_text(text, encoding="utf-8")
    root = tmp_path / "annotations"
    for name, labels in (("alice", ("claim",)), ("bob", ("statistic",))):
        store = ArticleStore(root, name, Article("river", "river.txt", source=tmp_path / "river.txt"), DEFAULT_SCHEME)
        for index in (0, 1):
            store.set(index, SentenceState("done", labels, updated="2026-11-20T09:00:00Z"))
        store.close()
    review = ReviewSession(root, "tester", DEFAULT_SCHEME)
    assert review.progress().decided == 0
    review.take(1)
    review.move(1)
    review.take(2)
    assert review.progress().decided == 2
    held = hold_yaml_writes()
    before = children()
    review.close(after_exit=True)
    [child] = children() - before  # the fold, held before it writes
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    folder = root / "tester" / "decisions"
    assert not (folder / "river.yaml").exists()
    assert not (folder / ".river.first-fold.json").exists()  # no head: it could not be trusted
    merged = corpus.load(root, DEFAULT_SCHEME)
    # before: "... is not as its session read it"; now only that the journal waits for a session
    [said] = [str(problem) for problem in merged.problems]
    assert "river.journal" in said and corpus.UNSAVED_JOURNAL in said and "not as its session" not in said
    held.gate.touch()
    again = ReviewSession(root, "tester", DEFAULT_SCHEME, filter="all")
    assert again.progress().decided == 2
    again.close()
    data = annofile.read(folder / "river.yaml")
    assert [s["labels"] for s in data["sentences"][:2]] == [["claim"], ["statistic"]]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_reviewer_folder_of_someone_else_is_read_only_before_the_first_key(team):
    """From the team audit: run under someone else's name, the review screen said "saved" until the
    first key, and only then "belongs to …; read-only here"."""
    folder = team.root / "carol"
    folder.mkdir()
    os.chown(folder, 54321, -1)
    s = session(team)
    assert s.read_only == f"{folder} belongs to uid 54321, not to you (root); read-only here"
    assert s.take(1).error
    s.close()


def test_a_narrowed_review_reads_only_the_files_it_reviews(team, annotations, monkeypatch):
    """From the speed audit: a review of one article by two annotators of thirty read all 3,000
    files first (8 s, against 1.3 s for the same two files alone). Only the named articles' files
    of the named annotators, and the reviewers' decisions of those articles, are parsed now."""
    annotations.write("dave", ARTICLE, {0: ["quote"], 2: ["quote"]})
    annotations.write("dave", OTHER, {0: ["quote"]})
    read: list[str] = []
    parse = corpus.parse_file

    def recording(path, *args, **options):
        read.append(f"{path.parent.name}/{path.name}")
        return parse(path, *args, **options)

    monkeypatch.setattr(corpus, "parse_file", recording)
    s = session(team, annotators=["alice", "bob"], paths=["news1"])
    assert places(s) == [("news1", 0), ("news1", 2)]
    assert sorted(read) == ["alice/news1.yaml", "bob/news1.yaml"]
    read.clear()
    s = session(team, paths=["news2"])  # every annotator, one article
    assert sorted(read) == ["alice/news2.yaml", "bob/news2.yaml", "dave/news2.yaml"]
    assert places(s) == [("news2", 0)]  # news2 #1 waits for dave, who has not finished it
