"""bench/checkworthy.py: the lab's average precision, the interval over debates, and a run on small
debates written for the test in the lab's annotated form (the lab's data stays outside the
repository)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench_modules import bench_module

ROOT = Path(__file__).resolve().parents[2]


def checkworthy():
    return bench_module("checkworthy")


def test_average_precision_is_the_labs():
    """Precision at each relevant line over the number of relevant lines; ties keep file order."""
    ap = checkworthy().average_precision
    assert ap([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]) == pytest.approx((1 / 1 + 2 / 3) / 2)
    assert ap([0, 1], [0.5, 0.5]) == pytest.approx(1 / 2)  # a tie: the earlier line ranks first
    assert ap([0, 0], [0.2, 0.1]) == 0.0
    assert ap([0, 0, 1], [0.3, 0.2, 0.1]) == pytest.approx(1 / 3)


def test_interval_over_debates_brackets_the_mean():
    mean, low, high = checkworthy().mean_with_interval([0.1, 0.2, 0.05, 0.3, 0.15])
    assert mean == pytest.approx(0.16)
    assert low <= mean <= high and high - low > 0.02
    assert checkworthy().mean_with_interval([0.2, 0.2, 0.2])[1:] == pytest.approx((0.2, 0.2))


def write_debate(path: Path, lines: list[tuple[str, str, int]]) -> None:
    path.write_text("".join(f"{n}\t{who}\t{text}\t{label}\n" for n, (who, text, label) in enumerate(lines, 1)), encoding="utf-8")


def test_a_run_ranks_checkable_lines_first(tmp_path, capsys):
    folder = tmp_path / "debates"
    folder.mkdir()
    write_debate(
        folder / "one.tsv",
        [
            ("MODERATOR", "Good evening and welcome.", 0),
            ("A", "Thank you very much.", 0),
            ("A", "Unemployment fell to 3.5 percent last year, the lowest rate since 1969.", 1),
            ("B", "What a wonderful crowd!", 0),
        ],
    )
    write_debate(
        folder / "two.tsv",
        [
            ("B", "I love this country.", 0),
            ("B", "The government spent $4 billion on the wall and arrested 300 people.", 1),
            ("A", "Is that right?", 0),
        ],
    )
    assert checkworthy().main([str(folder)]) == 0
    out = capsys.readouterr().out
    assert "| one | 4 | 1 | 1.0000 | 1.0000 |" in out and "| two | 3 | 1 | 1.0000 | 1.0000 |" in out
    assert "MAP of the check-worthiness: 1.0000 [1.0000, 1.0000]" in out
    assert "MAP of the claim score (baseline, same run): 1.0000 [1.0000, 1.0000]; ratio 1.00" in out


def test_the_run_ranks_by_check_worthiness_not_the_claim_score(tmp_path, capsys):
    """A plain event is as much a claim as a figure, but the figure is what fact-checkers check: the
    check-worthiness ranks it first where the claim score does not (sentences written for the test)."""
    folder = tmp_path / "debates"
    folder.mkdir()
    write_debate(
        folder / "one.tsv",
        [
            ("A", "The senator visited a factory in Ohio on Monday.", 0),
            ("A", "China charges us 25 percent on cars.", 1),
            ("A", "I love the farmers of Iowa and they love me.", 0),
        ],
    )
    assert checkworthy().main([str(folder)]) == 0
    out = capsys.readouterr().out
    assert "| one | 3 | 1 | 1.0000 | 0.5000 |" in out
    assert "MAP of the check-worthiness: 1.0000" in out and "ratio 2.00" in out


def test_the_run_reads_who_asks_from_the_speaker_column(tmp_path, capsys):
    """A moderator quoting the record outranks the candidate's claim by the text alone; read with its
    speakers, the transcript puts the answer first (lines written for the test)."""
    folder = tmp_path / "debates"
    folder.mkdir()
    write_debate(
        folder / "one.tsv",
        [
            ("HOLT", "Stop-and-frisk was ruled unconstitutional in New York in 2013.", 0),
            ("HOLT", "What changed your mind?", 0),
            ("TRUMP", "Ford is moving its small car division to Mexico.", 1),
            ("TRUMP", "We have to stop it.", 0),
        ],
    )
    assert checkworthy().main([str(folder)]) == 0
    out = capsys.readouterr().out
    assert "speakers read" in out and "| one | 4 | 1 | 1.0000 |" in out
    assert checkworthy().main(["--text-only", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "speakers left out" in out and "| one | 4 | 1 | 0.5000 |" in out


def test_a_file_not_in_the_labs_form_is_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.tsv"
    bad.write_text("1\tA\tUnlabelled line\n", encoding="utf-8")
    assert checkworthy().main([str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["checkworthy: bad.tsv:1: expected line_number, speaker, text and a 0/1 label, tab-separated"]
    assert checkworthy().main([str(tmp_path / "missing")]) == 1
