"""Annotation files that are broken or hostile: reported with a reason, never run, never overwritten.

Each bad file is put where tagline would find it; the store must open the article read-only with a
one-line reason (line and column for a syntax error), refuse to save, and leave the file's bytes as
they were. A file that parses but does not fit the article (offsets, labels) is re-anchored and
reported, and its original is kept byte for byte in a backup beside it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml

from tagline.core import annofile
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.store import ArticleStore, SentenceState

TEXT = "The river rose by two metres overnight, officials said.\nResidents were told to leave their homes.\n"
GOOD_HEAD = "schema: tagline.annotations/1\narticle: {id: river, path: river.txt}\nannotator: alice\n"


def sentence(start=0, end=55, text="The river rose by two metres overnight, officials said.", extra=""):
    return f"  - {{start: {start}, end: {end}, text: '{text}', status: done, labels: [claim]{extra}}}\n"


BROKEN = {
    "unclosed flow": (GOOD_HEAD + "sentences:\n  - {start: 0, end: 55\n", "line 6, column 1"),
    "bad indentation": (GOOD_HEAD + "sentences:\n  - start: 0\n   end: 55\n", "line"),
    "tab indentation": (GOOD_HEAD + "sentences:\n\t- start: 0\n", "line 5, column 1"),
    "not a mapping": ("- just\n- a list\n", "is not a YAML mapping"),
    "sentences not a list": (GOOD_HEAD + "sentences: many\n", "'sentences' is not a list"),
    "start as text": (GOOD_HEAD + "sentences:\n" + sentence(start="'0'"), "whole numbers"),
    "start as bool": (GOOD_HEAD + "sentences:\n  - {start: true, end: true, text: '', labels: []}\n", "whole numbers"),
    "end before start": (GOOD_HEAD + "sentences:\n" + sentence(start=10, end=5), "whole numbers"),
    "text of the wrong length": (GOOD_HEAD + "sentences:\n" + sentence(end=54), "does not span"),
    "labels as text": (GOOD_HEAD + "sentences:\n  - {start: 0, end: 3, text: The, labels: claim}\n", "list of names"),
    "unknown status": (GOOD_HEAD + "sentences:\n  - {start: 0, end: 3, text: The, status: maybe}\n", "is not one of"),
    "flag as text": (GOOD_HEAD + "sentences:\n" + sentence(extra=", flag: 'no'"), "'flag' must be true or false"),
    "note as a list": (GOOD_HEAD + "sentences:\n" + sentence(extra=", note: [a, b]"), "'note' must be text"),
    "article as text": ("schema: tagline.annotations/1\narticle: river\nsentences: []\n", "'article' is not a mapping"),
    "orphans as a number": (GOOD_HEAD + "sentences: []\norphans: 5\n", "'orphans' is not a list"),
    "another schema": ("schema: somebody.else/9\nsentences: []\n", "is not 'tagline.annotations/1'"),
    "an alias inside its own anchor": (GOOD_HEAD + "x: &a [claim, *a]\nsentences: []\n", "refers to the value that holds it"),
    "billion laughs": (
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9))
        + "sentences: []\n",
        "aliases expand",
    ),
    "deep nesting": ("sentences: " + "[" * 50_000 + "]" * 50_000 + "\n", "does not parse as YAML"),
    "not UTF-8": ((GOOD_HEAD + "note: caf\xe9\n").encode("latin-1"), "is not UTF-8"),
    # Values YAML parses and Python refuses with a ValueError: before, a traceback from every command.
    "a number of 5,000 digits": (GOOD_HEAD + "sentences:\n" + sentence(extra=", note: " + "9" * 5000), "characters)' cannot be read (Exceeds the limit"),
    "a date that does not exist": (GOOD_HEAD + "sentences:\n" + sentence(extra=", updated: 2026-02-30"), "'2026-02-30' cannot be read"),
    # A key twice: PyYAML kept the last value and dropped the first without a word.
    "a sentence's labels twice": (GOOD_HEAD + "sentences:\n" + sentence(extra=", labels: [quote]"),
                                  "line 5, column 121: the key 'labels' is given twice in one mapping (first on line 5)"),
    # What export, agree and status refused, the app rewrote in silence (index 0, entities []).
    "index as text": (GOOD_HEAD + "sentences:\n" + sentence(extra=", index: zero"), "'index' is 'zero' but it is sentence 0"),
    "index not its place": (GOOD_HEAD + "sentences:\n" + sentence(extra=", index: 3"), "'index' is 3 but it is sentence 0"),
    "entities not a list": (GOOD_HEAD + "sentences:\n" + sentence(extra=", entities: 5"), "'entities' is not a list"),
    "an entity outside the sentence": (GOOD_HEAD + "sentences:\n" + sentence(extra=", entities: [{start: 100000, end: -1, label: PER}]"),
                                       "entity 100000..-1 'PER' is not inside the sentence"),
    "an entity of the wrong kind": (GOOD_HEAD + "sentences:\n" + sentence(extra=", entities: [{start: x, end: [1], label: 3}, 5]"),
                                    "is not inside the sentence"),
    "the scheme's labels as a number": (GOOD_HEAD + "labels: 5\nsentences: []\n", "'labels' (the label scheme in force) must be a list of names"),
    "a review's time as a list": (GOOD_HEAD + "sentences:\n" + sentence(extra=", review: {decided_by: lead, decided_at: [1]}"),
                                  "'review.decided_at' must be text"),
    "a review without its reviewer": (GOOD_HEAD + "sentences:\n" + sentence(extra=", review: {note: x}"), "'review' must be a mapping"),
    # Read as labels "{'a': 1}" by the readers; the app kept it as it was.
    "a review's answers not label lists": (GOOD_HEAD + "sentences:\n" + sentence(extra=", review: {decided_by: lead, annotators: {bob: [{a: 1}]}}"),
                                           "'review.annotators' must map names to label lists"),
    "a sentence's index twice": (GOOD_HEAD + "sentences:\n  - index: 0\n    start: 0\n    end: 3\n    index: 1\n",
                                 "line 8, column 5: the key 'index' is given twice in one mapping (first on line 5)"),
}


def payloads(marker: Path) -> dict[str, str]:
    """Tags that would run code under an unsafe loader; each would create ``marker``."""
    command = f"touch {marker}"
    return {
        "object/apply": f"schema: !!python/object/apply:os.system [{command!r}]\nsentences: []\n",
        "object/new": f"schema: !!python/object/new:subprocess.Popen [[touch, {str(marker)!r}]]\nsentences: []\n",
        "name": "schema: !!python/name:os.system\nsentences: []\n",
        "module": "schema: !!python/module:os\nsentences: []\n",
        "nested": GOOD_HEAD + f"sentences:\n  - {{start: 0, end: 3, text: The, note: !!python/object/apply:os.system [{command!r}]}}\n",
    }


def place(tmp_path: Path, content: str | bytes) -> tuple[Path, Article]:
    path = tmp_path / "annotations" / "alice" / "river.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path, Article("river", "river.txt", TEXT)


def assert_refused_and_untouched(tmp_path: Path, path: Path, article: Article) -> str:
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    store = ArticleStore(tmp_path / "annotations", "alice", article, DEFAULT_SCHEME)
    reason = store.read_only
    assert reason and str(path) in reason and "\n" not in reason
    with pytest.raises(PermissionError):
        store.set(0, SentenceState("done", ("quote",)))
    store.fold(force=True)
    store.close()
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in path.parent.iterdir() if not p.name.startswith(".")) == ["river.yaml"]
    return reason


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_files_are_reported_and_never_overwritten(tmp_path, case, figures):
    content, words = BROKEN[case]
    path, article = place(tmp_path, content)
    with pytest.raises(annofile.AnnotationFileError) as raised:
        annofile.read(path)
    assert words in str(raised.value)
    reason = assert_refused_and_untouched(tmp_path, path, article)
    assert words in reason
    figures("yaml_attacks", broken_files=len(BROKEN), overwritten=0)


@pytest.mark.parametrize("case", sorted(payloads(Path("x"))))
def test_python_tags_never_run(tmp_path, case, figures):
    marker = tmp_path / "PWNED"
    path, article = place(tmp_path, payloads(marker)[case])
    with pytest.raises(annofile.AnnotationFileError) as raised:
        annofile.read(path)
    assert "could not determine a constructor" in str(raised.value)
    assert "line" in str(raised.value)
    assert_refused_and_untouched(tmp_path, path, article)
    assert not marker.exists()
    figures("yaml_code_tags", payloads=len(payloads(marker)), ran=0)


def test_offsets_that_do_not_match_the_text_are_re_anchored_reported_and_backed_up(tmp_path):
    second = "Residents were told to leave their homes."
    start = TEXT.index(second)
    content = GOOD_HEAD + "sentences:\n" + "".join([
        # offsets of sentence 1, text of sentence 0: the text wins
        f"  - {{start: {start}, end: {start + 55}, text: 'The river rose by two metres overnight, officials said.', status: done, labels: [claim]}}\n",
        # offsets and text of nothing in this article: kept as an orphan
        "  - {start: 500, end: 512, text: 'Gone for now', status: done, labels: [quote], note: keep me}\n",
        # a label the scheme does not know: kept, reported
        f"  - {{start: {start}, end: {start + len(second)}, text: '{second}', status: done, labels: [rumour, statistic]}}\n",
    ])
    path, article = place(tmp_path, content)
    original = path.read_bytes()
    store = ArticleStore(tmp_path / "annotations", "alice", article, DEFAULT_SCHEME)
    assert store.read_only is None
    assert store.get(0).labels == ("claim",)
    assert store.get(1).labels == ("rumour", "statistic")
    assert [o["text"] for o in store.orphans] == ["Gone for now"]
    assert "re-anchored" in store.notice and "1 kept as orphans" in store.notice and "rumour" in store.notice
    store.close()
    backups = list(path.parent.glob("river.yaml.bak-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == original
    data = annofile.read(path)
    assert data["sentences"][1]["labels"] == ["rumour", "statistic"]  # unknown label kept as it was
    assert data["orphans"][0]["note"] == "keep me"
    assert all(TEXT[s["start"] : s["end"]] == s["text"] for s in data["sentences"])


def test_an_anchor_without_an_alias_is_fine(tmp_path):
    path, _ = place(tmp_path, GOOD_HEAD + "sentences: &s []\n")
    assert annofile.read(path)["sentences"] == []


def test_a_file_written_by_safe_dump_with_a_shared_list_opens_and_saves_unshared(tmp_path):
    # PyYAML's own safe_dump writes an anchor and an alias when two sentences share one list, as a
    # user's script easily makes them; such a file was refused whole ("aliases are not allowed").
    first, second = TEXT.splitlines()
    labels = ["claim"]
    document = {
        "schema": "tagline.annotations/1", "article": {"id": "river", "path": "river.txt"}, "annotator": "alice",
        "sentences": [
            {"start": 0, "end": len(first), "text": first, "status": "done", "labels": labels},
            {"start": len(first) + 1, "end": len(TEXT) - 1, "text": second, "status": "done", "labels": labels},
        ],
    }
    text = yaml.safe_dump(document)
    assert "&id001" in text and "*id001" in text
    path, article = place(tmp_path, text)
    data = annofile.read(path)
    assert data["sentences"][0]["labels"] == data["sentences"][1]["labels"] == ["claim"]
    assert data["sentences"][0]["labels"] is not data["sentences"][1]["labels"]  # changing one never changes the other
    store = ArticleStore(tmp_path / "annotations", "alice", article, DEFAULT_SCHEME)
    assert store.read_only is None
    assert store.get(0).labels == store.get(1).labels == ("claim",)
    store.set(1, SentenceState("done", ("quote",)))
    store.close()
    assert [s["labels"] for s in annofile.read(path)["sentences"]] == [["claim"], ["quote"]]
    assert "*" not in path.read_text(encoding="utf-8")  # written out plainly


def test_aliases_are_bounded_by_what_they_expand_to_not_refused(tmp_path):
    shared = "x: &a {start: 0, end: 3, text: The, status: done, labels: [claim], note: n}\n"
    many = GOOD_HEAD + shared + "y: [" + ", ".join(["*a"] * 2_000) + "]\nsentences: []\n"
    assert len(annofile.loads(many)["y"]) == 2_000  # 14,000 values written as 2,000 aliases: fine
    bomb = BROKEN["billion laughs"][0]
    with pytest.raises(annofile.AnnotationFileError) as raised:
        annofile.loads(bomb, "bomb.yaml")
    assert str(raised.value).startswith("bomb.yaml: YAML aliases expand ") and "\n" not in str(raised.value)


def test_a_symlinked_annotation_file_is_replaced_never_written_through(tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(GOOD_HEAD + "sentences: []\n", encoding="utf-8")
    path = tmp_path / "annotations" / "alice" / "river.yaml"
    path.parent.mkdir(parents=True)
    os.symlink(outside, path)
    store = ArticleStore(tmp_path / "annotations", "alice", Article("river", "river.txt", TEXT), DEFAULT_SCHEME)
    store.set(0, SentenceState("done", ("claim",)))
    store.close()
    # the atomic rename replaces the link with a file; the file it pointed to is left as it was
    assert outside.read_text(encoding="utf-8") == GOOD_HEAD + "sentences: []\n"
    assert not path.is_symlink() and annofile.read(path)["sentences"][0]["labels"] == ["claim"]


def test_deep_nesting_is_bounded_without_libyaml_too(tmp_path, monkeypatch):
    import yaml

    monkeypatch.setattr(annofile, "_Loader", yaml.SafeLoader)  # the pure-Python loader recurses
    path, _ = place(tmp_path, "sentences: " + "[" * 20_000 + "]" * 20_000 + "\n")
    with pytest.raises(annofile.AnnotationFileError, match="nested too deeply"):
        annofile.read(path)


@pytest.mark.e2e
def test_values_python_cannot_hold_are_one_line_in_every_command(tmp_path):
    """A 5,000-digit number or a 30th of February in an annotation file, a label scheme and
    tagline.yaml: each command says one line with the file and exits 1, and changes no file."""
    import subprocess
    import sys

    bad = {"digits": "9" * 5000, "date": "2026-02-30"}
    for kind, value in bad.items():
        root = tmp_path / kind
        path, _ = place(root, GOOD_HEAD + "sentences:\n" + sentence(extra=f", note: {value}"))
        (root / "scheme.yaml").write_text(f"labels:\n  - {{name: claim, guideline: {value}}}\n", encoding="utf-8")
        before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
        commands = [["agree"], ["stats"], ["status"], ["export", "--format", "jsonl"], ["export", "--format", "spacy", "--out", "x.spacy"],
                    ["agree", "--labels", "scheme.yaml"]]
        for command in commands:
            done = subprocess.run([sys.executable, "-m", "tagline", *command], cwd=root, capture_output=True, text=True,
                                  timeout=120, stdin=subprocess.DEVNULL)
            assert "Traceback" not in done.stderr, (command, done.stderr[-300:])
            assert done.returncode == 1, (command, done.stderr)
            said = [line for line in done.stderr.splitlines() if "cannot be read" in line]
            assert len(said) == 1 and ("river.yaml" in said[0] or "scheme.yaml" in said[0]), (command, done.stderr)
        (root / "tagline.yaml").write_text(f"team:\n  annotators: [alice]\n  per_article: {value}\n", encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "tagline", "status"], cwd=root, capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
        assert done.returncode == 1 and done.stderr.count("\n") == 1 and "tagline.yaml" in done.stderr, done.stderr
        assert {p: p.read_bytes() for p in before} == before


BOMB = BROKEN["billion laughs"][0].replace("sentences: []\n", "")  # nine nested lists of nine: 3.9e9 values


@pytest.mark.e2e
def test_alias_bombs_in_every_kind_of_yaml_file_are_one_line_and_the_app_works(workdir, term):
    """An alias bomb in the settings, a theme and the annotation file: the reader starts, says one
    line for each, and quits; in a label scheme it is one line and status 1. Before, the theme and
    the scheme's guideline hung tagline at start (their values were walked or printed whole)."""
    import subprocess
    import sys

    config = workdir / "config" / "tagline"
    (config / "themes").mkdir(parents=True)
    files = {
        config / "settings.yaml": BOMB + "keymap:\n  label-claim: *j\n",
        config / "themes" / "laughs.yaml": BOMB + "name: laughs\nprimary: '#ff0000'\nsecondary: *j\n",
        workdir / "annotations" / "tester" / "000_88201f31feaf2608.yaml": BOMB + "schema: tagline.annotations/1\nsentences: *j\n",
        workdir / "scheme.yaml": BOMB + "labels:\n  - {name: claim, keys: [c], guideline: *j}\n",
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    before = {path: path.read_bytes() for path in files}
    env = {**os.environ, "XDG_CONFIG_HOME": str(workdir / "config")}
    for command in (["stats", "--labels", "scheme.yaml"], ["open", "seeds", "--labels", "scheme.yaml", "--model", "none"]):
        done = subprocess.run([sys.executable, "-m", "tagline", *command], cwd=workdir, env=env, capture_output=True,
                              text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
        assert "scheme.yaml" in done.stderr and "aliases expand" in done.stderr
    terminal = term(120, 30)
    terminal.start("open seeds --model none", env={"XDG_CONFIG_HOME": str(workdir / "config")})
    seen = ""  # each problem is a toast: gather the screens until all have been shown
    deadline = time.monotonic() + 60
    names = ("laughs.yaml", "settings.yaml", "read-only")  # the last: the refused annotation file
    while not all(name in seen for name in names) and time.monotonic() < deadline:
        seen += terminal.screen()
        time.sleep(0.1)
    assert all(name in seen for name in names), [name for name in names if name not in seen]
    terminal.keys("j", "c", "C-q")
    assert "TAGLINE-EXIT-0" in terminal.wait_for("TAGLINE-EXIT-")
    assert {path: path.read_bytes() for path in files} == before


TWICE = {  # each file with a key given twice, and the words every command must say about it
    "annotations/alice/river.yaml": (GOOD_HEAD + "sentences:\n  - index: 0\n    start: 0\n    end: 3\n    index: 1\n",
                                     "river.yaml: line 8, column 5: the key 'index' is given twice in one mapping (first on line 5)"),
    "scheme.yaml": ("labels:\n  - {name: claim}\nexclusive: true\nlabels:\n  - {name: quote}\n",
                    "scheme.yaml: not valid YAML (line 4, column 1: the key 'labels' is given twice in one mapping (first on line 1))"),
    "tagline.yaml": ("team:\n  annotators: [alice, bob]\n  annotators: [carol]\n",
                     "tagline.yaml: not valid YAML (line 3, column 3: the key 'annotators' is given twice in one mapping (first on line 2))"),
}


@pytest.mark.e2e
def test_a_key_given_twice_is_one_line_in_every_command_and_no_file_changes(tmp_path):
    """A key twice in an annotation file, a label scheme or tagline.yaml was read with the last value
    (a sentence's answer, a label, an annotator gone without a word). Each command now says one line
    naming the file, the key and its lines, exits 1, and writes over nothing."""
    import json
    import subprocess
    import sys

    def run(root: Path, *command: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tagline", *command], cwd=root, capture_output=True, text=True,
                              timeout=120, stdin=subprocess.DEVNULL)

    root = tmp_path / "work"
    for name in ("annotations/alice/river.yaml", "scheme.yaml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(TWICE[name][0], encoding="utf-8")
    (root / "river.jsonl").write_text(json.dumps({"text": "The", "accept": ["claim"], "answer": "accept"}) + "\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    file_words = TWICE["annotations/alice/river.yaml"][1]
    commands = {
        ("agree",): file_words, ("stats",): file_words, ("status",): file_words, ("review", "--reviewer", "carol"): file_words,
        ("export", "--format", "jsonl"): file_words, ("export", "--format", "csv", "--merge", "each"): file_words,
        ("export", "--format", "spacy", "--out", "x.spacy"): file_words,
        ("import", "river.jsonl", "--format", "prodigy", "--annotator", "alice"): file_words + "; not updated",
        ("agree", "--labels", "scheme.yaml"): TWICE["scheme.yaml"][1],
        ("open", "--labels", "scheme.yaml", "--model", "none", "river.jsonl"): TWICE["scheme.yaml"][1],
    }
    for command, words in commands.items():
        done = run(root, *command)
        assert "Traceback" not in done.stderr, (command, done.stderr[-300:])
        assert done.returncode == 1, (command, done.stderr)
        said = [line for line in done.stderr.splitlines() if "given twice" in line]
        assert len(said) == 1 and said[0].endswith(words), (command, done.stderr)
        assert {p: p.read_bytes() for p in before} == before, command
    (root / "tagline.yaml").write_text(TWICE["tagline.yaml"][0], encoding="utf-8")
    for command in (("status",), ("open", "river.jsonl", "--model", "none"), ("agree",)):
        done = run(root, *command)
        assert done.returncode == 1 and done.stderr.count("\n") == 1, (command, done.stderr)
        assert done.stderr.rstrip("\n").endswith(TWICE["tagline.yaml"][1]), (command, done.stderr)


@pytest.mark.e2e
def test_a_key_given_twice_in_every_file_the_app_reads_is_one_line_each_and_the_app_works(workdir, term):
    """A key twice in the settings, a theme and the annotation file: the reader starts in a real
    terminal, shows a line naming each file and key, takes keys, quits with 0, and every file is
    as it was (the annotation file is read-only: a label key is refused, never saved over it)."""
    config = workdir / "config" / "tagline"
    (config / "themes").mkdir(parents=True)
    files = {
        config / "settings.yaml": "keymap:\n  next_todo: t\n  next_todo: y\n",
        config / "themes" / "twice.yaml": "name: twice\nprimary: '#ff0000'\nprimary: '#00ff00'\n",
        workdir / "annotations" / "tester" / "000_88201f31feaf2608.yaml":
            "schema: tagline.annotations/1\nsentences:\n  - {start: 0, end: 3, text: abc, status: done, labels: [claim], labels: []}\n",
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    before = {path: path.read_bytes() for path in files}
    terminal = term(160, 30)
    terminal.start("open seeds --model none", env={"XDG_CONFIG_HOME": str(workdir / "config")})
    seen = ""  # each problem is a toast: gather the screens until all have been shown
    deadline = time.monotonic() + 60
    # words that fit on one line of a toast (the whole messages: tests/app/test_duplicate_keys_app.py)
    wanted = ("settings.yaml: not read", "twice.yaml: line 3", "given twice", "read-only")
    while not all(words in seen for words in wanted) and time.monotonic() < deadline:
        seen += terminal.screen()
        time.sleep(0.1)
    assert all(words in seen for words in wanted), [words for words in wanted if words not in seen]
    terminal.keys("j", "c", "space", "C-q")
    assert "TAGLINE-EXIT-0" in terminal.wait_for("TAGLINE-EXIT-")
    assert {path: path.read_bytes() for path in files} == before
