"""A terminal narrower than the gutter: the default scheme at 9 columns, or a scheme of many labels
(the gutter has a cell per label) at 80. Before, the first row drawn ended the app in an IndexError
(the text's share of the row was empty), and a resize to such a width did the same mid-session."""

from __future__ import annotations

from tagline.app.app import TaglineApp
from tagline.app.launch import theme_folders
from tagline.app.widgets.sentence_view import SentenceView
from tagline.core.articles import Article
from tagline.core.labels import DEFAULT_SCHEME, scheme_from_data
from tagline.core.session import Session

TEXT = "Prices rose 5% last year. \"We will act,\" she said. Is it true? Maybe. It will rain."
MANY = scheme_from_data({"labels": [{"name": f"label{i}", "keys": [chr(0x4E00 + i)]} for i in range(120)]}, "tagline.yaml")


def app_with(tmp_path, scheme) -> TaglineApp:
    session = Session([Article("narrow", "narrow.txt", TEXT)], tmp_path / "annotations", "tester", scheme, None)
    return TaglineApp(session, None, theme_folders=theme_folders())


async def test_a_gutter_wider_than_the_terminal_draws_and_tags(tmp_path):
    for scheme, size in ((DEFAULT_SCHEME, (9, 12)), (MANY, (80, 24))):
        app = app_with(tmp_path / str(size[0]), scheme)
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.2)
            view = app.screen.query_one(SentenceView)
            assert view.render_line(0).cell_length <= size[0]
            await pilot.press(scheme.labels[-1].keys[0], "j")
            await pilot.pause(0.1)
            assert app.session.state(0).labels == (scheme.labels[-1].name,)
            await pilot.resize_terminal(120, 30)
            await pilot.pause(0.1)
            await pilot.resize_terminal(*size)
            await pilot.pause(0.1)
            assert view.render_line(0).cell_length <= size[0]
