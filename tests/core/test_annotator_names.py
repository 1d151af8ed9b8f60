"""An annotator's name is their folder's name, as it is: anything else is refused with one line and
exit status 2, wherever the name comes from (an option, ``$TAGLINE_ANNOTATOR``, the login name)."""

from __future__ import annotations

import getpass

import pytest

from tagline.cli import main
from tagline.core.store import annotator_problem

BAD = ["../evil", "", ".hidden", "-rf", "a b", "a/b", "x" * 65, "é\u202e", "al\x1b]0;t\x07", "alice.", "alice.."]
GOOD = ["alice", "Bob_2", "ann.lee", "x" * 64, "_svc", "7", "a-", "a_"]


@pytest.mark.parametrize("name", GOOD)
def test_folder_names_are_accepted(name):
    assert annotator_problem(name) is None


@pytest.mark.parametrize("name", BAD)
def test_other_names_are_refused(name):
    assert annotator_problem(name)


def refused(capsys, argv) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("tagline: "), captured.err
    assert "\x1b" not in captured.err and "\x07" not in captured.err
    return lines[0]


@pytest.mark.parametrize("name", ["../evil", "", "al\x1b]0;t\x07"])
def test_open_refuses_an_unsafe_annotator(capsys, workdir, name):
    line = refused(capsys, ["open", "--model", "none", "--annotator", name])
    assert "--annotator" in line and "letters, digits" in line
    assert not (workdir / "annotations").exists(), "nothing may be written under a refused name"


def test_open_refuses_an_empty_annotator_instead_of_the_login_name(capsys, workdir):
    line = refused(capsys, ["open", "--model", "none", "--annotator", ""])
    assert "cannot be empty" in line


def test_import_and_review_refuse_unsafe_names(capsys, workdir):
    (workdir / "in.jsonl").write_text("")
    assert "--annotator" in refused(capsys, ["import", "in.jsonl", "--format", "jsonl", "--annotator", "../evil"])
    assert "--reviewer" in refused(capsys, ["review", "--reviewer", "../evil"])


def test_the_environment_variable_is_checked(capsys, workdir, monkeypatch):
    monkeypatch.setenv("TAGLINE_ANNOTATOR", "../evil")
    assert "$TAGLINE_ANNOTATOR" in refused(capsys, ["open", "--model", "none"])


def test_an_unusable_login_name_says_how_to_give_one(capsys, workdir, monkeypatch):
    monkeypatch.delenv("TAGLINE_ANNOTATOR")
    monkeypatch.setattr(getpass, "getuser", lambda: "ann lee")
    line = refused(capsys, ["open", "--model", "none"])
    assert "login name" in line and "--annotator NAME" in line


def test_a_name_ending_in_a_dot_never_gets_a_login_link(capsys, workdir):
    """``alice.`` was saved in alice's folder (the dots dropped): its login link annotated as alice."""
    line = refused(capsys, ["serve", "--add-annotator", "alice.", "--annotations", "annotations"])
    assert "--add-annotator" in line and "not ending with ." in line
    assert not (workdir / "annotations" / ".serve-tokens.yaml").exists()
    line = refused(capsys, ["open", "--model", "none", "--annotator", "alice."])
    assert not (workdir / "annotations").exists()
