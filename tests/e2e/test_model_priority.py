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


def test_the_duplicate_scan_yields_to_the_app_in_a_group_of_its_own():
    """The near-duplicate scan, like the model, runs in a session and so a scheduling group of its
    own, at a lower weight. In the app's own group it spent the group's share: when a key woke the
    app, the group had none left and the key waited for a CPU behind other groups' work (8 to 32 ms
    under the scan of a 50,000-sentence corpus, ``bench/background.py --trace``)."""
    import asyncio

    from tagline.core.duplicates_worker import DuplicateScan

    ones = "zero one two three four five six seven eight nine".split()
    lines = [f"Item {' '.join(ones[int(d)] for d in str(i))} says that the council approved the budget." for i in range(3_000)]
    text = "\n".join(lines) + "\n"
    spans, at = [], 0
    for line in lines:
        spans.append((at, at + len(line)))
        at += len(line) + 1

    async def watch() -> tuple[bool, str | None]:
        scan = DuplicateScan()
        task = asyncio.create_task(scan.run(text, spans))
        try:
            for _ in range(1_000):
                await asyncio.sleep(0.005)
                process = scan._process
                if process is None or process.returncode is not None:
                    continue
                try:
                    if niceness(process.pid) < niceness(os.getpid()) + 10:
                        continue  # not yet lowered
                    group = Path(f"/proc/{process.pid}/autogroup")
                    shown = group.read_text() if group.exists() else None
                    if shown is not None and shown.split()[-1] != "10" and os.getsid(process.pid) == process.pid:
                        continue  # its niceness is lowered, its group's an instant later: look again
                    return os.getsid(process.pid) == process.pid, shown
                except (OSError, ProcessLookupError):
                    continue
            raise AssertionError("the scan ended before its priority could be seen")
        finally:
            scan.kill()
            await asyncio.gather(task, return_exceptions=True)

    own_session, group = asyncio.run(watch())
    assert own_session
    if group is not None and Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1":
        assert group.split()[-1] == "10", group
        assert Path("/proc/self/autogroup").read_text() != group
