"""Fuzzing the readers: whatever the bytes, a result or a one-line reason, never an uncaught exception.

Targets: the annotation YAML loader (raw bytes, and generated documents of every shape), the store
opening whatever the loader accepts, the article readers (.txt, .md, .jsonl), the sentence splitter
and the sanitiser.
"""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tagline.core import annofile, articles, sanitize, segment
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.store import ArticleStore

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT = "The river rose by two metres overnight, officials said.\nResidents were told to leave their homes.\n"

# YAML-ish bytes: fragments that steer the fuzzer into the grammar's corners.
FRAGMENTS = [b"sentences:", b"\n  - ", b"{start: 0, end: 5, text: The r}", b"&a ", b"*a", b"!!python/object:os.system",
             b"!!binary ", b"[", b"]", b"{", b"}", b": ", b"- ", b"'", b'"', b"\t", b"\xef\xbb\xbf", b"\xff", b"%YAML 1.1\n",
             b"---\n", b"...\n", b"? ", b"|\n", b">-\n", b"#", b"schema: tagline.annotations/1\n", b"labels: [claim]",
             b"status: done", b"orphans:", b"article: {sha256: x}", b"\x00", b"<<: *a", b"!!set {a}", b"2026-11-25"]
yaml_bytes = st.one_of(st.binary(max_size=400), st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=6), max_size=40).map(b"".join))

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 200), st.floats(allow_nan=True), st.text(max_size=12),
                    st.sampled_from(["claim", "quote", "done", "todo", "The river rose"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
sentence_records = st.fixed_dictionaries(
    {},
    optional={
        "start": st.integers(-2, 120) | values, "end": st.integers(-2, 120) | values, "text": st.text(max_size=60) | values,
        "status": st.sampled_from(["todo", "done", "maybe"]) | values, "labels": st.lists(st.sampled_from(["claim", "quote", "x"])) | values,
        "flag": st.booleans() | values, "note": st.text(max_size=10) | values, "entities": values, "review": values, "index": values,
    },
)
# Records that fit the article, so that the other keys get exercised past the sentence checks.
fitting = st.builds(
    lambda start, end, labels, status: {"start": start, "end": end, "text": TEXT[start:end], "status": status, "labels": labels},
    st.integers(0, 40), st.integers(40, 100), st.lists(st.sampled_from(["claim", "quote", "rumour"]), unique=True),
    st.sampled_from(["todo", "done"]),
)
documents = st.fixed_dictionaries(
    {"sentences": st.lists(fitting | sentence_records, max_size=5) | st.lists(fitting, max_size=3) | values},
    optional={"schema": st.just("tagline.annotations/1") | values, "article": st.fixed_dictionaries({}, optional={"sha256": st.text(max_size=64)}) | values,
              "model": values, "orphans": st.lists(sentence_records, max_size=3) | values, "labels": values, "extra": values},
)


def opens_safely(path: Path) -> None:
    """The store on an annotation file: read-only with a reason, or open; never an exception."""
    root = path.parent.parent
    store = ArticleStore(root, "alice", Article("river", "river.txt", TEXT), DEFAULT_SCHEME)
    assert store.read_only is None or "\n" not in store.read_only
    store.close()


@contextmanager
def annotation_file(data: bytes):
    """``data`` as alice's annotation file of the river article, in a folder of its own (a
    Hypothesis example runs many times in one test: ``tmp_path`` would be shared)."""
    root = Path(tempfile.mkdtemp())
    try:
        path = root / "alice" / "river.yaml"
        path.parent.mkdir()
        path.write_bytes(data)
        yield path
    finally:
        shutil.rmtree(root)


@SETTINGS
@given(data=yaml_bytes)
def test_yaml_loader_on_any_bytes(data):
    with annotation_file(data) as path:
        try:
            result = annofile.read(path)
        except annofile.AnnotationFileError as error:
            assert "\n" not in error.reason
            result = None
        if result is None:
            before = path.read_bytes()
            opens_safely(path)
            assert path.read_bytes() == before  # a file that does not load is never rewritten
        else:
            opens_safely(path)


@SETTINGS
@given(document=documents)
def test_yaml_documents_of_any_shape(document):
    with annotation_file(yaml.safe_dump(document, allow_unicode=True).encode("utf-8")) as path:
        try:
            annofile.read(path)
            accepted = True
        except annofile.AnnotationFileError:
            accepted = False
        before = path.read_bytes()
        opens_safely(path)
        if not accepted:
            assert path.read_bytes() == before
        else:
            data = annofile.read(path)  # what the store wrote back still loads
            assert all(TEXT[s["start"] : s["end"]] == s["text"] for s in data.get("sentences") or [])


@SETTINGS
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".txt", ".md", ".jsonl"]))
def test_article_readers_on_any_bytes(data, suffix):
    root = Path(tempfile.mkdtemp())
    try:
        path = root / f"article{suffix}"
        path.write_bytes(data)
        found, problems = articles.read_file(path)
        assert all("\n" not in str(p) for p in problems)
        for article in found:
            paragraphs, sentences, owner = article.split()
            assert len(owner) == len(sentences)
    finally:
        shutil.rmtree(root)


@SETTINGS
@given(text=st.text(max_size=400) | st.lists(st.sampled_from(["Mr. ", "U.S. ", "“Why?” ", "he said. ", "\r\n", "\n\n", "A. ", "…", " ", "x"]), max_size=40).map("".join))
def test_segmentation_is_sound_on_any_text(text):
    paragraphs, sentences, owner = segment.split(text)
    last = 0
    for span, p in zip(sentences, owner):
        para = paragraphs[p]
        assert para.start <= span.start < span.end <= para.end  # inside its paragraph, never empty
        assert span.start >= last  # in order, no overlap
        assert not text[span.start].isspace() and not text[span.end - 1].isspace()
        last = span.end


@SETTINGS
@given(text=st.text())
def test_sanitised_text_keeps_its_length_and_has_no_controls(text):
    shown = sanitize.visible(text)
    assert len(shown) == len(text)
    for char in shown:
        assert unicodedata.category(char) != "Cc", repr(char)
        assert char not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200d\ufeff"


@pytest.mark.parametrize("recorded", ["/", "../../outside", "\x1b[2Jabcdefgh", 12345, "", "ABCDEF0123"])
def test_a_recorded_sha256_of_any_kind_never_names_the_backup(tmp_path, recorded):
    """The copy kept before re-anchoring was named from the file's own ``article.sha256``: ``/``
    crashed the save on close, and the name could carry ``..`` or control characters. Only 8 hex
    digits are taken from it; anything else names the copy by the article's own sha256."""
    path = tmp_path / "alice" / "river.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump({"article": {"sha256": recorded}, "sentences": [
        {"start": 0, "end": 40, "text": TEXT[:40], "status": "done", "labels": ["claim"]}]}), encoding="utf-8")
    opens_safely(path)
    backups = [p.name for p in path.parent.iterdir() if ".bak-" in p.name]
    assert len(backups) == 1 and list(tmp_path.iterdir()) == [path.parent]
    tag = backups[0].split(".bak-", 1)[1]
    assert len(tag) == 8 and all(c in "0123456789abcdef" for c in tag)
