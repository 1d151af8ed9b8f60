"""Links and names: what a walk of PATH follows, and one file reached under two names.

Real links (to ``/`` too), real hard links, real file names in NFC and NFD; ``tagline`` as a process
of its own where the command matters. Each test names what happened before its fix.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata

import pytest

from tagline.core import articles

STORY = "The mayor said it rained.\n"
CAFE_NFC = unicodedata.normalize("NFC", "café")
CAFE_NFD = unicodedata.normalize("NFD", "café")


def run(*arguments: str, cwd) -> subprocess.CompletedProcess:
    env = {**os.environ, "TAGLINE_ANNOTATOR": "tester", "TAGLINE_CACHE": str(cwd / "cache")}
    return subprocess.run([sys.executable, "-m", "tagline", *arguments], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_a_link_to_root_in_a_folder_is_not_followed_and_said(tmp_path, monkeypatch):
    """Before: the link was passed over without a word (the articles it might hold went missing
    silently)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus" / "sub").mkdir(parents=True)
    (tmp_path / "corpus" / "a.txt").write_text(STORY, encoding="utf-8")
    os.symlink("/", tmp_path / "corpus" / "everything")
    os.symlink("/", tmp_path / "corpus" / "sub" / "again")
    files, problems = articles.find(["corpus"])
    assert files == [tmp_path.joinpath("corpus", "a.txt").relative_to(tmp_path)]
    assert [str(p) for p in problems] == [
        "corpus/everything: a link to a folder, not followed (name it as a PATH to open what it holds); "
        "1 more such link not followed"]


def test_a_path_that_links_to_root_is_walked_only_so_far_and_said(tmp_path, monkeypatch):
    """Before: ``tagline open ROOTLINK`` listed the whole file system (about 25 s for 48,000 files)
    before it showed anything. The bound is lowered here so the test walks a few thousand entries
    of the real ``/``, not a hundred thousand."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(articles, "MAX_OTHER_ENTRIES", 2_000)
    os.symlink("/", tmp_path / "root")
    walked = 0
    real_scandir = os.scandir

    def counting(path):
        nonlocal walked
        listing = list(real_scandir(path))
        walked += len(listing)
        return _Listing(listing)

    monkeypatch.setattr(articles.os, "scandir", counting)
    _files, problems = articles.find(["root"])
    lines = [str(p) for p in problems]
    assert ("root: stopped listing after 2,000 files and folders that are not articles (the articles found so far "
            "are listed): name the folder of articles") in lines
    assert walked < 2_000 + 10_000  # the bound, and the last folder listed (not the whole tree)


class _Listing(list):
    """A finished listing that is its own context manager, as ``os.scandir``'s iterator is."""

    def __enter__(self):
        return iter(self)

    def __exit__(self, *_):
        return False


@pytest.mark.e2e
def test_status_on_a_corpus_holding_a_link_to_root_says_it_and_counts_the_corpus(tmp_path):
    (tmp_path / "annotations").mkdir()
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(STORY, encoding="utf-8")
    os.symlink("/", tmp_path / "corpus" / "root")
    done = run("status", "corpus", "--format", "json", cwd=tmp_path)
    assert done.stderr.splitlines() == ["tagline: corpus/root: a link to a folder, not followed "
                                        "(name it as a PATH to open what it holds)"]
    assert list(json.loads(done.stdout)["articles"]) == ["a"]


def names_of_one_file(folder):
    """story.txt, a link to it, a hard link to it (after it in name order), and café.txt in NFC and NFD (two files, one
    annotation file where names are normalised)."""
    folder.mkdir()
    (folder / "story.txt").write_text(STORY, encoding="utf-8")
    os.symlink("story.txt", folder / "a-link.txt")
    os.link(folder / "story.txt", folder / "story2.txt")
    (folder / f"{CAFE_NFC}.txt").write_text("The river rose.\n", encoding="utf-8")
    (folder / f"{CAFE_NFD}.txt").write_text("The river rose.\n", encoding="utf-8")


@pytest.mark.parametrize("reader", ["load", "open_corpus"])
def test_one_file_under_several_names_is_one_article(tmp_path, monkeypatch, reader):
    """Before: five articles (story, a-link, story2, café twice), each with an annotation file of its
    own; now two, and one line for the three other names."""
    monkeypatch.chdir(tmp_path)
    names_of_one_file(tmp_path / "corpus")
    found, problems = getattr(articles, reader)(["corpus"])
    assert sorted(articles.same_id(a.id) for a in found) == [CAFE_NFC, "story"]
    assert [a.path for a in found if a.id == "story"] == ["corpus/story.txt"]  # not the link, first in name order
    assert [str(p) for p in problems] == [
        "corpus/a-link.txt: the same article as corpus/story.txt (a link, a hard link or its name in another Unicode "
        "form); left out, as are 2 more such names"]
    ids, said = [], []
    ids = articles.list_ids(["corpus"], said)
    assert sorted(map(articles.same_id, ids)) == [CAFE_NFC, "story"] and [str(p) for p in said] == [str(p) for p in problems]


def test_a_file_given_twice_under_two_names_is_one_article(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    os.link(tmp_path / "story.txt", tmp_path / "copy.txt")
    found, problems = articles.load(["story.txt", "copy.txt"])
    assert [a.id for a in found] == ["story"]
    assert [str(p) for p in problems] == ["copy.txt: the same article as story.txt (a link, a hard link or its name "
                                          "in another Unicode form); left out"]


@pytest.mark.e2e
def test_suggest_gives_one_file_under_several_names_once(tmp_path):
    names_of_one_file(tmp_path / "corpus")
    done = run("suggest", "corpus", "--format", "jsonl", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert sorted({articles.same_id(r["article"]) for r in rows}) == [CAFE_NFC, "story"]
    assert [line for line in done.stderr.splitlines() if "same article" in line] == [
        "tagline: corpus/a-link.txt: the same article as corpus/story.txt (a link, a hard link or its name in another "
        "Unicode form); left out, as are 2 more such names"]


ANNOTATION = """schema: tagline.annotations/1
article: {id: story, path: story.txt}
annotator: alice
labels: [claim, quote, statistic]
sentences:
  - {index: 0, start: 0, end: 25, text: "The mayor said it rained.", status: done, labels: [claim]}
"""


@pytest.mark.parametrize("fmt, out, link", [("jsonl", "out.jsonl", "out.jsonl"), ("spacy", "out.spacy", "out.spacy"),
                                            ("brat", "out", "out"), ("jsonl", "out/part.jsonl", "out"),
                                            ("csv", "split.csv", "split.dev.csv")])
def test_export_out_a_broken_link_is_refused(tmp_path, monkeypatch, capsys, fmt, out, link):
    """Before: the export was written through the link, where it pointed (its folders made); brat
    said "cannot write (a broken link, not a folder; …)" after reading every file."""
    from tagline import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "annotations" / "alice").mkdir(parents=True)
    (tmp_path / "annotations" / "alice" / "story.yaml").write_text(ANNOTATION, encoding="utf-8")
    os.symlink("elsewhere/gone", tmp_path / link)
    arguments = ["export", "--format", fmt, "--merge", "each", "--out", out] + (["--split", "0.5"] if link != out.split("/")[0] else [])
    assert cli.main(arguments) == 1
    assert capsys.readouterr().err == (f"tagline: {link}: a broken link (to elsewhere/gone); nothing is written through "
                                       "it: remove it or give another --out\n")
    assert not (tmp_path / "elsewhere").exists() and os.readlink(tmp_path / link) == "elsewhere/gone"


def test_train_out_a_broken_link_is_refused(tmp_path, monkeypatch, capsys):
    """Before: the whole training ran, then "cannot save the model (Not a directory)"."""
    from tagline import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "annotations" / "alice").mkdir(parents=True)
    (tmp_path / "annotations" / "alice" / "story.yaml").write_text(ANNOTATION, encoding="utf-8")
    os.symlink("elsewhere/model", tmp_path / "model")
    assert cli.main(["train", "--out", "model"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == ("tagline: model: a broken link (to elsewhere/model); nothing "
                                                        "is written through it: remove it or give another --out")
    assert not (tmp_path / "elsewhere").exists()


def test_import_into_annotations_that_are_a_broken_link_is_refused(tmp_path, monkeypatch, capsys):
    """Before: "dang/root/story.yaml: cannot be written (File exists)" for each file, exit 1."""
    from tagline import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "rows.jsonl").write_text(json.dumps({"text": "The mayor said it rained.", "label": "claim",
                                                     "answer": "accept", "meta": {"article": "story"}}) + "\n", encoding="utf-8")
    os.symlink("elsewhere/annotations", tmp_path / "annotations")
    assert cli.main(["import", "rows.jsonl", "--format", "prodigy", "--annotator", "alice"]) == 1
    assert capsys.readouterr().err == ("tagline: annotations: a broken link (to elsewhere/annotations); nothing is "
                                       "written through it: remove it or give another --annotations\n")
    assert not (tmp_path / "elsewhere").exists()
