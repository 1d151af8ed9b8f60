"""Who may write what on a shared server, with real Unix users and a real group made by the test.

The annotator is the login name. Plain permissions keep one user out of another's folder; in a
group-shared annotations folder (``chgrp team; chmod g+ws``, umask 002) the kernel would let every
member write everywhere, and tagline itself refuses to write into a folder another user owns.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest


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


def _need_root() -> None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("creating Unix users needs root (CI runs these tests as root)")
    for tool in ("useradd", "userdel", "groupadd", "groupdel", "runuser"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")


@pytest.fixture
def users():
    """Two users (and a group holding both) that exist only for this test."""
    _need_root()
    tag = uuid.uuid4().hex[:6]
    alice, bob, group = f"tla{tag}", f"tlb{tag}", f"tlteam{tag}"
    made: list[tuple[str, str]] = []
    try:
        subprocess.run(["groupadd", group], check=True, capture_output=True)
        made.append(("groupdel", group))
        for name in (alice, bob):
            subprocess.run(["useradd", "-M", "-N", "-g", group, "-s", "/bin/sh", name], check=True, capture_output=True)
            made.append(("userdel", name))
        yield alice, bob, group
    finally:
        for tool, name in reversed(made):
            # -f: a process of the user's may still be on its way out (the terminal just closed).
            subprocess.run([tool, "-f", name] if tool == "userdel" else [tool, name], capture_output=True)
            shutil.rmtree(Path(tempfile.gettempdir()) / f"home-{name}", ignore_errors=True)


@pytest.fixture
def shared_dir():
    """A folder every user can reach (pytest's own tmp folder is root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="tagline-users-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def python_for(user: str) -> tuple[str, dict[str, str]]:
    """An interpreter ``user`` may run, and the environment that finds tagline and its packages.

    The test's own interpreter may live where other users cannot reach (under /root, with pyenv):
    then the system's Python of the same version runs the same installed packages."""
    import site
    import tagline

    ours = os.path.realpath(sys.executable)
    if subprocess.run(["runuser", "-u", user, "--", "test", "-x", ours]).returncode == 0:
        candidates = [sys.executable]
    else:
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        candidates = [p for p in (f"/usr/bin/{version}", f"/usr/local/bin/{version}") if os.path.exists(p)]
        if not candidates:
            pytest.skip(f"{ours} is not executable by other users and no system {version} exists")
    paths = [str(Path(tagline.__file__).resolve().parents[1]), *site.getsitepackages()]
    for path in paths:  # a checkout or venv under a private home (/root is 0700) is out of reach
        if subprocess.run(["runuser", "-u", user, "--", "test", "-r", path, "-a", "-x", path]).returncode != 0:
            pytest.skip(f"{path} cannot be read by other users: put the checkout and its venv where they can")
    return candidates[0], {"PYTHONPATH": os.pathsep.join(paths)}


def as_user(user: str, *command: str, umask: str = "022", cwd: Path | None = None) -> subprocess.CompletedProcess:
    home = Path(tempfile.gettempdir()) / f"home-{user}"
    home.mkdir(exist_ok=True)
    shutil.chown(home, user)
    line = f"umask {umask} && exec \"$@\""
    return subprocess.run(
        ["runuser", "-u", user, "--", "env", f"HOME={home}", "sh", "-c", line, "sh", *command],
        capture_output=True, text=True, timeout=60, cwd=cwd,
    )


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
    root = shared_dir / "annotations"
    root.mkdir()
    shutil.chown(root, group=group)
    root.chmod(0o2775)  # chgrp team annotations; chmod g+ws annotations
    mine = annotate(alice, root, alice, umask="002")
    assert mine["error"] is False
    folder = root / alice
    assert folder.stat().st_mode & 0o2020 == 0o2020  # group-writable, setgid: the kernel lets bob in
    probe = as_user(bob, "sh", "-c", f"touch {folder / 'probe'} && rm {folder / 'probe'}", umask="002")
    assert probe.returncode == 0, probe.stderr
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
    root = shared_dir / "annotations"
    root.mkdir()
    shutil.chown(root, group=group)
    root.chmod(0o2775)
    annotate(alice, root, alice, umask="002")
    article = shared_dir / "story.txt"
    article.write_text("One sentence here. Another one there.\n", encoding="utf-8")
    article.chmod(0o644)
    before = (root / alice / "story.yaml").read_bytes()
    home = Path(tempfile.gettempdir()) / f"home-{bob}"
    home.mkdir(exist_ok=True)
    shutil.chown(home, bob)
    python, env = python_for(bob)
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    terminal.run(
        f"cd {shared_dir} && runuser -u {bob} -- env HOME={home} XDG_CONFIG_HOME={home}/.config TERM=xterm-256color LANG=C.UTF-8 {exports} "
        f"sh -c 'umask 002; exec {python} -m tagline open story.txt --annotations annotations --annotator {alice} --model none'"
    )
    screen = terminal.wait_for("read-only here", timeout=30)
    flat = " ".join(screen.replace("▌", " ").split())  # the toast wraps the line
    assert "Traceback" not in screen
    assert f"belongs to {alice}, not to you ({bob});" in flat and "read-only here" in flat
    terminal.keys("c")
    terminal.keys("C-q")
    terminal.wait_for("TAGLINE-EXIT-0", timeout=30)
    assert (root / alice / "story.yaml").read_bytes() == before
