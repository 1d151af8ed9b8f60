"""The parsing process a Dask worker's task hands its paragraphs to (no cluster needed)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from tagline.core import nlp
from tagline.core.parser_process import ParserProcess, single_threaded
from procs import state_once_ended

pytestmark = pytest.mark.e2e  # starts processes

TEXTS = ["Apple said on Monday it would buy a London start-up for $50 million.",
         "Angela Merkel met Emmanuel Macron in Paris.", ""]


@pytest.mark.model
def test_it_parses_as_the_pool_does_and_stays_single_threaded():
    model = nlp.resolve_model(nlp.DEFAULT_MODEL)
    # This process has threads; the parsing process must not inherit that state (glibc's mutexes
    # take atomic instructions once a process has had a second thread: 9 to 14% more CPU).
    threading.Thread(target=lambda: None).start()
    assert single_threaded() is False
    parser = ParserProcess(model.package)
    try:
        assert parser.parse(TEXTS) == [[list(e) for e in ents] for ents in nlp.entities_in_process(model.package, TEXTS)]
        probe = parser.probe()
        assert probe["pid"] == parser.process.pid != os.getpid()
        assert probe["single_threaded"] is True
        assert len(os.listdir(f"/proc/{probe['pid']}/task")) == 1
    finally:
        parser.close()
    assert parser.process.returncode == 0


def test_a_model_that_does_not_load_is_a_model_error():
    with pytest.raises(nlp.ModelError, match=r"^cannot load no_such_model_xyz: .* \(on a worker\)$"):
        ParserProcess("no_such_model_xyz", where=" (on a worker)")


@pytest.mark.model
def test_it_leaves_when_its_parent_dies_mid_request(tmp_path):
    # A parent (as a Dask worker would be) killed while its parsing process is busy with a long
    # request: the process must not parse on for nobody.
    model = nlp.resolve_model(nlp.DEFAULT_MODEL)
    script = (
        "import sys, threading; from tagline.core.parser_process import ParserProcess\n"
        f"p = ParserProcess({model.package!r}); print(p.process.pid, flush=True)\n"
        "threading.Thread(target=p.parse, args=(['Apple bought a London start-up in May.'] * 200000,)).start()\n"
        "sys.stdin.read()\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        time.sleep(1)  # the request is being parsed
        parent.kill()
        parent.wait()
        assert state_once_ended(child, 60, poll=0.1) in ("Z", "gone")
    finally:
        if parent.poll() is None:
            parent.kill()
