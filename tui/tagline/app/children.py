"""The tagline commands the app runs as child processes (team status, retraining)."""

from __future__ import annotations

import sys


def tagline_command(session, scheme_source: str, *args: str) -> list[str]:
    """``tagline ARGS`` as a child of the app, on the session's annotation folder and label scheme
    (``-P``: a module named like ours in the working folder never runs instead)."""
    command = [sys.executable, "-P", "-m", "tagline", *args, "--annotations", str(session.root)]
    if scheme_source and scheme_source != "built-in":
        command += ["--labels", scheme_source]
    return command
