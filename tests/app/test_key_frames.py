"""A key's frame is drawn as soon as the screen has taken the key in (:mod:`tagline.app.frames`),
not at the next tick of Textual's 60 Hz update timer; other changes still wait for the timer.

The timer is kept from drawing here (its ``resume`` does nothing), so a frame drawn at all after a
key was drawn by the key's own path: without it, a key typed within 17 to 33 ms of another frame
waited for the timer's tick (``docs/design/reliability.md``, key latency)."""

from __future__ import annotations

from textual._wait import wait_for_idle

from tagline.app import internals
from tagline.app.screens.reader import ReaderScreen
from tagline.app.widgets.sentence_view import SentenceView

ARTICLE = "\n\n".join(f"Sentence number {n} is here with some words to fill a row." for n in range(1, 41))


async def _settle(pilot) -> None:
    """Every message handled (not ``pilot.pause()``, which draws the screen itself)."""
    await pilot._wait_for_screen()
    await wait_for_idle(0)


async def _frames_without_the_timer(app, pilot) -> list:
    """From now on the screen's update timer never draws; returns the list each frame drawn is added to."""
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    screen._update_timer.resume = lambda: None
    drawn: list = []
    display = app._display

    def recording(screen, renderable):
        drawn.append(renderable)
        return display(screen, renderable)

    app._display = recording
    return drawn


async def test_a_key_is_drawn_without_waiting_for_the_update_timer(make_app, monkeypatch):
    monkeypatch.delenv(internals.ENV, raising=False)
    app = make_app(ARTICLE)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        drawn = await _frames_without_the_timer(app, pilot)
        for key in ("j", "c", "k"):
            before = len(drawn)
            await pilot.press(key)
            await _settle(pilot)
            assert len(drawn) > before, f"the frame of {key!r} waited for the update timer"
        assert app.session.cursor == 0 and app.session.store.get(1).labels == ("claim",)


async def test_other_changes_still_wait_for_the_update_timer(make_app, monkeypatch):
    """A repaint that no key asked for (the model's entities, a progress row) is not drawn at once."""
    monkeypatch.delenv(internals.ENV, raising=False)
    app = make_app(ARTICLE)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        drawn = await _frames_without_the_timer(app, pilot)
        app.screen.query_one(SentenceView).refresh()
        await _settle(pilot)
        assert drawn == []


async def test_stock_textual_waits_for_the_timer(make_app, monkeypatch):
    monkeypatch.setenv(internals.ENV, "1")
    app = make_app(ARTICLE)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        drawn = await _frames_without_the_timer(app, pilot)
        await pilot.press("j")
        await _settle(pilot)
        assert drawn == [] and app.session.cursor == 1
