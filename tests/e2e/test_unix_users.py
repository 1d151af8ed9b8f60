"""Who may write what on a shared server, with real Unix users and a real group made by the test.

The annotator is the login name. Plain permissions keep one user out of another's folder; in a
group-shared annotations folder (``chgrp team; chmod g+ws``, umask 002) the kernel would let every
member write everywhere, and tagline itself refuses to write into a folder another user owns.
"""

from __future__ import annotations

import json
import pwd
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from unixusers import as_user, group_shared, python_for, tagline_as


pytestmark = pytest.mark.e2e

DRIVER = """
import json, sys
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session

root, annotator = sys.argv[1], sys.argv[2]
article = Article("story", "story.txt", "One sentence here. Another one there.")
session = Session([article], root, annotator, DEFAULT_SCHEME)
outcome = session.toggle("claim")
session.close()
print(json.dumps({"opened": session.first_outcome.message, "toggle": outcome.message, "error": outcome.error}))
"""


REVIEW = """
import json, sys
from tagline.core.adjudication import ReviewStore
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME

root, reviewer = sys.argv[1], sys.argv[2]
store = ReviewStore(root, reviewer, Article("story", "story.txt", "One sentence here. Another one there."), DEFAULT_SCHEME)
store.close()
print(json.dumps({"read_only": store.read_only}))
"""


def annotate(user: str, root: Path, annotator: str, umask: str = "022") -> dict:
    python, env = python_for(user)
    done = as_user(user, "env", *(f"{k}={v}" for k, v in env.items()), python, "-c", DRIVER, str(root), annotator, umask=umask)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def test_plain_permissions_keep_one_user_out_of_another_users_folder(users, shared_dir):
    alice, bob, _ = users
    root = shared_dir / "annotations"
    root.mkdir()
    root.chmod(0o1777)  # anyone may make a folder of their own; each folder is its owner's
    mine = annotate(alice, root, alice)
    assert mine["error"] is False and mine["opened"] == ""
    saved = root / alice / "story.yaml"
    before = saved.read_bytes()
    assert saved.stat().st_uid == pwd.getpwnam(alice).pw_uid
    # The kernel keeps bob out: a plain write fails.
    probe = as_user(bob, "sh", "-c", f"echo x > {root / alice / 'probe'}")
    assert probe.returncode != 0 and "ermission denied" in probe.stderr
    # tagline as bob, naming alice: read-only with one clear line, no traceback, nothing written.
    theirs = annotate(bob, root, alice)
    assert theirs["error"] is True
    assert f"belongs to {alice}, not to you ({bob}); read-only here" in theirs["opened"]
    assert "\n" not in theirs["opened"] and theirs["toggle"] == theirs["opened"]
    assert saved.read_bytes() == before
    assert sorted(p.name for p in (root / alice).iterdir() if not p.name.startswith(".")) == ["story.yaml"]


def test_group_shared_folder_tagline_refuses_what_the_kernel_would_allow(users, shared_dir):
    alice, bob, group = users
    root = group_shared(shared_dir, group)
    mine = annotate(alice, root, alice, umask="002")
    assert mine["error"] is False
    folder = root / alice
    # Made without group write whatever the umask (setgid kept): the kernel keeps bob out too.
    assert folder.stat().st_mode & 0o7777 == 0o2755
    made = sorted(p.name for p in folder.iterdir())
    assert made and all(p.stat().st_mode & 0o022 == 0 for p in folder.iterdir()), made
    probe = as_user(bob, "sh", "-c", f"touch {folder / 'probe'}", umask="002")
    assert probe.returncode != 0 and "ermission denied" in probe.stderr
    for name in made:  # not one file of hers he can change in place either
        probe = as_user(bob, "sh", "-c", f"echo x >> {folder / name}", umask="002")
        assert probe.returncode != 0, name
    before = (folder / "story.yaml").read_bytes()
    theirs = annotate(bob, root, alice, umask="002")
    assert theirs["error"] is True and f"belongs to {alice}" in theirs["opened"]
    assert (folder / "story.yaml").read_bytes() == before
    assert not (folder / "story.journal").exists()
    # Nor may bob make a folder under a name that is not his login name, to be found there later.
    other = annotate(bob, root, "carol", umask="002")
    assert other["error"] is True and f"annotate as your login name ({bob}), not carol" in other["opened"]
    assert not (root / "carol").exists()
    # Under his own name, bob annotates as usual.
    own = annotate(bob, root, bob, umask="002")
    assert own["error"] is False and (root / bob / "story.yaml").is_file()


def test_the_app_as_another_user_says_why_in_one_line(users, shared_dir, terminal):
    """The real program in a real terminal: bob opens alice's work and is told, not shown a traceback."""
    alice, bob, group = users
    root = group_shared(shared_dir, group)
    annotate(alice, root, alice, umask="002")
    article = shared_dir / "story.txt"
    article.write_text("One sentence here. Another one there.\n", encoding="utf-8")
    article.chmod(0o644)
    before = (root / alice / "story.yaml").read_bytes()
    terminal.run(f"cd {shared_dir} && " + tagline_as(bob, f"open story.txt --annotations annotations --annotator {alice} --model none"))
    screen = terminal.wait_for("read-only here", timeout=30)
    flat = " ".join(screen.replace("▌", " ").split())  # the toast wraps the line
    assert "Traceback" not in screen
    assert f"belongs to {alice}, not to you ({bob});" in flat and "read-only here" in flat
    terminal.keys("c")
    terminal.keys("C-q")
    terminal.wait_for("TAGLINE-EXIT-0", timeout=30)
    assert (root / alice / "story.yaml").read_bytes() == before


def test_a_world_writable_annotations_folder_takes_no_other_name(users, shared_dir):
    """annotations/ made writable by everyone (chmod 1777): nobody makes a folder for someone else,
    who would then find it theirs-but-not-theirs, their own tagline refusing it."""
    alice, bob, _ = users
    root = shared_dir / "annotations"
    root.mkdir()
    root.chmod(0o1777)
    theirs = annotate(bob, root, alice)
    assert theirs["error"] is True
    assert f"is shared by everyone: annotate as your login name ({bob}), not {alice}" in theirs["opened"]
    assert not (root / alice).exists()
    mine = annotate(alice, root, alice)
    assert mine["error"] is False and (root / alice / "story.yaml").stat().st_uid == pwd.getpwnam(alice).pw_uid


def test_import_makes_no_folder_for_a_colleague_in_a_shared_annotations_folder(users, shared_dir):
    """From the team audit: as bob, ``tagline import rows.jsonl --annotator alice`` into a
    world-writable annotations folder made ``annotations/alice`` owned by bob, and alice's own
    tagline then found her folder read-only, hers taken. A row's ``meta.annotator`` did the same.
    Import refuses as the app does, with one line; under bob's own name it imports."""
    alice, bob, _ = users
    root = shared_dir / "annotations"
    root.mkdir()
    root.chmod(0o1777)
    rows = shared_dir / "rows.jsonl"
    rows.write_text(json.dumps({"text": "It rained.", "labels": ["claim"], "status": "done", "article": "story",
                                "annotator": alice}) + "\n", encoding="utf-8")
    rows.chmod(0o644)
    python, env = python_for(bob)
    settings = [f"{k}={v}" for k, v in env.items()]
    for given in (["--annotator", alice], []):  # the option, then the row's own annotator
        done = as_user(bob, "env", *settings, python, "-m", "tagline", "import", str(rows), "--format", "jsonl",
                       "--annotations", str(root), *given)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert f"is shared by everyone: annotate as your login name ({bob}), not {alice}" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert not (root / alice).exists()
    done = as_user(bob, "env", *settings, python, "-m", "tagline", "import", str(rows), "--format", "jsonl",
                   "--annotations", str(root), "--annotator", bob)
    assert done.returncode == 0, done.stderr
    assert (root / bob / "story.yaml").stat().st_uid == pwd.getpwnam(bob).pw_uid
    assert not (root / bob).stat().st_mode & 0o022
    mine = annotate(alice, root, alice)  # and alice's own folder is still hers to make
    assert mine["error"] is False


def test_files_another_member_planted_in_a_folder_are_never_read_or_written_through(users, shared_dir):
    """alice's folder as an older tagline made it under umask 002 (group-writable): bob put a link
    where her lock goes, to a file of hers, and a journal of his own with an answer in it. tagline
    neither truncates the file behind the link nor reads bob's journal as her work; once she removes
    them it works, and her folder is no longer group-writable."""
    alice, bob, group = users
    root = group_shared(shared_dir, group)
    folder = root / alice
    assert as_user(alice, "mkdir", str(folder), umask="002").returncode == 0
    assert folder.stat().st_mode & 0o020
    secret = Path(tempfile.gettempdir()) / f"home-{alice}" / "secret"
    assert as_user(alice, "sh", "-c", f"echo precious > {secret}").returncode == 0
    forged = json.dumps({"start": 0, "end": 18, "text": "One sentence here.", "status": "done", "labels": ["quote"],
                         "flag": False, "note": "", "updated": "", "extra": {}})
    journal, lock = folder / "story.journal", folder / ".story.lock"
    assert as_user(bob, "sh", "-c", f"ln -s {secret} {lock} && printf '%s\\n' '{forged}' > {journal}", umask="002").returncode == 0
    first = annotate(alice, root, alice, umask="002")
    assert first["error"] is True
    assert f"story.journal belongs to {bob}, not to you ({alice}): remove it to annotate; read-only here" in first["opened"]
    assert not (folder / "story.yaml").exists() and secret.read_text() == "precious\n"
    assert folder.stat().st_mode & 0o7777 == 0o2755  # her folder: bob can plant nothing more
    assert as_user(alice, "rm", str(journal)).returncode == 0
    second = annotate(alice, root, alice, umask="002")
    assert second["error"] is True and ".story.lock is a link (tagline never makes one)" in second["opened"]
    assert not (folder / "story.yaml").exists() and secret.read_text() == "precious\n"
    assert as_user(alice, "rm", str(lock)).returncode == 0
    third = annotate(alice, root, alice, umask="002")
    assert third["error"] is False
    saved = yaml.safe_load((folder / "story.yaml").read_text())
    assert [s["labels"] for s in saved["sentences"]] == [["claim"], []]  # hers, without bob's quote
    assert secret.read_text() == "precious\n"


def review(user: str, root: Path, reviewer: str) -> dict:
    python, env = python_for(user)
    done = as_user(user, "env", *(f"{k}={v}" for k, v in env.items()), python, "-c", REVIEW, str(root), reviewer, umask="002")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def test_decisions_go_to_the_reviewers_own_folder_only(users, shared_dir):
    """In the group-shared folder: a reviewer who also annotates (their folder made by an older
    tagline, group-writable) records decisions; nobody records them in a folder made for someone else."""
    alice, bob, group = users
    root = group_shared(shared_dir, group)
    assert as_user(alice, "mkdir", str(root / alice), umask="002").returncode == 0
    assert review(alice, root, alice) == {"read_only": None}
    assert (root / alice / "decisions").stat().st_uid == pwd.getpwnam(alice).pw_uid
    theirs = review(alice, root, bob)
    assert f"annotate as your login name ({alice}), not {bob}" in theirs["read_only"]
    assert not (root / bob).exists()


def test_answers_planted_in_a_colleagues_folder_are_never_exported_or_counted_as_theirs(users, shared_dir):
    """bob wrote a file into alice's folder while an older tagline left it group-writable: export
    and status leave it out, each saying whose it is, and read alice's own file as usual."""
    alice, bob, group = users
    root = group_shared(shared_dir, group)
    folder = root / alice
    assert as_user(alice, "mkdir", str(folder), umask="002").returncode == 0
    source = shared_dir / "forged.yaml"
    source.write_text(yaml.safe_dump({
        "schema": "tagline.annotations/1", "article": {"id": "other", "path": "other.txt"}, "annotator": alice,
        "labels": ["claim", "quote", "statistic"],
        "sentences": [{"index": 0, "start": 0, "end": 4, "text": "One.", "status": "done", "labels": ["quote"]}]}))
    source.chmod(0o644)
    made = as_user(bob, "cp", str(source), str(folder / "other.yaml"), umask="002")
    assert made.returncode == 0, made.stderr
    assert annotate(alice, root, alice, umask="002")["error"] is False  # her folder is hers alone from now on
    for command in (["export", "--format", "jsonl", "--merge", "each"], ["status", "--format", "json"]):
        done = subprocess.run([sys.executable, "-m", "tagline", *command, "--annotations", str(root)],
                              capture_output=True, text=True, timeout=60, cwd=shared_dir)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert f"other.yaml: belongs to {bob}, not to {alice} whose folder it is in; left out" in done.stderr
        if command[0] == "export":
            rows = [json.loads(line) for line in done.stdout.splitlines()]
            assert {(r["article"], r["annotator"]) for r in rows} == {("story", alice)}
        else:
            assert json.loads(done.stdout)["annotators"][alice]["started"] == 1


def test_status_says_an_article_its_user_cannot_read(users, shared_dir):
    """``tagline status corpus`` counted an article its user could not read as "not started",
    without a word, where the contract has status say every file it could not list or read."""
    alice, _, _ = users
    corpus = shared_dir / "corpus"
    corpus.mkdir()
    (corpus / "open.txt").write_text("The mayor said it rained.\n", encoding="utf-8")
    (corpus / "secret.txt").write_text("The mayor said it snowed.\n", encoding="utf-8")
    (corpus / "secret.txt").chmod(0o600)  # root's: alice cannot read it
    (shared_dir / "annotations").mkdir()
    python, env = python_for(alice)
    done = as_user(alice, "env", *(f"{k}={v}" for k, v in env.items()), python, "-m", "tagline", "status", "corpus",
                   "--format", "json", cwd=shared_dir)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines() == ["tagline: corpus/secret.txt: cannot be read (Permission denied)"]
    assert sorted(json.loads(done.stdout)["articles"]) == ["open", "secret"]  # still the corpus's, said


def test_a_folder_made_under_a_colleagues_name_is_read_as_nobodys(users, shared_dir):
    """From the team audit: in the group-shared folder the guide sets up, bob moved alice's folder
    aside, made ``annotations/<alice>`` himself and wrote answers there (by hand, then with tagline
    under her name); export, agree and status read them as alice's without a word."""
    alice, bob, group = users
    root = group_shared(shared_dir, group)
    assert annotate(alice, root, alice, umask="002")["error"] is False
    moved = as_user(bob, "sh", "-c", f"mv {root / alice} {root / '.aside'} && mkdir {root / alice} && "
                    f"sed 's/claim/quote/' {root / '.aside' / 'story.yaml'} > {root / alice / 'story.yaml'}", umask="002")
    assert moved.returncode == 0, moved.stderr  # the kernel allows it: no sticky bit on annotations/
    said = f"{root / alice}: is named for {alice} but belongs to {bob}; left out (only {alice} makes that folder)"
    python, env = python_for(alice)
    done = as_user(alice, "env", *(f"{k}={v}" for k, v in env.items()), python, "-m", "tagline", "export", "--format", "jsonl",
                   "--annotations", str(root), cwd=shared_dir)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert said in done.stderr.splitlines()[0] and "quote" not in done.stdout
    from tagline.core import status as status_mod
    from tagline.core.labels import DEFAULT_SCHEME

    found = status_mod.compute(root, DEFAULT_SCHEME)
    assert said in found.problems and alice not in found.annotators
    # Nor does tagline, run by bob under her name, write into the folder he made for her.
    forged = annotate(bob, root, alice, umask="002")
    assert forged["error"] is True and f"is named for {alice}, not for you ({bob}); read-only here" in forged["opened"]
