"""A disk that fills up while tagline writes: an action, the YAML, the lock, an export.

The disk is made to refuse writes by the file-size limit (``RLIMIT_FSIZE``, ``ulimit -f``): past
it the kernel fails a write with EFBIG, as a full disk fails it with ENOSPC and a quota with EDQUOT,
and it needs no root and no mount. Before, the first action the disk refused ended the app with a
traceback (and again on the way out), a disk too full for the lock file's few bytes stopped the
app from starting, and ``export --format spacy`` wrote over the previous export in place, leaving
it cut short. Now an action the journal refuses is not taken (the screen shows what is on disk)
and the status line says why in one line; a YAML that cannot be written at quit is said on the
terminal once it is back, with exit status 1, and its actions stay in the journal for the next
session; an export is written beside the old one and replaces it only once whole.
"""

from __future__ import annotations

import json
import os
import resource
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tagline.core.articles import load
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session

pytestmark = pytest.mark.e2e  # the limit is set in a process of its own

SENTENCES = [f"The river rose {n} metres on day {n}." for n in range(10)]

SESSION = """
import json, resource, sys
from tagline.core.articles import load
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session

articles, _ = load([sys.argv[2]])
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), resource.RLIM_INFINITY))
session = Session(articles, sys.argv[3], "tester", DEFAULT_SCHEME)
taken, messages = [], []
for index in range(len(session.article.sentences)):
    session.goto(index)
    outcome = session.toggle("claim")
    (messages.append(outcome.message) if outcome.error else taken.append(index))
shown = [i for i in range(len(session.article.sentences)) if session.state(i).status == "done"]
session.close()
print(json.dumps({"taken": taken, "shown": shown, "messages": messages, "unsaved": session.unsaved}))
"""


def limited(limit: int, *command: str, cwd: Path) -> subprocess.CompletedProcess:
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    env = {**os.environ, "TAGLINE_ANNOTATOR": "tester", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, preexec_fn=cap)


@pytest.mark.parametrize("limit", [10, 600], ids=["no room for the lock", "room for three actions"])
def test_an_action_the_disk_refuses_is_said_and_not_taken(tmp_path, limit, figures):
    article = tmp_path / "river.txt"
    article.write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    root = tmp_path / "annotations"
    env = {**os.environ, "TAGLINE_ANNOTATOR": "tester"}
    done = subprocess.run([sys.executable, "-c", SESSION, str(limit), str(article), str(root)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["taken"] == result["shown"]  # the screen shows what is on disk, nothing more
    assert len(result["taken"]) < len(SENTENCES)
    for message in result["messages"]:
        assert "\n" not in message and "cannot save (File too large); not taken" in message, message
    if result["taken"]:  # a YAML to write at close, and no room for it
        assert len(result["unsaved"]) == 1 and "river.yaml: not written (File too large)" in result["unsaved"][0]
    else:
        assert result["unsaved"] == []
    # The next session, with room again, has every action taken, from the journal.
    articles, _ = load([article])
    again = Session(articles, root, "tester", DEFAULT_SCHEME)
    try:
        assert [i for i in range(len(SENTENCES)) if again.state(i).status == "done"] == result["taken"]
    finally:
        again.close()
    assert again.unsaved == []
    figures(f"full_disk_{limit}", actions=len(SENTENCES), taken=len(result["taken"]),
           refused_in_one_line=len(result["messages"]))


def test_a_spacy_export_the_disk_refuses_leaves_the_earlier_one(tmp_path):
    folder = tmp_path / "annotations" / "tester"
    folder.mkdir(parents=True)
    article = tmp_path / "river.txt"
    article.write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    articles, _ = load([article])
    session = Session(articles, tmp_path / "annotations", "tester", DEFAULT_SCHEME)
    for index in range(len(SENTENCES)):
        session.goto(index)
        session.toggle("claim")
    session.close()
    earlier = tmp_path / "train.spacy"
    earlier.write_bytes(b"the earlier export")
    done = limited(100, sys.executable, "-m", "tagline", "export", "--format", "spacy", "--out", "train.spacy", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "tagline: train.spacy: cannot write (File too large)" in done.stderr.splitlines()
    assert earlier.read_bytes() == b"the earlier export"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".train.spacy")] == []  # no temporary left


def test_the_app_on_a_full_disk_says_so_and_leaves_cleanly(term, workdir):
    (workdir / "river.txt").write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    terminal = term(80, 24)
    env = {k: v for k, v in os.environ.items() if k.startswith("TAGLINE_") or k in ("PATH", "HOME", "XDG_CONFIG_HOME")}
    env.update({"TERM": "xterm-256color", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"})
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    # 1 KB: the lock and five actions fit, the sixth and the YAML do not.
    terminal.run(f"ulimit -f 1 && env {exports} {shlex.quote(sys.executable)} -m tagline open river.txt --model none")
    terminal.wait_for("0/10 done")
    for _ in range(8):
        terminal.keys("c", "j")
    terminal.wait_for("5/10 done")
    screen = terminal.wait_for("too large")  # the action refused, or the YAML once idle: one line each
    assert "Traceback" not in screen and "10/10 done" not in screen
    terminal.keys("C-q")
    screen = terminal.wait_for("TAGLINE-EXIT-1")
    assert "Traceback" not in screen
    assert "river.yaml: not written (File too large); every action is kept in its journal" in screen.replace("\n", "")
    articles, _ = load([workdir / "river.txt"])
    again = Session(articles, workdir / "annotations", "tester", DEFAULT_SCHEME)
    try:  # what the screen took is on disk: the actions that fitted, from the journal
        assert 0 < sum(again.state(i).status == "done" for i in range(10)) < 8
    finally:
        again.close()
    assert again.unsaved == []


BRAT_ANNOTATION = """schema: tagline.annotations/1
article: {{id: {id}, path: {id}.txt}}
annotator: tester
labels: [claim, quote, statistic]
sentences:
  - {{index: 0, start: 0, end: {end}, text: "{text}", status: done, labels: [claim]}}
"""


def brat_corpus(root: Path, sizes: dict[str, int]) -> None:
    """Annotation files of one sentence each, of ``sizes[id]`` characters."""
    folder = root / "annotations" / "tester"
    folder.mkdir(parents=True)
    for article, size in sizes.items():
        text = (f"In {article} the river rose. " + "The river rose again. " * (size // 22 + 1))[:size].strip()
        (folder / f"{article}.yaml").write_text(BRAT_ANNOTATION.format(id=article, end=len(text), text=text), encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def earlier_brat_export(out: Path) -> dict[str, bytes]:
    out.mkdir(parents=True)
    (out / "earlier.txt").write_text("The earlier export.\n", encoding="utf-8")
    (out / "earlier.ann").write_text("T1\tclaim 0 19\tThe earlier export\n", encoding="utf-8")
    (out / "annotation.conf").write_text("[entities]\nclaim\n", encoding="utf-8")
    (out / "visual.conf").write_text("[labels]\n", encoding="utf-8")  # a file of the user's, beside the export
    return tree(out)


def test_a_brat_export_the_file_size_limit_cuts_writes_nothing(tmp_path):
    """The limit lets the first article's files through and refuses the second's. Before: a.txt
    and a.ann were left in the folder beside the earlier export's files."""
    brat_corpus(tmp_path, {"a": 200, "b": 3_000, "c": 200})
    before = earlier_brat_export(tmp_path / "out")
    done = limited(1_000, sys.executable, "-m", "tagline", "export", "--format", "brat", "--merge", "each", "--out", "out",
                   cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines()[-1] == "tagline: out: cannot write (File too large)"
    assert tree(tmp_path / "out") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annotations", "out"]  # no temporary folder left


@pytest.fixture
def small_disk(tmp_path):
    """A real tmpfs of 1 MB (root only): the disk fills for real and a write fails with ENOSPC."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=False)


@pytest.mark.parametrize("split", [False, True], ids=["one folder", "train and dev"])
def test_a_brat_export_a_full_disk_cuts_writes_nothing(tmp_path, small_disk, split):
    """Eight articles of 80 KB (160 KB in brat: the .ann file repeats the text) on a disk of 1 MB:
    the train part fits, not both. Before: the
    articles that fitted were left in the folder (with --split: a whole train part beside the
    earlier dev part)."""
    brat_corpus(tmp_path, {f"river-{n}": 80_000 for n in range(8)})
    out = small_disk / "out"
    before = earlier_brat_export(out / "dev" if split else out)
    env = {**os.environ, "TAGLINE_ANNOTATOR": "tester"}
    command = [sys.executable, "-m", "tagline", "export", "--format", "brat", "--merge", "each", "--out", str(out)]
    done = subprocess.run(command + (["--split", "0.5"] if split else []), cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    part = "/dev" if split else ""  # the train part fits; the dev part does not
    assert done.stderr.splitlines()[-1] == f"tagline: {out}{part}: cannot write (No space left on device)"
    assert tree(out / "dev" if split else out) == before
    assert sorted(p.relative_to(small_disk) for p in small_disk.rglob("*")) == (
        [Path("out"), Path("out/dev"), *(Path("out/dev") / name for name in sorted(before))] if split else
        [Path("out"), *(Path("out") / name for name in sorted(before))])
