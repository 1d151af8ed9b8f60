"""Who may use ``tagline serve``: one secret token per annotator, kept as a hash in a file of its own.

The file is ``<annotations>/.serve-tokens.yaml``, beside the annotations it gives access to (a
server per project; the leading dot keeps it out of every listing of annotator folders)::

    # tagline serve: who may log in. Written by `tagline serve --add-annotator NAME`.
    annotators:
      alice: {sha256: 5e88…, added: '2026-12-01T22:40:00Z'}

Only the SHA-256 of each token is stored, so reading the file does not let anyone in. (A token is 32
random bytes from :mod:`secrets`: a plain hash is enough; no slow hash is needed for a secret that
cannot be guessed.) The file is created with mode 0600 and replaced atomically (a new file opened
``O_EXCL``, then ``os.replace``), and it is only trusted when it is a regular file owned by the user
running the server and unreadable by anyone else: in a group-writable annotation folder another
member could replace it, but not with a file owned by the server's user.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from tagline.core import safefile, safeyaml
from tagline.core.store import annotator_problem, now

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None

FILE_NAME = ".serve-tokens.yaml"
HEADER = "# tagline serve: who may log in. Written by `tagline serve --add-annotator NAME`.\n"


class TokenFileError(Exception):
    """The token file cannot be trusted or read: one line for the user."""


def token_file(annotations: str | Path) -> Path:
    return Path(annotations) / FILE_NAME


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Tokens:
    """The annotators who may log in: name -> SHA-256 (hex) of their token."""

    hashes: dict[str, str]

    def who(self, token: str) -> str | None:
        """The annotator whose token this is, or None. Every entry is compared, each in constant
        time, so neither the answer's timing nor its position says anything about the stored ones."""
        presented = digest(token)
        found = None
        for name, stored in self.hashes.items():
            if hmac.compare_digest(presented, stored):
                found = name
        return found


def load(path: Path) -> Tokens:
    """The tokens in ``path`` (none when there is no file); :class:`TokenFileError` when the file is
    not one to trust: not a regular file, someone else's, readable or writable by others, or not ours."""
    try:
        # O_NONBLOCK: a FIFO put where the file goes (the annotation folder may be group-writable)
        # would block the open until someone writes to it; refused below as not a regular file.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return Tokens({})
    except OSError as error:
        raise TokenFileError(f"cannot read {path}: {error.strerror or error}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise TokenFileError(f"{path} is not a regular file")
        if info.st_uid != os.geteuid():
            raise TokenFileError(f"{path} belongs to user id {info.st_uid}, not to the user running tagline serve")
        if info.st_mode & 0o077:
            raise TokenFileError(f"{path} can be read or written by others (mode {stat.S_IMODE(info.st_mode):04o}): chmod 600 it")
        raw = handle.read()
    try:
        data = safeyaml.load(raw.decode("utf-8")) or {}
    except UnicodeDecodeError:
        raise TokenFileError(f"{path} is not a readable token file (YAML)") from None
    except yaml.YAMLError as error:
        reason = " ".join(str(error).split())[:160]
        raise TokenFileError(f"{path} is not a readable token file (YAML: {reason})") from None
    entries = data.get("annotators") if isinstance(data, dict) else None
    if entries is None:
        entries = {}
    if not isinstance(entries, dict):
        raise TokenFileError(f"{path}: 'annotators' is not a mapping")
    hashes = {}
    for name, entry in entries.items():
        if not isinstance(name, str) or annotator_problem(name):
            raise TokenFileError(f"{path}: {name!r} is not a usable annotator name")
        value = entry.get("sha256") if isinstance(entry, dict) else None
        if not isinstance(value, str) or len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
            raise TokenFileError(f"{path}: {name!r} has no valid sha256")
        hashes[name] = value
    return Tokens(hashes)


def add(path: Path, name: str) -> tuple[str, bool]:
    """Give ``name`` a new token (replacing any earlier one, which stops working): returns the token,
    shown once and never stored, and whether an earlier token was replaced."""
    problem = annotator_problem(name)
    if problem:
        raise ValueError(problem)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        data = _raw(path)
        token = secrets.token_urlsafe(32)
        annotators = data.setdefault("annotators", {})
        replaced = name in annotators
        annotators[name] = {"sha256": digest(token), "added": now()}
        _write(path, data)
    return token, replaced


def _raw(path: Path) -> dict:
    load(path)  # the same checks before anything in it is kept
    if not path.exists():
        return {}
    data = safeyaml.load(safefile.read_text(path)) or {}
    if not isinstance(data.get("annotators"), dict):
        data["annotators"] = {}
    return data


def _write(path: Path, data: dict) -> None:
    text = HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=False, default_flow_style=None, width=200)
    temporary = path.with_name(f"{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    try:
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)


class _locked:
    """Two ``--add-annotator`` at once: one after the other, so neither loses the other's entry (a
    ``flock`` on the folder: no lock file is left behind)."""

    def __init__(self, path: Path) -> None:
        self.folder = path.parent
        self.fd = -1

    def __enter__(self):
        self.fd = os.open(self.folder, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        if fcntl is not None:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        os.close(self.fd)
