"""A .jsonl article's ``meta`` is the article's own data: it was read and then dropped in silence.
It is written to the annotation file (``article.meta``), carried by the exports that have a place
for it (JSONL rows, Prodigy's and doccano's ``meta``, the YAML export's article) and read back by
import; any other key of the file's ``article:`` mapping is kept on rewrite, as the contract says."""

from __future__ import annotations

import json

import yaml

from tagline import cli
from tagline.core.articles import load
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session

META = {"source": "wire", "published": "2026-11-30", "tags": ["politics", "\x1b[31mred"], "n": 3}


def annotate(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "story", "text": "The mayor said taxes rose. Nothing else.", "meta": META}) + "\n",
                    encoding="utf-8")
    [article], problems = load([str(feed)])
    assert not problems and article.meta == META
    root = tmp_path / "annotations"
    session = Session([article], root, "alice", DEFAULT_SCHEME)
    session.toggle("claim")
    session.close()
    return feed, root


def test_the_annotation_file_keeps_the_lines_meta_and_unknown_article_keys(tmp_path):
    feed, root = annotate(tmp_path)
    path = root / "alice" / "story.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(data["article"]) == ["id", "path", "sha256", "meta"] and data["article"]["meta"] == META
    data["article"]["batch"] = "week 48"  # a key tagline does not own, added by hand
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    [article], _ = load([str(feed)])
    session = Session([article], root, "alice", DEFAULT_SCHEME)
    session.toggle("quote")
    session.close()
    again = yaml.safe_load(path.read_text(encoding="utf-8"))["article"]
    assert again["batch"] == "week 48" and again["meta"] == META


def test_exports_carry_it_and_import_brings_it_back(tmp_path, capsys):
    _feed, root = annotate(tmp_path)
    for fmt, where in (("jsonl", lambda row: row["article_meta"]), ("prodigy", lambda row: row["meta"]["article_meta"]),
                       ("doccano", lambda row: row["meta"]["article_meta"])):
        out = tmp_path / f"out.{fmt}.jsonl"
        assert cli.main(["export", "--annotations", str(root), "--format", fmt, "--out", str(out)]) == 0
        [row] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert where(row) == META, fmt
        back = tmp_path / f"back-{fmt}"
        assert cli.main(["import", str(out), "--format", fmt, "--annotations", str(back), "--annotator", "bob"]) == 0
        [file] = (back / "bob").glob("*.yaml")
        assert yaml.safe_load(file.read_text(encoding="utf-8"))["article"]["meta"] == META, fmt
    assert cli.main(["export", "--annotations", str(root), "--format", "yaml"]) == 0
    [article] = yaml.safe_load(capsys.readouterr().out)["articles"]
    assert article["meta"] == META
    # On a terminal nothing of it acts: JSON escapes the ESC.
    assert cli.main(["export", "--annotations", str(root), "--format", "jsonl"]) == 0
    assert "\x1b" not in capsys.readouterr().out


def test_a_meta_that_is_not_an_object_is_said_not_dropped_in_silence(tmp_path):
    """From the hostile-files audit: ``"meta": "oops"`` loaded the article with its meta gone and
    nothing said, where a line without text or with a bad id is one line each."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(row) + "\n" for row in (
        {"id": "j1", "text": "Meta is weird.", "meta": "oops \x1b[2J"},
        {"id": "j2", "text": "Meta is a list.", "meta": [1, 2]},
        {"id": "j3", "text": "No meta at all."},
        {"id": "j4", "text": "Null meta.", "meta": None},
    )), encoding="utf-8")
    articles, problems = load([str(feed)])
    assert [a.id for a in articles] == ["j1", "j2", "j3", "j4"] and all(a.meta == {} for a in articles)
    said = [str(p) for p in problems]
    assert len(said) == 2 and all("'meta' must be an object" in line for line in said)
    assert "feed.jsonl:1" in said[0] and "feed.jsonl:2" in said[1] and "\x1b" not in "".join(said)
