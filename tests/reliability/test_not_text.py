"""Input that is not text: a file name whose bytes are not UTF-8, and lone surrogates written as
JSON escapes (``"\\ud800"``) in a JSONL article, an import file, a journal or a parsed-form cache.

Python keeps both as lone surrogates in a ``str``, which no UTF-8 writer accepts: before, the YAML
of such an article could never be written (the app ended in a traceback on quit, its annotations
left in the journal), and ``prepare``, ``suggest`` and ``import`` ended in tracebacks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tagline.core import annofile, articles, store
from tagline.core.labels import DEFAULT_SCHEME

TEXT = "The mayor said it rained. The river rose 3 metres.\n"
BAD_NAME = b"bad\xff\x1b]0;x\x07name.txt"


def tagline(cwd: Path, *arguments: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "VIRTUAL_ENV", "TAGLINE_CACHE", "XDG_CONFIG_HOME")}
    env.update({"TAGLINE_ANNOTATOR": "tester", "PYTHONIOENCODING": "utf-8"})
    return subprocess.run([sys.executable, "-m", "tagline", *arguments], cwd=cwd, env=env, capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=300)


def test_a_file_name_that_is_not_utf8_is_refused_with_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus").mkdir()
    with open(os.path.join(os.fsencode(tmp_path / "corpus"), BAD_NAME), "wb") as handle:
        handle.write(TEXT.encode())
    (tmp_path / "corpus" / "ok.txt").write_text(TEXT, encoding="utf-8")
    found, problems = articles.open_corpus(["corpus"])
    assert [a.id for a in found] == ["ok"]
    assert len(problems) == 1 and "file name is not valid UTF-8" in str(problems[0])
    assert str(problems[0]).isprintable()
    assert articles.list_ids(["corpus"]) == ["ok"]
    # Given by name on the command line, too.
    given = os.fsdecode(os.path.join(b"corpus", BAD_NAME))
    assert articles.load([given])[0] == []


def test_lone_surrogates_in_a_jsonl_article_are_shown_as_replacement_and_said(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a\\ud800b", "text": "The mayor \\udcff said it rained. The river rose.", "meta": {"k\\ud800": "v"}}\n'
                    '{"id": "ok", "text": "Nothing odd here. Fine."}\n', encoding="utf-8")
    found, problems = articles.load([feed])
    assert [a.id for a in found] == ["a\ufffdb", "ok"]
    assert found[0].text == "The mayor \ufffd said it rained. The river rose."
    assert found[0].meta == {"k\ufffd": "v"}
    assert found[0].warning and "lone surrogate" in found[0].warning
    assert len(problems) == 1 and problems[0].path.endswith("feed.jsonl:1")
    # Its annotations can be written and read back.
    annotations = tmp_path / "annotations"
    kept = store.ArticleStore(annotations, "tester", found[0], DEFAULT_SCHEME)
    kept.set(0, store.SentenceState(status="done", labels=("claim",)))
    kept.fold(force=True)
    kept.close()
    assert annofile.read(annotations / "tester" / "a\ufffdb.yaml")["sentences"][0]["labels"] == ["claim"]


def test_a_journal_line_holding_a_lone_surrogate_is_folded(tmp_path):
    article = articles.Article("story", "story.txt", TEXT)
    annotations = tmp_path / "annotations"
    kept = store.ArticleStore(annotations, "tester", article, DEFAULT_SCHEME)
    kept.set(0, store.SentenceState(status="done", labels=("claim",), note="first"))
    kept.close()  # folds
    journal = annotations / "tester" / "story.journal"
    sentence = article.sentences[0]
    line = {"start": sentence.start, "end": sentence.end, "text": TEXT[sentence.start:sentence.end], "status": "done",
            "labels": ["quote"], "note": "a \\ud800 note"}
    journal.write_text(json.dumps(line).replace("\\\\ud800", "\\ud800") + "\n", encoding="utf-8")
    again = store.ArticleStore(annotations, "tester", article, DEFAULT_SCHEME)
    assert again.get(0).note == "a \ufffd note"
    again.close()
    document = annofile.read(annotations / "tester" / "story.yaml")
    assert document["sentences"][0]["note"] == "a \ufffd note" and document["sentences"][0]["labels"] == ["quote"]
    assert not journal.exists()


def test_a_parsed_form_holding_a_lone_surrogate_is_not_used(tmp_path):
    path = tmp_path / "story.yaml"
    document = {"schema": "tagline.annotations/1", "article": {"id": "story"}, "sentences": [
        {"index": 0, "start": 0, "end": 4, "text": "Rain", "status": "done", "labels": ["claim"], "note": "fine"}]}
    annofile.write(path, document)
    cached = annofile.parsed_path(path)
    kept = json.loads(cached.read_text(encoding="utf-8"))
    kept["document"]["sentences"][0]["note"] = "\ud800"
    cached.write_text(json.dumps(kept), encoding="utf-8")  # ensure_ascii: written as the escape
    assert annofile.read(path)["sentences"][0]["note"] == "fine"


@pytest.mark.e2e
def test_commands_refuse_lone_surrogates_with_one_line(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "feed.jsonl").write_text('{"id": "a\\ud800", "text": "The mayor \\ud800 said it rained. The river rose."}\n',
                                                    encoding="utf-8")
    with open(os.path.join(os.fsencode(tmp_path / "corpus"), BAD_NAME), "wb") as handle:
        handle.write(TEXT.encode())
    row = {"text": "The mayor \ud800 said it rained.", "accept": ["claim"], "answer": "accept",
           "meta": {"article": "story", "annotator": "x"}}
    (tmp_path / "rows.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    runs = {
        "prepare": tagline(tmp_path, "prepare", "corpus", "--model", "en_core_web_sm"),
        "suggest": tagline(tmp_path, "suggest", "corpus", "--model", "en_core_web_sm", "--format", "jsonl"),
        "status": tagline(tmp_path, "status", "corpus"),
    }
    for fmt in ("prodigy", "doccano", "jsonl"):
        runs[f"import {fmt}"] = tagline(tmp_path, "import", "rows.jsonl", "--format", fmt, "--annotations", f"imported-{fmt}")
    for name, result in runs.items():
        stderr = result.stderr.decode("utf-8", "replace")
        assert "Traceback" not in stderr, (name, stderr[-800:])
    assert runs["prepare"].returncode == 1 and runs["suggest"].returncode == 1  # 1: a file was refused (its name)
    assert b"file name is not valid UTF-8" in runs["prepare"].stderr
    assert b"lone surrogate" in runs["suggest"].stderr
    for fmt in ("prodigy", "doccano", "jsonl"):
        assert runs[f"import {fmt}"].returncode == 1
        assert b"rows.jsonl:1: holds lone surrogate escapes" in runs[f"import {fmt}"].stderr
    suggested = [json.loads(line) for line in runs["suggest"].stdout.decode().splitlines()]
    assert suggested and all("\ufffd" in s["article"] for s in suggested)


@pytest.mark.e2e
def test_the_reader_quits_cleanly_beside_a_file_name_that_is_not_utf8(term, workdir):
    """Before: the two articles repeat each other, the good one's YAML names the other in
    ``duplicate_of``, and quitting ended in a traceback with exit status 1, no YAML written."""
    corpus = workdir / "corpus"
    corpus.mkdir()
    with open(os.path.join(os.fsencode(corpus), BAD_NAME), "wb") as handle:
        handle.write(TEXT.encode())
    (corpus / "ok.txt").write_text(TEXT, encoding="utf-8")
    terminal = term()
    terminal.start("open corpus --model none")
    terminal.wait_for("0/2 done")
    terminal.keys("c")
    terminal.wait_for("1/2 done")
    terminal.keys("C-q")
    screen = terminal.wait_for("TAGLINE-EXIT-", timeout=30)
    assert "TAGLINE-EXIT-0" in screen and "Traceback" not in screen, screen
    saved = yaml.safe_load((workdir / "annotations" / "tester" / "ok.yaml").read_text(encoding="utf-8"))
    assert saved["sentences"][0]["labels"] == ["claim"]
