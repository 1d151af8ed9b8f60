"""A key given twice in a file the app reads (the annotation file, the settings, a theme): one line
naming the file, the key and the line, the app working, and the file never written over."""

from __future__ import annotations

from tagline.app import settings, theming
from tagline.core.articles import load
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_an_annotation_file_with_a_key_twice_is_read_only_and_never_saved_over(make_app, tmp_path, sample_path):
    [article], _ = load([sample_path])
    session = Session([article], tmp_path / "annotations", "tester", DEFAULT_SCHEME, None)
    session.toggle("claim")
    session.close()
    path = tmp_path / "annotations" / "tester" / f"{article.id}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("  labels: [claim]\n") == 1
    # the sentence's labels twice: read as PyYAML reads it, the claim was lost without a word
    path.write_text(text.replace("  labels: [claim]\n", "  labels: [claim]\n  labels: []\n"), encoding="utf-8")
    line = path.read_text(encoding="utf-8").splitlines().index("  labels: []") + 1
    before = path.read_bytes()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        said = [t for t in toasts(app) if "given twice" in t]
        assert len(said) == 1 and "\n" not in said[0], toasts(app)
        assert f"{path}: line {line}, column 3: the key 'labels' is given twice in one mapping (first on line {line - 1})" in said[0]
        await pilot.press("c", "j", "space", "x")  # the app works; nothing it does reaches the file
        await pilot.pause()
        assert app.session.cursor >= 1
    assert path.read_bytes() == before


async def test_settings_with_a_key_twice_are_said_used_for_nothing_and_kept(make_app):
    path = settings.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("theme: tagline-light\nkeymap:\n  next_todo: t\n  undo: z\n  next_todo: y\n", encoding="utf-8")
    before = path.read_bytes()
    app = make_app("One. Two. Three.")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        said = [n for n in app.notices if "given twice" in n]
        assert said == [f"{path}: not read (line 5, column 3: the key 'next_todo' is given twice in one mapping (first on line 3))"]
        await pilot.press("j")
        assert app.session.cursor == 1
        app.theme = "tagline-light"  # remembering a theme must not rewrite the file it could not read
        await pilot.pause()
    assert path.read_bytes() == before


def test_a_theme_with_a_key_twice_is_left_out_with_the_line(tmp_path):
    folder = tmp_path / "themes"
    folder.mkdir()
    (folder / "twice.yaml").write_text("name: twice\nprimary: '#ff0000'\nvariables:\n  label-claim: '#00ff00'\n  label-claim: '#0000ff'\n",
                                       encoding="utf-8")
    (folder / "fine.yaml").write_text("name: fine\nprimary: '#ff0000'\n", encoding="utf-8")
    themes, problems = theming.load_themes([folder])
    assert [t.name for t in themes] == ["fine"]
    assert problems == ["theme twice.yaml: line 5, column 3: the key 'label-claim' is given twice in one mapping (first on line 4)"]


async def test_a_feed_line_with_a_key_twice_is_said_and_the_other_articles_open(tmp_path, monkeypatch):
    """The reader as ``tagline open feed.jsonl`` builds it: the line said in one toast, no article
    made of either text, the other article annotated and saved."""
    from tagline.app.app import TaglineApp
    from tagline.app.launch import theme_folders
    from tagline.core.articles import open_corpus

    monkeypatch.chdir(tmp_path)
    (tmp_path / "feed.jsonl").write_text('{"id": "sky", "text": "The sky cleared. Then it rained."}\n'
                                         '{"id": "river", "text": "The river rose.", "text": "The river fell."}\n', encoding="utf-8")
    found, problems = open_corpus(["feed.jsonl"])
    assert [a.id for a in found] == ["sky"]
    session = Session(found, tmp_path / "annotations", "tester", DEFAULT_SCHEME, None)
    app = TaglineApp(session, None, notices=[str(p) for p in problems], theme_folders=theme_folders())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        said = [t for t in toasts(app) if "given twice" in t]
        assert said == ["feed.jsonl:2: the key 'text' is given twice in one object (columns 17 and 44)"], toasts(app)
        await pilot.press("c", "j")
        await pilot.pause()
        assert app.session.cursor == 1
    assert (tmp_path / "annotations" / "tester" / "sky.yaml").exists()
    assert not (tmp_path / "annotations" / "tester" / "river.yaml").exists()
