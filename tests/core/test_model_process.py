"""The model process after quit: closing it fails what is pending and never starts it again."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time

import pytest

from tagline.core import nlp
from procs import state as _state
from procs import state_once_ended

pytestmark = [pytest.mark.e2e, pytest.mark.model]


def test_a_submit_after_close_fails_at_once_and_starts_no_process():
    model = nlp.resolve_model("en_core_web_sm")
    service = nlp.EntityService(model)
    first = service.submit(["Angela Merkel spoke in Berlin on Monday."])
    assert [label for _, _, label in first.result(timeout=120)[0]] == ["PERSON", "GPE", "DATE"]
    process = service._process
    service.close()
    assert process.wait(timeout=30) is not None
    late = service.submit(["A thread still streaming when the app quit."])
    with pytest.raises(nlp.ModelError):
        late.result(timeout=1)  # fails at once: no model loaded again for it
    assert service._process is None


def test_close_does_not_wait_for_a_request_stuck_in_the_full_pipe():
    """A paragraph of megabytes fills the pipe to the model process, and the thread streaming it
    waits in its write until the model has parsed what came before (seconds). ctrl+q and SIGTERM
    closed the service behind that write and hung 3 to 5 s, the terminal blank. Here the model
    process is stopped (SIGSTOP), so the write can never finish: close() must return all the same,
    and the blocked request fail once the process is gone."""
    service = nlp.EntityService(nlp.resolve_model("en_core_web_sm"))
    service.submit(["Warm up in Paris."]).result(timeout=120)
    process = service._process
    paragraph = "Angela Merkel met Emmanuel Macron in Paris on Monday, officials said. " * 4_000  # 280 KB
    futures: list = []
    writer = threading.Thread(target=lambda: futures.append(service.submit([paragraph])), daemon=True)
    os.kill(process.pid, signal.SIGSTOP)
    try:
        writer.start()
        while _queued(process.stdin.fileno()) < 65_536:  # the pipe is full: the write is blocked
            assert writer.is_alive(), "the request went through: the pipe never filled"
            time.sleep(0.01)
        closer = threading.Thread(target=service.close, daemon=True)
        closer.start()
        closer.join(timeout=60)  # a hang guard: without the fix close() never returns
        assert not closer.is_alive(), "close() waited for the write to the stopped process"
        assert writer.is_alive()  # still blocked: close() did not wait for it
    finally:
        os.kill(process.pid, signal.SIGCONT)
    assert process.wait(timeout=60) is not None
    writer.join(timeout=60)
    assert not writer.is_alive()
    with pytest.raises(nlp.ModelError):
        futures[0].result(timeout=1)


def _queued(fd: int) -> int:
    """Bytes waiting in the pipe of ``fd``."""
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]


def _worker(*options: str) -> subprocess.Popen:
    model = nlp.resolve_model("en_core_web_sm")
    return subprocess.Popen([sys.executable, "-m", "tagline.core.nlp_worker", model.package, *options],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _ask(worker: subprocess.Popen, request: dict) -> dict:
    worker.stdin.write(json.dumps(request) + "\n")
    worker.stdin.flush()
    return json.loads(worker.stdout.readline())


@pytest.mark.parametrize("options", [(), ("--suggest",)])
def test_the_model_process_never_has_a_second_thread(options):
    """A process that has ever had a second thread makes glibc lock with atomic instructions, and
    spaCy's parse pays 9 to 14% more CPU for it; the watcher thread that looked for a dead parent
    did exactly that."""
    worker = _worker(*options)
    try:
        text = "Angela Merkel spoke in Berlin on Monday. She said 40% agreed."
        answer = _ask(worker, {"id": 1, "texts": [text], "spans": [[[0, 40], [41, len(text)]]]})
        assert [label for _, _, label in answer["entities"][0]][:2] == ["PERSON", "GPE"]
        probe = _ask(worker, {"id": 2, "probe": True})
        assert probe["pid"] == worker.pid
        assert probe["single_threaded"] is True
        assert len(os.listdir(f"/proc/{worker.pid}/task")) == 1
    finally:
        worker.stdin.close()
        assert worker.wait(timeout=60) == 0


def test_the_model_process_reads_a_block_quotation_with_its_lead_in():
    """The reader sends a paragraph with the sentence that introduces it (``leads``): the paragraph
    is then quoted as ``tagline suggest`` quotes it; without the lead-in it is not."""
    worker = _worker("--suggest")
    try:
        text = "She certainly wasn't 'forced' to be there. She was also never forced to perform labour in the engine room."
        spans = [[[0, 42], [43, len(text)]]]
        lead = "In a statement to the Australian Broadcasting Corporation, the Church denied these allegations:"
        alone = _ask(worker, {"id": 1, "texts": [text], "spans": spans})
        led = _ask(worker, {"id": 2, "texts": [text], "spans": spans, "leads": [lead]})
        assert [("quote" in s["labels"]) for s in alone["suggestions"][0]] == [False, False]
        assert [("quote" in s["labels"]) for s in led["suggestions"][0]] == [True, True]
        # a leads list shorter than the texts leads the first ones only, and every text is answered
        short = _ask(worker, {"id": 3, "texts": [text, text], "spans": spans * 2, "leads": [lead]})
        assert [[("quote" in s["labels"]) for s in one] for one in short["suggestions"]] == [[True, True], [False, False]]
    finally:
        worker.stdin.close()
        assert worker.wait(timeout=60) == 0


@pytest.mark.parametrize("shape", ["many paragraphs", "one long paragraph"])
def test_the_model_process_leaves_when_the_app_is_killed_mid_parse(shape):
    """kill -9 of the app while the model parses a long article: the model process must not parse on
    for nobody. A child the app forked (as the fold child is) keeps the request pipe open, so the
    pipe's end never comes: the process must see for itself that its parent is gone."""
    text = "Angela Merkel met Emmanuel Macron in Paris on Monday, officials said. " * 40
    texts = f"[{text!r}] * 2_000" if shape == "many paragraphs" else f"[{text!r} * 100]"  # 5.6 MB; 280,000 characters
    script = (
        "import os, sys, time\n"
        "from tagline.core import nlp\n"
        "service = nlp.EntityService(nlp.resolve_model('en_core_web_sm'))\n"
        "service.submit(['Warm up in Paris.']).result(timeout=120)\n"
        f"service.submit({texts})\n"
        "held = os.fork()\n"
        "if held == 0:\n"
        "    time.sleep(120); os._exit(0)  # holds the pipe's write end, as a forked fold child would\n"
        "print(service._process.pid, held, flush=True)\n"
        "sys.stdin.read()\n"
    )
    held = None
    app = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        worker, held = map(int, app.stdout.readline().split())
        time.sleep(1.5)  # well inside the parse
        assert _state(worker) in ("R", "S", "D")
        app.kill()
        app.wait()
        assert state_once_ended(worker, 30, poll=0.05) in ("Z", "gone")
    finally:
        if app.poll() is None:
            app.kill()
        if held:
            os.kill(held, 9)



def test_every_answer_arrives_whole_while_the_parent_timer_fires():
    """The timer signal that looks for the parent cut short writes of answers to a full pipe, and
    Python's buffered writer lost the rest: the app waited for ever for an answer's end (1 request in
    about 30, with the timer at 1 ms). Answers are now written whole by the process itself. Asked
    one request at a time, as the app asks, by a process of its own (a lost answer hangs it)."""
    model = nlp.resolve_model("en_core_web_sm")
    script = f"""
import json, subprocess, sys
code = "import sys, tagline.core.nlp_worker as w; w.PARENT_CHECK_SECONDS = 0.001; sys.exit(w.main(sys.argv[1:]))"
worker = subprocess.Popen([sys.executable, "-c", code, {model.package!r}, "--suggest"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True)
text = "Angela Merkel met Emmanuel Macron in Paris on Monday, officials said. " * 8
spans = [[[i * 71, i * 71 + 70] for i in range(8)]] * 40
for n in range(40):
    worker.stdin.write(json.dumps({{"id": n, "texts": [text] * 40, "spans": spans}}) + "\\n")
    worker.stdin.flush()
    answer = json.loads(worker.stdout.readline())
    assert answer["id"] == n and len(answer["suggestions"]) == 40, answer
    print(n, flush=True)
worker.stdin.close()
sys.exit(worker.wait())
"""
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired as stopped:
        answered = (stopped.stdout or b"").decode().split()
        pytest.fail(f"an answer never arrived whole: {len(answered)} of 40 answered")
    assert done.returncode == 0 and done.stdout.split() == [str(n) for n in range(40)], done.stderr[-500:]
