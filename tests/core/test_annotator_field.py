"""An annotation file whose ``annotator`` is not text (a list, a mapping, a number) was read as the
folder's name without a word: its answers were counted for whoever's folder it lay in. Now it is a
malformed file, reported in one line naming it, as the others are, and left out."""

from __future__ import annotations

import pytest

from tagline.core import annofile, corpus, importing
from tagline.core.labels import DEFAULT_SCHEME

FILE = """schema: tagline.annotations/1
article: {{id: a, path: a.txt}}
annotator: {annotator}
labels: [claim, quote, statistic]
sentences:
  - {{index: 0, start: 0, end: 4, text: One., status: done, labels: [claim]}}
"""


@pytest.mark.parametrize("written, shown", [("[alice, bob]", "['alice', 'bob']"), ("{name: alice}", "{'name': 'alice'}"),
                                            ("42", "42"), ("true", "True")])
def test_an_annotator_that_is_not_text_is_a_malformed_file(tmp_path, written, shown):
    path = tmp_path / "alice" / "a.yaml"
    path.parent.mkdir()
    path.write_text(FILE.format(annotator=written), encoding="utf-8")
    with pytest.raises(annofile.AnnotationFileError) as error:
        annofile.read(path)
    assert error.value.reason == f"'annotator' must be a name (text), not {shown}"
    merged = corpus.load(tmp_path, DEFAULT_SCHEME)
    assert merged.files == [] and merged.units == []  # never counted as alice's
    assert [str(p) for p in merged.problems] == [f"{path}: 'annotator' must be a name (text), not {shown}"]


def test_an_annotator_given_as_text_or_not_at_all_is_read(tmp_path):
    for name, written, expected in (("a", "bob", "bob"), ("b", "~", "alice"), ("c", "''", "alice")):
        path = tmp_path / "alice" / f"{name}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(FILE.format(annotator=written).replace("id: a,", f"id: {name},"), encoding="utf-8")
        assert corpus.parse_file(path, "alice", DEFAULT_SCHEME).annotator == expected


def test_an_escape_in_an_annotator_that_is_not_text_is_shown_never_sent(tmp_path):
    path = tmp_path / "alice" / "a.yaml"
    path.parent.mkdir()
    path.write_text(FILE.format(annotator='["\\e]0;owned\\a"]'), encoding="utf-8")
    problems = corpus.load(tmp_path, DEFAULT_SCHEME).problems
    assert len(problems) == 1 and str(problems[0]).isprintable() and "\x1b" not in str(problems[0])


@pytest.mark.parametrize("fmt, row", [
    ("prodigy", {"text": "One.", "accept": ["claim"], "answer": "accept", "meta": {"annotator": ["alice"]}}),
    ("jsonl", {"text": "One.", "labels": ["claim"], "annotator": {"name": "alice"}}),
    ("doccano", {"text": "One.", "label": ["claim"], "meta": {"annotator": 7}}),
])
def test_an_import_row_whose_annotator_is_not_text_says_so(fmt, row):
    parsed = importing.parse_row(row, fmt, DEFAULT_SCHEME, "rows.jsonl:1")
    assert parsed.annotator is None
    assert parsed.annotator_problem.startswith(("'meta.annotator' must be a name (text), not",
                                                "'annotator' must be a name (text), not"))


def test_the_reader_opens_such_a_file_read_only_and_leaves_it_as_it_is(tmp_path):
    from tagline.core.articles import Article
    from tagline.core.store import ArticleStore

    path = tmp_path / "alice" / "a.yaml"
    path.parent.mkdir()
    path.write_text(FILE.format(annotator="[alice, bob]"), encoding="utf-8")
    before = path.read_bytes()
    store = ArticleStore(tmp_path, "alice", Article("a", "a.txt", "One.\n"), DEFAULT_SCHEME, {"name": "none"})
    try:
        assert "'annotator' must be a name (text)" in store.read_only and "read-only" in store.read_only
    finally:
        store.close()
    assert path.read_bytes() == before
