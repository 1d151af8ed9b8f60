"""Real Unix users for the tests that need them: made by the test (as root), removed after it, and
commands run as them. The fixtures ``users`` and ``shared_dir`` are in ``conftest.py``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest


def _need_root() -> None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("creating Unix users needs root (CI runs these tests as root)")
    for tool in ("useradd", "userdel", "groupadd", "groupdel", "runuser"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")


@contextmanager
def made_users():
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


@contextmanager
def shared_folder():
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


def home_of(user: str) -> Path:
    """A home folder of ``user``'s own (made the first time), removed with the user."""
    home = Path(tempfile.gettempdir()) / f"home-{user}"
    home.mkdir(exist_ok=True)
    shutil.chown(home, user)
    return home


def tagline_as(user: str, arguments: str, *settings: str) -> str:
    """The shell line that runs ``python -m tagline ARGUMENTS`` as ``user`` in a terminal, umask 002
    as the guide's team folder asks: their own home and settings, a UTF-8 xterm, the interpreter
    and packages of :func:`python_for`; ``settings`` go to ``env`` first (``-u NAME``, ``NAME=value``)."""
    home = home_of(user)
    python, env = python_for(user)
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    given = "".join(f"{setting} " for setting in settings)
    return (
        f"runuser -u {user} -- env {given}HOME={home} XDG_CONFIG_HOME={home}/.config TERM=xterm-256color LANG=C.UTF-8 {exports} "
        f"sh -c 'umask 002; exec {python} -m tagline {arguments}'"
    )


def as_user(user: str, *command: str, umask: str = "022", cwd: Path | None = None) -> subprocess.CompletedProcess:
    home = home_of(user)
    line = f"umask {umask} && exec \"$@\""
    return subprocess.run(
        ["runuser", "-u", user, "--", "env", f"HOME={home}", "sh", "-c", line, "sh", *command],
        capture_output=True, text=True, timeout=60, cwd=cwd,
    )


def group_shared(shared_dir: Path, group: str) -> Path:
    """The annotations folder the guide sets up for a team: owned by its group, group-writable, setgid
    (chgrp team annotations; chmod g+ws annotations)."""
    root = shared_dir / "annotations"
    root.mkdir()
    shutil.chown(root, group=group)
    root.chmod(0o2775)
    return root


def team_project(shared_dir: Path, group: str, names: list[str], stories: int, settings: str = "") -> Path:
    """A team's project as docs/guide/teams.md sets it up, readable by every user: ``stories``
    articles in ``seeds/``, a ``tagline.yaml`` whose team names ``names`` (and has the further
    ``settings`` lines given), and the group-shared annotations folder, which it returns."""
    seeds = shared_dir / "seeds"
    seeds.mkdir()
    for i in range(stories):
        (seeds / f"story{i}.txt").write_text(f"Story {i} begins here. The minister said 40 percent rose.\n", encoding="utf-8")
    for path in [seeds, *seeds.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    (shared_dir / "tagline.yaml").write_text(f"team:\n  annotators: [{', '.join(names)}]\n{settings}", encoding="utf-8")
    (shared_dir / "tagline.yaml").chmod(0o644)
    return group_shared(shared_dir, group)
