"""Reading a file named by a user or found in a folder, without trusting what it is.

A FIFO named ``x.yaml`` blocks ``read()`` for ever, and ``/dev/zero`` given as ``--labels`` never
ends: every file tagline reads whole goes through :func:`open_regular`, which opens without blocking,
refuses anything but a regular file, and refuses a file larger than the reader's limit. Each refusal
is an :class:`OSError` whose ``strerror`` is the one-line reason, so callers that already report
``cannot read (<strerror>)`` say it as they are.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

MB = 1024 * 1024
#: Small files a person writes: a label scheme, ``tagline.yaml``, settings, a theme, the token file.
SMALL = 16 * MB


def _size(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size:,} bytes"


def open_regular(path: str | Path, limit: int | None = None, pipes: bool = False) -> BinaryIO:
    """``path`` opened for reading in binary, or :class:`OSError` ("not a regular file", "too large
    (…; the limit is …)") without blocking on a FIFO or reading a device. ``pipes``: a pipe is
    read too (a file named on the command line, such as ``--labels <(…)``; read up to ``limit``)."""
    if pipes and stat.S_ISFIFO(os.stat(path).st_mode):
        return open(path, "rb")  # blocks until a writer opens it, as the user asked
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if limit is not None and info.st_size > limit:
            raise OSError(errno.EFBIG, f"too large ({_size(info.st_size)}; the limit is {_size(limit)})", str(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: str | Path, limit: int | None = None, pipes: bool = False) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see :func:`open_regular`)."""
    with open_regular(path, limit, pipes) as handle:
        data = handle.read() if limit is None else handle.read(limit + 1)
    if limit is not None and len(data) > limit:  # it grew while being read
        raise OSError(errno.EFBIG, f"too large (over {_size(limit)})", str(path))
    return data


def read_text(path: str | Path, limit: int | None = SMALL, pipes: bool = False) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes; ``UnicodeDecodeError`` when it
    is not UTF-8."""
    return read_bytes(path, limit, pipes).decode("utf-8")


def kind(path: str | Path) -> str | None:
    """What is at ``path``, in words for a message ("a FIFO", "a character device", "a link loop",
    …), following links; None when nothing is there."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        if not os.path.lexists(path):
            return None
        if error.errno == errno.ELOOP:
            return "a link loop"
        if error.errno == errno.ENOENT:
            return "a broken link"
        return f"unreadable ({error.strerror})"
    for test, words in ((stat.S_ISREG, "a file"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"),
                        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return words
    return "not a file"


def broken_link(path: str | Path, option: str = "--out") -> str | None:
    """Why nothing should be written at ``path``, in one line naming the link: it, or a folder on
    the way to it, is a link that names nothing (a broken link, a loop). Writing through it made the file, and the folders above
    it, wherever the link pointed. None when there is no such link."""
    path = Path(path)
    for here in (path, *path.parents):
        if os.path.islink(here) and not os.path.exists(here):
            try:
                where = os.readlink(here)
            except OSError:
                where = "?"
            what = kind(here) or "a broken link"
            return f"{here}: {what} (to {where}); nothing is written through it: remove it or give another {option}"
    return None


def not_a_folder(path: str | Path, what: str = "folder") -> str:
    """Why ``path``, expected to be a folder, is not one: "no such <what>" or "not a folder (a file)"."""
    found = kind(path)
    return f"no such {what}" if found is None else f"not a folder ({found})"
