"""``tagline serve``: the reader in a web browser, through textual-serve, for annotators who log in.

Each visitor gets a process of their own: textual-serve starts one per websocket, and here that
process is ``tagline open`` with the server's paths and options and the visitor's name as
``--annotator``, so every visitor writes to ``annotations/<name>/`` exactly as an SSH user would.

Who the visitor is comes from their credential, never from what they type: ``tagline serve
--add-annotator NAME`` gives NAME a secret token (its hash is kept in ``<annotations>/.serve-tokens.yaml``,
see :mod:`tagline.core.tokens`) and prints a login link holding it. One aiohttp middleware checks every
request, the websocket's too, before anything else runs:

1. its ``Host``, and its ``Origin`` when it has one, must be this server's own address: a page on
   another site (or a DNS name rebound to this machine) cannot talk to it;
2. it must carry a token (``?token=`` once, then a cookie that is HttpOnly, SameSite=Strict, Path=/;
   or ``Authorization: Bearer``) whose hash matches one in the file (constant-time comparisons);
3. a wrong token is answered late, later for each failure from the same address (bounded), and
   logged on one line;
4. a login link followed from another site logs in only from a form this server's page posts
   (:func:`confirm_page`), so no page can log a visitor in as its author.

Only then is a page served or a process started, under the token's name. ``--no-auth`` (loopback
only) serves the user running the server instead.

The pages are served from here, not from textual-serve's template, so a browser loads nothing but
this server's files (no web fonts from elsewhere).
"""

from __future__ import annotations

import asyncio
import errno
import html
import ipaddress
import logging
import os
import shlex
import signal
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from asyncio.subprocess import Process

from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from tagline.app import internals
from tagline.commands.output import safe
from tagline.core import tokens as tokens_mod

log = logging.getLogger("tagline.serve")

#: tagline leaves at most 3 s after a hang-up (tui/tagline/app/app.py); past this it is killed.
HANG_UP_SECONDS = 10.0
#: A wrong token is answered after BASE * 2**(n-1) seconds for the n-th failure in a row from one
#: address, at most CAP; the count is forgotten after FORGET seconds without a failure, or on success.
SLOW_BASE, SLOW_CAP, SLOW_FORGET = 0.25, 8.0, 900.0
#: Addresses remembered at most (the oldest are forgotten first): memory stays bounded under a flood.
SLOW_ADDRESSES = 4096
WILDCARDS = ("", "0.0.0.0", "::")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def own_hosts(host: str, port: int, url: str | None = None) -> frozenset[str]:
    """Every ``Host`` (and ``Origin`` host) under which browsers reach this server: the address it
    listens on with its port; on loopback the loopback names too; on every address (``0.0.0.0``) the
    machine's names and the addresses they resolve to; and the host of ``--url``."""
    names = {host}
    if host in WILDCARDS or is_loopback(host):
        names |= {"localhost", "127.0.0.1", "::1"}
    if host in WILDCARDS:
        names |= {socket.gethostname(), socket.getfqdn()}
        try:
            names |= {str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None)}
        except OSError:
            pass
    hosts = set()
    for name in names - {""}:
        hosts.add(f"{_bracket(name)}:{port}".lower())
        if port in (80, 443):
            hosts.add(_bracket(name).lower())
    if url:
        hosts.add(urlsplit(url).netloc.lower())
    return frozenset(hosts)


def base_url(host: str, port: int, url: str | None = None) -> str:
    """Where the login links point: ``--url`` when given, else the address served."""
    if url:
        return url.rstrip("/")
    if host in WILDCARDS:
        host = socket.getfqdn() or socket.gethostname()
    return f"http://{_bracket(host)}:{port}"


def open_arguments(args) -> list[str]:
    """What every visitor's ``tagline open`` gets from the server's command line."""
    argv = [*getattr(args, "named_paths", args.paths), "--annotations", args.annotations, "--model", args.model]
    if args.labels:
        argv += ["--labels", args.labels]
    if args.theme:
        argv += ["--theme", args.theme]
    return argv


def _hang_up_with_server(server: int):
    """What a visitor's process does between fork and exec: ask for a SIGHUP when the server dies
    (Linux's parent-death signal, kept across exec), so that a server killed hard (-9, out of
    memory) leaves no visitor running for good, holding the annotator's lock on their article:
    each folds its journal and leaves, as on a dropped SSH link. Elsewhere, nothing."""
    if not sys.platform.startswith("linux"):
        return None

    def ask() -> None:
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGHUP))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            return
        if os.getppid() != server:  # the server died before the request: hang up now
            os.kill(os.getpid(), signal.SIGHUP)

    return ask


class VisitorService(AppService):
    """One visitor's tagline process, in a session of its own: a ctrl+c meant for the server does
    not reach it; the server hangs up on it instead (see :meth:`hang_up`)."""

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        if internals.stock():
            return await super()._open_app_process(width, height)
        self._process = process = await asyncio.create_subprocess_shell(
            self.command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
            preexec_fn=_hang_up_with_server(os.getpid()),
        )
        self._stdin = process.stdin
        return process

    async def hang_up(self) -> None:
        """The tab is closed or the link is gone: hang up on the process, as sshd does on a dropped
        SSH link. tagline folds its journal into the YAML and leaves (its SIGHUP path, the one the
        SSH and reliability tests drive); then textual-serve's own stop finishes the bookkeeping."""
        process = self._process
        if process is not None and process.returncode is None:
            try:
                process.send_signal(signal.SIGHUP)
            except ProcessLookupError:
                pass
            try:
                await asyncio.wait_for(process.wait(), HANG_UP_SECONDS)
            except TimeoutError:
                log.error("pid %s did not leave %s s after the hang-up; killed", process.pid, HANG_UP_SECONDS)
                process.kill()
                await process.wait()
        await self.stop()

    async def send_meta(self, data) -> bool:
        if self._process is not None and self._process.returncode is not None:
            return False  # gone: nothing to tell it
        return await super().send_meta(data)


class Guard:
    """Who may talk to the server, checked on every request (an aiohttp middleware)."""

    def __init__(
        self, hosts: frozenset[str], token_path: Path | None, open_to: str | None = None, cookie: str = "tagline", secure: bool = False
    ) -> None:
        self.hosts = hosts
        self.secure = secure  # served over TLS by a proxy (--url https://…): the cookie is Secure
        self.token_path = token_path  # None: --no-auth, every visitor is ``open_to``
        self.open_to = open_to
        self.cookie = cookie
        self.failures: dict[str, tuple[int, float]] = {}  # address -> (failures in a row, when the last)
        #: address -> the lock its wrong tokens are answered under, one at a time: 300 sent at once
        #: were all answered (and logged) within 24 s, each waiting only its own delay.
        self.answering: dict[str, asyncio.Lock] = {}
        self._tokens = tokens_mod.Tokens({})
        self._seen: tuple | None = None

    def tokens(self) -> tokens_mod.Tokens:
        """The token file as it is now: an annotator added (or a token replaced) while the server
        runs counts at once. Read again only when the file changed (one ``stat`` per request)."""
        try:
            info = self.token_path.stat()
            seen = (info.st_ino, info.st_mtime_ns, info.st_size)
        except FileNotFoundError:
            seen = None
        if seen != self._seen:
            try:
                self._tokens = tokens_mod.load(self.token_path)
            except tokens_mod.TokenFileError as error:
                log.error("%s; nobody can log in until it is mended", safe(error))
                self._tokens = tokens_mod.Tokens({})
            self._seen = seen
        return self._tokens

    def foreign(self, request: web.Request) -> str | None:
        """Why the request does not come to this server from one of its own pages, or None."""
        host = request.headers.get("Host", "").lower()
        if host not in self.hosts:
            return f"Host {host!r} is not this server's (give the address browsers use with --url)"
        origin = request.headers.get("Origin")
        if origin is not None:
            parts = urlsplit(origin.lower())
            if parts.scheme not in ("http", "https") or parts.netloc not in self.hosts:
                return f"Origin {origin!r} is not this server's"
        return None

    @staticmethod
    def credential(request: web.Request, cookie: str) -> tuple[str | None, str]:
        authorization = request.headers.get("Authorization", "")
        if authorization[:7].lower() == "bearer ":
            return authorization[7:].strip(), "header"
        if "token" in request.query:
            return request.query["token"], "query"
        if "login" in request:  # the confirmation's form (read by the middleware: a POST to /)
            return request["login"], "form"
        if cookie in request.cookies:
            return request.cookies[cookie], "cookie"
        return None, ""

    def failed(self, address: str) -> tuple[int, float]:
        """Count one more failure from ``address``: (failures in a row, seconds to wait before answering)."""
        clock = time.monotonic()
        count, last = self.failures.pop(address, (0, clock))
        count = 1 if clock - last > SLOW_FORGET else count + 1
        self.failures[address] = (count, clock)
        while len(self.failures) > SLOW_ADDRESSES:
            self.failures.pop(next(iter(self.failures)))
        return count, min(SLOW_BASE * 2 ** (count - 1), SLOW_CAP)

    @web.middleware
    async def middleware(self, request: web.Request, handler):
        address = request.remote or "?"
        refusal = self.foreign(request)
        if refusal:
            log.warning("refused %s %s: %s", safe(address), safe(request.path), safe(refusal))
            return web.Response(status=403, text="tagline: this server only answers its own pages\n")
        if self.token_path is None:
            request["annotator"] = self.open_to
            return await handler(request)
        if request.method == "POST" and request.path == "/":  # the confirmation (its Origin checked above)
            form = await request.post()
            request["login"] = str(form.get("token", ""))
        token, source = self.credential(request, self.cookie)
        if not token:
            return self.login(request)
        name = self.tokens().who(token)
        if name is None:
            lock = self.answering.pop(address, None) or asyncio.Lock()
            self.answering[address] = lock  # the most recent last; the oldest forgotten first
            while len(self.answering) > SLOW_ADDRESSES:
                self.answering.pop(next(iter(self.answering)))
            async with lock:  # one wrong token at a time from an address, each answered later
                count, delay = self.failed(address)
                log.warning(
                    "refused %s %s: wrong token (failure %d in a row from this address; answered after %.2f s)",
                    safe(address), safe(request.path), count, delay,
                )
                await asyncio.sleep(delay)
            response = self.login(request, "That login link is not valid (or no longer): ask for a new one.")
            if source == "cookie":
                response.del_cookie(self.cookie, path="/")
            return response
        self.failures.pop(address, None)
        request["annotator"] = name
        if source == "query" and request.path == "/" and request.headers.get("Sec-Fetch-Site", "none") in FROM_ANOTHER_SITE:
            # A link followed from another site (a mail, or a page that sends the browser here) logs
            # in only once the visitor says so on our own page: any page could send a browser here
            # with its author's token, and its work would then go into the author's folder (login
            # CSRF; the SameSite=Strict cookie of the visitor's own login is not even sent along).
            return web.Response(text=confirm_page(name, token), content_type="text/html",
                                headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
        if source in ("query", "form") and request.path == "/":
            # The token goes into the cookie and out of the address bar (and the browser's history).
            response = web.Response(status=303, headers={"Location": "/", "Cache-Control": "no-store"})
            response.set_cookie(self.cookie, token, path="/", httponly=True, samesite="Strict", secure=request.secure or self.secure)
            log.info("%s logged in from %s", safe(name), safe(address))
            return response
        return await handler(request)

    def login(self, request: web.Request, error: str = "") -> web.Response:
        if request.path != "/":
            return web.Response(status=401, text="tagline: log in first\n", headers={"WWW-Authenticate": "Bearer"})
        return web.Response(status=401, text=login_page(error), content_type="text/html", headers={"Cache-Control": "no-store"})


class TaglineServer(Server):
    """textual-serve's server with a login first and one ``tagline open`` per visitor, as the
    annotator their token names."""

    def __init__(self, open_args: list[str], guard: Guard, host: str = "127.0.0.1", port: int = 8000, url: str | None = None,
                 sock: socket.socket | None = None) -> None:
        super().__init__(command="tagline open", host=host, port=port, title="tagline", public_url=base_url(host, port, url))
        #: A socket already listening (``--port 0``: bound first, to know the port the system chose).
        self.sock = sock
        self.open_args = open_args
        self.guard = guard
        self.secure_url = bool(url and url.lower().startswith("https:"))
        self.sockets: set[web.WebSocketResponse] = set()

    @staticmethod
    def command_for(annotator: str, open_args: list[str]) -> str:
        """The shell command textual-serve runs for one visitor (every part quoted; ``exec``, so the
        process the server holds is tagline itself and a signal reaches it). ``-I``: the working folder
        is not put on the module path, so a ``tagline.py`` there cannot run in tagline's place."""
        return "exec " + shlex.join([sys.executable, "-I", "-m", "tagline", "open", *open_args, "--annotator", annotator])

    def serve(self, debug: bool = False) -> None:
        """textual-serve's ``serve``, on :attr:`sock` when there is one, saying "serving on …" only once
        the address is bound: aiohttp runs the app's start-up before it binds, so a line printed there
        named an address where nothing listened yet, or never would (a port in use). aiohttp calls
        ``print`` once every site is listening; a bind that fails raises ``OSError`` before it."""
        self.debug = debug
        self.initialize_logging()
        try:
            loop = asyncio.get_event_loop()
        except Exception:
            loop = asyncio.new_event_loop()
        try:
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        except NotImplementedError:
            pass
        where = {"sock": self.sock} if self.sock is not None else {"host": self.host, "port": self.port}
        web.run_app(self._make_app(), **where, handle_signals=False, loop=loop, print=self.announce)

    def announce(self, *_aiohttp_lines) -> None:
        """The one line a user (or a script waiting for it) reads: the server answers from now on."""
        print(f"tagline: serving on {safe(self.public_url)} (one process per visitor; ctrl+c stops)", flush=True)

    def initialize_logging(self) -> None:
        """One plain line per event on stderr (not Rich's wrapped columns), every message made safe;
        aiohttp's access log (raw request lines) is left out: the guard logs what matters."""
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_SafeFormatter("%(asctime)s tagline serve: %(message)s", "%Y-%m-%d %H:%M:%S", tracebacks=self.debug))
        logging.basicConfig(level="DEBUG" if self.debug else "INFO", handlers=[handler], force=True)
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.guard.middleware])
        app.add_routes(
            [
                web.get("/", self.handle_index),
                web.get("/ws", self.handle_websocket),
                web.static("/static", self.statics_path),
            ]
        )
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def on_shutdown(self, app: web.Application) -> None:
        """ctrl+c: close every visitor's socket, so each handler hangs up on its process now."""
        for websocket in list(self.sockets):
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"tagline serve is stopping")

    async def handle_index(self, request: web.Request) -> web.Response:
        name = request["annotator"]
        scheme = "wss" if request.secure or self.secure_url else "ws"
        font_size = request.query.get("fontsize", "16")
        return web.Response(
            text=terminal_page(name, f"{scheme}://{request.host}/ws", font_size if font_size.isdigit() else "16"),
            content_type="text/html",
            headers={"Cache-Control": "no-store"},
        )

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        name = request["annotator"]
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        service: VisitorService | None = None
        try:
            await websocket.prepare(request)
            self.sockets.add(websocket)
            service = VisitorService(
                self.command_for(name, self.open_args),
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            log.info("%s: session started", safe(name))
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # one visitor's failure is logged; the others go on
            log.error("%s: %s", safe(name), safe(error))
        finally:
            self.sockets.discard(websocket)
            if service is not None:
                await service.hang_up()
                log.info("%s: session ended", safe(name))
        return websocket

    async def _process_messages(self, websocket: web.WebSocketResponse, service: VisitorService) -> None:
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
                kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and isinstance(data, str):
                await service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await service.set_terminal_size(_int(data.get("width"), 80), _int(data.get("height"), 24))
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()


class _SafeFormatter(logging.Formatter):
    """Every message made safe, on one line. A request aiohttp cannot parse (a control byte in the
    path or a header: anyone can send one) was a 12-line traceback from inside aiohttp; it is one
    line, with what was wrong, unless the server runs with ``debug``."""

    def __init__(self, *args, tracebacks: bool = False, **options) -> None:
        super().__init__(*args, **options)
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and not self.tracebacks and record.name.startswith("aiohttp"):
            error = record.exc_info[1]
            reason = getattr(error, "message", None) or str(error)
            message = f"{message}: {type(error).__name__}: {reason}"
            record.exc_info, record.exc_text = None, None
        record.msg, record.args = safe(" ".join(message.split())), None
        return super().format(record)


def _int(value: object, default: int) -> int:
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return number if 0 < number < 10_000 else default


# -- the two pages -------------------------------------------------------------------------------

_STYLE = """
body { margin: 0; padding: 0; background: #1c1c1c; color: #e4e4e4; font-family: monospace; }
main { max-width: 36em; margin: 12vh auto; padding: 0 1em; }
h1 { font-size: 1.4em; font-weight: normal; }
input, button { font: inherit; padding: 0.4em 0.6em; }
.error { color: #ff8787; }
.textual-terminal { width: 100vw; height: 100vh; }
body.terminal { overflow: hidden; }
/* xterm.js lays its (empty: no scrollback) scroll bar over the last columns; the app scrolls itself */
body.terminal .xterm .xterm-viewport { overflow-y: hidden; }
.ended { display: none; position: absolute; inset: 0; align-items: center; justify-content: center; background: #1c1c1cee; }
body.-closed .ended { display: flex; }
a { color: #87d7ff; }
"""


def login_page(error: str = "") -> str:
    problem = f'<p class="error">{html.escape(error)}</p>' if error else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>tagline: log in</title><style>{_STYLE}</style></head>
<body><main>
<h1>tagline</h1>
{problem}
<p>Open the login link you were given, or paste its token here.</p>
<form method="get" action="/">
<p><input id="token" name="token" type="password" autocomplete="current-password" autofocus required
   aria-label="token"> <button type="submit">Log in</button></p>
</form>
<p>No link? Whoever runs this server makes one with <code>tagline serve --add-annotator NAME</code>.</p>
</main></body></html>
"""


#: ``Sec-Fetch-Site`` of a navigation another site started (a typed or pasted address is ``none``,
#: our own page's ``same-origin``; a client that sends none is not a browser being sent here).
FROM_ANOTHER_SITE = ("cross-site", "same-site")


def confirm_page(name: str, token: str) -> str:
    """The page a login link followed from another site shows: whose login it is, and one button
    (a form posted from this page, so with this server's Origin) that logs in."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<title>tagline: log in</title><style>{_STYLE}</style></head>
<body><main>
<h1>tagline</h1>
<p>This link logs you in as <strong>{html.escape(name)}</strong>. Your work will be saved as
{html.escape(name)}'s.</p>
<form method="post" action="/">
<input type="hidden" name="token" value="{html.escape(token, quote=True)}">
<p><button type="submit" autofocus>Log in as {html.escape(name)}</button></p>
</form>
<p>Not you? Close this page and open your own link.</p>
</main></body></html>
"""


def terminal_page(name: str, websocket_url: str, font_size: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>tagline: {html.escape(name)}</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<script src="/static/js/textual.js"></script>
<style>{_STYLE}</style></head>
<body class="terminal">
<div class="ended"><main><p>Session ended: everything you did is saved.</p>
<p><a href="/">Start again</a></p></main></div>
<div id="terminal" class="textual-terminal" data-session-websocket-url="{html.escape(websocket_url, quote=True)}"
     data-font-size="{html.escape(font_size, quote=True)}"></div>
</body></html>
"""


def add_annotator(args) -> int:
    """``tagline serve --add-annotator NAME``: a new token for NAME, its login link printed once."""
    from tagline.cli import Usage, checked_annotator
    from tagline.commands.output import say

    name = checked_annotator(args.add_annotator, "--add-annotator")
    if not args.port and not args.url:  # the link would name port 0, which no server listens on
        raise Usage("--add-annotator: --port 0 names no port for the link; give the port tagline serve listens on, or --url")
    path = tokens_mod.token_file(args.annotations)
    try:
        token, replaced = tokens_mod.add(path, name)
    except (tokens_mod.TokenFileError, OSError) as error:
        say(error)
        return 1
    again = f"; {name}'s earlier link no longer works" if replaced else ""
    say(f"{name}'s login link, shown this once (whoever holds it annotates as {name}: send it privately){again}:")
    print(safe(f"{base_url(args.host, args.port, args.url)}/?token={token}"), flush=True)
    return 0


def run(args, scheme) -> int:
    """``tagline serve``: check what every visitor would open, then serve until ctrl+c."""
    from tagline.cli import Usage, default_annotator
    from tagline.commands.output import say
    from tagline.core import articles as articles_mod

    for option, value in (("--host", args.host), ("--url", args.url)):
        # A control character or a space is in no address a browser or bind() takes; printed in the
        # link, it would act on the terminal showing it.
        if value is not None and (not value.isprintable() or any(ch.isspace() for ch in value)):
            raise Usage(f"{option} {value!r}: an address has no spaces or control characters")
    if args.url is not None:
        try:
            parts = urlsplit(args.url)
            parts.port  # noqa: B018 - raises ValueError for a port that is no number or past 65535
        except ValueError:  # "https://[x": an unclosed IPv6 bracket
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise Usage(f"--url {args.url!r}: give the address browsers use, such as https://tagline.example.org")
    if args.add_annotator is not None:
        return add_annotator(args)
    path = tokens_mod.token_file(args.annotations)
    sock = None
    if args.port == 0:
        # Any free port: bound here, so that the address printed, the links and the Host names this
        # server answers to all carry the port the system chose (they said port 0).
        try:
            sock = listening(args.host)
        except OSError as error:
            say(f"cannot serve on {args.host}:0: {error.strerror or error}")
            return 1
        args.port = sock.getsockname()[1]
    hosts = own_hosts(args.host, args.port, args.url)
    if args.no_auth:
        if not is_loopback(args.host):
            raise Usage("--no-auth lets in whoever reaches the port: only with --host 127.0.0.1, ::1 or localhost")
        guard = Guard(hosts, None, open_to=default_annotator())
    else:
        try:
            known = tokens_mod.load(path)
        except tokens_mod.TokenFileError as error:
            say(error)
            return 1
        guard = Guard(hosts, path, cookie=f"tagline-{args.port}", secure=(args.url or "").lower().startswith("https:"))

    found, problems = articles_mod.open_corpus(args.paths)
    if not found:  # one line, as `tagline` itself says it: the reason first, and nothing else
        say(f"nothing to serve: {problems[0] if problems else 'no .txt, .md or .jsonl articles found'}")
        return 1
    for problem in problems:
        say(problem)
    if not args.no_auth and not known.hashes:
        say("nobody can log in yet: add an annotator with `tagline serve --add-annotator NAME` (works while serving too)")
    server = TaglineServer(open_arguments(args), guard, host=args.host, port=args.port, url=args.url, sock=sock)
    try:
        server.serve()
    except OSError as error:
        # asyncio's strerror repeats the address ("error while attempting to bind on address …")
        reason = os.strerror(error.errno) if error.errno else str(error)
        if error.errno == errno.EADDRINUSE:
            reason += " (choose another --port, or --port 0 for any free one)"
        say(f"cannot serve on {args.host}:{args.port}: {reason}")
        return 1
    finally:
        if sock is not None:
            sock.close()
    return 1 if problems else 0


def listening(host: str) -> socket.socket:
    """A socket listening on ``host`` at a port the system chooses."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    if host == "localhost":
        host = "127.0.0.1"
    return socket.create_server((host.strip("[]"), 0), family=family, backlog=128, reuse_port=False)
