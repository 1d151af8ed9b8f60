import pytest

from tagline.core import schema
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session


def make(tmp_path, *texts):
    articles = [Article(f"a{i}", f"a{i}.txt", text) for i, text in enumerate(texts)]
    return Session(articles, tmp_path, "alice", DEFAULT_SCHEME)


def test_undo_and_redo_any_number_of_steps(tmp_path):
    s = make(tmp_path, "One. Two. Three.")
    s.toggle("claim")
    s.toggle("quote")
    s.move(1)
    s.toggle("statistic")
    assert s.state(0).labels == ("claim", "quote")
    for _ in range(3):
        s.undo()
    assert s.state(0).is_blank and s.state(1).is_blank
    assert s.undo().message == "nothing to undo"
    s.redo()
    s.redo()
    assert s.state(0).labels == ("claim", "quote") and s.cursor == 0
    s.redo()
    assert s.state(1).labels == ("statistic",) and s.cursor == 1
    s.toggle("claim")
    assert s.redo().message == "nothing to redo"


def test_confirm_clear_and_next_todo_across_articles(tmp_path):
    s = make(tmp_path, "One. Two.", "Three. Four.")
    s.confirm()
    assert s.state(0).status == schema.DONE and s.state(0).labels == () and s.cursor == 1
    s.confirm()
    s.goto(0)
    s.clear()
    assert s.state(0).status == schema.TODO
    s.toggle("claim")
    outcome = s.next_todo()
    assert outcome.article_changed and s.article.id == "a1" and s.cursor == 0
    s.confirm()
    s.next_todo()
    assert s.article.id == "a1" and s.cursor == 1
    s.confirm()
    assert s.next_todo().message == "every sentence is done"


def test_article_switching_keeps_work_and_cursor(tmp_path):
    s = make(tmp_path, "One. Two.", "Three. Four.")
    s.move(1)
    s.toggle("quote")
    s.article_step(1)
    s.toggle("claim")
    s.article_step(-1)
    assert s.cursor == 1 and s.state(1).labels == ("quote",)
    assert s.article_step(-1).message == "no previous article"
    s.close()
    assert (tmp_path / "alice" / "a0.yaml").exists() and (tmp_path / "alice" / "a1.yaml").exists()


def test_search_wraps_and_is_case_insensitive(tmp_path):
    s = make(tmp_path, "Alpha here. Beta there. Gamma alpha.")
    s.search("ALPHA")
    assert s.cursor == 2
    s.search("alpha")
    assert s.cursor == 0
    assert "not found" in s.search("zeta").message


def _search_sentence_by_sentence(s, needle, forward=True):
    """What a search lands on, as tagline found it before: each sentence casefolded in turn."""
    order = list(range(s.cursor + 1, s.total)) + list(range(s.cursor + 1))
    if not forward:
        order = list(reversed(range(s.cursor))) + list(reversed(range(s.cursor, s.total)))
    return next((i for i in order if needle.casefold() in s.text(i).casefold()), None)


@pytest.mark.parametrize("text", [
    "Alpha here. Beta there. Gamma alpha.\n\nAlpha again? Yes. Yes.",
    "Straße and STRASSE. The strasse. Nothing here.",  # casefolding lengthens the text: the slow way
    "One. One. One. One.",
])
@pytest.mark.parametrize("query", ["alpha", "ALPHA", "e. b", "here. beta", "yes", "strasse", "one", ".", " ", "zeta"])
def test_search_lands_where_a_sentence_by_sentence_search_lands(tmp_path, text, query):
    """Searching the casefolded article with str.find lands on the same sentence, from every
    cursor, in both directions; a match across two sentences is no match."""
    s = make(tmp_path, text)
    for forward in (True, False):
        for start in range(s.total):
            s.goto(start)
            expected = _search_sentence_by_sentence(s, query, forward)
            outcome = s.search(query, forward)
            assert s.cursor == (start if expected is None else expected), (forward, start)
            assert ("not found" in (outcome.message or "")) == (expected is None)


def test_a_search_reads_no_sentence_one_by_one(tmp_path, monkeypatch):
    """A search that finds nothing in 5,000 sentences casefolded each of them in Python (40 ms a
    key at 50,000): now the article's text is casefolded once and searched in C."""
    s = make(tmp_path, "The council met on Monday. " * 5_000)
    s.goto(2_500)
    read = []
    text = s.text
    monkeypatch.setattr(s, "text", lambda i: read.append(i) or text(i))
    assert "not found" in s.search("zeta").message
    assert s.search("council").changed and s.cursor == 2_501
    assert "not found" in s.search("zeta", forward=False).message
    assert read == []


def test_accept_takes_suggested_labels(tmp_path):
    s = make(tmp_path, "One. Two.")
    assert s.accept().message == "no suggestion for this sentence"
    s.suggestions[0] = {"labels": ["statistic", "claim"]}
    s.accept()
    assert s.state(0).labels == ("claim", "statistic") and s.state(0).status == schema.DONE


def test_exclusive_scheme(tmp_path):
    from tagline.core.labels import Label, LabelScheme

    scheme = LabelScheme((Label("yes", ("y",)), Label("no", ("o",))), exclusive=True)
    s = Session([Article("a", "a.txt", "One.")], tmp_path, "alice", scheme)
    s.toggle("yes")
    s.toggle("no")
    assert s.state(0).labels == ("no",)


def test_uncertain_order_takes_the_least_certain_todo_sentence(tmp_path):
    s = make(tmp_path, "One. Two. Three. Four.")
    s.suggestions = {
        1: {"labels": ["claim"], "scores": {"claim": 0.95, "quote": 0.0, "statistic": 0.0}},
        2: {"labels": [], "scores": {"claim": 0.48, "quote": 0.1, "statistic": 0.0}},
        3: {"labels": ["quote"], "scores": {"claim": 0.2, "quote": 0.7, "statistic": 0.0}},
    }
    s.next_todo()
    assert s.cursor == 1  # reading order
    assert "uncertain" in s.toggle_order().message
    s.next_todo()
    assert s.cursor == 2  # 0.48 is the nearest to the threshold
    s.confirm()  # done, and on to sentence 3 in reading order
    assert s.cursor == 3
    s.next_todo()
    assert s.cursor == 1  # the only other todo sentence with a suggestion
    s.toggle_order()
    assert s.order == "reading"


def test_checkworthy_order_takes_the_highest_claim_score_first(tmp_path):
    s = make(tmp_path, "One. Two. Three. Four. Five.")
    s.suggestions = {
        1: {"labels": [], "scores": {"claim": 0.41, "quote": 0.0, "statistic": 0.0}},
        2: {"labels": ["claim"], "scores": {"claim": 0.93, "quote": 0.0, "statistic": 0.0}},
        3: {"labels": ["claim"], "scores": {"claim": 0.77, "quote": 0.9, "statistic": 0.0}},
        4: {"labels": ["claim"], "scores": {"claim": 0.93, "quote": 0.0, "statistic": 0.0}},
    }
    assert "check-worthy" in s.set_order("checkworthy").message and s.order == "checkworthy"
    s.next_todo()
    assert s.cursor == 2  # 0.93, the first of two equals in reading order
    s.confirm()
    s.next_todo()
    assert s.cursor == 4
    s.confirm()
    s.next_todo()
    assert s.cursor == 3  # then 0.77, then 0.41
    s.toggle_order()
    assert s.order == "reading"  # the toggle goes back to reading order
    bad = s.set_order("alphabetical")
    assert bad.error and s.order == "reading"


def test_checkworthy_order_follows_check_worthiness_over_the_claim_score(tmp_path):
    """A suggestion's ``checkworthy`` orders ``n``; a suggestion made before there was one (no such
    key) falls back to its claim score."""
    s = make(tmp_path, "One. Two. Three. Four.")
    s.suggestions = {
        1: {"labels": ["claim"], "scores": {"claim": 0.95, "quote": 0.0, "statistic": 0.0}, "checkworthy": 0.41},
        2: {"labels": ["claim", "statistic"], "scores": {"claim": 0.80, "quote": 0.0, "statistic": 0.9}, "checkworthy": 0.93},
        3: {"labels": ["claim"], "scores": {"claim": 0.60, "quote": 0.0, "statistic": 0.0}},
    }
    s.set_order("checkworthy")
    s.next_todo()
    assert s.cursor == 2  # check-worthiness 0.93 before 0.41, though its claim score is lower
    s.confirm()
    s.goto(0)
    s.next_todo()
    assert s.cursor == 3  # 0.60, its claim score, before 0.41
    s.confirm()
    s.goto(0)
    s.next_todo()
    assert s.cursor == 1


def test_a_move_past_either_end_changes_nothing_to_draw(tmp_path):
    s = make(tmp_path, "One. Two. Three.")
    assert s.move(-1).changed == () and s.cursor == 0
    assert set(s.move(1).changed) == {0, 1}
    s.goto(2)
    assert s.move(5).changed == () and s.cursor == 2


@pytest.mark.parametrize("done, total", [("x", 2), (1e400, 2), ([1], 2), (True, 2), (3, 2), (-1, 2), (1, None)])
def test_a_progress_entry_edited_with_values_of_other_kinds_is_not_used(tmp_path, done, total):
    """``.progress.json`` is a file like any other: ``done: 1e400`` (infinity) or ``"x"`` ended the
    article list with an OverflowError or ValueError. Such an entry is now not used, as an entry of
    a changed article is not."""
    import json

    from tagline.core.articles import Article
    from tagline.core.progress import ProgressIndex

    folder = tmp_path / "tester"
    folder.mkdir()
    (folder / ".progress.json").write_text(json.dumps({"a": {"done": done, "total": total, "first": "A story."}}), encoding="utf-8")
    index = ProgressIndex(folder)
    (tmp_path / "a.txt").write_text("A story. It ends.\n", encoding="utf-8")
    article = Article("a", "a.txt", source=tmp_path / "a.txt")  # not read yet: the entry is trusted as it is
    assert index.get(article) is None
    assert index.complete(article) is False


@pytest.mark.parametrize("saved", [5, "claim", ["claim", 3], {"claim": 1}])
def test_a_saved_suggestion_that_is_not_a_list_of_labels_is_not_accepted(tmp_path, saved):
    """``a`` takes the suggestion the annotation file saved when the model has none: ``labels: 5``
    ended the reader with a TypeError, and ``labels: claim`` was read letter by letter and marked
    the sentence done with no label. Now it says so and changes nothing."""
    import yaml

    text = "First one here. Second one there."
    folder = tmp_path / "annotations" / "tester"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_text(yaml.safe_dump({
        "schema": "tagline.annotations/1", "article": {"id": "a", "path": "a.txt"}, "annotator": "tester",
        "sentences": [{"index": 0, "start": 0, "end": 15, "text": "First one here.", "status": "todo", "suggested": {"labels": saved}},
                      {"index": 1, "start": 16, "end": 33, "text": "Second one there.", "status": "todo"}],
    }), encoding="utf-8")
    session = Session([Article("a", "a.txt", text)], tmp_path / "annotations", "tester", DEFAULT_SCHEME)
    outcome = session.accept()
    assert outcome.error and "not a list of labels" in outcome.message
    assert session.state(0).status == schema.TODO and session.state(0).labels == ()
    session.close()


def test_copying_labels_to_many_duplicates_is_one_journal_sync_and_survives_a_reopen(tmp_path, monkeypatch):
    """``d`` on a sentence with 499 duplicates synced the journal once per sentence (14 s for 4,999 on
    a 5,000-sentence article, and as long again to undo); the action is now one write and one
    sync, all or none taken, and its undo and redo too."""
    from tagline.core import store as store_mod

    syncs = []
    real = store_mod._fdatasync
    monkeypatch.setattr(store_mod, "_fdatasync", lambda fd: (syncs.append(fd), real(fd)))
    s = make(tmp_path, " ".join(["The river rose by two metres."] * 500))
    s.set_duplicates({i: 0 for i in range(1, 500)})
    s.toggle("claim")
    syncs.clear()
    assert s.copy_to_duplicates().message == "claim given to 499 duplicates"
    assert len(syncs) == 1 and all(s.state(i).labels == ("claim",) for i in range(500))
    s.undo()
    assert len(syncs) == 2 and all(s.state(i).is_blank for i in range(1, 500)) and s.state(0).labels == ("claim",)
    s.redo()
    assert len(syncs) == 3 and all(s.state(i).labels == ("claim",) for i in range(500))
    again = make(tmp_path, " ".join(["The river rose by two metres."] * 500))
    assert all(again.state(i).labels == ("claim",) for i in range(500))
