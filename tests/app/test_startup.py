"""The seconds before the screen (tagline.app.startup): a large project is read before review or
the reader can draw anything, and meanwhile the terminal was the shell's: ctrl+q was taken for flow
control and did nothing, and other keys ran as commands on a screen nobody had seen yet."""

from __future__ import annotations

import io
import os
import pty
import select
import sys
import termios
import textwrap
import time
import tty

import pytest

from tagline.app import startup

#: A body that reads for a long while, as a big project's first read does, under the listener.
LONG_READ = textwrap.dedent("""
    import os, select, sys, time
    from tagline.app.startup import hearing_quit
    try:
        with hearing_quit("reading the annotations (ctrl+q quits)"):
            for _ in range(600):
                time.sleep(0.05)
    except KeyboardInterrupt:
        print("INTERRUPTED", flush=True)
        os._exit(130)
    left = select.select([0], [], [], 0.2)[0]
    print("READ, typed ahead left:", bool(left), flush=True)
""")


def _child(code: str):
    """(pid, the terminal's leader end): ``code`` run by a child whose controlling terminal is a pty."""
    pid, leader = pty.fork()
    if pid == 0:  # the child: stdin, stdout and stderr are the pty's follower
        os.execv(sys.executable, [sys.executable, "-c", code])
    return pid, leader


def _read_until(leader: int, wanted: bytes, seconds: float = 60.0) -> bytes:
    seen = b""
    end = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < end:
        if select.select([leader], [], [], 0.5)[0]:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


def _status(pid: int, seconds: float = 60.0) -> int | None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return None


@pytest.mark.e2e
def test_ctrl_q_during_a_long_read_leaves_at_once_with_status_0():
    pid, leader = _child(LONG_READ)
    try:
        seen = _read_until(leader, b"ctrl+q quits")  # shown once the read has taken a second
        assert b"ctrl+q quits" in seen
        os.write(leader, b"\x11")
        status = _status(pid, seconds=20)  # the body would read for 30 s
        rest = _read_until(leader, b"READ", seconds=0.5)
    finally:
        os.close(leader)
    assert status == 0
    assert b"READ" not in rest and b"INTERRUPTED" not in rest


@pytest.mark.e2e
def test_ctrl_c_during_a_long_read_still_interrupts():
    pid, leader = _child(LONG_READ)
    try:
        assert b"ctrl+q quits" in _read_until(leader, b"ctrl+q quits")
        os.write(leader, b"\x03")
        seen = _read_until(leader, b"INTERRUPTED", seconds=20)
        status = _status(pid, seconds=20)
    finally:
        os.close(leader)
    assert b"INTERRUPTED" in seen and status == 130


@pytest.mark.e2e
def test_keys_typed_during_a_long_read_are_neither_echoed_nor_passed_on():
    code = LONG_READ.replace("range(600)", "range(60)")  # 3 s of reading
    pid, leader = _child(code)
    try:
        assert b"ctrl+q quits" in _read_until(leader, b"ctrl+q quits")
        os.write(leader, b"t1 jjj")  # a review decision and moves, typed at no screen
        seen = _read_until(leader, b"typed ahead left:", seconds=30)
        seen += _read_until(leader, b"\n", seconds=5)
        status = _status(pid)
    finally:
        os.close(leader)
    assert b"typed ahead left: False" in seen
    assert b"t1 jjj" not in seen  # not echoed over the message
    assert status == 0


def test_a_short_read_drops_what_was_typed_and_puts_the_terminal_back(monkeypatch):
    """From the speed audit: ``cjcjq`` typed in the half second ``tagline open`` takes to draw the
    sample ran on a screen nobody had seen (three sentences done). Keys typed before the screen are
    dropped, however short the wait; the terminal's settings are as they were."""
    leader, follower = pty.openpty()
    try:
        before = termios.tcgetattr(follower)
        stdin = io.TextIOWrapper(io.FileIO(follower, closefd=False))
        monkeypatch.setattr("sys.stdin", stdin)
        with startup.hearing_quit("reading"):
            os.write(leader, b"cjcj")
            time.sleep(0.2)
        assert termios.tcgetattr(follower) == before
        tty.setraw(follower, termios.TCSANOW)  # as the screen sets it, keeping what waits
        assert not select.select([follower], [], [], 0.3)[0]  # nothing left for the screen
    finally:
        os.close(leader)
        os.close(follower)


@pytest.mark.e2e
def test_ctrl_q_at_once_after_start_leaves_before_the_message():
    """ctrl+q typed right after the program starts, in the half second before anything is drawn,
    was taken by the terminal's flow control: a second one was needed once the screen was up."""
    code = LONG_READ.replace('time.sleep(0.05)', 'print("IN", flush=True) if _ == 0 else None; time.sleep(0.05)')
    pid, leader = _child(code)
    try:
        assert b"IN" in _read_until(leader, b"IN")
        os.write(leader, b"\x11")
        status = _status(pid, seconds=20)
    finally:
        os.close(leader)
    assert status == 0


def test_the_quit_key_is_the_quit_commands():
    assert startup.quit_bytes() == b"\x11"  # ctrl+q
