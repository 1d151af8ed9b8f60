"""Background processes of the reader step back for the annotator's keys."""

from __future__ import annotations

import os


def yield_to_keys() -> None:
    """Let the annotator's keys come first: a lower priority for this process. Started in a session
    of its own, it is also in a scheduling group of its own where the kernel groups by session
    (autogroup, on by default in most distributions): a niceness alone would then only rank it
    against itself, so the group's niceness is raised too. Nothing changes while the app is idle:
    the work still has every spare cycle."""
    try:
        os.nice(10)
    except OSError:
        pass
    if os.getsid(0) == os.getpid():  # our own session: the autogroup is ours alone
        try:
            with open("/proc/self/autogroup", "w") as group:
                group.write("10")
        except OSError:
            pass
