"""Themes: what the reader looks like in dark, light and NO_COLOR at 80x24 and 120x40; every theme
file loads and reads well; the ANSI themes Textual ships can be chosen with ``--theme``."""

from __future__ import annotations

from settling import settled

from pathlib import Path

import pytest
import yaml
from textual.color import Color

from tagline.app import theming
from tagline.cli import build_parser, bundled
from tagline.core.labels import DEFAULT_SCHEME

THEME_FILES = sorted(bundled("themes").glob("*.yaml"))
#: The themes Textual ships that speak the terminal's own 16 colours (Textual 8: ansi-dark, ansi-light).
ANSI_THEMES = ("ansi-dark", "ansi-light")
KEYS = ["c", "j", "q", "s", "j", "space", "f"]




async def tagged(pilot) -> None:
    """Settled, the same actions as the terminal tests, and the 'flagged' notice dismissed so the
    status line is in the picture."""
    await settled(pilot)
    await pilot.press(*KEYS)
    await settled(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


# -- snapshots ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("theme", ["tagline-dark", "tagline-light"])
def test_reader_in_theme(snap_compare, make_app, theme, size):
    assert snap_compare(make_app(theme=theme), terminal_size=size, run_before=tagged)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_reader_with_no_color(snap_compare, make_app, monkeypatch, size):
    monkeypatch.setenv("NO_COLOR", "1")  # read when the app is made
    app = make_app()
    assert app.no_color
    assert snap_compare(app, terminal_size=size, run_before=tagged)


def test_reader_in_ansi_dark(snap_compare, make_app):
    assert snap_compare(make_app(theme="ansi-dark"), terminal_size=(80, 24), run_before=tagged)


# -- every theme file -------------------------------------------------------------------------------


def test_every_theme_file_loads_under_its_own_name():
    themes, problems = theming.load_themes([bundled("themes")])
    assert problems == []
    assert sorted(t.name for t in themes) == sorted(path.stem for path in THEME_FILES)
    assert {"tagline-dark", "tagline-light"} <= {t.name for t in themes}
    assert theming.DEFAULT_THEME in {t.name for t in themes}


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = Color.parse(colour).rgb
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours: 1 (none) to 21 (black on white)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_is_the_wcag_ratio():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#123456", "#123456") == 1.0


@pytest.mark.parametrize("path", THEME_FILES, ids=[p.stem for p in THEME_FILES])
def test_theme_file_is_complete_and_legible(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    variables = data["variables"]
    # Every colour the reader asks for is set by the theme itself, not left to the defaults.
    assert set(theming.VARIABLE_DEFAULTS) <= set(variables), set(theming.VARIABLE_DEFAULTS) - set(variables)
    assert contrast(data["foreground"], data["background"]) >= 7.0  # body text: WCAG AAA
    assert contrast(data["foreground"], variables["cursor-background"]) >= 7.0  # the sentence under the cursor
    labels = [variables[label.colour] for label in DEFAULT_SCHEME.labels]
    assert len({c.lower() for c in labels}) == len(labels), "two labels share a colour"
    # Label badges sit on the text, the cursor row and the status line: 3:1 at least (WCAG, non-text).
    for colour in labels:
        for ground in (data["background"], variables["cursor-background"], data["panel"]):
            assert contrast(colour, ground) >= 3.0, f"{colour} on {ground}: {contrast(colour, ground):.1f}:1"
    for name, colour in variables.items():
        if name.startswith("ent-"):
            assert contrast(colour, data["background"]) >= 3.0, f"{name} {colour}: {contrast(colour, data['background']):.1f}:1"


@pytest.mark.parametrize("path", THEME_FILES, ids=[p.stem for p in THEME_FILES])
async def test_the_reader_runs_in_each_theme(make_app, path):
    app = make_app(theme=path.stem)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        assert app.theme == path.stem
        assert not [n for n in app.notices if "theme" in n]
        assert app.theme_variables["label-claim"].lower() == yaml.safe_load(path.read_text())["variables"]["label-claim"].lower()
        await pilot.press("c")
        assert "1/34 done" in str(app.screen.view.info["status"].render())


# -- Textual's ANSI themes ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ANSI_THEMES)
async def test_ansi_theme_is_selectable_with_the_option(make_app, name):
    args = build_parser().parse_args(["open", "--theme", name])
    assert args.theme == name
    app = make_app(theme=args.theme)
    assert name in app.available_themes
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        assert app.theme == name
        assert app.current_theme.ansi and app.native_ansi_color  # the terminal's own palette is used
        assert not [n for n in app.notices if "not found" in n]
        await pilot.press("q")
        status = str(app.screen.view.info["status"].render())
        assert "1/34 done" in status and "Q:1" in status


async def test_an_unknown_theme_falls_back_with_a_notice(make_app):
    app = make_app(theme="no-such-theme")
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        assert app.theme == theming.DEFAULT_THEME
        assert any("theme 'no-such-theme' not found" in n for n in app.notices)


# -- the text column ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "size",
    [
        (80, 24),
        (120, 40),
    ],
    ids=["80x24", "120x40"],
)
async def test_every_character_of_a_sentence_is_on_screen(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settled(pilot)
        view = app.screen.query_one("#sentences")
        first = app.session.article.sentences[0]
        text = app.session.article.text[first.start : first.end]
        rows = []
        for y in range(view.scrollable_content_region.height):
            line = view.render_line(y).text[view.gutter_width : -1].rstrip()  # the last column is the scroll thumb
            if not line:
                break
            rows.append(line)
        assert " ".join(rows) == " ".join(text.split())


@pytest.mark.parametrize("body, message", [
    ("name: x\nprimary: '#fff'\nvariables: [a, b]\n", "'variables' must map names to values"),
    ("name: x\nprimary: notacolour\n", "primary 'notacolour' is not a colour"),
    ("name: x\nprimary: '#fff'\nsecondary: [1]\n", "secondary [1] is not a colour"),
    ("name: [x]\nprimary: '#fff'\n", "'name' must be text"),
    # Listed as markup by the theme palette, and written to the terminal as it was by its preview.
    ("name: \"evil\\e]0;pwned\\a\\u202ex\"\nprimary: '#fff'\n", "is not a theme name"),
    ("name: '[bold]x'\nprimary: '#fff'\n", "is not a theme name"),
    ("name: 'two words'\nprimary: '#fff'\n", "is not a theme name"),
    ("name: x\nprimary: '#fff'\ndark: 'no'\n", "'dark' must be true or false"),
    ("name: x\nprimary: '#fff'\nvariables: {label-claim: notacolour}\n", "variable label-claim 'notacolour' is not a colour"),
    ("name: x\nprimary: '#fff'\nvariables: {footer-key-foreground: nope}\n", "variable footer-key-foreground 'nope' is not a colour"),
    ("name: x\nprimary: '#fff'\nvariables: {block-cursor-text-style: 5}\n", "is not a colour nor a text style"),
    # A variable of the theme's own is read by Textual's stylesheet too: "CSS parsing failed", exit 1.
    ("name: x\nprimary: '#fff'\nvariables: {mine: '@click=app.quit'}\n", "variable mine '@click=app.quit' is not a colour"),
    ("name: x\nprimary: '#fff'\nvariables: {mine: 'red; x: y'}\n", "variable mine 'red; x: y' is not a colour"),
])
def test_a_theme_file_of_the_wrong_kinds_is_one_line_not_a_crash(tmp_path, body, message):
    """Before, each of these stopped the app at start: an AttributeError (variables as a list) or
    Textual's "CSS parsing failed" (a colour it cannot parse), exit status 1. Now the theme is
    left out with one line, as a theme file that does not parse is."""
    (tmp_path / "bad.yaml").write_text(body, encoding="utf-8")
    themes, problems = theming.load_themes([tmp_path])
    assert themes == [] and len(problems) == 1 and message in problems[0], problems


def test_theme_variables_textual_reads_as_styles_and_colours_are_accepted(tmp_path):
    (tmp_path / "ok.yaml").write_text("name: ok\nprimary: '#fff'\nvariables: {block-cursor-text-style: bold underline,"
                                      " footer-key-foreground: 'auto 87%', label-claim: ansi_bright_red, my-own: 'x'}\n",
                                      encoding="utf-8")
    themes, problems = theming.load_themes([tmp_path])
    assert problems == [] and [t.name for t in themes] == ["ok"]


@pytest.mark.parametrize("colour", ["block-cursor-text-style", "text", "mine", "link", "missing"])
async def test_a_label_colour_naming_a_variable_that_is_no_colour_shows_the_label_without_colour(tmp_path, colour, sample_path):
    """A scheme's ``colour`` names a theme variable, and not every variable is a colour
    (``block-cursor-text-style`` is ``bold``, ``text`` is ``auto 87%``, a theme's own may be any
    word). The value was parsed as a colour when the article was drawn, and the app ended with a
    ColorParseError at start; or it went into a style string, where ``link …`` is a hyperlink."""
    from dataclasses import replace

    from tagline.app.app import TaglineApp
    from tagline.core.articles import load
    from tagline.core.session import Session

    (tmp_path / "themes").mkdir()
    (tmp_path / "themes" / "own.yaml").write_text("name: own\nprimary: '#5fafff'\nvariables: {mine: x, link: link}\n",
                                                  encoding="utf-8")
    scheme = replace(DEFAULT_SCHEME, labels=(replace(DEFAULT_SCHEME.labels[0], colour=colour), *DEFAULT_SCHEME.labels[1:]))
    assert theming.label_colour({"mine": "x", "ok": "#ff0000"}, "mine") == "" and theming.label_colour({"ok": "#ff0000"}, "ok") == "#ff0000"
    articles, _ = load([sample_path])
    session = Session(articles, tmp_path / "annotations", "tester", scheme)
    app = TaglineApp(session, None, theme="own", theme_folders=[tmp_path / "themes"])
    async with app.run_test(size=(100, 30)) as pilot:
        await settled(pilot)
        await pilot.press("c")
        await settled(pilot)
        assert app.session.store.get(0).labels == ("claim",)
        view = app.screen.query_one("#sentences")
        shown = "".join(view.render_line(y).text for y in range(view.size.height))
        assert "C:1" in shown
