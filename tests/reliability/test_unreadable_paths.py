"""Files and folders the user may not read, for real: ``chmod 000``, and the program run without
the capabilities that let root read them anyway (``setpriv``), so the kernel refuses as it would
refuse any other user.

Before, ``status`` left an unreadable folder of articles out of its counts without a word.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e  # the program runs as a process of its own


def as_a_user(*arguments: str) -> list[str]:
    command = [sys.executable, "-m", "tagline", *arguments]
    if os.geteuid() != 0:
        return command
    if shutil.which("setpriv") is None:
        pytest.skip("root reads every file; setpriv is needed to run without that")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "annotations").mkdir()
    for folder in ("open", "locked"):
        (tmp_path / "corpus" / folder).mkdir(parents=True)
        (tmp_path / "corpus" / folder / f"{folder}.txt").write_text("The mayor said it rained.\n", encoding="utf-8")
    (tmp_path / "corpus" / "locked").chmod(0)
    yield tmp_path
    (tmp_path / "corpus" / "locked").chmod(0o755)


def test_status_says_which_folder_it_could_not_read(corpus):
    env = {**os.environ, "TAGLINE_ANNOTATOR": "tester"}
    done = subprocess.run(as_a_user("status", "corpus", "--format", "json"), cwd=corpus, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == ["tagline: corpus/locked: cannot read (Permission denied)"]
    assert '"open"' in done.stdout and '"locked"' not in done.stdout
