"""Files that are not regular files, where tagline reads a whole file: a FIFO named like an
annotation file, ``/dev/zero`` or a folder given as the label scheme, a FIFO as the settings file.

Before, a FIFO ``annotations/ann1/x.yaml`` made ``agree``, ``stats``, ``status``, ``export`` and
``train`` wait for ever (as a FIFO named ``.txt`` once made ``open`` wait), and ``--labels
/dev/zero`` read until memory ran out. Now each is one line naming the file; a pipe the user names
(``--labels <(…)``) is still read, up to the limit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tagline.core import annofile, safefile

from handwritten import STORY, annotation, write_annotation

pytestmark = pytest.mark.e2e  # each command runs as a process of its own


def tagline(cwd: Path, *arguments: str, stdin=subprocess.DEVNULL, timeout: float = 60) -> subprocess.CompletedProcess | None:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "VIRTUAL_ENV", "TAGLINE_CACHE")}
    env.update({"TAGLINE_ANNOTATOR": "tester", "XDG_CONFIG_HOME": str(cwd / "config"), "PYTHONIOENCODING": "utf-8"})
    try:
        return subprocess.run([sys.executable, "-m", "tagline", *arguments], cwd=cwd, env=env, capture_output=True,
                              stdin=stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    for who, label in (("ann1", "claim"), ("ann2", "quote")):
        write_annotation(tmp_path / "annotations" / who, who, label, "claim")
    os.mkfifo(tmp_path / "annotations" / "ann1" / "waiting.yaml")
    return tmp_path


def test_a_fifo_among_annotation_files_is_reported_not_waited_on(project, figures):
    runs = {
        "agree": ["agree"], "stats": ["stats"], "status": ["status", "story.txt"],
        "export": ["export", "--format", "jsonl", "--merge", "each"], "train": ["train", "--out", "model"],
    }
    for name, arguments in runs.items():
        result = tagline(project, *arguments)
        assert result is not None, f"{name} waited on the FIFO"
        stderr = result.stderr.decode("utf-8", "replace")
        assert "Traceback" not in stderr, (name, stderr[-600:])
        assert "annotations/ann1/waiting.yaml: cannot be read (not a regular file)" in stderr, (name, stderr)
        assert result.returncode == 1, (name, result.returncode)
    exported = tagline(project, "export", "--format", "jsonl", "--merge", "each").stdout.decode()
    assert exported.count("\n") == 4  # both annotators' two sentences: the FIFO costs nothing else
    figures("special_files[fifo]", commands=len(runs), waited=0)


@pytest.mark.parametrize("target", ["/dev/zero", "annotations"])
def test_a_device_or_folder_as_the_label_scheme_is_one_line(project, target):
    for arguments in (["agree"], ["stats"], ["open", "story.txt", "--model", "none"], ["review", "story.txt"]):
        result = tagline(project, *arguments, "--labels", target)
        assert result is not None, f"{arguments[0]} --labels {target} did not end"
        stderr = result.stderr.decode("utf-8", "replace")
        assert result.returncode == 1 and "Traceback" not in stderr, (arguments, stderr[-600:])
        assert f"{target}: cannot read the label scheme (not a regular file)" in stderr, stderr


def test_a_pipe_named_as_the_label_scheme_is_read(project):
    reader, writer = os.pipe()
    os.write(writer, b"labels: [claim, quote, statistic]\n")
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        result = tagline(project, "stats", "--labels", "/dev/stdin", stdin=pipe)
    assert result is not None and result.returncode == 1, result  # 1: the FIFO annotation file
    assert b"ann1" in result.stdout and b"ann2" in result.stdout, result.stderr


def test_safefile_refuses_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(OSError, match="not a regular file"):
        safefile.read_bytes(tmp_path / "fifo")
    with pytest.raises(OSError, match="not a regular file"):
        safefile.read_bytes("/dev/zero", 100)
    (tmp_path / "big").write_bytes(b"x" * 200)
    with pytest.raises(OSError, match=r"too large \(200 bytes; the limit is 100 bytes\)"):
        safefile.read_bytes(tmp_path / "big", 100)
    with pytest.raises(annofile.AnnotationFileError, match="not a regular file"):
        annofile.read(tmp_path / "fifo")


OPEN_STORY = """
from tagline.core.articles import load
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session

session = Session(load(["story.txt"])[0], "annotations", "ann1", DEFAULT_SCHEME)
print(session.first_outcome.message)
print(session.toggle("claim").message)
session.close()
"""


@pytest.mark.parametrize("name", ["story.journal", "story.journal.folding", ".story.lock"])
def test_a_fifo_where_the_store_appends_is_said_not_waited_on(project, name):
    """Before: a FIFO named as an article's journal made opening the article (the app, ``review``)
    and ``status`` wait for ever, reading it; appending to it would have waited too."""
    os.unlink(project / "annotations" / "ann1" / "waiting.yaml")
    os.mkfifo(project / "annotations" / "ann1" / name)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    try:
        opened = subprocess.run([sys.executable, "-c", OPEN_STORY], cwd=project, env=env, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("opening the article waited on the FIFO")
    said = f"annotations/ann1/{name} is a FIFO (tagline never makes one): remove it to annotate; read-only here"
    assert opened.returncode == 0 and opened.stdout.splitlines() == [said, said], opened.stderr[-600:]
    assert (project / "annotations" / "ann1" / "story.yaml").read_text(encoding="utf-8") == annotation("ann1", "claim", "claim")
    if name != ".story.lock":
        result = tagline(project, "status", "story.txt")
        assert result is not None, "status waited on the FIFO"
        assert f"tagline: annotations/ann1/{name}: not a file (a FIFO); left out" in result.stderr.decode().splitlines()
        assert result.returncode == 1
