"""``tagline serve``: the reader in a web browser, through textual-serve.

Each visitor gets a process of their own: textual-serve starts one per websocket, and here that
process is ``tagline open`` with the server's paths and options and the visitor's name as
``--annotator``, so every visitor writes to ``annotations/<name>/`` exactly as an SSH user would.

The name is asked on a small HTML page before the terminal starts, not inside the app: the session
(its folder, its lock, its journal) is opened for one annotator before the first screen is drawn, so
the name has to be known when the process starts. It travels in the websocket's path
(``/ws/<name>``), is checked against the same rule as a folder name (``tagline.core.store.safe_name``)
on both pages, and reaches the process as one argument, never through a shell unquoted.

The pages are served from here, not from textual-serve's template, so a browser loads nothing but
this server's files (no web fonts from elsewhere).
"""

from __future__ import annotations

import asyncio
import html
import logging
import shlex
import signal
import sys
from urllib.parse import quote

from asyncio.subprocess import Process

from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from tagline.core.store import safe_name

log = logging.getLogger("tagline.serve")

NAME_RULE = "letters, digits and - _ . @ (at most 64)"
MAX_NAME = 64
#: tagline leaves at most 3 s after a hang-up (tui/tagline/app/app.py); past this it is killed.
HANG_UP_SECONDS = 10.0


def valid_annotator(name: str) -> bool:
    """A name that is its own annotation folder name, so two visitors never share one by accident."""
    return 0 < len(name) <= MAX_NAME and safe_name(name) == name and not name.startswith("-")


def open_arguments(args) -> list[str]:
    """What every visitor's ``tagline open`` gets from the server's command line."""
    argv = [*args.paths, "--annotations", args.annotations, "--model", args.model]
    if args.labels:
        argv += ["--labels", args.labels]
    if args.theme:
        argv += ["--theme", args.theme]
    return argv


class VisitorService(AppService):
    """One visitor's tagline process, in a session of its own: a ctrl+c meant for the server does
    not reach it; the server hangs up on it instead (see :meth:`hang_up`)."""

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        self._process = process = await asyncio.create_subprocess_shell(
            self.command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
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


class TaglineServer(Server):
    """textual-serve's server with a name page first and one ``tagline open`` per visitor."""

    def __init__(self, open_args: list[str], host: str = "127.0.0.1", port: int = 8000) -> None:
        super().__init__(command="tagline open", host=host, port=port, title="tagline")
        self.open_args = open_args
        self.sockets: set[web.WebSocketResponse] = set()

    @staticmethod
    def command_for(annotator: str, open_args: list[str]) -> str:
        """The shell command textual-serve runs for one visitor (every part quoted; ``exec``, so the
        process the server holds is tagline itself and a signal reaches it). ``-I``: the working folder
        is not put on the module path, so a ``tagline.py`` there cannot run in tagline's place."""
        return "exec " + shlex.join([sys.executable, "-I", "-m", "tagline", "open", *open_args, "--annotator", annotator])

    async def _make_app(self) -> web.Application:
        app = web.Application()
        app.add_routes(
            [
                web.get("/", self.handle_index),
                web.get("/ws/{annotator}", self.handle_websocket),
                web.static("/static", self.statics_path),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def on_shutdown(self, app: web.Application) -> None:
        """ctrl+c: close every visitor's socket, so each handler hangs up on its process now."""
        for websocket in list(self.sockets):
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"tagline serve is stopping")

    async def on_startup(self, app: web.Application) -> None:
        print(f"tagline: serving on {self.public_url} (one process per visitor; ctrl+c stops)", flush=True)

    async def handle_index(self, request: web.Request) -> web.Response:
        name = request.query.get("annotator")
        if name is None:
            return web.Response(text=name_page(), content_type="text/html")
        name = name.strip()
        if not valid_annotator(name):
            return web.Response(text=name_page(name, f"Use {NAME_RULE}."), content_type="text/html", status=400)
        scheme = "wss" if request.secure else "ws"
        font_size = request.query.get("fontsize", "16")
        return web.Response(
            text=terminal_page(name, f"{scheme}://{request.host}/ws/{quote(name, safe='')}", font_size if font_size.isdigit() else "16"),
            content_type="text/html",
        )

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        name = request.match_info["annotator"]
        if not valid_annotator(name):
            raise web.HTTPBadRequest(text=f"annotator: use {NAME_RULE}")
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
            log.info("%s: session started", name)
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # one visitor's failure is logged; the others go on
            log.error("%s: %s", name, error)
        finally:
            self.sockets.discard(websocket)
            if service is not None:
                await service.hang_up()
                log.info("%s: session ended", name)
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


def name_page(value: str = "", error: str = "") -> str:
    problem = f'<p class="error">{html.escape(error)}</p>' if error else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>tagline</title><style>{_STYLE}</style></head>
<body><main>
<h1>tagline</h1>
<form method="get" action="/">
<p><label for="annotator">Your name, as an annotator</label></p>
<p><input id="annotator" name="annotator" value="{html.escape(value, quote=True)}" maxlength="{MAX_NAME}"
   pattern="[A-Za-z0-9@_.][A-Za-z0-9@_.\\-]*" autocomplete="username" autofocus required>
<button type="submit">Start</button></p>
{problem}
<p>Your annotations are saved under your name, one file per article. Use {html.escape(NAME_RULE)}.</p>
</form>
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
<p><a href="/?annotator={html.escape(quote(name, safe=''), quote=True)}">Start again</a> · <a href="/">another name</a></p></main></div>
<div id="terminal" class="textual-terminal" data-session-websocket-url="{html.escape(websocket_url, quote=True)}"
     data-font-size="{html.escape(font_size, quote=True)}"></div>
</body></html>
"""


def run(args, scheme) -> int:
    """``tagline serve``: check what every visitor would open, then serve until ctrl+c."""
    from tagline.core import articles as articles_mod

    found, problems = articles_mod.open_corpus(args.paths)
    for problem in problems:
        print(f"tagline: {problem}", file=sys.stderr)
    if not found:
        print("tagline: nothing to serve: no .txt, .md or .jsonl articles found", file=sys.stderr)
        return 1
    server = TaglineServer(open_arguments(args), host=args.host, port=args.port)
    try:
        server.serve()
    except OSError as error:
        print(f"tagline: cannot serve on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 1
    return 1 if problems else 0
