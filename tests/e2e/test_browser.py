"""``tagline serve`` end to end: the server on loopback, headless Chromium, keys typed into the page.

Debian's ``chromium`` (``.ci/run`` installs it) is driven with the ``playwright`` package and
``executable_path``; no browser is downloaded. Every request the page makes is checked to go to the
server under test: the page needs nothing from anywhere else.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.e2e

ARTICLE = "000_88201f31feaf2608"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, what: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout} s")


def children(pid: int) -> dict[int, list[str]]:
    """pid -> argv of the processes whose parent is ``pid``."""
    found = {}
    for child in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split():
        try:
            found[int(child)] = Path(f"/proc/{child}/cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            pass
    return found


def gone(pid: int) -> bool:
    try:
        return "State:\tZ" in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True


class Served:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.annotations = workdir / "annotations"
        self.log = workdir / "serve.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tagline", "serve", "--port", str(self.port), "--model", "none", "--annotations", str(self.annotations)],
            cwd=workdir, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
        )
        wait_until(self.listening, f"tagline serve on port {self.port}\n{self.log.read_text(errors='replace')}")

    def listening(self) -> bool:
        assert self.process.poll() is None, f"tagline serve exited:\n{self.log.read_text(errors='replace')}"
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def visitors(self) -> dict[str, int]:
        """annotator -> pid of the tagline processes the server runs now."""
        found = {}
        for pid, argv in children(self.process.pid).items():
            if "--annotator" in argv:
                found[argv[argv.index("--annotator") + 1]] = pid
        return found

    def file(self, annotator: str, suffix: str = ".yaml") -> Path:
        return self.annotations / annotator / f"{ARTICLE}{suffix}"

    def opened(self, annotator: str) -> bool:
        """The session holds the article (its lock file is there; the YAML comes with the first fold)."""
        return (self.annotations / annotator / f".{ARTICLE}.lock").exists()

    def journal_lines(self, annotator: str) -> int:
        path = self.file(annotator, ".journal")
        return path.read_bytes().count(b"\n") if path.exists() else 0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # as ctrl+c in the terminal that runs it
            self.process.wait(timeout=30)


@pytest.fixture
def served(workdir):
    server = Served(workdir)
    yield server
    server.stop()


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        pytest.fail("chromium is needed for the browser test (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="tagline-chromium-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1000, "height": 640},
        )
        yield context
        context.close()


def open_page(browser, served: Served, foreign: list[str]):
    page = browser.new_page()

    def only_the_server(route):
        if route.request.url.startswith(served.url + "/") or route.request.url.startswith(f"ws://127.0.0.1:{served.port}/"):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_server)
    return page


def start_as(page, served: Served, name: str) -> None:
    """The name page, then the terminal: typed as a visitor would."""
    page.goto(served.url + "/")
    page.locator("#annotator").type(name)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/?annotator={name}")
    page.wait_for_selector("body.-first-byte", state="attached", timeout=30_000)  # the app has drawn
    wait_until(lambda: served.opened(name), f"{name}'s session opened the article")
    # Keys go to xterm.js's hidden textarea, as when the visitor clicks into the terminal (a click
    # itself would also reach the app as a mouse event).
    page.locator(".xterm-helper-textarea").focus()


def keys(page, *names: str) -> None:
    for name in names:
        page.keyboard.press(name)


def test_two_visitors_tag_in_the_page_and_closing_the_tab_folds(served, browser):
    foreign: list[str] = []
    alice, bob = open_page(browser, served, foreign), open_page(browser, served, foreign)
    start_as(alice, served, "alice")
    start_as(bob, served, "bob")
    visitors = served.visitors()
    assert set(visitors) == {"alice", "bob"}, f"one process per visitor, each with its name: {visitors}"

    keys(alice, "c", "j", "q", "s", "j", "Space")
    keys(bob, "s", "f")
    # Each action is in the journal before the next key is read: wait for all of them on disk.
    wait_until(lambda: served.journal_lines("alice") == 4, "alice's four actions in her journal")
    wait_until(lambda: served.journal_lines("bob") == 2, "bob's two actions in his journal")

    alice.close()  # the tab goes: the server hangs up on alice's process, which folds and leaves
    wait_until(lambda: gone(visitors["alice"]), "alice's process gone after her tab closed")
    assert not served.file("alice", ".journal").exists(), "alice's journal was not folded"
    data = yaml.safe_load(served.file("alice").read_text(encoding="utf-8"))
    assert data["annotator"] == "alice"
    sentences = data["sentences"]
    assert [s["labels"] for s in sentences[:3]] == [["claim"], ["quote", "statistic"], []]
    assert [s["status"] for s in sentences[:4]] == ["done", "done", "done", "todo"]
    assert not gone(visitors["bob"]), "bob's session must not end with alice's"

    served.stop()  # ctrl+c on the server with bob still there: bob's work is folded too
    assert gone(visitors["bob"])
    bob_data = yaml.safe_load(served.file("bob").read_text(encoding="utf-8"))
    assert bob_data["annotator"] == "bob"
    assert bob_data["sentences"][0]["labels"] == ["statistic"] and bob_data["sentences"][0].get("flag") is True
    assert not served.file("bob", ".journal").exists()
    assert foreign == [], f"the page asked for something besides the server: {foreign}"


@pytest.mark.parametrize("name", ["../etc", "a b", "-rf", "x" * 65, "<b>"])
def test_a_name_that_is_not_a_folder_name_is_refused(served, name):
    from urllib.parse import quote

    with pytest.raises(urllib.error.HTTPError) as page:
        urllib.request.urlopen(f"{served.url}/?annotator={quote(name)}", timeout=10)
    assert page.value.code == 400
    body = page.value.read().decode()
    assert "letters, digits" in body and "<b>" not in body  # said why; what was typed is escaped
    with pytest.raises(urllib.error.HTTPError) as socket_page:
        urllib.request.urlopen(f"{served.url}/ws/{quote(name, safe='')}", timeout=10)
    assert socket_page.value.code == 400
    assert served.visitors() == {}


def test_serve_refuses_a_corpus_with_nothing_to_open(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tagline", "serve", str(tmp_path / "missing"), "--port", str(free_port())],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("tagline: ") and "Traceback" not in result.stderr


def test_the_web_drivers_quit_folds_the_journal(workdir):
    """textual-serve's own way to end a session (a 'quit' packet on stdin); tagline serve avoids it by
    hanging up instead, but any other front-end for Textual apps would use it."""
    env = {**os.environ, "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver", "COLUMNS": "80", "ROWS": "24"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tagline", "open", "--model", "none"], cwd=workdir, env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )

    def packet(kind: bytes, payload: bytes) -> None:
        process.stdin.write(kind + len(payload).to_bytes(4, "big") + payload)
        process.stdin.flush()

    assert process.stdout.readline() == b"__GANGLION__\n"
    drain = threading.Thread(target=process.stdout.read, daemon=True)  # the screen, unread
    drain.start()
    journal = workdir / "annotations" / "tester" / f"{ARTICLE}.journal"
    yaml_path = journal.with_suffix(".yaml")
    lock = journal.parent / f".{ARTICLE}.lock"
    wait_until(lock.exists, "the article opened")
    packet(b"D", b"c")
    wait_until(lambda: journal.exists() and journal.read_bytes().count(b"\n") == 1, "the action in the journal")
    packet(b"M", json.dumps({"type": "quit"}).encode())
    assert process.wait(timeout=20) == 0
    assert yaml.safe_load(yaml_path.read_text(encoding="utf-8"))["sentences"][0]["labels"] == ["claim"]
