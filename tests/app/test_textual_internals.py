"""Every Textual and textual-serve internal tagline relies on, by name, and the switch back to stock.

tagline pins Textual and textual-serve exactly because of what is named here (pyproject.toml). Before
moving a pin, run ``.ci/newest-textual``: when an upgrade moves one of these, the test fails with
its name, and ``TAGLINE_STOCK_TEXTUAL=1`` (:mod:`tagline.app.internals`) runs tagline without it
meanwhile. A new private name used in ``tagline.app`` has to be added here (the last test finds
one that is not).
"""

from __future__ import annotations

import ast
import gc
import importlib
import inspect
from pathlib import Path

from textual._styles_cache import StylesCache
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual_serve.app_service import AppService
from textual_serve.server import Server

import tagline.app
from tagline.app import internals

APP_SOURCE = Path(tagline.app.__file__).parent


def assigned_in_init(cls: type, name: str) -> bool:
    """``self.<name> = …`` in ``cls.__init__`` or the ``__init__`` of a class it inherits."""
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if not inspect.isfunction(init):
            continue  # object's, a C type's: no source
        if f"self.{name} " in inspect.getsource(init).replace(f"self.{name}:", f"self.{name} "):
            return True
    return False


def parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


# -- app/driver.py: frames written by the event loop ---------------------------------------------
def test_the_driver_subclass_finds_what_it_uses():
    assert (LinuxDriver.__module__, LinuxDriver.__name__) == ("textual.drivers.linux_driver", "LinuxDriver"), (
        "app/durable.py picks TerminalDriver by this module and name"
    )
    assert assigned_in_init(LinuxDriver, "_file"), "LinuxDriver._file: the terminal FrameWriter writes to"
    assert assigned_in_init(Driver, "_app"), "Driver._app: where TerminalDriver.send_message posts keys"
    assert parameters(LinuxDriver.write) == ["self", "data"], "LinuxDriver.write(data), overridden"
    assert parameters(Driver.send_message) == ["self", "message"], "Driver.send_message(message), overridden"
    assert parameters(LinuxDriver.disable_input) == ["self"], "LinuxDriver.disable_input(), overridden to leave at once"
    assert parameters(LinuxDriver._disable_mouse_support) == ["self"], "LinuxDriver._disable_mouse_support(), called on leaving"
    assert assigned_in_init(LinuxDriver, "exit_event"), "LinuxDriver.exit_event: what stops the input thread"
    assert parameters(LinuxDriver.stop_application_mode) == ["self"], "LinuxDriver.stop_application_mode(), overridden"
    from textual.app import App

    assert assigned_in_init(App, "_exit_renderables"), "App._exit_renderables: an error to print, so no early leave"


# -- widgets/sentence_view.py: the copy of Textual's row pass -------------------------------------
def test_the_row_pass_finds_the_widget_row_cache():
    assert assigned_in_init(Widget, "_styles_cache"), "Widget._styles_cache: the row cache render_lines reuses"
    cache = StylesCache()
    for name in ("_width", "_cache", "_dirty_lines"):
        assert hasattr(cache, name), f"StylesCache.{name}: read and written by SentenceView.render_lines"
    assert callable(cache.is_dirty) and parameters(StylesCache.is_dirty) == ["self", "y"], "StylesCache.is_dirty(y)"
    assert callable(cache.clear), "StylesCache.clear()"
    assert isinstance(cache._dirty_lines, set), "StylesCache._dirty_lines: a set of row numbers"
    assert parameters(ScrollView.render_lines) == ["self", "crop"], "ScrollView.render_lines(crop), overridden"
    assert parameters(Widget.render_line) == ["self", "y"], "Widget.render_line(y)"


# -- app/serve.py: textual-serve's server and app service ----------------------------------------
def test_the_serve_overrides_find_textual_serve_as_it_was():
    assert parameters(AppService._open_app_process) == ["self", "width", "height"], "AppService._open_app_process"
    assert parameters(AppService._build_environment) == ["self", "width", "height"], "AppService._build_environment"
    assert assigned_in_init(AppService, "_process"), "AppService._process: the visitor's process"
    assert assigned_in_init(AppService, "_stdin"), "AppService._stdin: its input"
    for name in ("start", "stop", "send_bytes", "send_meta", "set_terminal_size", "blur", "focus"):
        assert callable(getattr(AppService, name, None)), f"AppService.{name}"
    assert parameters(Server._make_app) == ["self"], "Server._make_app: tagline's routes (the name page)"
    assert parameters(Server._process_messages) == ["self", "websocket", "app_service"], "Server._process_messages"
    for name in ("statics_path", "download_manager", "debug", "host", "port"):  # host, port: TaglineServer.serve binds them
        assert assigned_in_init(Server, name), f"Server.{name}"
    assert parameters(Server.request_exit) == ["self"], "Server.request_exit: what ctrl+c and SIGTERM run"
    assert "public_url" in vars(Server) or assigned_in_init(Server, "public_url"), "Server.public_url"


# -- app/frames.py: a key's frame drawn at once ------------------------------------------------------
def test_key_frames_find_the_screen_update_as_it_was():
    from textual.app import App
    from textual.screen import Screen

    assert inspect.iscoroutinefunction(Screen._on_idle) and parameters(Screen._on_idle) == ["self", "event"], (
        "Screen._on_idle(event), overridden by KeyFrames"
    )
    assert parameters(Screen._on_timer_update) == ["self"], "Screen._on_timer_update(): what the update timer runs"
    source = inspect.getsource(Screen._on_timer_update)
    assert "self._update_timer.pause()" in source and "_compositor_refresh" in source, (
        "Screen._on_timer_update pauses the timer and draws"
    )
    for name in ("_layout_required", "_scroll_required", "_repaint_required", "_dirty_widgets"):
        assert assigned_in_init(Screen, name) or name in vars(Screen), f"Screen.{name}: what is left to draw"
    assert assigned_in_init(App, "_batch_count"), "App._batch_count: no frame inside a batch update"


# -- nothing else -----------------------------------------------------------------------------------
#: (tagline class, name): the private names of a Textual or textual-serve base that tagline's
#: classes use or override. Each is checked above.
KNOWN = {
    ("TerminalDriver", "_app"), ("TerminalDriver", "_file"), ("TerminalDriver", "_disable_mouse_support"),
    ("DurableApp", "_exit_renderables"),
    ("SentenceView", "_styles_cache"),
    ("VisitorService", "_open_app_process"), ("VisitorService", "_build_environment"),
    ("VisitorService", "_process"), ("VisitorService", "_stdin"),
    ("TaglineServer", "_make_app"), ("TaglineServer", "_process_messages"),
    ("KeyFrames", "_on_idle"), ("KeyFrames", "_on_timer_update"), ("KeyFrames", "_layout_required"),
    ("KeyFrames", "_scroll_required"), ("KeyFrames", "_repaint_required"), ("KeyFrames", "_dirty_widgets"),
}


def on_self(value: ast.expr) -> bool:
    """``self.x`` or ``super().x``."""
    return (isinstance(value, ast.Name) and value.id == "self") or (
        isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super"
    )


def private_names(cls: type, node: ast.ClassDef) -> set[str]:
    """The ``_names`` the class ``node`` (source of ``cls``) uses on ``self`` or defines that one of its Textual
    or textual-serve bases has, as a class attribute or assigned in an ``__init__``."""
    bases = [b for b in cls.__mro__[1:] if b.__module__.split(".")[0] in ("textual", "textual_serve")]
    names = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute) and on_self(n.value)}
    names |= {n.name for n in ast.walk(node) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return {
        name for name in names
        if name.startswith("_") and not name.startswith("__")
        and any(name in vars(b) or assigned_in_init(b, name) for b in bases)
    }


def parsed(path: Path) -> ast.Module:
    """``path``'s syntax tree, parsed with the garbage collector off: CPython 3.11's parser fails with
    "AST constructor recursion depth mismatch" when a collection during the parse runs a finalizer
    that raises (an earlier test's asyncio subprocess transport, collected after its loop closed)."""
    gc.collect()
    gc.disable()
    try:
        return ast.parse(path.read_text(encoding="utf-8"))
    finally:
        gc.enable()


def private_names_of_bases() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(APP_SOURCE.rglob("*.py")):
        module = importlib.import_module("tagline.app." + ".".join(path.relative_to(APP_SOURCE).with_suffix("").parts))
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.ClassDef) and isinstance(getattr(module, node.name, None), type):
                found |= {(node.name, name) for name in private_names(getattr(module, node.name), node)}
    return found


def test_no_other_private_name_of_textual_is_used():
    assert private_names_of_bases() == KNOWN, (
        "a class in tagline.app uses or overrides a private name of its Textual base that this test "
        "does not check (or no longer uses one it lists): name it above, give it a stock fallback in "
        "tagline.app.internals, or pick a name of our own"
    )


def test_the_check_sees_a_clash():
    """The check above can fail: the view's row method named ``_render``, as it was (Widget's own
    ``_render``, which Textual calls with no arguments, e.g. when the view's text is selected)."""
    from tagline.app.widgets.sentence_view import SentenceView

    source = (APP_SOURCE / "widgets" / "sentence_view.py").read_text(encoding="utf-8")
    tree = ast.parse(source.replace("_draw_row(", "_render("))
    [view] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "SentenceView"]
    assert "_render" in private_names(SentenceView, view)


# -- the switch ------------------------------------------------------------------------------------
def test_the_switch_reads_the_environment(monkeypatch):
    monkeypatch.delenv(internals.ENV, raising=False)
    assert internals.stock() is False
    monkeypatch.setenv(internals.ENV, "1")
    assert internals.stock() is True
    monkeypatch.setenv(internals.ENV, "0")
    assert internals.stock() is False


def test_stock_textual_picks_textuals_own_driver(monkeypatch):
    from tagline.app.app import TaglineApp
    from tagline.app.driver import TerminalDriver

    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.delenv(internals.ENV, raising=False)
    assert TaglineApp.get_driver_class(object.__new__(TaglineApp)) is TerminalDriver
    monkeypatch.setenv(internals.ENV, "1")
    assert TaglineApp.get_driver_class(object.__new__(TaglineApp)) is LinuxDriver


async def test_the_app_opens_and_tags_with_stock_textual(make_app, monkeypatch):
    """With the switch on, the reader draws through Textual's own row pass, and a key still tags;
    with it off, the view's own pass is used."""
    from tagline.app.widgets.sentence_view import SentenceView

    calls = []
    stock_pass = ScrollView.render_lines

    def recording(self, crop):
        if isinstance(self, SentenceView):
            calls.append(crop)
        return stock_pass(self, crop)

    monkeypatch.setattr(ScrollView, "render_lines", recording)
    monkeypatch.setenv(internals.ENV, "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert calls, "the view drew its rows without Textual's pass"
        await pilot.press("c")
        await pilot.pause()
        assert app.session.store.get(0).labels == ("claim",)
        assert app.session.store.get(0).status == "done"

    calls.clear()
    monkeypatch.delenv(internals.ENV)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
    assert not calls


async def test_the_view_can_be_selected_without_a_crash(make_app):
    """Textual calls ``Widget._render()`` with no arguments for a widget's selected text; the view's
    own row method was called ``_render`` too, so selecting text in it raised TypeError."""
    from textual.selection import Selection

    from tagline.app.widgets.sentence_view import SentenceView

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(SentenceView)
        view.get_selection(Selection(None, None))  # raised TypeError before
