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


def test_keymap_keys_that_are_not_keys_or_that_quit_are_refused():
    """Before, ``label-claim: ctrl+c`` was accepted (ctrl+c then tagged instead of quitting), a list
    became its Python text split at commas ("['x'", "'y']" as keys), a number its digits, and a
    key no terminal sends left the command without a key, each silently."""
    from tagline.app.settings import checked_keymap
    from tagline.core.labels import DEFAULT_SCHEME

    cases = {
        "label-claim": ("ctrl+c", "'ctrl+c' for 'label-claim' quits on every screen"),
        "next": ({"a": 1}, "keys for 'next' must be text such as 'j,down', not {'a': 1}"),
        "previous": ("notakey", "'notakey' for 'previous' is not a key"),
        "undo": (5, "keys for 'undo' must be text"),
    }
    for binding, (keys, message) in cases.items():
        accepted, problems = checked_keymap({binding: keys}, DEFAULT_SCHEME)
        assert accepted == {} and len(problems) == 1 and message in problems[0], (binding, problems)
    accepted, problems = checked_keymap({"next": ["ctrl+n", "f5"], "quit": "ctrl+x"}, DEFAULT_SCHEME)
    assert problems == [] and accepted == {"next": "ctrl+n,f5", "quit": "ctrl+x"}


async def test_a_theme_or_cursor_of_the_wrong_kind_is_one_line_and_the_app_starts(make_app):
    """``theme: [1, 2]`` in the settings ended the app at start in a TypeError (a list cannot name a
    theme); ``cursor: 5`` was ignored without a word. Each is now one line, and the rest is used."""
    path = settings.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    for body, words in (("theme: [1, 2]\ncursor: sentence\n", "theme: must be the name of a theme"),
                        ("cursor: 5\n", "cursor: must be gutter or sentence")):
        path.write_text(body, encoding="utf-8")
        before = path.read_bytes()
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert any(words in notice for notice in app.notices), app.notices
            assert app.theme == "tagline-dark"
            await pilot.press("c")
        assert path.read_bytes() == before  # never rewritten over the user's file


def test_an_unknown_key_in_the_settings_is_said_and_the_rest_is_used():
    """``thme: tagline-light`` was ignored without a word: the theme never changed and nothing said why."""
    path = settings.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('thme: tagline-light\ncursor: sentence\n"\\e[2Jx": 1\n', encoding="utf-8")
    data, problem = settings.load()
    assert data["cursor"] == "sentence"
    assert problem == f"{path}: unknown key 'thme' (did you mean 'theme'?); left out"
    settings.save_theme("tagline-dark")  # the key is said, and kept as it is written
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["thme"] == "tagline-light"
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["theme"] == "tagline-dark"
    path.write_text('"\\e[2Jx": 1\n', encoding="utf-8")
    assert settings.load()[1] == f"{path}: unknown key '\u241b[2Jx' (known: theme, cursor, keymap); left out"
    path.write_text("theme: tagline-light\ncursor: sentence\nkeymap: {next: j}\n", encoding="utf-8")
    assert settings.load()[1] is None
