"""bench/background.py: how it finds a key's frame, cuts a key's latency from the trace, and the
long adversarial input of its ``scan50k`` scenario (the scan of the 5,000-sentence feed is over in
about 3 s at a person's pace: too few keys for a p99)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from bench_modules import bench_module


def background():
    return bench_module("background")


def test_a_keys_frame_is_found_whatever_the_articles_length():
    answered = background().answered
    assert answered(b"\x1b[30;1H  2/50033  7/50033 done", 0, baseline=False)  # j: sentence 2
    assert answered(b"  1/5000  5000/5000 done", 1, baseline=False)  # k: sentence 1
    assert not answered(b"  1/50033  7/50033 done", 0, baseline=False)


def test_the_long_scan_input_is_a_sentence_a_paragraph_with_near_duplicates():
    bench = background()
    text = bench.near_duplicates(n=2_000, share=0.3, seed=7)
    paragraphs = text.strip("\n").split("\n\n")
    assert len(paragraphs) == 2_000
    repeated = len(paragraphs) - len(set(p.lower() for p in paragraphs))
    assert repeated > 0  # some copies are exact but for case; most differ by a typo or the like
    assert bench.ARTICLES["scan50k"] != bench.ARTICLES["scan"] and "scan50k" in bench.SCANS


def trace(*events):
    return sorted(((t, kind, detail) for t, kind, detail in events), key=lambda e: e[0])


def test_a_collection_under_way_when_the_key_is_read_counts_in_the_key():
    """The trace of a key read at 1.000 s whose frame was written at 1.012 s, while a young
    collection that began at 0.998 s ran until 1.009 s: 9 ms of the key's 12 in the app."""
    events = trace(
        (0.998, "gc0", "0"), (0.998, "turn0", ""),
        (1.000, "key", "j 100.000 5.000 120"),
        (1.009, "gc1", "0"), (1.009, "turn1", "cpu=10.5 BetweenKeys._collect"),
        (1.010, "bind0", "j"), (1.0105, "bind1", "j"),
        (1.012, "emit0", "300 103.000 5.500 130"), (1.0121, "emit1", "300"),
    )
    (key,) = background().split_keys(events, [(0.999, 1.013)])
    assert round(key["app"], 3) == 12.0
    assert round(key["gc"], 3) == 9.0
    assert key["turns"] == ["11.0ms cpu=10.5 BetweenKeys._collect"]
    assert round(key["cpu"], 3) == 3.0 and round(key["queued"], 3) == 0.5 and key["stolen"] == 10


@pytest.mark.e2e
def test_the_bench_shifts_the_scheduling_group_of_each_session_it_starts():
    """``nice -n -15`` on the bench did not reach the panes, tmux or tagline's workers: each is a
    session, and so (with the kernel's autogroups) a scheduling group, of its own. The bench shifts
    each such group by its own niceness, once, and a worker's only after it has set its own."""
    group_of = Path("/proc/self/autogroup")
    if not group_of.exists() or Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() != "1":
        pytest.skip("no autogroups here")
    bench = background()
    leader = subprocess.Popen(["sleep", "30"], start_new_session=True)
    inside = subprocess.Popen(["sleep", "30"])  # in this process's session: not a group of its own
    try:
        bench.GROUP_OFFSET[0] = 3
        group = Path(f"/proc/{leader.pid}/autogroup")
        assert bench.shift_group(leader.pid, expect=10) is False  # it has not lowered its group yet
        assert group.read_text().split()[-1] == "0"
        assert bench.shift_group(leader.pid)
        assert group.read_text().split()[-1] == "3"
        assert bench.shift_group(leader.pid)  # once only
        assert group.read_text().split()[-1] == "3"
        own = group_of.read_text()
        assert bench.shift_group(inside.pid)
        assert group_of.read_text() == own
    finally:
        bench.GROUP_OFFSET[0] = 0
        bench.GROUPS_SHIFTED.clear()
        for process in (leader, inside):
            process.kill()
            process.wait()
