"""The note dialog: a pasted note keeps every line, and quitting works from inside it."""

from __future__ import annotations

import pytest
import yaml
from textual import events

from tagline.app.screens.note import NoteInput, NoteScreen

PASTED = "Source: ministry statement,\npage 3.\n\nAsk the desk about the 700 figure."


def saved_sentences(app):
    (path,) = (app.session.root / "tester").glob("*.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))["sentences"]


async def test_a_pasted_multi_line_note_is_kept_whole(make_app):
    app = make_app("One sentence here. Another one there.")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        assert isinstance(app.screen, NoteScreen)
        app.post_message(events.Paste(PASTED))  # as the terminal driver hands a paste in
        await pilot.pause()
        await pilot.press("enter")
        assert app.session.state(0).note == PASTED
        await pilot.press("ctrl+q")
    assert saved_sentences(app)[0]["note"] == PASTED


async def test_a_multi_line_note_opens_whole_and_typed_enter_still_saves(make_app):
    app = make_app("One sentence here. Another one there.")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        app.post_message(events.Paste("first\nsecond"))
        await pilot.pause()
        await pilot.press("enter", "j", "k", "m")
        assert isinstance(app.screen, NoteScreen)
        assert app.screen.query_one(NoteInput).text == "first\nsecond"
        await pilot.press(*" third", "enter")
        assert app.session.state(0).note == "first\nsecond third"


@pytest.mark.parametrize("key", ["ctrl+q", "ctrl+c"])
async def test_quit_keys_quit_from_the_note_dialog_and_keep_the_note(make_app, key):
    app = make_app("One sentence here. Another one there.")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c", "m")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"half typed", key)
        await pilot.pause(0.2)
    assert app.return_code is not None  # the app has exited
    first = saved_sentences(app)[0]
    assert first["labels"] == ["claim"] and first["note"] == "half typed"


async def test_quitting_from_the_note_dialog_never_removes_a_note(make_app):
    app = make_app("One sentence here. Another one there.")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m", *"keep me", "enter", "m", "ctrl+u", "ctrl+q")
        await pilot.pause(0.2)
    assert saved_sentences(app)[0]["note"] == "keep me"
