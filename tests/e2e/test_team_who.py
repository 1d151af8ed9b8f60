"""The lead's view of who does what, set up as docs/guide/teams.md says: real Unix users, a
group-shared annotations folder, a mistyped name in ``annotators:``, and ``tagline status`` read in
a real 80x24 terminal while an annotator has an article open."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from unixusers import home_of, tagline_as, team_project

pytestmark = pytest.mark.e2e


def test_the_lead_is_told_of_a_mistyped_name_and_sees_who_has_what_open(users, shared_dir, terminals):
    alice, bob, group = users
    typo = bob[:-1] + "x" + "z"  # one of the names, mistyped: no such user here
    root = team_project(shared_dir, group, [alice, bob, typo], stories=6, settings="  per_article: 1\n")
    # alice opens her queue in a real terminal, as the guide says (`tagline`), and tags a sentence.
    annotator = terminals(shared_dir)
    lead = terminals(shared_dir, 80, 24)
    try:
        # The tests' TAGLINE_ANNOTATOR (tester) would make her someone else: the login name it is.
        annotator.run(tagline_as(alice, "--model none", "-u TAGLINE_ANNOTATOR", f"TAGLINE_CACHE={home_of(alice)}/cache"))
        annotator.wait_for("your queue", timeout=60)
        annotator.keys("c")
        deadline = time.monotonic() + 30
        while not list((root / alice).glob("*.journal")) and time.monotonic() < deadline:
            time.sleep(0.1)
        journal = list((root / alice).glob("*.journal"))
        assert journal, "alice's action never reached a journal"
        opened = journal[0].name[: -len(".journal")]

        done = subprocess.run([sys.executable, "-m", "tagline", "status", "--format", "json"], cwd=shared_dir,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert report["annotators"][alice]["open_now"] == [opened]
        assert list(report["no_login"]) == [typo]  # alice and bob are users here; the typo is not
        routed = report["no_login"][typo]["articles"]
        assert routed == [a for a, entry in report["articles"].items() if typo in entry["annotators"]] and routed

        # The lead's terminal: 80 columns, the table whole, the open article and the typo said.
        lead.run(f"{sys.executable} -m tagline status", linger=60)
        lead.wait_for("TAGLINE-EXIT-0", timeout=120)
        shown = lead.tmux("capture-pane", "-p", "-S", "-200", "-t", lead.name).stdout
        lines = shown.splitlines()
        table = [line for line in lines if line and line[0] in "┏┃┡│└"]
        # No line of the table wrapped (tmux wraps at 80: a cut row would start without a border).
        assert table and all(line.rstrip()[-1] in "┓┃┩│┘" for line in table), shown
        row = next(line for line in table if "open now" in line)
        assert opened[:10] in row, shown
        flat = " ".join(shown.split())
        assert f"{typo}: no user of that name here, no folder yet; {len(routed)} article" in flat
    finally:
        annotator.keys("C-q")

    # prepare says it too, and prepares all the same.
    done = subprocess.run([sys.executable, "-m", "tagline", "prepare", "seeds", "--jobs", "1"], cwd=shared_dir,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    said = [line for line in done.stderr.splitlines() if typo in line]
    assert len(said) == 1 and f"{typo}: no user of that name here, no folder yet; {len(routed)} article" in said[0]
    assert alice not in done.stderr and "prepared 6 articles" in done.stdout
