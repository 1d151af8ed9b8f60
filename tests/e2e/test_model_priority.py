"""The model process lets the annotator's keys come first: it lowers its own priority, and, being
in a session of its own, its scheduling group's too (with the kernel's autogroup, a niceness alone
only ranks a process within its session's group, so the model parsed at the UI's weight)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tagline.core import nlp

pytestmark = [pytest.mark.e2e, pytest.mark.model]


def niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def test_the_model_process_yields_to_the_app():
    service = nlp.EntityService(nlp.resolve_model("en_core_web_sm"))
    try:
        assert service.submit(["Angela Merkel spoke in Berlin."]).result(timeout=120)
        pid = service._process.pid
        assert niceness(pid) >= niceness(os.getpid()) + 10 or niceness(pid) == 19
        group = Path(f"/proc/{pid}/autogroup")
        if group.exists() and Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1":
            assert group.read_text().split()[-1] == "10", group.read_text()
            # and the app's own group is left as it was
            assert Path("/proc/self/autogroup").read_text() != group.read_text()
    finally:
        service.close()
