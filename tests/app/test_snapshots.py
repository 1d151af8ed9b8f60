"""What the annotator sees, at 80x24 (the SSH default) and wider."""

from __future__ import annotations


def test_reader_80x24(snap_compare, make_app):
    app = make_app()
    assert snap_compare(app, terminal_size=(80, 24), press=["c", "j", "q", "s", "j", "space", "f"])


def test_reader_120x40(snap_compare, make_app):
    app = make_app()
    assert snap_compare(app, terminal_size=(120, 40), press=["j", "c"])


def test_help_80x24(snap_compare, make_app):
    app = make_app()
    assert snap_compare(app, terminal_size=(80, 24), press=["question_mark"])


def test_article_list_80x24(snap_compare, make_app):
    app = make_app("First article. It has two sentences.", "Second [b]one[/b].")
    assert snap_compare(app, terminal_size=(80, 24), press=["escape"])
