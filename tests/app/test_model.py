"""With the real model: entities and suggestions stream in while the article is already taggable."""

from __future__ import annotations

import asyncio

import pytest

from tagline.app.widgets.sentence_view import SentenceView
from tagline.core import nlp

pytestmark = pytest.mark.e2e  # starts the model's child process (tagline.core.nlp_worker)


async def wait_until(pilot, condition, seconds=60.0):
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


async def test_entities_and_suggestions_arrive_and_a_accepts(make_app):
    model = nlp.resolve_model("en_core_web_sm")
    app = make_app(model=model)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")  # taggable before the model has answered
        assert app.session.state(0).labels == ("claim",)
        view = app.screen.query_one(SentenceView)
        await wait_until(pilot, lambda: len(app.session.suggestions) == app.session.total)
        assert ("DATE" in {label for _, _, label in view.entities[0]})
        await pilot.press("j")
        suggested = app.session.suggestions[1]["labels"]
        assert suggested  # the sample's second sentence is a checkable accusation reported by Pakistan
        await pilot.press("a")
        assert list(app.session.state(1).labels) == suggested
        hint = str(app.screen.view.info["hint"].render())
        assert "suggested" in hint
        await pilot.press("ctrl+q")
    await asyncio.sleep(0)
