"""A key given twice in one JSON object is refused with the file, the line, the key and its columns.

``json.loads`` keeps the last value of a repeated key and drops the other without a word: an article
line with ``"text"`` twice lost a text, an imported Prodigy row with ``"accept"`` twice lost answers.
Every JSON tagline reads from a user's file goes through ``tagline.core.safejson.loads``; each reader
below is given a hand-written file, and the columns and lines expected are counted by hand in it.
"""

from __future__ import annotations

import json

import pytest

from tagline import cli
from tagline.core import articles, corpus, importing, safejson
from tagline.core.labels import DEFAULT_SCHEME

# columns counted by hand: "text" opens at column 2 and again at column 29
TEXT_TWICE = '{"text": "The river rose.", "text": "The river fell.", "id": "river"}'


@pytest.mark.parametrize(
    ("text", "key", "where"),
    [
        (TEXT_TWICE, "'text'", "(columns 2 and 29)"),
        ('{"a": 1, "b": {"x": 1, "x": 2}}', "'x'", "(columns 16 and 24)"),  # in a nested object
        ('{\n  "a": 1,\n  "b": 2,\n  "a": 3\n}\n', "'a'", "(lines 2 and 4)"),  # a .json file over lines
        ('{\n  "a": 1, "a": 2\n}', "'a'", "(line 2, columns 3 and 11)"),
        ('{"te\\u0078t": "one", "text": "two"}', "'text'", "(columns 2 and 22)"),  # one key, escaped once
        ('[{"a": 1}, {"b": [1, {"c": 1, "d": "c", "c": 2}]}]', "'c'", "(columns 23 and 41)"),
    ],
    ids=["top", "nested", "lines", "one-line-of-many", "escaped", "in-a-list"],
)
def test_a_key_given_twice_is_refused_with_where_both_were_written(text, key, where):
    with pytest.raises(safejson.DuplicateKey) as raised:
        safejson.loads(text)
    message = str(raised.value)
    assert message == f"the key {key} is given twice in one object {where}"
    assert isinstance(raised.value, json.JSONDecodeError)  # every reader already handles these
    with pytest.raises(safejson.DuplicateKey):
        safejson.loads(text.encode("utf-8"))


def test_the_same_key_in_different_objects_is_not_twice():
    text = '[{"a": 1}, {"a": 2, "b": {"a": 3}}, {"x": "\\"a\\": 1, \\"a\\""}]'
    assert safejson.loads(text) == json.loads(text)


def test_the_key_is_shown_as_visible_characters_and_cut_short():
    hostile = '{"\\u001b]0;owned\\u0007\\u001b[2J": 1, "\\u001b]0;owned\\u0007\\u001b[2J": 2}'
    with pytest.raises(safejson.DuplicateKey) as raised:
        safejson.loads(hostile)
    message = str(raised.value)
    assert "\x1b" not in message and "\x07" not in message and message.isprintable()
    assert "the key '\\x1b]0;owned\\x07\\x1b[2J' is given twice" in message
    long = json.dumps({"k" * 1000: 1})[:-1] + ", " + json.dumps("k" * 1000) + ": 2}"
    with pytest.raises(safejson.DuplicateKey) as raised:
        safejson.loads(long)
    assert len(str(raised.value)) < 120 and str(raised.value).startswith("the key 'kkk")


def test_own_files_may_be_read_without_the_check():
    assert safejson.loads('{"a": 1, "a": 2}', unique=False) == {"a": 2}


def test_an_article_line_with_text_twice_is_left_out_with_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"id": "first", "text": "A good one."}) + "\n" + TEXT_TWICE + "\n" + json.dumps({"id": "third", "text": "Another."}) + "\n",
        encoding="utf-8",
    )
    found, problems = articles.load(["feed.jsonl"])
    assert [a.id for a in found] == ["first", "third"]  # neither "The river rose." nor "fell." taken
    assert [str(p) for p in problems] == ["feed.jsonl:2: the key 'text' is given twice in one object (columns 2 and 29)"]
    unlisted: list = []
    assert articles.list_ids(["feed.jsonl"], unlisted) == ["first", "third"]
    assert [str(p) for p in unlisted] == [str(p) for p in problems]  # status says it too, not 2 of 3 without a word


# a Prodigy row with "accept" twice: json.loads kept ["quote"] and lost "claim"
PRODIGY_TWICE = ('{"text": "The river rose.", "answer": "accept", "accept": ["claim"], "accept": ["quote"], '
                 '"meta": {"article": "river", "annotator": "dora"}}')


@pytest.mark.parametrize(
    ("fmt", "line", "key"),
    [
        ("prodigy", PRODIGY_TWICE, "'accept'"),
        ("doccano", '{"text": "The river rose.", "label": [[0, 9, "claim"]], "article": "river", "label": []}', "'label'"),
        ("jsonl", '{"text": "The river rose.", "labels": ["claim"], "labels": [], "article": "river", "start": 0, "end": 15}', "'labels'"),
    ],
)
def test_an_import_row_with_a_key_twice_is_skipped_and_said(tmp_path, fmt, line, key):
    source = tmp_path / "rows.jsonl"
    good = {"prodigy": {"text": "Good.", "answer": "accept", "accept": [], "meta": {"article": "river", "annotator": "dora"}},
            "doccano": {"text": "Good.", "label": [], "article": "river"},
            "jsonl": {"text": "Good.", "labels": [], "article": "river", "start": 20, "end": 25}}[fmt]
    source.write_text(json.dumps(good) + "\n" + line + "\n", encoding="utf-8")
    problems: list[corpus.Problem] = []
    rows = importing.read_rows(source, fmt, DEFAULT_SCHEME, problems)
    assert [r.text for r in rows] == ["Good."]
    [problem] = problems
    assert problem.path == f"{source}:2"
    assert problem.reason.startswith(f"the key {key} is given twice in one object (columns ")


def test_import_says_the_line_and_exits_1_and_keeps_the_good_rows(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    good = {"text": "The sky cleared.", "answer": "accept", "accept": ["claim"], "meta": {"article": "sky", "annotator": "dora"}}
    (tmp_path / "rows.jsonl").write_text(json.dumps(good) + "\n" + PRODIGY_TWICE + "\n", encoding="utf-8")
    assert cli.main(["import", "rows.jsonl", "--format", "prodigy", "--annotations", "annotations"]) == 1
    err = capsys.readouterr().err
    assert "rows.jsonl:2: the key 'accept' is given twice in one object (columns 49 and 70)\n" in err, err
    assert "Traceback" not in err
    assert (tmp_path / "annotations" / "dora" / "sky.yaml").exists()
    assert not (tmp_path / "annotations" / "dora" / "river.yaml").exists()  # nothing half-kept from line 2


def test_a_model_meta_with_a_key_twice_is_not_read(tmp_path):
    from tagline.core.nlp import model

    (tmp_path / "meta.json").write_text('{"name": "core", "version": "3.8.0", "version": "9.9.9"}', encoding="utf-8")
    assert model._read_meta(tmp_path) == {}  # as a meta.json that does not parse: no version claimed
