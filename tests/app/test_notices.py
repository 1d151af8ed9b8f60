"""Toasts: the same words are not stacked on screen (a refused key pressed again in a read-only
session piled copies of its reason over the status row; tests/reliability/test_hangup.py sees the
screen in a real terminal)."""

from __future__ import annotations

import asyncio



def toasts(app) -> list[str]:
    """What the app has on screen as toasts (Textual's collection; headless, no toast is mounted)."""
    return sorted(str(n.message) for n in app._notifications)


async def test_the_same_notice_is_shown_once_while_it_is_on_screen(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.notify("open in another session; read-only here", severity="error", timeout=0.5)
        app.notify("open in another session; read-only here", severity="error", timeout=0.5)
        app.notify("entity highlighting off", timeout=0.5)
        await pilot.pause()
        assert toasts(app) == ["entity highlighting off", "open in another session; read-only here"]
        await asyncio.sleep(0.7)
        await pilot.pause()
        assert toasts(app) == []
        app.notify("open in another session; read-only here", severity="error", timeout=0.5)
        await pilot.pause()
        assert toasts(app) == ["open in another session; read-only here"]  # gone, so shown again


async def test_a_refused_key_pressed_again_adds_no_toast(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.session.store.read_only = "open in another session (pid 1 on host); read-only here"
        before = toasts(app)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("s", "q")
        await pilot.pause()
        assert toasts(app) == sorted([*before, app.session.store.read_only])
        assert not app.session.state(0).labels  # refused


async def test_the_screen_is_drawn_again_once_a_toast_is_gone(make_app, monkeypatch):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        repaints = []
        monkeypatch.setattr(app, "refresh", lambda *args, **kwargs: repaints.append(kwargs) or app)
        app.notify("entity highlighting off", timeout=0.2)
        await pilot.pause()
        assert repaints == []
        await asyncio.sleep(0.6)
        await pilot.pause()
        assert repaints  # the whole screen, after the toast's time
