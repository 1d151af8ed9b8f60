"""Properties of the store, checked on many generated cases (hypothesis).

- Round trip: any sequence of actions, folds, clean closes and crashes (the process gone without a
  fold) reopens to exactly the state the actions left, and every record's offsets cut its text.
- Re-anchoring: after any edit of the article (sentences deleted, inserted, reworded, reordered,
  duplicated), no annotation is dropped: each is on a sentence or kept as an orphan, and a sentence
  whose text did not change keeps its labels.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tagline.core import annofile
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.store import ArticleStore, SentenceState

WORDS = ("river", "council", "prices", "minister", "rose", "fell", "said", "that", "the", "by", "percent",
         "village", "police", "court", "ruled", "water", "budget", "report", "found", "people")
LABELS = DEFAULT_SCHEME.names
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

sentence_text = st.lists(st.sampled_from(WORDS), min_size=3, max_size=12).map(lambda w: " ".join(w).capitalize() + ".")
notes = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
states = st.builds(
    SentenceState,
    status=st.sampled_from(("todo", "done")),
    labels=st.lists(st.sampled_from(LABELS), unique=True, max_size=3).map(tuple),
    flag=st.booleans(),
    note=notes.map(str.strip),
    updated=st.just("2026-11-25T10:00:00Z"),
)


def article(lines: list[str]) -> Article:
    return Article("a", "a.txt", "\n".join(lines) + "\n")


def crash(store: ArticleStore) -> None:
    """What ``kill -9`` leaves: the journal as written, no fold, the lock released by the kernel."""
    if store._journal is not None:
        store._journal.close()
    store._let_go()  # both locks


def comparable(state: SentenceState) -> tuple:
    return (state.status, state.labels, state.flag, state.note)


actions = st.lists(
    st.one_of(
        st.tuples(st.just("set"), st.integers(0, 10_000), states),
        st.tuples(st.just("fold")),
        st.tuples(st.just("close")),
        st.tuples(st.just("crash")),
    ),
    max_size=40,
)


@SETTINGS
@given(lines=st.lists(sentence_text, min_size=1, max_size=15), steps=actions)
def test_any_actions_reopen_to_the_same_state(lines, steps):
    root = Path(tempfile.mkdtemp())
    try:
        doc = article(lines)
        total = len(doc.sentences)
        expected: dict[int, tuple] = {}
        store = ArticleStore(root, "alice", doc, DEFAULT_SCHEME)
        for step in steps:
            if step[0] == "set":
                index, state = step[1] % total, step[2]
                store.set(index, state)
                expected[index] = comparable(state)
            elif step[0] == "fold":
                store.fold()
            else:
                crash(store) if step[0] == "crash" else store.close()
                store = ArticleStore(root, "alice", doc, DEFAULT_SCHEME)
                assert store.read_only is None
        store.close()
        reopened = ArticleStore(root, "alice", doc, DEFAULT_SCHEME)
        for index in range(total):
            want = expected.get(index, comparable(SentenceState()))
            assert comparable(reopened.get(index)) == want, index
        assert reopened.orphans == [] and reopened.notice is None
        reopened.close()
        path = root / "alice" / "a.yaml"
        if path.exists():
            data = annofile.read(path)
            assert len(data["sentences"]) == total
            assert all(doc.text[s["start"] : s["end"]] == s["text"] for s in data["sentences"])
    finally:
        shutil.rmtree(root)


def reword(text: str, word: str) -> str:
    """A small edit: one word changed or added, as an editor would."""
    words = text[:-1].split(" ")
    position = len(word) % len(words)
    if len(words) > 4:
        words[position] = word
    else:
        words.append(word)
    return " ".join(words).capitalize() + "."


@st.composite
def edited(draw):
    lines = draw(st.lists(sentence_text, min_size=1, max_size=15))
    annotated = draw(st.dictionaries(st.integers(0, len(lines) - 1), states.filter(lambda s: not s.is_blank), max_size=len(lines)))
    new_lines = []
    for line in lines:
        fate = draw(st.sampled_from(("keep", "keep", "delete", "reword", "duplicate")))
        if fate == "keep":
            new_lines.append(line)
        elif fate == "reword":
            new_lines.append(reword(line, draw(st.sampled_from(WORDS))))
        elif fate == "duplicate":
            new_lines += [line, line]
        if draw(st.booleans()) and draw(st.booleans()):
            new_lines.append(draw(sentence_text))  # a sentence inserted
    if draw(st.booleans()):
        new_lines = draw(st.permutations(new_lines))
    if not new_lines:
        new_lines = [draw(sentence_text)]
    crash_before_fold = draw(st.booleans())
    return lines, annotated, new_lines, crash_before_fold


@SETTINGS
@given(case=edited())
def test_no_annotation_is_dropped_when_the_article_changes(case):
    lines, annotated, new_lines, crash_before_fold = case
    root = Path(tempfile.mkdtemp())
    try:
        old, new = article(lines), article(new_lines)
        store = ArticleStore(root, "alice", old, DEFAULT_SCHEME)
        for index, state in annotated.items():
            store.set(index, state)
        crash(store) if crash_before_fold else store.close()  # re-anchored from the journal or the YAML

        store = ArticleStore(root, "alice", new, DEFAULT_SCHEME)
        placed = dict(store.states.items())
        assert len(placed) + len(store.orphans) == len(annotated)  # each placed once, or kept
        old_texts = [lines[i] for i in annotated]
        for state in placed.values():
            assert comparable(state) in {comparable(s) for s in annotated.values()}
        for orphan in store.orphans:
            assert orphan["text"] in old_texts
        # a sentence that kept its text exactly, and appears once on both sides, keeps its labels
        for index, state in annotated.items():
            text = lines[index]
            if lines.count(text) == 1 and new_lines.count(text) == 1:
                assert comparable(store.get(new_lines.index(text))) == comparable(state)
        store.close()
        data = annofile.read(root / "alice" / "a.yaml") if (root / "alice" / "a.yaml").exists() else None
        if data is not None:
            assert all(new.text[s["start"] : s["end"]] == s["text"] for s in data["sentences"])
            kept = [s for s in data["sentences"] if s["status"] != "todo" or s["labels"] or s.get("flag") or s.get("note")]
            assert len(kept) + len(data.get("orphans", [])) == len(annotated)
        if annotated and not crash_before_fold and old.text != new.text:
            assert list((root / "alice").glob("a.yaml.bak-*")), "the YAML before re-anchoring was not kept"
    finally:
        shutil.rmtree(root)


def test_an_edited_sentence_keeps_its_labels_and_the_old_file_is_backed_up(tmp_path):
    before = [
        "The minister said prices rose by five percent last year.",
        "Police said the court ruled that the village report was wrong.",
        "It rained.",
    ]
    after = [
        "A new opening sentence about the council budget.",
        "The minister said prices rose by six percent last year.",  # edited: fuzzy match
        "Police said the court ruled that the village report was wrong.",  # moved: exact text
        "It snowed.",  # edited, but too short to trust a close match: an orphan
    ]
    old, new = article(before), article(after)
    store = ArticleStore(tmp_path, "alice", old, DEFAULT_SCHEME)
    store.set(0, SentenceState("done", ("statistic",), note="check the figure"))
    store.set(1, SentenceState("done", ("claim", "quote")))
    store.set(2, SentenceState("done", ("claim",)))
    store.set_entities(0, [(4, 12, "ORG")])
    store.close()
    original = (tmp_path / "alice" / "a.yaml").read_bytes()

    store = ArticleStore(tmp_path, "alice", new, DEFAULT_SCHEME)
    assert store.get(1).labels == ("statistic",) and store.get(1).note == "check the figure"
    assert store.get(2).labels == ("claim", "quote")
    assert store.get(0).is_blank and store.get(3).is_blank
    assert [o["text"] for o in store.orphans] == ["It rained."]
    assert 1 not in store.entities()  # entities of an edited sentence no longer fit: the model redoes them
    assert "1 to edited sentences" in store.notice and "1 kept as orphans" in store.notice
    store.close()
    backup = tmp_path / "alice" / f"a.yaml.bak-{old.sha256[:8]}"
    assert backup.read_bytes() == original
    data = annofile.read(tmp_path / "alice" / "a.yaml")
    assert data["article"]["sha256"] == new.sha256
    assert [s["labels"] for s in data["sentences"]] == [[], ["statistic"], ["claim", "quote"], []]
    assert data["orphans"][0]["labels"] == ["claim"]

    store = ArticleStore(tmp_path, "alice", new, DEFAULT_SCHEME)  # settled: no notice, no new backup
    assert store.notice is None
    store.close()
    assert len(list((tmp_path / "alice").glob("a.yaml.bak-*"))) == 1
