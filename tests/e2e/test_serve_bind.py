"""``tagline serve`` says "serving on …" only once its address is bound, and a port it cannot have is
one line and exit 1 with nothing said about serving.

Before, the line was printed by the web application's start-up, which aiohttp runs before it binds:
a script that waited for the line could find nothing listening, and a port in use printed "serving
on http://127.0.0.1:N" and then failed. Real processes and real sockets here: the occupied port is
held by a listening socket of the test's own.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.e2e


def serve_argv(*options: str) -> list[str]:
    return [sys.executable, "-I", "-m", "tagline", "serve", "seeds", "--model", "none", "--annotations", "annotations", *options]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_a_port_in_use_is_one_line_and_exit_1_and_never_said_to_be_served(workdir):
    holder = socket.create_server(("127.0.0.1", 0))  # listening: the port is really in use
    port = holder.getsockname()[1]
    try:
        done = subprocess.run(serve_argv("--port", str(port), "--no-auth"), cwd=workdir, capture_output=True, text=True,
                              timeout=60, stdin=subprocess.DEVNULL)
    finally:
        holder.close()
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "serving on" not in done.stdout + done.stderr, done.stdout
    assert "Traceback" not in done.stderr
    assert done.stderr == (f"tagline: cannot serve on 127.0.0.1:{port}: Address already in use "
                           "(choose another --port, or --port 0 for any free one)\n"), done.stderr


def test_an_address_not_of_this_machine_is_one_line_and_never_said_to_be_served(workdir):
    port = free_port()
    link = subprocess.run([sys.executable, "-I", "-m", "tagline", "serve", "--add-annotator", "alice", "--port", str(port),
                           "--annotations", "annotations"], cwd=workdir, capture_output=True, text=True, timeout=60)
    assert link.returncode == 0, link.stderr
    # 192.0.2.1 is TEST-NET-1 (RFC 5737): on no machine's interfaces, so bind() fails
    done = subprocess.run(serve_argv("--host", "192.0.2.1", "--port", str(port)), cwd=workdir, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr == f"tagline: cannot serve on 192.0.2.1:{port}: Cannot assign requested address\n", done.stderr


def test_the_address_answers_while_serving_on_is_being_said(workdir):
    """stdout is a pipe that is already full, so the server is held in the middle of writing its
    line: the port must answer then. (Before, the line came before the bind, and the server held
    there never listened.) Once the pipe is read, the line is the one a user expects."""
    port = free_port()
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    filled = 0
    try:
        while True:
            filled += os.write(write_end, b"x" * 4096)
    except BlockingIOError:
        pass
    os.set_blocking(write_end, True)  # the flag is the pipe's, shared with the child: a blocking write
    log = workdir / "serve.log"
    process = subprocess.Popen(serve_argv("--port", str(port), "--no-auth"), cwd=workdir, stdout=write_end,
                               stderr=log.open("wb"), stdin=subprocess.DEVNULL)
    os.close(write_end)
    try:
        deadline = time.monotonic() + 30
        while not accepts(port) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        assert accepts(port), ("nothing listening while the line was being written", log.read_text(errors="replace"))
        with os.fdopen(read_end, "rb") as reader:
            assert len(reader.read(filled)) == filled
            line = reader.readline().decode()
        assert line == f"tagline: serving on http://127.0.0.1:{port} (one process per visitor; ctrl+c stops)\n"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
