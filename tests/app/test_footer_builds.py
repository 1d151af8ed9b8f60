"""The footer's keys are built again only when what they show changes: Textual's footer rebuilt
them (every key a widget, mounted and styled) three times in the reader's first half second, and
a key typed meanwhile waited for it."""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tagline.app.widgets.footer import FittedFooter


def _count_builds(monkeypatch) -> list[int]:
    builds: list[int] = []
    original = Footer.recompose

    async def recompose(self):
        builds.append(1)
        return await original(self)

    monkeypatch.setattr(Footer, "recompose", recompose)
    return builds


def _shown(app) -> set[str]:
    return {key.action for key in app.screen.query(FooterKey) if key.display}


async def test_the_footer_is_built_once_at_start_and_again_only_when_its_keys_change(make_app, monkeypatch):
    builds = _count_builds(monkeypatch)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause(0.3)
        assert len(builds) == 1  # before: 3
        before = _shown(app)
        assert {"help", "app.quit"} & before
        for key in "jkjk":
            await pilot.press(key)
        assert len(builds) == 1
        # The search field takes the keys: the reader's commands stand aside, and come back.
        await pilot.press("slash")
        await pilot.pause()
        assert _shown(app) != before and len(builds) == 2
        await pilot.press("escape")
        await pilot.pause()
        assert _shown(app) == before and len(builds) == 3
        assert isinstance(app.screen.query_one(Footer), FittedFooter)
