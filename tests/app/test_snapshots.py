"""What the annotator sees, at 80x24 (the SSH default) and wider."""

from __future__ import annotations


async def settled(pilot) -> None:
    """Background work (duplicates; entities with a model) done, so the picture is the same every run."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_reader_80x24(snap_compare, make_app):
    app = make_app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled, press=["c", "j", "q", "s", "j", "space", "f"])


def test_reader_120x40(snap_compare, make_app):
    app = make_app()
    assert snap_compare(app, terminal_size=(120, 40), run_before=settled, press=["j", "c"])


def test_help_80x24(snap_compare, make_app):
    app = make_app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled, press=["question_mark"])


def test_article_list_80x24(snap_compare, make_app):
    app = make_app("First article. It has two sentences.", "Second [b]one[/b].")
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled, press=["escape"])
