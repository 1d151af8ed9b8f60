"""Nine labels at 80x24: a badge for each that no other label shares, and help and quit in the footer."""

from __future__ import annotations

from settling import settled

from textual.widgets._footer import FooterKey

from tagline.app.app import TaglineApp
from tagline.app.launch import theme_folders
from tagline.app.widgets.sentence_view import SentenceView
from tagline.core.articles import Article
from tagline.core.labels import scheme_from_data
from tagline.core.session import Session

NINE = ["claim", "quote", "statistic", "question", "opinion", "prediction", "attribution", "hedge", "irony"]
TEXT = "Prices rose 5% last year. \"We will act,\" she said. Is it true? Maybe. It will rain."


async def footer_keys_inside(pilot, columns: int) -> set[str]:
    """The footer's keys drawn whole within ``columns``, once the footer has its keys (it fills
    them in after the first frames; on a busy machine that takes a while)."""
    inside: set[str] = set()
    for _ in range(100):
        await pilot.pause(0.05)
        keys = [key for key in pilot.app.screen.query(FooterKey) if key.display]
        inside = {key.description for key in keys if key.region.width and key.region.right <= columns}
        if len(inside) > 2:
            break
    return inside


def nine_label_app(tmp_path) -> TaglineApp:
    scheme = scheme_from_data({"labels": NINE}, "tagline.yaml")
    session = Session([Article("nine", "nine.txt", TEXT)], tmp_path / "annotations", "tester", scheme, None)
    return TaglineApp(session, None, theme_folders=theme_folders())


async def test_nine_labels_keep_help_quit_and_unique_badges_at_80x24(tmp_path):
    app = nine_label_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert {"help", "quit"} <= await footer_keys_inside(pilot, 80)
        badges = [label.badge for label in app.session.scheme.labels]
        assert len(set(badges)) == 9
        await pilot.press(*(label.keys[0] for label in app.session.scheme.labels))  # every label on sentence 1
        view = app.screen.query_one(SentenceView)
        gutter = "".join(segment.text for segment in view.render_line(0))[:20]
        assert all(badge in gutter for badge in badges)
        status = str(app.screen._status.render())
        assert all(f"{badge}:" in status for badge in badges)


async def test_help_and_quit_stay_at_40_columns(tmp_path):
    app = nine_label_app(tmp_path)
    async with app.run_test(size=(40, 24)) as pilot:
        assert {"help", "quit"} <= await footer_keys_inside(pilot, 40)


def test_nine_labels_80x24_snapshot(snap_compare, tmp_path):
    app = nine_label_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled, press=["c", "i", "o", "j", "q"])
