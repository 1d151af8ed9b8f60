"""What the annotator sees, at 80x24 (the SSH default) and wider."""

from __future__ import annotations

from settling import settled

import pytest




def test_reader_80x24(snap_compare, make_app):
    app = make_app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled, press=["c", "j", "q", "s", "j", "space", "f"])


def test_reader_120x40(snap_compare, make_app):
    app = make_app()
    assert snap_compare(app, terminal_size=(120, 40), run_before=settled, press=["j", "c"])


def test_help_80x24(snap_compare, make_app):
    app = make_app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled, press=["question_mark"])


def test_article_list_80x24(snap_compare, make_app):
    app = make_app("First article. It has two sentences.", "Second [b]one[/b].")
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled, press=["escape"])


def prepared_with_the_model(make_app, tmp_path):
    """The app on the sample with the real model, every paragraph's entities and suggestions already
    in the parse cache (as ``tagline prepare`` and an earlier session leave them), computed here in
    this process by spaCy and the suggester: the reader draws them without starting the model's
    process, so the picture does not depend on its timing."""
    import spacy

    from tagline.core import nlp, train
    from tagline.core.suggest import load_pipeline, suggest_article

    model = nlp.resolve_model(nlp.DEFAULT_MODEL)
    app = make_app(model=model)
    article = app.session.article
    pipeline = spacy.load(model.package, exclude=list(nlp.EXCLUDE))
    suggestions = suggest_article(load_pipeline(nlp.DEFAULT_MODEL)[0], article)
    scheme = app.session.scheme
    version = f"{nlp.suggester_version()}:{train.trained_stamp(app.session.root) or 'rules'}:{','.join(scheme.names)}"
    cache = nlp.ParseCache()
    for chunk in nlp.chunks(article):
        text = article.text[chunk.start : chunk.end]
        key = nlp.ParseCache.key(model, text)
        cache.put_many({key: [[e.start_char, e.end_char, e.label_] for e in pipeline(text).ents]})
        cache.put_many({f"{key}:{version}": [suggestions[i] for i in chunk.sentences]}, table="suggestions")
    return app


@pytest.mark.model
def test_reader_with_entities_and_suggestions_80x24(snap_compare, make_app, tmp_path):
    app = prepared_with_the_model(make_app, tmp_path)

    async def drawn(pilot) -> None:
        await settled(pilot)
        assert app.session.store.entities(), "no entities were drawn"
        assert app.session.suggestions, "no suggestions were drawn"

    assert snap_compare(app, terminal_size=(80, 24), run_before=drawn, press=["j", "j"])
