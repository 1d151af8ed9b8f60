"""Every entity of every sentence of the sample, with the real model, names the text it should.

Entity offsets are given relative to the sentence (contract). A test on sentence 0 alone cannot tell
sentence offsets from paragraph-chunk offsets (they coincide there); this one checks all of them
against spaCy's own ``ent.text`` on the same chunk, an oracle that is not tagline's arithmetic.
"""

from __future__ import annotations

import pytest

from tagline.core import nlp
from tagline.core.articles import load

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def spacy_pipeline():
    import spacy

    model = nlp.resolve_model(nlp.DEFAULT_MODEL)
    return spacy.load(model.package, exclude=list(nlp.EXCLUDE))


def test_every_entity_of_every_sentence_names_its_text(sample_path, spacy_pipeline):
    [article], _ = load([sample_path])
    checked = not_at_sentence_start = 0
    for chunk in nlp.chunks(article):
        doc = spacy_pipeline(article.text[chunk.start : chunk.end])
        found = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        expected = {  # spaCy's own text for each entity, by where it starts in the article
            chunk.start + e.start_char: (e.text, e.label_) for e in doc.ents
        }
        per_sentence = nlp.sentence_entities(article, chunk, found)
        assert sorted(per_sentence) == list(chunk.sentences)
        for index, entities in per_sentence.items():
            span = article.sentences[index]
            sentence = article.text[span.start : span.end]
            for start, end, label in entities:
                text, spacy_label = expected[span.start + start]
                assert label == spacy_label
                # the entity's own text, or (cut at the sentence's end) the start of it
                assert sentence[start:end] == text[: end - start], (index, start, end, text)
                assert 0 <= start < end <= len(sentence)
                checked += 1
                not_at_sentence_start += span.start != chunk.start
    assert checked >= 30
    assert not_at_sentence_start >= 5  # where sentence and chunk offsets differ


def test_an_entity_across_a_sentence_end_is_cut_there():
    """The model can return an entity that runs over a sentence boundary inside a paragraph; the
    sentence it starts in gets it up to its own end, never past it (the sample has no such entity)."""
    from tagline.core.articles import Article

    article = Article("x", "x.txt", "We met Alpha Beta. Gamma Corp said no.")
    [chunk] = nlp.chunks(article)
    assert [article.text[s.start : s.end] for s in article.sentences] == ["We met Alpha Beta.", "Gamma Corp said no."]
    found = nlp.sentence_entities(article, chunk, [(7, 29, "ORG"), (19, 29, "ORG")])
    assert found == {0: [(7, 18, "ORG")], 1: [(0, 10, "ORG")]}
