"""``tagline status``: what it reports, from the index or the files, and that it writes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import pytest

from tagline.core import status as status_mod
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session
from tagline.core.store import SentenceState
from tagline.core.team import Team

TEXT = "One here. Two there. Three more."


def annotate(root: Path, who: str, article_id: str, labels: list[tuple[str, ...] | None]) -> None:
    """``labels``: per sentence, None to leave it todo, else the labels it is done with."""
    session = Session([Article(article_id, f"{article_id}.txt", TEXT)], root, who, DEFAULT_SCHEME)
    for index, wanted in enumerate(labels):
        if wanted is not None:
            session.store.set(index, SentenceState("done", tuple(wanted), updated=f"2026-11-20T09:00:{10 * index:02d}Z"))
    session.close()


def project(root: Path) -> Team:
    team = Team(("alice", "bob", "carol"), 2.0, ("lead",))
    annotate(root, "alice", "a1", [("claim",), (), ("quote",)])
    annotate(root, "bob", "a1", [("claim",), ("claim",), ("quote",)])  # disagrees on sentence 1
    annotate(root, "alice", "a2", [("claim",), None, None])  # started
    annotate(root, "carol", "a3", [(), (), ()])
    return team


def test_status_per_annotator_article_review_and_agreement(tmp_path):
    team = project(tmp_path)
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2", "a3", "a4"])
    assert found.parsed_files == 0  # everything came from the progress index
    alice = found.annotators["alice"]
    assert (alice.started, alice.done, alice.sentences_done, alice.sentences_total) == (2, 1, 4, 6)
    assert alice.seconds_per_sentence == 10.0 and alice.last_active == "2026-11-20T09:00:20Z"
    assert alice.sentences_per_hour == 540.0  # gaps 0, 10, 10 s: a2's first action shares a1's second
    assert sum(p.assigned for p in found.annotators.values()) == 4 * 2
    assert found.articles["a1"] == {"wanted": 2, "annotators": ["alice", "bob"], "done": 2, "started": 2}
    assert found.articles["a4"]["started"] == 0
    assert (found.waiting_for_review, found.articles_waiting) == (1, 1)
    assert found.agreement["sentences"] == 3 and abs(found.agreement["observed"] - 2 / 3) < 1e-3
    assert found.summary() == {"complete": 1, "in progress": 2, "not started": 1}


def test_a_file_the_index_does_not_describe_is_parsed(tmp_path):
    team = project(tmp_path)
    path = tmp_path / "bob" / "a1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("labels: [claim]\n", "labels: [quote]\n", 1), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2", "a3"])
    assert found.parsed_files == 1
    assert found.waiting_for_review == 2  # sentence 0 now disagrees too


def test_a_reviewers_decision_settles_a_disputed_sentence(tmp_path):
    team = project(tmp_path)
    session = Session([Article("a1", "a1.txt", TEXT)], tmp_path, "lead", DEFAULT_SCHEME)
    session.store.set(1, SentenceState("done", ("claim",), updated="2026-11-20T10:00:00Z",
                                       extra={"review": {"decided_by": "lead", "annotators": {"alice": [], "bob": ["claim"]}}}))
    session.close()
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2", "a3"])
    assert found.waiting_for_review == 0 and "lead" not in found.annotators


def test_a_decision_in_a_decisions_folder_settles_it_even_when_the_reviewer_annotates(tmp_path):
    from tagline.core.adjudication import ReviewStore

    from dataclasses import replace

    team = replace(project(tmp_path), reviewers=("lead", "alice"))  # alice annotates and reviews
    store = ReviewStore(tmp_path, "alice", Article("a1", "a1.txt", TEXT), DEFAULT_SCHEME)  # alice/decisions/a1.yaml
    store.set(1, SentenceState("done", ("claim",), updated="2026-11-20T10:00:00Z",
                               extra={"review": {"decided_by": "alice", "annotators": {"alice": [], "bob": ["claim"]}}}))
    store.close()
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2", "a3"])
    assert found.waiting_for_review == 0 and found.annotators["alice"].sentences_done == 4


def snapshot(root: Path) -> dict[str, tuple[int, int, bytes]]:
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.stat().st_size, p.read_bytes() if p.is_file() else b"")
            for p in sorted(root.rglob("*"))}


@pytest.mark.e2e  # runs tagline status in a child process
@pytest.mark.e2e  # runs the command as a process
def test_status_command_writes_nothing(tmp_path):
    project(tmp_path / "annotations")
    (tmp_path / "seeds").mkdir()
    for name in ("a1", "a2", "a3", "a4"):
        (tmp_path / "seeds" / f"{name}.txt").write_text(TEXT + "\n", encoding="utf-8")
    (tmp_path / "tagline.yaml").write_text("team:\n  annotators: [alice, bob, carol]\n  per_article: 2\n  reviewers: [lead]\n")
    # A file the index does not describe (as one being annotated right now): parsed, still not written.
    (tmp_path / "annotations" / "carol" / "a3.journal").write_text("")
    before = snapshot(tmp_path)
    env = {**os.environ, "TAGLINE_CACHE": str(tmp_path / "cache"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    for form in ("table", "json"):
        done = subprocess.run([sys.executable, "-m", "tagline", "status", "--format", form], cwd=tmp_path,
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
    assert snapshot(tmp_path) == before
    report = json.loads(done.stdout)
    assert report["annotators"]["alice"]["done"] == 1 and report["summary"]["not started"] == 1
    assert report["review"] == {"sentences": 1, "articles": 1}


@pytest.mark.e2e  # runs tagline status in a child process
@pytest.mark.e2e
def test_status_quotes_names_from_files_as_visible_characters(tmp_path):
    annotate(tmp_path / "annotations", "eve\x1b]0;owned\x07", "a1", [("claim",), None, None])
    done = subprocess.run([sys.executable, "-m", "tagline", "status", "--annotations", str(tmp_path / "annotations"), str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "\x1b" not in done.stdout and "\x07" not in done.stdout


def test_status_headings_stay_whole_at_80_columns(tmp_path, capsys, monkeypatch):
    """As ``stats`` and ``agree``: rich cut eight headings to ``annota…``, ``assign…``, ``sentenc…``
    at 80 columns; the table is printed turned instead."""
    from tagline import cli

    project(tmp_path / "annotations")
    (tmp_path / "seeds").mkdir()
    for name in ("a1", "a2", "a3"):
        (tmp_path / "seeds" / f"{name}.txt").write_text(TEXT + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    assert cli.main(["status", "seeds", "--annotations", "annotations"]) == 0
    out = capsys.readouterr().out
    table = out.split("pace:")[0]
    assert "…" not in table, out
    for heading in ("annotator", "assigned", "started", "done", "sentences", "per hour", "s/sentence", "last active",
                    "alice", "bob", "carol"):
        assert heading in table
    assert max(len(line) for line in out.splitlines()) <= 80
    # Each summary line whole on a line of its own (the agreement line wrapped mid-phrase at 80).
    lines = out.splitlines()
    assert "waiting for review: 1 sentence in 1 article (tagline review)" in lines
    assert any(line.startswith("agreement so far: observed 0.667, Krippendorff's alpha") and line.endswith("(label set)")
               for line in lines), out
    assert "  over 3 sentences done by two or more annotators" in lines


def test_a_progress_index_edited_with_values_of_other_kinds_is_not_used(tmp_path):
    """An index entry whose marks list held a number made ``tagline status`` end in a TypeError
    (sorting a number with a label); such an entry is now not current, and the file is read."""
    team = project(tmp_path)
    index = tmp_path / "alice" / ".progress.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    data["a1"]["marks"] = [1, "claim", None]
    index.write_text(json.dumps(data), encoding="utf-8")
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2", "a3", "a4"])
    assert found.parsed_files == 1
    assert found.annotators["alice"].sentences_done == 4


@pytest.mark.parametrize("kind", ["a file", "missing"])
def test_annotations_that_are_not_a_folder_are_one_line_as_in_agree(tmp_path, capsys, monkeypatch, kind):
    """``--annotations`` naming a file (or nothing) printed an empty table with status 0, where
    ``agree``, ``stats``, ``export`` and ``train`` say "no such annotations folder" and exit 1."""
    from tagline import cli

    annotate(tmp_path / "annotations", "alice", "a1", [("claim",), None, None])
    target = tmp_path / "annotations" / "alice" / "a1.yaml" if kind == "a file" else tmp_path / "nope"
    monkeypatch.chdir(tmp_path)
    for form in ("table", "json"):
        assert cli.main(["status", "--annotations", str(target), "--format", form]) == 1
        captured = capsys.readouterr()
        reason = "not a folder (a file)" if kind == "a file" else "no such annotations folder"
        assert captured.err == f"tagline: {target}: {reason}\n"
        assert captured.out == ""
    assert cli.main(["agree", "--annotations", str(target)]) == 1
    assert f"{target}: {reason}" in capsys.readouterr().err


def test_actions_still_in_a_journal_count(tmp_path):
    """Every action is on disk in the journal before the next key; the YAML catches up at the next
    fold. Status counts what a journal holds: an article open right now, or one whose session died
    (kill -9, a crash) before folding, with a YAML from an earlier fold or none yet."""
    team = Team(("alice", "bob"), 2.0)
    annotate(tmp_path, "alice", "a1", [("claim",), None, None])  # folded: 1 of 3
    annotate(tmp_path, "bob", "a1", [("claim",), ("quote",), ()])
    session = Session([Article("a1", "a1.txt", TEXT), Article("a2", "a2.txt", TEXT)], tmp_path, "alice", DEFAULT_SCHEME)
    session.store.set(1, SentenceState("done", ("claim",), updated="2026-11-20T09:01:00Z"))
    session.store.set(2, SentenceState("done", (), updated="2026-11-20T09:01:05Z"))
    assert (tmp_path / "alice" / "a1.journal").exists()  # open, not folded: as a killed session leaves it
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2"])
    alice = found.annotators["alice"]
    assert (alice.started, alice.done, alice.sentences_done, alice.sentences_total) == (1, 1, 3, 3)
    assert found.articles["a1"]["done"] == 2 and found.waiting_for_review == 1  # they differ on sentence 1
    session.close()
    # A first session on an article, ended before any fold: no YAML yet, the journal alone.
    other = Session([Article("a2", "a2.txt", TEXT)], tmp_path, "bob", DEFAULT_SCHEME)
    other.store.set(0, SentenceState("done", ("quote",), updated="2026-11-20T09:02:00Z"))
    assert not (tmp_path / "bob" / "a2.yaml").exists()
    bob = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2"]).annotators["bob"]
    assert (bob.started, bob.sentences_done) == (2, 4)
    other.close()


def test_answers_of_someone_the_team_no_longer_names_stay_in_sight(tmp_path, capsys, monkeypatch):
    """dan annotated, then the lead took him out of the team section: his articles are routed anew,
    his answers are still exported, and status says so instead of showing nothing of them."""
    annotate(tmp_path, "dan", "a1", [("claim",), (), ("quote",)])
    annotate(tmp_path, "dan", "a2", [("claim",), None, None])
    annotate(tmp_path, "alice", "a1", [("claim",), (), ()])
    team = Team(("alice", "bob"), 1.0)
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2"])
    assert set(found.annotators) == {"alice", "bob"}
    dan = found.outside["dan"]
    assert (dan.started, dan.done, dan.sentences_done) == (2, 1, 4)
    assert found.as_data()["outside_team"]["dan"]["sentences_done"] == 4 and not found.problems
    from tagline.commands.status import render
    from rich.console import Console

    console = Console(width=100, highlight=False)
    console.print(render(found, 100))
    out = capsys.readouterr().out
    assert "outside the team (not routed; exported): dan 2 started, 1 done, 4 sentences" in out


@pytest.mark.parametrize("stamp", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_an_updated_stamp_beyond_the_calendar_is_left_out(tmp_path, stamp):
    """An ``updated`` stamp that is a valid ISO date but lies outside years 1 to 9999 once in UTC
    ended ``tagline status`` with "year 10000 is out of range"; it is left out like a stamp that
    does not parse."""
    from tagline.core import annofile

    annotate(tmp_path, "alice", "a1", [("claim",), ("quote",), None])
    path = tmp_path / "alice" / "a1.yaml"
    document = annofile.read(path)
    document["sentences"][1]["updated"] = stamp
    path.write_text(annofile.dumps(document), encoding="utf-8")
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME)
    assert found.parsed_files == 1
    assert found.annotators["alice"].last_active == "2026-11-20T09:00:00Z"
    assert found.as_data()["annotators"]["alice"]["sentences_done"] == 2


def test_progress_index_times_beyond_the_calendar_are_left_out(tmp_path):
    """The index's ``times`` are numbers read back from a file: a first stamp no date can hold ended
    ``tagline status`` with an OverflowError; the annotator shows as never active instead."""
    annotate(tmp_path, "alice", "a1", [("claim",), ("quote",), None])
    index = tmp_path / "alice" / ".progress.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    data["a1"]["times"] = "99999999999999999999 10"
    index.write_text(json.dumps(data), encoding="utf-8")
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME)
    assert found.parsed_files == 0
    assert found.annotators["alice"].last_active is None
    assert found.as_data()["annotators"]["alice"]["last_active"] is None


# -- status never waits: a session that has quit and is still folding is read from the disk -----------
def forbid_locks(monkeypatch) -> None:
    """Any lock status would take (or wait for) fails the test: status only reads."""
    from tagline.core import store as store_mod

    def forbidden(*args, **kwargs):
        raise AssertionError("status took a lock")

    monkeypatch.setattr(store_mod.fcntl, "flock", forbidden)


def test_status_answers_while_a_quit_session_still_holds_the_lock_to_fold(tmp_path, monkeypatch):
    """A session that has quit leaves its fold to a child, which holds the article's lock (the lock
    file says so) until the file is written: status waited for it, up to 20 s. It now takes no lock
    and waits for nothing, and counts what the journal holds."""
    from tagline.core.store import AFTER_EXIT

    team = project(tmp_path)
    session = Session([Article("a2", "a2.txt", TEXT)], tmp_path, "alice", DEFAULT_SCHEME)
    session.store.set(1, SentenceState("done", ("quote",), updated="2026-11-20T09:01:00Z"))
    handle = session.store._lock_handle  # held (flock), saying what a fold after quit's child says
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid 1 on here {AFTER_EXIT}")
    handle.flush()
    forbid_locks(monkeypatch)
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2", "a3"])
    assert found.annotators["alice"].sentences_done == 5  # 4 folded, 1 in the journal
    monkeypatch.undo()
    session.close()


def test_a_reviewers_decisions_still_in_a_journal_settle_the_sentence(tmp_path, monkeypatch):
    """A review that has quit leaves its last fold to a child: until it is written, its decisions
    are in the journal only, first ones with no decisions file at all. Status reads them there."""
    from tagline.core.adjudication import ReviewSession

    team = project(tmp_path)
    assert status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2", "a3"]).waiting_for_review == 1
    review = ReviewSession(tmp_path, "lead", DEFAULT_SCHEME)
    review.take(2)  # bob's labels for sentence 1 of a1, journaled; nothing folded
    decisions = tmp_path / "lead" / "decisions"
    assert (decisions / "a1.journal").exists() and not (decisions / "a1.yaml").exists()
    forbid_locks(monkeypatch)
    assert status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2", "a3"]).waiting_for_review == 0
    monkeypatch.undo()
    review.withdraw()  # in the journal after a file that has the decision
    review.fold()
    review.take(2)
    review.fold()
    review.withdraw()
    assert (decisions / "a1.yaml").exists() and (decisions / "a1.journal").exists()
    assert status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2", "a3"]).waiting_for_review == 1
    review.close()


def test_a_fold_that_renames_the_journal_while_status_reads_it_loses_nothing(tmp_path, monkeypatch):
    """A fold renames ``.journal`` to ``.journal.folding`` at any moment: between status's reads of
    the two (``.folding`` first, as the store replays them) the actions were in neither, and the
    file not written yet. The journals are read again when either changed while they were read."""
    from tagline.core import store as store_mod

    team = project(tmp_path)
    session = Session([Article("a2", "a2.txt", TEXT)], tmp_path, "alice", DEFAULT_SCHEME)
    session.store.set(1, SentenceState("done", ("quote",), updated="2026-11-20T09:01:00Z"))
    store = session.store
    read = store_mod.journal_entries
    renamed: list[Path] = []

    def folding_meanwhile(path, rejected=None):
        entries = read(path, rejected)
        if path == store.folding_path and not renamed:  # read as absent; now the fold begins
            store._journal.close()
            store._journal = None
            os.replace(store.journal_path, store.folding_path)
            renamed.append(path)
        return entries

    monkeypatch.setattr(store_mod, "journal_entries", folding_meanwhile)
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2", "a3"])
    assert renamed and found.annotators["alice"].sentences_done == 5
    monkeypatch.undo()
    session.close()


def test_a_file_written_after_the_folder_was_listed_is_read(tmp_path, monkeypatch):
    """A first session's journal, listed with no file beside it, is folded (file written, journal
    gone) before status reads it: the file it now has is read, not an empty article."""
    team = project(tmp_path)
    session = Session([Article("a4", "a4.txt", TEXT)], tmp_path, "carol", DEFAULT_SCHEME)
    session.store.set(0, SentenceState("done", ("claim",), updated="2026-11-20T09:01:00Z"))
    journaled = status_mod._journaled

    def folded_first(folder, article_id, owner_uid=None):
        if article_id == "a4":
            session.close()
        return journaled(folder, article_id, owner_uid)

    monkeypatch.setattr(status_mod, "_journaled", folded_first)
    carol = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2", "a3", "a4"]).annotators["carol"]
    assert (carol.sentences_done, carol.sentences_total) == (4, 6)


@pytest.mark.parametrize("bad", [{"done": -5}, {"done": 10**30}, {"total": 1e308}, {"done": True},
                                 {"labels": {"claim": -1}}, {"labels": [1]}])
def test_an_index_entry_not_as_tagline_writes_it_is_not_used(tmp_path, bad):
    """From the team audit: an annotator's own index with "done": -5 showed as -5/9 in the table,
    "total": 1e308 as 1/0. Such an entry is passed over and its YAML file read instead."""
    import json

    team = project(tmp_path)
    before = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2", "a3", "a4"])
    index = tmp_path / "alice" / ".progress.json"
    entries = json.loads(index.read_text(encoding="utf-8"))
    entries["a1"].update(bad)
    index.write_text(json.dumps(entries), encoding="utf-8")
    after = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2", "a3", "a4"])
    assert after.annotators["alice"] == before.annotators["alice"]
    assert after.parsed_files == 1  # a1's file, read in its place


def test_an_annotated_article_gone_from_the_corpus_is_said(tmp_path):
    """From the team audit: with seeds/art2.txt moved away, status still counted 6 articles, art2
    among them with its annotators, and nothing said it was gone."""
    team = project(tmp_path)
    found = status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a3", "a4"])  # a2 is gone
    assert "1 annotated article not in the corpus ('a2'): counted with the work done on them, routed to nobody" in found.problems
    assert found.articles["a2"]["wanted"] == 2 and found.articles["a2"]["annotators"] == ["alice"]
    assert status_mod.compute(tmp_path, DEFAULT_SCHEME, team, ["a1", "a2", "a3", "a4"]).problems == []
