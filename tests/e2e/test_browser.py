"""``tagline serve`` end to end: the server on loopback, headless Chromium, keys typed into the page.

Debian's ``chromium`` (``.ci/run`` installs it) is driven with the ``playwright`` package and
``executable_path``; no browser is downloaded. Every request the page makes is checked to go to the
server under test: the page needs nothing from anywhere else. Visitors log in with the links
``tagline serve --add-annotator NAME`` prints; requests a browser would not let a page forge (another
Origin, another Host, a Bearer header) are sent with aiohttp's client.

The server is started with the installed ``tagline`` script, not ``python -m tagline``: the
working folder is then not on the module path of the server either, which the decoy test needs.
"""

from __future__ import annotations

import asyncio

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
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


def tagline_argv() -> list[str]:
    script = Path(sys.executable).parent / "tagline"
    return [str(script)] if script.exists() else [sys.executable, "-I", "-m", "tagline"]


def add_annotator(workdir: Path, port: int, name: str) -> str:
    """``tagline serve --add-annotator NAME``: the login link it prints."""
    result = subprocess.run(
        [*tagline_argv(), "serve", "--add-annotator", name, "--port", str(port), "--annotations", "annotations"],
        cwd=workdir, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("\n") == 1 and "shown this once" in result.stderr
    link = result.stdout.strip()
    assert link.startswith(f"http://127.0.0.1:{port}/?token="), link
    return link


class Served:
    def __init__(self, workdir: Path, annotators=("alice", "bob"), options=()):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.annotations = workdir / "annotations"
        self.links = {name: add_annotator(workdir, self.port, name) for name in annotators}
        self.log = workdir / "serve.log"
        self.process = subprocess.Popen(
            [*tagline_argv(), "serve", "--port", str(self.port), "--model", "none", "--annotations", str(self.annotations), *options],
            cwd=workdir, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
        )
        wait_until(self.listening, f"tagline serve on port {self.port}\n{self.log_text()}")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def token(self, name: str) -> str:
        return self.links[name].split("?token=", 1)[1]

    def listening(self) -> bool:
        assert self.process.poll() is None, f"tagline serve exited:\n{self.log_text()}"
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def visitors(self) -> dict[str, int]:
        """annotator -> pid of the tagline processes the server runs now."""
        found = {}
        for pid, argv in children(self.process.pid).items():
            if "--annotator" in argv:
                found[argv[argv.index("--annotator") + 1]] = pid
        return found

    def annotator_folders(self) -> list[str]:
        return sorted(p.name for p in self.annotations.iterdir() if p.is_dir()) if self.annotations.exists() else []

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
    """Headless Chromium; each page gets a context (cookie jar) of its own, as two people would."""
    if not CHROMIUM.exists():
        pytest.fail("chromium is needed for the browser test (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def open_page(browser, served: Served, foreign: list[str]):
    page = browser.new_context(viewport={"width": 1000, "height": 640}).new_page()

    def only_the_server(route):
        if route.request.url.startswith(served.url + "/") or route.request.url.startswith(f"ws://127.0.0.1:{served.port}/"):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_server)
    return page


def start_as(page, served: Served, name: str, link: str | None = None) -> None:
    """The login link, then the terminal, as a visitor who was sent the link would."""
    page.goto(link or served.links[name])
    page.wait_for_url(served.url + "/")  # the token has left the address bar for a cookie
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


def test_a_server_killed_hard_leaves_no_visitor_holding_its_article(served, browser):
    """From the serve audit: ``kill -9`` of the server left bob's ``tagline open`` running for
    good (its parent now init), holding his lock: a new session opened his article read-only. A
    visitor now gets a SIGHUP when the server dies, as from a dropped SSH link: it folds and leaves."""
    foreign: list[str] = []
    bob = open_page(browser, served, foreign)
    start_as(bob, served, "bob")
    [pid] = served.visitors().values()
    keys(bob, "c", "j", "q")
    wait_until(lambda: served.journal_lines("bob") == 2, "bob's two actions in his journal")
    served.process.kill()
    served.process.wait(timeout=30)
    wait_until(lambda: gone(pid), "bob's process gone after the server was killed")
    from tagline.core import store

    held = store.held_locks() or set()
    assert not store.session_holds(served.annotations / "bob", ARTICLE, held), "bob's article is free again"
    data = yaml.safe_load(served.file("bob").read_text(encoding="utf-8"))
    assert [s["labels"] for s in data["sentences"][:2]] == [["claim"], ["quote"]]
    assert not served.file("bob", ".journal").exists()


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


# -- who may come in -------------------------------------------------------------------------------


def no_visitor_started(served: Served) -> None:
    assert served.visitors() == {}, "a tagline process was started"
    assert children(served.process.pid) == {}, "the server started a process"
    assert served.annotator_folders() == [], "something was saved"


def test_no_token_or_a_wrong_one_starts_no_process(served, browser):
    foreign: list[str] = []
    page = open_page(browser, served, foreign)
    response = page.goto(served.url + "/")
    assert response.status == 401 and page.locator("#token").count() == 1  # the login page
    response = page.goto(served.url + "/?token=not-the-token")
    assert response.status == 401 and "not valid" in page.content()
    page.locator("#token").fill(served.token("alice")[:-1])  # one character short
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 401 and "not valid" in page.content()
    # The page's own script opens the websocket (what the terminal page would do): refused.
    closed = page.evaluate(
        """url => new Promise(done => { const ws = new WebSocket(url); ws.onopen = () => done("open");
                                        ws.onclose = () => done("closed"); })""",
        f"ws://127.0.0.1:{served.port}/ws",
    )
    assert closed == "closed"
    no_visitor_started(served)
    assert served.log_text().count("wrong token") == 2, served.log_text()
    assert foreign == []


def test_the_right_token_annotates_as_its_annotator_only(served, browser):
    foreign: list[str] = []
    page = open_page(browser, served, foreign)
    # A name typed into the address changes nothing: the token says who this is.
    start_as(page, served, "alice", served.links["alice"] + "&annotator=bob")
    assert "token" not in page.url
    [cookie] = page.context.cookies()
    assert cookie["name"] == f"tagline-{served.port}" and cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    keys(page, "c")
    wait_until(lambda: served.journal_lines("alice") == 1, "alice's action in her journal")
    assert served.visitors().keys() == {"alice"}
    assert served.annotator_folders() == ["alice"]
    page.reload()  # the cookie alone logs her in again
    page.wait_for_selector("body.-first-byte", state="attached", timeout=30_000)
    assert "token" not in page.url
    served.stop()
    assert yaml.safe_load(served.file("alice").read_text(encoding="utf-8"))["annotator"] == "alice"
    assert served.annotator_folders() == ["alice"]
    assert foreign == []


def test_a_decoy_module_in_the_working_folder_never_runs(workdir, browser):
    """Each visitor's process is ``python -I -m tagline``: a tagline.py (or tui.py) in the folder the
    server runs in is not imported in its place."""
    marker = workdir / "DECOY-RAN"
    for decoy in ("tagline.py", "tui.py"):
        (workdir / decoy).write_text(f"open({str(marker)!r}, 'a').write({decoy!r})\nraise SystemExit(0)\n")
    served = Served(workdir, annotators=("alice",))
    try:
        page = open_page(browser, served, [])
        start_as(page, served, "alice")
        keys(page, "c")
        wait_until(lambda: served.journal_lines("alice") == 1, "alice's action in her journal")
    finally:
        served.stop()
    assert not marker.exists(), f"a decoy ran: {marker.read_text()}"
    assert yaml.safe_load(served.file("alice").read_text(encoding="utf-8"))["sentences"][0]["labels"] == ["claim"]


async def _status(served: Served, path: str = "/", headers=None, websocket: bool = False) -> int:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        if websocket:
            try:
                async with session.ws_connect(served.url + path, headers=headers or {}) as ws:
                    await ws.close()
                    return 101
            except aiohttp.WSServerHandshakeError as error:
                return error.status
        async with session.get(served.url + path, headers=headers or {}, allow_redirects=False) as response:
            return response.status


async def test_another_origin_or_host_is_refused_even_with_the_right_token(served):
    bearer = {"Authorization": f"Bearer {served.token('alice')}"}
    evil = {"Origin": "http://evil.example"}
    assert await _status(served, "/ws", {**bearer, **evil}, websocket=True) == 403
    assert await _status(served, "/", {**bearer, **evil}) == 403
    assert await _status(served, "/", {**bearer, "Origin": "null"}) == 403
    assert await _status(served, "/", {**bearer, "Origin": f"http://127.0.0.1:{served.port + 1}"}) == 403
    # DNS rebinding: evil.example resolved to this machine; the Host header still names it.
    assert await _status(served, "/", {**bearer, "Host": f"evil.example:{served.port}"}) == 403
    assert await _status(served, "/ws", {**bearer, "Host": f"evil.example:{served.port}"}, websocket=True) == 403
    no_visitor_started(served)
    assert "Origin 'http://evil.example' is not this server's" in served.log_text()
    # The same request from the server's own page is let in.
    assert await _status(served, "/", {**bearer, "Origin": served.url}) == 200
    assert await _status(served, "/", {**bearer, "Host": f"localhost:{served.port}"}) == 200


async def test_a_bearer_token_opens_the_socket_as_its_annotator(served):
    import asyncio

    import aiohttp

    assert await _status(served, "/ws", {"Authorization": "Bearer wrong"}, websocket=True) == 401
    headers = {"Authorization": f"Bearer {served.token('bob')}", "Origin": served.url}
    async with aiohttp.ClientSession() as session, session.ws_connect(served.url + "/ws", headers=headers) as ws:
        for _ in range(400):
            if served.visitors():
                break
            await asyncio.sleep(0.05)
        assert served.visitors().keys() == {"bob"}
        await ws.close()


async def test_the_login_cookie_is_httponly_samesite_strict_and_the_link_redirects(served):
    import aiohttp

    async with aiohttp.ClientSession() as session:
        async with session.get(served.links["alice"], allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/"
            [cookie] = response.headers.getall("Set-Cookie")
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert attributes[0] == f"tagline-{served.port}={served.token('alice')}".lower()
    assert {"httponly", "samesite=strict", "path=/"} <= set(attributes)


async def test_a_link_followed_from_another_site_logs_in_only_once_confirmed(served):
    """From the serve audit (login CSRF): any page could send alice's browser to bob's link; the
    server set bob's cookie and alice's next visit annotated as bob. A link followed from another
    site now shows whose login it is and logs in only from this server's own form."""
    import aiohttp

    link = served.links["bob"]
    async with aiohttp.ClientSession() as session:
        async with session.get(link, headers={"Sec-Fetch-Site": "cross-site"}, allow_redirects=False) as response:
            page = await response.text()
            assert response.status == 200 and "Set-Cookie" not in response.headers
            assert "logs you in as <strong>bob</strong>" in page and 'method="post"' in page
        form = {"token": served.token("bob")}
        # the form posted by another site is refused (its Origin); by this server's page, it logs in
        async with session.post(served.url + "/", data=form, headers={"Origin": "http://evil.example"}, allow_redirects=False) as response:
            assert response.status == 403 and "Set-Cookie" not in response.headers
        async with session.post(served.url + "/", data=form, headers={"Origin": served.url}, allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/"
            [cookie] = response.headers.getall("Set-Cookie")
            assert cookie.startswith(f"tagline-{served.port}={served.token('bob')};")
        async with session.post(served.url + "/", data={"token": "wrong"}, headers={"Origin": served.url}, allow_redirects=False) as response:
            assert response.status == 401 and "Set-Cookie" not in response.headers
        # typed or pasted into the address bar (none), or from the server's own page: at once, as before
        for site in ("none", "same-origin"):
            async with session.get(link, headers={"Sec-Fetch-Site": site}, allow_redirects=False) as response:
                assert response.status == 303
    assert served.visitors() == {}, "no process started by any of it"


async def test_behind_a_tls_proxy_the_url_is_the_servers_own_and_the_cookie_secure(workdir):
    import aiohttp

    served = Served(workdir, annotators=("alice",), options=("--url", "https://tagline.example.org"))
    try:
        proxied = {"Host": "tagline.example.org", "Origin": "https://tagline.example.org"}
        async with aiohttp.ClientSession() as session:
            async with session.get(served.links["alice"], headers=proxied, allow_redirects=False) as response:
                assert response.status == 303
                assert "secure" in [part.strip().lower() for part in response.headers["Set-Cookie"].split(";")]
        assert await _status(served, "/", {"Host": "tagline.example.org", "Origin": "https://evil.example"}) == 403
    finally:
        served.stop()


async def test_wrong_tokens_are_answered_later_each_time_and_logged(served):
    for _ in range(3):
        assert await _status(served, "/?token=guess") == 401
    assert await _status(served, "/", {"Authorization": f"Bearer {served.token('alice')}"}) == 200  # forgiven
    assert await _status(served, "/%1B%5D0;pwned%07?token=guess") == 401  # the path is logged, made safe
    lines = [line for line in served.log_text().splitlines() if "wrong token" in line]
    counts = [line.split("failure ", 1)[1].split(" ", 1)[0] for line in lines]
    delays = [line.rsplit("after ", 1)[1] for line in lines]
    assert counts == ["1", "2", "3", "1"]
    assert delays == ["0.25 s)", "0.50 s)", "1.00 s)", "0.25 s)"]
    assert "\x1b" not in served.log_text() and "\x07" not in served.log_text()


async def test_wrong_tokens_sent_at_once_are_answered_one_after_another(served):
    """From the serve audit: 300 wrong tokens sent at once from one address were all answered, and
    logged, within 24 s: each waited only its own delay. They are answered one at a time now, so
    when the first answer comes the fourth has not even been looked at (it waits 0.25 + 0.5 + 1 s)."""
    import aiohttp

    async with aiohttp.ClientSession() as session:
        async def guess():
            async with session.get(served.url + "/?token=guess", allow_redirects=False) as response:
                return response.status

        tasks = [asyncio.ensure_future(guess()) for _ in range(4)]
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        logged_then = served.log_text().count("wrong token")
        assert [task.result() for task in done] == [401]
        assert logged_then <= 2, served.log_text()
        assert await asyncio.gather(*tasks) == [401] * 4
    counts = [line.split("failure ", 1)[1].split(" ", 1)[0] for line in served.log_text().splitlines() if "wrong token" in line]
    assert counts == ["1", "2", "3", "4"]


async def test_an_annotator_added_while_serving_can_log_in(served):
    link = add_annotator(served.workdir, served.port, "carol")
    assert await _status(served, "/", {"Authorization": f"Bearer {link.split('?token=')[1]}"}) == 200
    assert await _status(served, "/", {"Authorization": f"Bearer {served.token('alice')}"}) == 200
    add_annotator(served.workdir, served.port, "alice")  # a new link: the old one stops working
    assert await _status(served, "/", {"Authorization": f"Bearer {served.token('alice')}"}) == 401


def test_the_token_file_is_private_and_holds_hashes_only(workdir):
    port = free_port()
    link = add_annotator(workdir, port, "alice")
    path = workdir / "annotations" / ".serve-tokens.yaml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert link.split("?token=")[1] not in path.read_text()
    path.chmod(0o640)  # readable by the group: not trusted, the server does not start
    result = subprocess.run([*tagline_argv(), "serve", "--port", str(port), "--model", "none"], cwd=workdir, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "chmod 600" in result.stderr


@pytest.mark.parametrize("name", ["../evil", "", "-rf", "a b"])
def test_add_annotator_refuses_a_name_that_is_not_a_folder_name(workdir, name):
    result = subprocess.run([*tagline_argv(), "serve", f"--add-annotator={name}"], cwd=workdir, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--add-annotator" in result.stderr and "letters, digits" in result.stderr
    assert not (workdir / "annotations").exists()


def test_no_auth_is_refused_unless_on_loopback(workdir):
    result = subprocess.run([*tagline_argv(), "serve", "--no-auth", "--host", "0.0.0.0", "--port", str(free_port())], cwd=workdir, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "--no-auth" in result.stderr


async def test_no_auth_on_loopback_serves_you_but_still_refuses_other_origins(workdir):
    served = Served(workdir, annotators=(), options=("--no-auth",))
    try:
        assert await _status(served, "/") == 200
        assert await _status(served, "/ws", {"Origin": "http://evil.example"}, websocket=True) == 403
        no_visitor_started(served)
    finally:
        served.stop()


@pytest.mark.parametrize("auth", [False, True])
def test_port_0_serves_on_the_port_the_system_chose_and_says_which(workdir, auth):
    """``--port 0`` printed "serving on http://127.0.0.1:0" and the server refused every request
    (its own Host names carried port 0). It now prints the port the system chose, whose page answers
    (the login page when a token is needed)."""
    log = workdir / "serve.log"
    options = [] if auth else ["--no-auth"]
    if auth:
        add_annotator(workdir, 8000, "alice")
    process = subprocess.Popen(
        [*tagline_argv(), "serve", "--port", "0", "--model", "none", "--annotations", "annotations", *options],
        cwd=workdir, stdout=subprocess.PIPE, stderr=log.open("wb"), text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("tagline: serving on http://127.0.0.1:"), (line, log.read_text(errors="replace"))
        port = int(line.split("http://127.0.0.1:", 1)[1].split()[0])
        assert port != 0
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
                status, page = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, page = error.code, error.read().decode()
        assert (status, "tagline" in page) == ((401, True) if auth else (200, True)), (status, page[:300])
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def test_a_request_aiohttp_cannot_parse_is_one_line_in_the_log(served):
    """From the serve audit: a control byte in the path or a header (anyone can send one) printed a
    12-line traceback from inside aiohttp. It is one line, saying what was wrong, bytes made safe."""
    for raw in (b"GET /\x1b[2Jx HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Evil: a\x1bb\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", served.port)) as connection:
            connection.sendall(raw)
            assert connection.recv(64).startswith(b"HTTP/1.0 400")
    wait_until(lambda: served.log_text().count("Error handling request") == 2, "both requests in the log")
    log = served.log_text()
    assert "Traceback" not in log and "\x1b" not in log
    lines = [line for line in log.splitlines() if "Error handling request" in line]
    assert "Invalid char in url path" in lines[0] and "Invalid header value char" in lines[1]
    assert len(log.splitlines()) == 1 + 2, log  # "serving on …" and the two
