"""The article list shows a file name as visible characters: an escape sequence, a line break or
a bidi override in a name is data, never terminal control. Before, the list printed ids as they
were: ``esc\\x1b]0;PWNED\\x07.txt`` retitled the terminal, ``csi\\x1b[31m`` turned the row red, a
newline split the row in two and U+202E reversed what followed."""

from __future__ import annotations

import unicodedata

from settling import settled
from textual.widgets import OptionList

from tagline.app.app import TaglineApp
from tagline.core.articles import open_corpus
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.session import Session

NAMES = ["esc\x1b]0;PWNED\x07", "csi\x1b[31mred", "nl\nline", "bidi\u202egnp", "c1\u009b31m", "-rf"]


async def test_hostile_file_names_are_listed_as_visible_characters(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus").mkdir()
    for name in NAMES:
        (tmp_path / "corpus" / f"{name}.txt").write_text("The mayor said it rained. It did.\n", encoding="utf-8")
    found, _ = open_corpus(["corpus"])
    session = Session(found, tmp_path / "annotations", "tester", DEFAULT_SCHEME, None)
    app = TaglineApp(session, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)  # the duplicate scan has answered: no process left when the app ends
        await pilot.press("escape")
        await pilot.pause()
        options = app.screen.query_one(OptionList).options
        rows = [str(option.prompt.plain if hasattr(option.prompt, "plain") else option.prompt) for option in options]
        assert len(rows) == len(NAMES)
        for row in rows:
            bad = [c for c in row if unicodedata.category(c) in ("Cc", "Cf")]
            assert not bad, (row, bad)
        assert any(row.lstrip("◐✓ ").startswith("-rf") for row in rows)
