"""Sentences repeated across articles: found by `tagline prepare`, marked when the article opens."""

from __future__ import annotations

import yaml

from tagline.app.app import TaglineApp
from tagline.app.launch import theme_folders
from tagline.cli import main
from tagline.core.articles import open_corpus
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session

WIRE = "Pakistan has witnessed a surge in violence over the past 18 months, with more than 700 attacks."


async def test_prepare_finds_a_sentence_repeated_in_another_article(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(f"The minister spoke on Monday. {WIRE}\n", encoding="utf-8")
    (corpus / "b.txt").write_text(f"Officials met in Kabul. Nothing was agreed.\n{WIRE}\n", encoding="utf-8")
    assert main(["prepare", str(corpus), "--jobs", "1"]) == 0
    assert "1 sentences repeat a sentence of another article" in capsys.readouterr().out
    found, _ = open_corpus([corpus])
    session = Session(found, tmp_path / "annotations", "tester", DEFAULT_SCHEME)
    session.open_article(1)  # b
    app = TaglineApp(session, None, theme_folders=theme_folders())
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.corpus_duplicates == {2: ("a", 1)}
        await pilot.press("j", "j")
        assert "repeats sentence 2 of a" in str(app.screen.view.info["hint"].render())
        await pilot.press("ctrl+q")
    data = yaml.safe_load((tmp_path / "annotations" / "tester" / "b.yaml").read_text(encoding="utf-8"))
    assert data["sentences"][2]["duplicate_of"] == {"article": "a", "index": 1}
