"""Paths and kinds of file nobody picked: what sits where tagline expects a file or a folder.

Real FIFOs, links and folders in ``tmp_path``; each test names what happened before its fix.
"""

from __future__ import annotations

import codecs
import json
import os

import pytest

from tagline.core import articles, corpus
from tagline.core.labels import DEFAULT_SCHEME, LabelSchemeError, load_scheme
from tagline.core.team import TeamError, load_team

from handwritten import write_annotation

PROJECT_FILES = {
    "fifo": lambda path: os.mkfifo(path),
    "folder": lambda path: path.mkdir(),
    "link loop": lambda path: os.symlink(path.name, path),
    "link to /dev/zero": lambda path: os.symlink("/dev/zero", path),
    "broken link": lambda path: os.symlink("nowhere.yaml", path),
}


@pytest.mark.parametrize("kind", PROJECT_FILES)
def test_a_project_file_that_cannot_be_read_is_said_not_ignored(tmp_path, kind):
    """Before: a ``tagline.yaml`` that was not a regular file was taken for none, and every command
    ran on the default labels, without the project's team, without a word."""
    PROJECT_FILES[kind](tmp_path / "tagline.yaml")
    with pytest.raises(LabelSchemeError) as scheme_error:
        load_scheme(cwd=tmp_path)
    with pytest.raises(TeamError) as team_error:
        load_team(cwd=tmp_path)
    for error in (scheme_error.value, team_error.value):
        message = str(error)
        assert "\n" not in message and message.startswith(f"{tmp_path / 'tagline.yaml'}: cannot read"), message


def test_no_project_file_is_the_default(tmp_path):
    assert list(load_scheme(cwd=tmp_path).names) == ["claim", "quote", "statistic"]
    assert load_team(cwd=tmp_path) is None


NOT_FOLDERS = {
    "a file": lambda path: path.write_text("x"),
    "a FIFO": lambda path: os.mkfifo(path),
    "a link loop": lambda path: os.symlink(path.name, path),
    "a broken link": lambda path: os.symlink("nowhere", path),
    "a character device": lambda path: os.symlink("/dev/zero", path),
}


@pytest.mark.parametrize("kind", NOT_FOLDERS)
def test_annotations_that_are_not_a_folder_say_what_they_are(tmp_path, kind):
    """Before: "no such annotations folder", for a file that is there."""
    NOT_FOLDERS[kind](tmp_path / "annotations")
    loaded = corpus.load(tmp_path / "annotations", DEFAULT_SCHEME)
    assert [p.reason for p in loaded.problems] == [f"not a folder ({kind})"]


@pytest.mark.parametrize("kind", [k for k in NOT_FOLDERS if k != "a file"])
def test_an_article_path_that_is_no_file_says_what_it_is(tmp_path, kind):
    """Before: "not a regular file or folder (broken link or loop?)", for a FIFO or ``/dev/zero`` too."""
    NOT_FOLDERS[kind](tmp_path / "story.txt")
    found, problems = articles.find([tmp_path / "story.txt"])
    assert found == [] and [p.reason for p in problems] == [f"not an article file or folder ({kind})"]


def test_a_file_name_too_long_for_its_annotation_files_is_said_and_left_out(tmp_path):
    """Before: a 255-byte name was listed, and opening it ended the app with a traceback
    (``File name too long``: ``<id>.yaml`` and ``.<id>.lock`` are longer than the name)."""
    corpus_folder = tmp_path / "corpus"
    corpus_folder.mkdir()
    long_name = "x" * 251 + ".txt"
    (corpus_folder / long_name).write_text("The mayor said it rained.\n", encoding="utf-8")
    (corpus_folder / "short.txt").write_text("The mayor said it rained.\n", encoding="utf-8")
    found, problems = articles.open_corpus([corpus_folder])
    assert [a.id for a in found] == ["short"]
    assert [p.reason for p in problems] == ["file name too long to name its annotation files (251 bytes; at most 200)"]
    assert articles.list_ids([corpus_folder]) == ["short"]  # status counts what open lists
    _, alone = articles.open_corpus([corpus_folder / long_name])
    assert len(alone) == 1 and "too long" in alone[0].reason


def test_an_id_too_long_in_bytes_cannot_name_a_file(tmp_path):
    """Before: the limit was 200 characters, and 100 Chinese ones (300 bytes) passed it."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "中" * 100, "text": "The mayor said it rained."}) + "\n"
                    + json.dumps({"id": "中" * 60, "text": "The river rose."}) + "\n", encoding="utf-8")
    found, problems = articles.load([feed])
    assert [a.id for a in found] == ["中" * 60]
    assert len(problems) == 1 and problems[0].reason.endswith("cannot name a file")
    for a in found:  # the longest names tagline makes from the id fit a file system's 255 bytes
        assert len(f".{a.id}.yaml.json.12345678.tmp".encode()) <= 255


def test_status_says_what_it_could_not_list(tmp_path, monkeypatch, capsys):
    """Before: a PATH that was not there, or not an article file or folder, was left out of
    ``status``'s counts without a word, and the exit status was 0."""
    from tagline import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "annotations").mkdir()
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("The mayor said it rained.\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    assert cli.main(["status", "corpus", "missing", "pipe.txt", "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == ["tagline: missing: no such file or folder",
                                         "tagline: pipe.txt: not an article file or folder (a FIFO)"]
    assert list(json.loads(captured.out)["articles"]) == ["a"]


def test_an_annotator_folder_linked_under_a_second_name_is_read_once(tmp_path):
    """Before: ``annotations/carol -> alice`` was read as a third annotator who always agreed with
    alice, and agreement, exports and status counted alice's answers twice."""
    for who, label in (("alice", "claim"), ("bob", "quote")):
        write_annotation(tmp_path / who, who, label)
    os.symlink("alice", tmp_path / "carol")
    loaded = corpus.load(tmp_path, DEFAULT_SCHEME)
    assert loaded.annotators == ["alice", "bob"]
    assert [str(p) for p in loaded.problems] == [f"{tmp_path / 'carol'}: the same folder as {tmp_path / 'alice'} (a link to it); left out"]
    os.symlink(tmp_path / "bob", tmp_path / "aaron")  # first in name order, but a link: bob is read
    again = corpus.load(tmp_path, DEFAULT_SCHEME)
    assert again.annotators == ["alice", "bob"] and len(again.problems) == 2


def test_status_lists_the_annotator_folders_every_reader_lists(tmp_path):
    """Before: a folder that was a link (to a folder elsewhere) was exported and agreed on, but
    ``status`` passed over it; a second name of a listed folder was left out by the readers, said,
    and by ``status`` in silence. One list now (``annofile.annotator_folders``)."""
    from tagline.core import status

    elsewhere = tmp_path / "elsewhere"
    write_annotation(elsewhere / "bob", "bob", "quote")
    root = tmp_path / "annotations"
    write_annotation(root / "alice", "alice", "claim")
    os.symlink(elsewhere / "bob", root / "bob")
    os.symlink("alice", root / "carol")
    loaded = corpus.load(root, DEFAULT_SCHEME)
    found = status.compute(root, DEFAULT_SCHEME, None, ["story"])
    assert loaded.annotators == ["alice", "bob"]
    assert list(found.annotators) == ["alice", "bob"]
    assert [str(p) for p in loaded.problems] == found.problems == [
        f"{root / 'carol'}: the same folder as {root / 'alice'} (a link to it); left out"]


@pytest.mark.parametrize("link", ["loop.yaml", "nowhere"])
def test_status_says_an_annotation_file_it_cannot_stat(tmp_path, link):
    """Before: ``status`` passed over a link loop or a broken link named ``x.yaml`` without a word,
    where ``agree`` and ``export`` said it."""
    from tagline.core import status

    write_annotation(tmp_path / "alice", "alice", "claim")
    os.symlink(link, tmp_path / "alice" / "loop.yaml")
    found = status.compute(tmp_path, DEFAULT_SCHEME, None, ["story"])
    assert [p for p in found.problems if "loop.yaml" in p] == [f"{tmp_path / 'alice' / 'loop.yaml'}: cannot be read "
                                                               f"({'Too many levels of symbolic links' if link == 'loop.yaml' else 'No such file or directory'})"]


TEXT = "Le maire a dit qu'il pleuvait. The river rose 3 metres — «ça».\n"


@pytest.mark.parametrize("encoded", [
    TEXT.encode("utf-16"), codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), TEXT.encode("utf-32"),
    TEXT.replace("\n", "\r\n").encode("utf-16"),
], ids=["utf-16 le", "utf-16 be", "utf-32", "utf-16 crlf"])
def test_a_utf16_file_with_its_mark_is_read_as_text(tmp_path, encoded):
    """Before: a file a Windows editor saved as "Unicode" was refused as binary (its NUL bytes)."""
    from tagline.core.session import Session

    (tmp_path / "story.txt").write_bytes(encoded)
    found, problems = articles.load([tmp_path / "story.txt"])
    assert problems == [] and found[0].text.replace("\r\n", "\n") == TEXT
    session = Session(found, tmp_path / "annotations", "tester", DEFAULT_SCHEME)
    session.toggle("claim")
    session.close()
    again = Session(articles.load([tmp_path / "story.txt"])[0], tmp_path / "annotations", "tester", DEFAULT_SCHEME)
    try:
        assert again.state(0).labels == ("claim",) and again.store.notice is None  # the same text: nothing re-anchored
    finally:
        again.close()


def test_utf16_without_a_mark_or_cut_short_is_said_so(tmp_path):
    (tmp_path / "nomark.txt").write_bytes(TEXT.encode("utf-16-le"))
    (tmp_path / "cut.txt").write_bytes(TEXT.encode("utf-16") + b"\x00\xd8")
    found, problems = articles.load([tmp_path / "nomark.txt", tmp_path / "cut.txt"])
    assert [a.id for a in found] == ["cut"] and found[0].text.startswith(TEXT)
    assert sorted(p.reason for p in problems) == [
        "UTF-16 without a byte order mark, it seems; save it as UTF-8",
        "not valid UTF-16 (first bad byte at 130); undecodable bytes shown as \ufffd",
    ]


@pytest.mark.parametrize("given", [["corpus", "corpus"], ["corpus", "./corpus"], ["corpus/a.txt", "corpus"],
                                   ["corpus/sub", "corpus"], ["corpus", "corpus/../corpus/sub"]])
def test_a_folder_or_file_given_twice_is_one_article_each(tmp_path, monkeypatch, given):
    """Before: the second time round each file was "id 'a' is taken by an earlier article; skipped",
    and a file that could not be read was said twice."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus" / "sub").mkdir(parents=True)
    (tmp_path / "corpus" / "a.txt").write_text("The mayor said it rained.\n", encoding="utf-8")
    (tmp_path / "corpus" / "sub" / "b.txt").write_text("The river rose.\n", encoding="utf-8")
    (tmp_path / "corpus" / "sub" / "empty.txt").write_text("", encoding="utf-8")
    found, problems = articles.load(given)
    assert sorted(a.id for a in found) == ["a", "b"]
    assert [str(p) for p in problems] == ["corpus/sub/empty.txt: empty"]


def test_export_out_dash_is_standard_output(tmp_path, monkeypatch, capsys):
    """Before: ``--out -`` wrote a file named ``-``."""
    from tagline import cli

    monkeypatch.chdir(tmp_path)
    write_annotation(tmp_path / "annotations" / "alice", "alice", "claim")
    assert cli.main(["export", "--format", "jsonl", "--merge", "each", "--out", "-"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["text"] == "The mayor said it rained."
    assert not (tmp_path / "-").exists()
    assert cli.main(["export", "--format", "spacy", "--out", "-"]) == 2
    assert capsys.readouterr().err == "tagline: --out -: standard output takes one text file; --format spacy writes files\n"


@pytest.mark.parametrize("kind", ["a file", "a FIFO", "a link loop"])
def test_a_brat_export_onto_something_not_a_folder_says_what_it_is(tmp_path, monkeypatch, capsys, kind):
    """Before: "cannot write (File exists)"."""
    from tagline import cli

    monkeypatch.chdir(tmp_path)
    write_annotation(tmp_path / "annotations" / "alice", "alice", "claim")
    NOT_FOLDERS[kind](tmp_path / "out")
    assert cli.main(["export", "--format", "brat", "--merge", "each", "--out", "out"]) == 1
    expected = (f"tagline: out: cannot write ({kind}, not a folder; brat writes a folder of files)" if kind != "a link loop" else
                "tagline: out: a link loop (to out); nothing is written through it: remove it or give another --out")
    assert expected in capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("kind", ["a file", "a FIFO", "a character device"])
def test_a_parse_cache_that_is_no_folder_says_what_it_is(tmp_path, kind):
    """Before: "parse cache unavailable ([Errno 17] File exists: '/dev/null')"."""
    from tagline.core.nlp.cache import ParseCache

    NOT_FOLDERS[kind](tmp_path / "cache")
    cache = ParseCache(tmp_path / "cache")
    assert cache.get_many(["k"]) == {}
    assert cache.error == f"parse cache unavailable ({tmp_path / 'cache'}: not a folder ({kind})); parsing without it"
