"""``tagline status`` run by an annotator while the lead serves browser logins: the token file of
``tagline serve`` is the lead's alone (mode 600), real Unix users, as docs/guide/teams.md sets up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from unixusers import as_user, python_for, team_project

pytestmark = pytest.mark.e2e


def _tagline(user: str, shared_dir: Path, *args: str):
    python, env = python_for(user)
    return as_user(user, "env", "-u", "TAGLINE_ANNOTATOR", "COLUMNS=80", *(f"{k}={v}" for k, v in env.items()),
                   python, "-m", "tagline", *args, umask="002", cwd=shared_dir)


def test_status_by_another_user_says_the_login_links_it_cannot_read(users, shared_dir):
    """bob's status could not read alice's token file and said nothing: webby, who logs in through
    the browser, was listed as a name nobody can log in as, and nothing told bob why it might be
    wrong. One line now says which file, why and whose; the rest of the status is shown."""
    alice, bob, _group = users
    webby = "webby" + alice[-6:]  # no Unix user of that name: a browser login only
    root = team_project(shared_dir, users[2], [alice, bob, webby], stories=4)
    served = _tagline(alice, shared_dir, "serve", "--add-annotator", webby, "--port", "8000")
    assert served.returncode == 0, served.stderr
    token_file = root / ".serve-tokens.yaml"
    assert token_file.stat().st_mode & 0o777 == 0o600 and token_file.owner() == alice

    # The lead, who serves, reads the links: webby can log in, nothing to say.
    lead = _tagline(alice, shared_dir, "status", "--format", "json")
    assert lead.returncode == 0 and lead.stderr == "", lead.stderr
    assert json.loads(lead.stdout)["no_login"] == {}

    # bob cannot read it: one line, naming the file, the reason and whose it is; the report whole.
    for args in (["status", "--format", "json"], ["status"]):
        done = _tagline(bob, shared_dir, *args)
        assert "Traceback" not in done.stderr, done.stderr
        lines = done.stderr.splitlines()
        assert len(lines) == 1, done.stderr
        line = lines[0]
        assert ".serve-tokens.yaml" in line and "Permission denied" in line and f"{alice}'s file" in line, line
        assert "login links" in line and f"run as {alice}" in line, line
        assert done.returncode == 1
        if args[-1] == "json":
            report = json.loads(done.stdout)
            assert set(report["annotators"]) == {alice, bob, webby}
            assert list(report["no_login"]) == [webby] and [f"tagline: {p}" for p in report["problems"]] == [line]
        else:
            assert "Team status" in done.stdout and f"{webby}: no user of that name here" in done.stdout
            assert "articles: 4" in done.stdout
