"""A key given twice in one YAML mapping is refused with the file, the key and the line.

PyYAML keeps the last value of a repeated key and drops the other without a word: an annotation
file with a sentence's ``index:`` or ``labels:`` twice, a label scheme with ``labels:`` twice or a
token file with an annotator twice lost data silently. Every YAML file tagline reads goes through
``tagline.core.safeyaml.load``; each reader below is given a hand-written file, and the line numbers
expected are counted by hand in it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tagline.core import annofile, labels, safeyaml, team, tokens

HEAD = "schema: tagline.annotations/1\narticle: {id: river, path: river.txt}\nannotator: alice\n"
# line 5: the first index; line 9: the second, in the same sentence
TWICE_IN_A_SENTENCE = HEAD + (
    "sentences:\n"
    "  - index: 0\n"
    "    start: 0\n"
    "    end: 3\n"
    "    text: The\n"
    "    index: 1\n"
    "    status: done\n"
)


@pytest.mark.parametrize("loader", [yaml.CSafeLoader, yaml.SafeLoader], ids=["libyaml", "python"])
@pytest.mark.parametrize(
    ("text", "key", "line", "first"),
    [
        ("a: 1\nb: 2\na: 3\n", "'a'", 3, 1),
        (TWICE_IN_A_SENTENCE, "'index'", 9, 5),
        ("labels:\n  - claim\nexclusive: false\nlabels:\n  - quote\n", "'labels'", 4, 1),
        ("{x: 1, y: 2, x: 3}\n", "'x'", 1, 1),
        ("k: &k key\nm:\n  *k : 1\n  *k : 2\n", "'key'", 4, 3),  # one node named twice through an alias
        ("k: &k key\nv: &v 1\nm:\n  *k : *v\n  *k : *v\n", "'key'", 4, 4),  # and its value too: the mapping's line
        ("m: {1: a, true: b}\n", "'true'", 1, 1),  # 1 == True: one would be lost
        ("!!set {a, b,\n  a}\n", "'a'", 2, 1),
    ],
    ids=["top", "sentence", "labels", "flow", "alias", "aliases", "one-and-true", "set"],
)
def test_a_key_given_twice_is_refused_with_both_lines(text, key, line, first, loader):
    with pytest.raises(safeyaml.DuplicateKey) as raised:
        safeyaml.load(text, loader)
    message = str(raised.value)
    assert message.startswith(f"line {line}, column ") and "\n" not in message
    assert f"the key {key} is given twice in one mapping (first on line {first})" in message
    assert isinstance(raised.value, yaml.YAMLError)  # every caller already handles these


def test_the_key_is_shown_as_visible_characters_and_cut_short():
    hostile = 'notes:\n  "\\e]0;owned\\a\\e[2J": 1\n  "\\e]0;owned\\a\\e[2J": 2\n'
    with pytest.raises(safeyaml.DuplicateKey) as raised:
        safeyaml.load(hostile)
    message = str(raised.value)
    assert "\x1b" not in message and "\x07" not in message and message.isprintable()
    assert "the key '\\x1b]0;owned\\x07\\x1b[2J' is given twice" in message
    long = "notes:\n  a: 1\n  " + "k" * 1000 + ": 1\n  " + "k" * 1000 + ": 2\n"
    with pytest.raises(safeyaml.DuplicateKey) as raised:
        safeyaml.load(long)
    assert len(str(raised.value)) < 160 and str(raised.value).startswith("line 4, column 3: the key 'kkk")


@pytest.mark.parametrize("loader", [yaml.CSafeLoader, yaml.SafeLoader], ids=["libyaml", "python"])
def test_a_merged_key_may_still_be_overridden(loader):
    """``<<: *base`` then ``x: 3`` is YAML's way to override a merged key, not a key given twice; the
    result is PyYAML's own (the oracle), merges nested in any order included."""
    texts = [
        "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  x: 3\n",
        "c: &c {x: 0, z: 9}\na:\n  deep: &b {<<: *c, x: 1}\nd: {<<: *b, x: 2}\n",
        "one: &o {x: 1}\ntwo: &t {x: 2, y: 2}\nd: {<<: [*o, *t], y: 3}\n",
    ]
    for text in texts:
        assert safeyaml.load(text, loader) == yaml.load(text, Loader=loader)
    with pytest.raises(safeyaml.DuplicateKey, match=r"^line 4, column 3: the key 'z' .* \(first on line 3\)"):
        safeyaml.load("base: &b {x: 1}\nd:\n  z: 3\n  z: 4\n  <<: *b\n", loader)


def test_files_without_a_repeated_key_read_as_pyyaml_reads_them():
    """The annotation files of the development set (hand-checked answers, 300 files) read exactly as
    ``yaml.safe_load`` reads them: the check refuses only what it should."""
    root = Path(__file__).resolve().parents[2] / "devset" / "annotations"
    paths = sorted(root.rglob("*.yaml"))
    assert len(paths) > 100
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert safeyaml.load(text) == yaml.safe_load(text), path


def _place(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "annotations" / "alice" / "river.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_an_annotation_file_with_a_key_twice_names_the_file_the_key_and_the_line(tmp_path):
    path = _place(tmp_path, TWICE_IN_A_SENTENCE)
    with pytest.raises(annofile.AnnotationFileError) as raised:
        annofile.read(path, keep_parsed=True)
    assert str(raised.value) == f"{path}: line 9, column 5: the key 'index' is given twice in one mapping (first on line 5)"
    assert not annofile.parsed_path(path).exists()


def test_a_parsed_form_kept_by_an_earlier_reader_does_not_stand_in_for_the_yaml(tmp_path):
    """The reader before this check parsed such a file (the last value won) and kept the parsed form
    beside it; that form, matching the file's bytes, would have gone on hiding the lost value."""
    path = _place(tmp_path, TWICE_IN_A_SENTENCE)
    import hashlib

    earlier = {"yaml_sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "document": yaml.safe_load(path.read_text(encoding="utf-8"))}
    annofile.parsed_path(path).write_text(json.dumps(earlier), encoding="utf-8")
    with pytest.raises(annofile.AnnotationFileError, match="the key 'index' is given twice"):
        annofile.read(path)


def test_a_label_scheme_with_labels_twice_is_refused(tmp_path):
    scheme = tmp_path / "scheme.yaml"
    scheme.write_text("labels:\n  - {name: claim}\n  - {name: quote}\nexclusive: true\nlabels:\n  - {name: rumour}\n", encoding="utf-8")
    with pytest.raises(labels.LabelSchemeError) as raised:
        labels.load_scheme(scheme)
    message = str(raised.value)
    assert message.startswith(f"{scheme}: ") and "\n" not in message
    assert "line 5, column 1: the key 'labels' is given twice in one mapping (first on line 1)" in message
    project = tmp_path / "tagline.yaml"  # the scheme in the project file, found by itself
    project.write_text("labels:\n  - name: claim\n    keys: [c]\n    keys: [x]\n", encoding="utf-8")
    with pytest.raises(labels.LabelSchemeError, match=r"tagline.yaml: .*line 4, column 5: the key 'keys' is given twice"):
        labels.load_scheme(cwd=tmp_path)


def test_a_team_with_an_annotator_list_twice_is_refused(tmp_path):
    (tmp_path / "tagline.yaml").write_text("team:\n  annotators: [alice, bob]\n  per_article: 2\n  annotators: [carol]\n", encoding="utf-8")
    with pytest.raises(team.TeamError, match=r"tagline.yaml: .*line 4, column 3: the key 'annotators' is given twice .*first on line 2"):
        team.load_team(cwd=tmp_path)


def test_a_token_file_with_an_annotator_twice_is_refused_with_the_line(tmp_path):
    """Two entries for alice: one of her tokens stopped working without a word."""
    path = tmp_path / tokens.FILE_NAME
    digest = "0" * 64
    path.write_text(f"annotators:\n  alice: {{sha256: '{digest}'}}\n  bob: {{sha256: '{digest}'}}\n  alice: {{sha256: '{'1' * 64}'}}\n",
                    encoding="utf-8")
    os.chmod(path, 0o600)
    with pytest.raises(tokens.TokenFileError) as raised:
        tokens.load(path)
    message = str(raised.value)
    assert str(path) in message and "line 4, column 3: the key 'alice' is given twice in one mapping (first on line 2)" in message
    with pytest.raises(tokens.TokenFileError):
        tokens.add(path, "carol")  # nothing is added over it
    assert "carol" not in path.read_text(encoding="utf-8")
