"""Themes remembered per user; keys rebound by binding id, clashes refused."""

from __future__ import annotations

import yaml

from tagline.app import settings
from tagline.core.labels import DEFAULT_SCHEME


async def test_theme_chosen_is_remembered(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "tagline-light"
        await pilot.pause()
    assert yaml.safe_load(settings.settings_path().read_text())["theme"] == "tagline-light"
    again = make_app()
    async with again.run_test(size=(80, 24)):
        assert again.theme == "tagline-light"


async def test_rebound_key_works_and_the_old_one_is_free(make_app):
    settings.settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings.settings_path().write_text("keymap:\n  next_todo: t\n")
    app = make_app("One. Two. Three.")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        assert app.session.cursor == 1


def test_clashes_are_refused():
    keys, problems = settings.checked_keymap({"next_todo": "c", "undo": "z", "nope": "y"}, DEFAULT_SCHEME)
    assert keys == {"undo": "z"}
    assert any("'c' for 'next_todo' is taken by 'label-claim'" in p for p in problems)
    assert any("no binding with id 'nope'" in p for p in problems)


def test_a_keymap_written_for_the_old_twins_id_still_rebinds_the_duplicates_command():
    keys, problems = settings.checked_keymap({"twins": "D"}, DEFAULT_SCHEME)
    assert (keys, problems) == ({"duplicates": "D"}, [])
