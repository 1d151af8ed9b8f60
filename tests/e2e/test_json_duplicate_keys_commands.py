"""A key given twice in one JSON object, through the installed ``tagline`` script: ``import`` of
Prodigy and doccano rows, and ``status`` over an article feed, each says one line naming the file,
the line, the key (as visible characters) and its columns, exits 1, keeps the other lines, and
writes nothing over an annotation file that exists. The files are written by hand; the columns
expected are counted by hand in them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

# "accept" opens at column 49 and again at column 70: json.loads kept ["quote"] and lost "claim"
PRODIGY_TWICE = ('{"text": "The river rose.", "answer": "accept", "accept": ["claim"], "accept": ["quote"], '
                 '"meta": {"article": "river", "annotator": "dora"}}')
# the key "\x1b]0;owned\x07" (an escape sequence that would retitle the terminal) at columns 32 and 59
FEED_TWICE = '{"id": "river", "text": "Up.", "\\u001b]0;owned\\u0007": 1, "\\u001b]0;owned\\u0007": 2}'


def tagline(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).parent / "tagline"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "tagline"]
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "VIRTUAL_ENV", "TAGLINE_CACHE", "XDG_CONFIG_HOME")}
    env.update({"TAGLINE_ANNOTATOR": "tester", "PYTHONIOENCODING": "utf-8"})
    return subprocess.run([*command, *args], cwd=cwd, env=env, capture_output=True, stdin=subprocess.DEVNULL, timeout=120)


def said(done: subprocess.CompletedProcess, about: str) -> list[str]:
    err = done.stderr.decode("utf-8")
    assert "Traceback" not in err and "\x1b" not in err and "\x07" not in err, err
    return [line for line in err.splitlines() if about in line]


def test_import_says_the_row_and_keeps_the_rest_and_the_file_there(tmp_path):
    existing = tmp_path / "annotations" / "dora" / "river.yaml"
    existing.parent.mkdir(parents=True)
    existing.write_text("# dora's own work, not to be written over by a row that is refused\n", encoding="utf-8")
    good = {"text": "The sky cleared.", "answer": "accept", "accept": ["claim"], "meta": {"article": "sky", "annotator": "dora"}}
    (tmp_path / "rows.jsonl").write_text(json.dumps(good) + "\n" + PRODIGY_TWICE + "\n", encoding="utf-8")
    done = tagline(tmp_path, "import", "rows.jsonl", "--format", "prodigy")
    assert done.returncode == 1
    assert said(done, "rows.jsonl") == ["tagline: rows.jsonl:2: the key 'accept' is given twice in one object (columns 49 and 70)"]
    assert (tmp_path / "annotations" / "dora" / "sky.yaml").exists()
    assert existing.read_text(encoding="utf-8") == "# dora's own work, not to be written over by a row that is refused\n"

    doccano = '{"text": "Down.", "label": [[0, 4, "claim"]], "article": "sky", "label": []}'
    (tmp_path / "doccano.jsonl").write_text(doccano + "\n", encoding="utf-8")
    done = tagline(tmp_path, "import", "doccano.jsonl", "--format", "doccano", "--annotator", "dora")
    assert done.returncode == 1
    assert said(done, "doccano.jsonl") == ["tagline: doccano.jsonl:1: the key 'label' is given twice in one object (columns 19 and 65)"]


def test_status_says_the_feed_line_and_counts_the_other_articles(tmp_path):
    (tmp_path / "annotations").mkdir()
    (tmp_path / "feed.jsonl").write_text(json.dumps({"id": "sky", "text": "The sky cleared."}) + "\n" + FEED_TWICE + "\n",
                                         encoding="utf-8")
    done = tagline(tmp_path, "status", "feed.jsonl", "--format", "json")
    assert done.returncode == 1
    assert said(done, "feed.jsonl") == [
        "tagline: feed.jsonl:2: the key '\\x1b]0;owned\\x07' is given twice in one object (columns 32 and 59)"]
    report = json.loads(done.stdout)
    assert list(report["articles"]) == ["sky"], report  # the line said, the other article counted
