"""Exact and near-duplicate sentences within an article and across a corpus."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from tagline.core import articles
from tagline.core.duplicates import article_duplicates, find_duplicates, normalise

SAMPLE_ID = "000_88201f31feaf2608"


def sample_sentences(sample_path) -> list[str]:
    [article], problems = articles.load([sample_path])
    assert not problems
    return [article.text[s.start : s.end] for s in article.sentences]


def test_the_sample_articles_repeats_are_found_and_nothing_else(sample_path):
    sentences = sample_sentences(sample_path)
    found = find_duplicates([(SAMPLE_ID, i, text) for i, text in enumerate(sentences)])
    # The body repeats the sentences of the top: 0, 1, 2, 3 word for word, and 4 is the end of a
    # quotation that the body gives whole (sentence 33 is its second half, after 32).
    expected = {10: 0, 15: 1, 19: 2, 30: 3, 33: 4}
    assert found == {(SAMPLE_ID, dup): (SAMPLE_ID, original) for dup, original in expected.items()}
    for dup, original in expected.items():
        assert normalise(sentences[dup]) == normalise(sentences[original])


def test_a_fragment_inside_a_longer_sentence(sample_path):
    sentences = sample_sentences(sample_path)
    whole = sentences[32] + " " + sentences[33]  # as a segmenter that missed the boundary would give it
    fragment = sentences[4]
    found = find_duplicates([("a", 0, fragment), ("b", 0, "The weather was fine in Kabul on Sunday morning."), ("b", 1, whole)])
    assert found == {("b", 1): ("a", 0)}
    found = find_duplicates([("b", 1, whole), ("a", 0, fragment)])
    assert found == {("a", 0): ("b", 1)}


def test_normalising_unifies_quotes_dashes_case_space_and_punctuation():
    a = "“It’s over,” he said — finally."
    b = '"it\'s   OVER" he said - finally'
    assert normalise(a) == normalise(b)
    assert find_duplicates([("x", 0, a), ("y", 3, b)]) == {("y", 3): ("x", 0)}


def test_near_duplicates_with_a_typo_are_found_but_different_figures_are_not():
    base = "Pakistan has witnessed a surge in violence over the past 18 months, with more than 700 attacks."
    typo = base.replace("witnessed", "witnesed")
    other_figure = base.replace("700", "800")
    found = find_duplicates([("a", 0, base), ("b", 0, typo), ("c", 0, other_figure)])
    assert found == {("b", 0): ("a", 0)}


def test_every_duplicate_points_at_the_first_occurrence():
    text = "The government has dispatched numerous delegations to Kabul this year."
    found = find_duplicates([("a", 0, text), ("a", 1, text.upper()), ("b", 0, text + "!"), ("c", 5, text.replace("Kabul", "Kabull"))])
    assert set(found.values()) == {("a", 0)}
    assert set(found) == {("a", 1), ("b", 0), ("c", 5)}


def test_unrelated_sentences_and_short_phrases_are_not_duplicates():
    texts = [
        ("a", 0, "The minister said the talks would resume on Monday in Doha."),
        ("a", 1, "The minister said the talks had collapsed on Monday in Doha."),
        ("b", 0, "He said."),
        ("b", 1, "Yes."),
        ("c", 0, "The ministry said in a statement."),
        ("c", 1, "Officials said in a statement on Tuesday that the ministry said in a statement nothing new."),
    ]
    assert find_duplicates(texts) == {}


def test_empty_and_punctuation_only_sentences_are_ignored():
    assert find_duplicates([("a", 0, "…"), ("a", 1, "—"), ("a", 2, "")]) == {}


def test_article_duplicates_by_index(sample_path):
    sentences = sample_sentences(sample_path)
    assert article_duplicates(SAMPLE_ID, sentences)[10] == (SAMPLE_ID, 0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([
    "The ceasefire ended in November 2022 when the group walked out of the talks.",
    "Relations between the two neighbours have deteriorated significantly in the past two years.",
    "The government has dispatched numerous delegations to Kabul, including a high-level visit.",
    "Founded in 2007, the group is an armed movement advocating stricter laws in the region.",
    "Rents in the capital rose far faster than wages over the same period, the figures show.",
]), min_size=1, max_size=30), st.integers(0, 1000))
def test_mapping_is_consistent_with_first_occurrence(choices, seed):
    rng = random.Random(seed)
    texts = []
    for i, text in enumerate(choices):
        if rng.random() < 0.3:
            text = text.lower()
        texts.append((f"art{i % 3}", i, text))
    found = find_duplicates(texts)
    order = {(a, i): k for k, (a, i, _) in enumerate(texts)}
    first: dict[str, tuple] = {}
    for article_id, index, text in texts:
        first.setdefault(normalise(text), (article_id, index))
    for dup, original in found.items():
        assert order[original] < order[dup]
        assert original not in found  # an original is always a first occurrence
    # Exactly the repeats are duplicates, each pointing at the first copy.
    assert found == {(a, i): first[normalise(t)] for a, i, t in texts if first[normalise(t)] != (a, i)}
