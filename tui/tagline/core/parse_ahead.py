"""Parsing ahead, in parallel processes, the annotation files nobody has a parsed form of yet.

The corpus commands (agree, export, stats, review, status) read every file of a project one at a
time. A file is quick to read once its parsed form is kept (:func:`tagline.core.annofile.read`);
the first read of a file nobody has parsed (another annotator's, one pulled with git, imported or
written by hand) is YAML, about 2 ms a file of 30 sentences, nearly all of it in PyYAML's
pure-Python constructor. A project of 10,000 such files took over three minutes on its first
``status``.

:func:`warming` hands those files, from the last, to a few processes while the command reads them
from the first: each process parses its share with :func:`annofile.read`, which keeps the parsed
form in this user's cache, and the command's reads (in order, one at a time, with every check and
every message as before) find the forms the processes have kept by then, and parse the others
themselves. A process only ever writes those forms: a file it cannot read or parse is left for the
command's read to say, and a process that fails costs nothing but the time it took. The processes
are plain child interpreters given the paths on their standard input (no multiprocessing start method, so nothing
of the caller's ``__main__`` runs again in them).
"""

from __future__ import annotations

import contextlib
import math
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from tagline.core import annofile, safefile

#: Files to parse before processes pay for their start (about a tenth of a second each).
WARM_AT = 200
#: Files a process is given at least, and the most processes started.
PER_PROCESS = 100
MAX_PROCESSES = 8
#: Files larger than this are left to the command's own read: a child never holds a huge one.
MAX_AHEAD_BYTES = 1 << 20
#: Files looked at before the whole list is: when most of them have forms, nothing is started.
SAMPLE = 64


def cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def idle_cpus() -> int:
    """The CPUs other than this process's own that are idle by the last minute's load, less one for
    the command itself: on a machine others keep busy, a child only takes CPU from the command
    (parse-ahead made a read slower, x 1.3, in an outside audit). A command just started is not in
    the load yet, so on 2 CPUs a child still starts up to a load of 1.5: beside one busy process
    (load 1.0 to 1.4) that was faster, 9.2 to 12.5 s against 12.3 to 13.3 s for agree on 3,000 files."""
    total = cpus()
    try:
        others = max(0.0, os.getloadavg()[0] - 1.0)  # the load counts this process, busy reading
    except (AttributeError, OSError):
        others = 0.0
    return max(0, min(total - 1, int(total - 1 - others + 0.5)))


def unparsed(paths: Iterable[Path]) -> list[Path]:
    """The files of ``paths`` of which no parsed form is kept (:func:`kept`)."""
    return [path for path in paths if not kept(path)]


def kept(path: Path) -> bool:
    """Whether a parsed form of ``path`` is kept: one in this user's cache for its bytes, or one
    beside it written after it. (Such a form may still turn out stale or refused; the file's read
    then parses the YAML, as it would have.) True for a file that cannot be read: its own read
    says why."""
    try:
        beside = annofile.parsed_path(path)
        if beside.exists() and beside.stat().st_mtime_ns >= path.stat().st_mtime_ns:
            return True
        if path.stat().st_size > MAX_AHEAD_BYTES:
            return True  # left to the command's own read
        raw = safefile.read_bytes(path, MAX_AHEAD_BYTES)
        mine = annofile.own_parsed_path(annofile.digest_of(raw))
        # A form another user left in a shared $TAGLINE_CACHE is not read, but no child could
        # replace it either (named by the bytes alone, in a sticky folder): nothing to hand out.
        return mine is not None and mine.exists()
    except OSError:
        return True


@contextlib.contextmanager
def warming(paths: Iterable[Path]) -> Iterator[int]:
    """While the body reads ``paths`` in their order, parse ahead in other processes the files no
    parsed form is kept of, starting from the last: the body and the processes meet in between,
    and what the body reaches first it parses itself, as ever. Yields how many files the processes
    were given: none under :data:`WARM_AT` such files, with no idle CPU, or when this user has no
    cache folder to keep the forms in. On leaving, the processes are stopped: by then the body has
    read every file, and what they have left would only be done twice."""
    children = _start(list(paths))
    try:
        yield sum(count for _, count in children)
    finally:
        for child, _ in children:
            if child.poll() is None:
                child.terminate()  # the child leaves no half-written form: it stops between files
        for child, _ in children:
            try:
                child.wait(timeout=2)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def _start(paths: list[Path]) -> list[tuple[subprocess.Popen, int]]:
    """The parsing processes for ``paths``, each with how many files it was given."""
    processes = min(idle_cpus(), MAX_PROCESSES)  # and this process reads too
    if processes < 1 or len(paths) < WARM_AT or not sys.executable or not _cache_writable():
        return []
    step = max(1, len(paths) // SAMPLE)
    sample = paths[::step]
    # a warm read pays no hash of every file: only when the sample says there may be enough cold
    # ones (600 of 3,000 cold is 13 of a sample of 66, and worth the look)
    if len(unparsed(sample)) * len(paths) < len(sample) * WARM_AT // 2:
        return []
    cold = unparsed(paths)
    if len(cold) < WARM_AT:
        return []
    cold.reverse()  # the body reads from the first
    processes = min(processes, math.ceil(len(cold) / PER_PROCESS))
    package_parent = str(Path(__file__).resolve().parent.parent.parent)
    code = f"import sys; sys.path.insert(0, {package_parent!r}); from tagline.core.parse_ahead import main; main()"
    children: list[tuple[subprocess.Popen, int]] = []
    for i in range(processes):
        share = cold[i::processes]
        try:
            # -P: the working folder is not on the child's path ("-c" puts it first), so a yaml.py
            # in the project is never imported as code
            child = subprocess.Popen([sys.executable, "-P", "-c", code, str(os.getpid())], stdin=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True)
        except OSError:  # no process could be started: the body parses
            break
        try:
            with child.stdin:
                child.stdin.write(b"\0".join(os.fsencode(os.path.abspath(p)) for p in share))
        except OSError:  # it died: its files are parsed by the body
            pass
        children.append((child, len(share)))
    return children


def _cache_writable() -> bool:
    folder = annofile.own_parsed_folder()
    if folder is None:
        return False
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def main() -> None:
    """A parsing process: the paths on standard input, separated by NUL bytes; the command's
    process id as its argument. A file whose form the command (or anyone) has kept meanwhile is
    passed over, and once the command is gone (killed, or its session closed) the process stops."""
    import gc
    import signal

    gc.disable()  # nothing a file leaves behind is kept: the collector only walks the parse
    command = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else os.getppid()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))  # asked to stop: after the file in hand
    _die_with_parent()
    given = sys.stdin.buffer.read()
    for raw in given.split(b"\0") if given else []:
        if stop or os.getppid() != command:
            return
        path = Path(os.fsdecode(raw))
        if kept(path):
            continue
        try:
            annofile.read(path)
        except Exception:  # noqa: BLE001 - said by the file's own read in the command
            continue


def _die_with_parent() -> None:
    """Linux: the kernel kills this process when the thread that started it ends (a command killed
    with SIGKILL mid-read), rather than letting it finish the file in hand for nobody."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
