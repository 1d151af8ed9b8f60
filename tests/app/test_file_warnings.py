"""A warning about an article's file names the file and is shown with that article, not another."""

from __future__ import annotations

from tagline.app.app import TaglineApp
from tagline.core.articles import open_corpus
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_the_invalid_utf8_warning_names_the_file_and_goes_with_its_article(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("A good article. It reads fine.\n", encoding="utf-8")
    (tmp_path / "corpus" / "b.txt").write_bytes("Caf\xe9 au lait. Second sentence.\n".encode("latin-1"))
    found, problems = open_corpus(["corpus"])
    session = Session(found, tmp_path / "annotations", "tester", DEFAULT_SCHEME, None)
    app = TaglineApp(session, None, notices=[str(p) for p in problems])
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        legend = app.screen._legend
        assert "UTF-8" not in str(legend.render())
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert session.article.id == "b"
        shown = str(legend.render())
        assert "corpus/b.txt: not valid UTF-8" in shown  # named, on screen with its article
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert session.article.id == "a"
        assert "UTF-8" not in str(legend.render())
        assert not [t for t in toasts(app) if "UTF-8" in t]  # nothing about b while a is shown
