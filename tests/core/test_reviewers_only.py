"""When the team names its reviewers, only their decisions count.

Two annotators disagree on a sentence; the team's reviewer ``lead`` decided it, and ``carol`` (an
annotator, not a reviewer) wrote a later decision of her own into her ``decisions/`` folder. Without
``reviewers:`` anyone's decision stands over the annotators' (the latest wins); with it, carol's is
left out of export, agreement, stats and review, each time said on stderr, and carol cannot open
``tagline review`` at all. The files are plain YAML in the contract's format.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from tagline import cli

LABELS = ["claim", "quote", "statistic"]
TEXT = "The minister said 40 schools would close.\n"


def write(path: Path, annotator: str, labels: list[str], review: dict | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    sentence = {"index": 0, "start": 0, "end": len(TEXT) - 1, "text": TEXT[:-1], "status": "done", "labels": labels, "entities": []}
    if review is not None:
        sentence["review"] = review
    document = {"schema": "tagline.annotations/1",
                "article": {"id": "story", "path": "articles/story.txt", "sha256": hashlib.sha256(TEXT.encode()).hexdigest()},
                "annotator": annotator, "labels": LABELS, "model": {"name": "none", "version": None}, "sentences": [sentence]}
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def decision(by: str, at: str) -> dict:
    return {"decided_by": by, "decided_at": at, "annotators": {"alice": ["claim"], "bob": ["statistic"]}}


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "annotations"
    write(root / "alice" / "story.yaml", "alice", ["claim"])
    write(root / "bob" / "story.yaml", "bob", ["statistic"])
    write(root / "lead" / "decisions" / "story.yaml", "lead", ["claim", "statistic"], decision("lead", "2026-11-30T10:00:00Z"))
    write(root / "carol" / "decisions" / "story.yaml", "carol", ["quote"], decision("carol", "2026-11-30T11:00:00Z"))
    monkeypatch.chdir(tmp_path)
    return root


def team_file(tmp_path: Path, reviewers: str | None) -> None:
    lines = ["team:", "  annotators: [alice, bob, carol]", "  per_article: 2"]
    if reviewers is not None:
        lines.append(f"  reviewers: [{reviewers}]")
    (tmp_path / "tagline.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def exported(root: Path, capsys) -> tuple[int, list[dict], str]:
    status = cli.main(["export", "--annotations", str(root), "--format", "jsonl", "--merge", "reviewed"])
    captured = capsys.readouterr()
    return status, [json.loads(line) for line in captured.out.splitlines() if line.strip()], captured.err


def labels_of(row: dict) -> list[str]:
    return sorted(label for label, on in row.get("cats", {}).items() if on) if "cats" in row else sorted(row.get("labels", []))


def test_without_reviewers_named_the_latest_decision_stands(project, tmp_path, capsys):
    team_file(tmp_path, None)
    status, rows, err = exported(project, capsys)
    assert status == 0, err
    assert [labels_of(row) for row in rows] == [["quote"]]  # carol's, the later one


def test_a_non_reviewers_decision_is_left_out_and_said(project, tmp_path, capsys):
    team_file(tmp_path, "lead")
    status, rows, err = exported(project, capsys)
    assert [labels_of(row) for row in rows] == [["claim", "statistic"]]  # the reviewer's
    assert "decisions of 'carol', who is not among the team's reviewers; left out" in err
    assert str(Path("carol") / "decisions" / "story.yaml") in err
    assert status == 1  # something was left out, as for any file that cannot be used


def test_agree_and_stats_say_it_too(project, tmp_path, capsys):
    team_file(tmp_path, "lead")
    cli.main(["agree", "--annotations", str(project)])
    assert "not among the team's reviewers" in capsys.readouterr().err
    cli.main(["stats", "--annotations", str(project)])
    assert "not among the team's reviewers" in capsys.readouterr().err


def test_only_a_reviewer_opens_review(project, tmp_path, capsys):
    team_file(tmp_path, "lead")
    status = cli.main(["review", "--annotations", str(project), "--reviewer", "carol"])
    err = capsys.readouterr().err
    assert status == 1
    assert "'carol' is not among the team's reviewers (lead)" in err
    assert not (project / "carol" / "decisions" / ".story.journal").exists()


def test_the_review_session_sees_only_the_reviewers_decisions(project, tmp_path):
    from tagline.core.adjudication import ReviewSession
    from tagline.core.labels import load_scheme
    from tagline.core.team import load_team

    team_file(tmp_path, "lead, dana")
    session = ReviewSession(project, "dana", load_scheme(), team=load_team(), filter="all")
    try:
        assert any("carol" in problem for problem in session.problems)
        shown = session.shown(0)  # lead's decision, not carol's later one
        assert (shown.source, shown.decided_by, shown.labels) == ("other", "lead", ("claim", "statistic"))
    finally:
        session.close()


def test_a_decision_inside_an_annotators_own_file_is_left_out_too(project, tmp_path, capsys):
    """The older form kept decisions in the reviewer's annotation file; a non-reviewer's is refused."""
    (project / "carol" / "decisions" / "story.yaml").unlink()
    write(project / "carol" / "story.yaml", "carol", ["quote"], decision("carol", "2026-11-30T11:00:00Z"))
    team_file(tmp_path, "lead")
    status, rows, err = exported(project, capsys)
    assert [labels_of(row) for row in rows] == [["claim", "statistic"]]
    assert "1 decision(s) of 'carol', who is not among the team's reviewers; left out" in err
    assert status == 1


def test_status_counts_only_the_reviewers_decisions_and_says_the_others(project, tmp_path, capsys):
    """Before: with the lead's decision moved away and carol's left, ``status`` said "waiting for
    review: 0", no problem, exit 0, where export, agree and stats left carol's out and said so."""
    team_file(tmp_path, "lead")
    (project / "lead" / "decisions" / "story.yaml").unlink()
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "story.txt").write_text(TEXT, encoding="utf-8")
    status = cli.main(["status", "--annotations", str(project), "--format", "json"])
    captured = capsys.readouterr()
    assert status == 1
    assert json.loads(captured.out)["review"] == {"sentences": 1, "articles": 1}  # waiting for review
    assert "decisions of 'carol', who is not among the team's reviewers; left out" in captured.err
