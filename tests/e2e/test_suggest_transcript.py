"""``tagline suggest --transcript`` through the installed ``tagline`` script with the real spaCy
model: a debate transcript ranked by check-worthiness with its speakers read. The transcript is
written for the test."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.model]

#: A moderator who quotes the record, figures and all, to ask about it; two candidates who answer.
DEBATE = """\
Presidential debate, Hofstra University

Lester Holt: (00:12)
Good evening from Hofstra University. Secretary Clinton, 40 percent of Americans have less than $400 in savings. How will you help them?

Hillary Clinton: (01:05)
Thank you, Lester. My husband's administration created 23 million jobs in eight years.
Unemployment fell to 4.9 percent, and we cut the deficit by $500 billion.

Lester Holt: (02:30)
Mr. Trump, the national debt grew to $19 trillion over the last eight years. What would you cut? Is the trade deficit of $800 billion your priority?

Donald Trump: (03:10)
Ford is moving 2,000 jobs to Mexico. We have lost 70,000 factories since China joined the WTO.
(APPLAUSE)
I will bring them back, believe me.

Lester Holt: (04:00)
Thank you. We will move on to our next segment. Why do you think so?
"""


def tagline_script() -> list[str]:
    script = Path(sys.executable).parent / "tagline"
    if script.exists():
        return [str(script)]
    found = shutil.which("tagline")
    return [found] if found else shlex.split(f"{shlex.quote(sys.executable)} -m tagline")


def tagline(cwd: Path, *arguments: str, columns: int = 80) -> subprocess.CompletedProcess:
    keep = ("PATH", "HOME", "LANG", "VIRTUAL_ENV", "TAGLINE_CACHE", "XDG_CONFIG_HOME")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update({"PYTHONIOENCODING": "utf-8", "COLUMNS": str(columns)})
    return subprocess.run([*tagline_script(), *arguments], cwd=cwd, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300)


def test_the_moderators_questions_rank_below_the_candidates_figures(tmp_path):
    (tmp_path / "debate.txt").write_text(DEBATE, encoding="utf-8")
    run = tagline(tmp_path, "suggest", "debate.txt", "--transcript", "--order", "checkworthy", "--format", "jsonl")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert all(DEBATE[r["start"] : r["end"]] == r["text"] for r in rows)
    speakers = {r["speaker"] for r in rows}
    assert speakers == {None, "Lester Holt", "Hillary Clinton", "Donald Trump"}
    values = [r["checkworthy"] for r in rows]
    assert values == sorted(values, reverse=True)
    rank = {r["text"]: k for k, r in enumerate(rows)}
    figures = [
        "My husband's administration created 23 million jobs in eight years.",
        "Unemployment fell to 4.9 percent, and we cut the deficit by $500 billion.",
        "Ford is moving 2,000 jobs to Mexico.",
        "We have lost 70,000 factories since China joined the WTO.",
    ]
    moderator = [r["text"] for r in rows if r["speaker"] == "Lester Holt"]
    assert "Secretary Clinton, 40 percent of Americans have less than $400 in savings." in moderator
    assert max(rank[text] for text in figures) < min(rank[text] for text in moderator)
    assert rows[rank["(APPLAUSE)"]]["speaker"] is None

    # By the text alone (no --transcript), the moderator's figures are among the candidates' own.
    news = tagline(tmp_path, "suggest", "debate.txt", "--order", "checkworthy", "--format", "jsonl")
    plain = [json.loads(line)["text"] for line in news.stdout.splitlines()]
    assert plain.index("Secretary Clinton, 40 percent of Americans have less than $400 in savings.") < plain.index(figures[2])


def test_the_table_shows_the_speakers_in_80_columns(tmp_path):
    (tmp_path / "debate.txt").write_text(DEBATE, encoding="utf-8")
    run = tagline(tmp_path, "suggest", "debate.txt", "--transcript", "--order", "checkworthy")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    header = next(line for line in lines if "speaker" in line)
    assert [cell.strip() for cell in header.split("┃")[1:-1]] == ["article", "#", "speaker", "sentence", "labels", "check"]
    widths = [len(cell) for cell in header.split("┃")[1:-1]]
    assert widths[3] >= 24  # the sentence keeps room to be read
    rows = [line.split("│") for line in lines if line.startswith("│")]
    first = next(k for k, cells in enumerate(rows) if cells[1].strip())  # the first row of the top sentence
    assert rows[first][3].strip() in ("Hillary", "Donald")  # "Hillary Clinton" wraps in its column
    checks = [float(cells[6]) for cells in rows if cells[6].strip()]
    assert checks == sorted(checks, reverse=True)


def test_a_hostile_speaker_name_never_reaches_the_terminal(tmp_path):
    name = "Evil\x1b]0;pwned\x07 \x1b[31m[bold]X[/bold]"
    (tmp_path / "hostile.tsv").write_text(f"1\t{name}\tTaxes rose 4 percent last year.\n2\tHOLT\tWhy?\n", encoding="utf-8")
    control = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
    for output in ("table", "jsonl"):
        run = tagline(tmp_path, "suggest", "hostile.tsv", "--transcript", "--format", output)
        assert run.returncode == 0, run.stderr
        assert not control.search(run.stdout) and not control.search(run.stderr)
    assert json.loads(run.stdout.splitlines()[0])["speaker"] == name
