from hypothesis import given, strategies as st

from tagline.core.sanitize import _TABLE, visible


def test_controls_become_pictures():
    assert visible("a\x1b[31mb\x07") == "a␛[31mb␇"
    assert visible("\u202eevil") == "\u2051evil"
    assert visible("zero\u200bwidth") == "zero·width"
    assert visible("\x9b2J") == "\ufffd2J"


@given(st.text())
def test_one_to_one_and_no_controls_survive(text):
    shown = visible(text)
    assert len(shown) == len(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown)


def test_printable_text_needs_nothing_replaced():
    """visible() returns printable text as it is; that is right only if no character it replaces
    is printable."""
    printable = [hex(code) for code in _TABLE if chr(code).isprintable()]
    assert printable == []


@given(st.text(st.one_of(st.characters(), st.sampled_from([chr(code) for code in _TABLE]))))
def test_same_as_translating_everything(text):
    assert visible(text) == text.translate(_TABLE)


#: Written out here, not taken from the sanitiser's table: every Unicode character that reorders
#: text (bidi embeddings and overrides U+202A-202E, isolates U+2066-2069, the marks LRM, RLM, ALM).
BIDI_CONTROLS = [
    0x202A, 0x202B, 0x202C, 0x202D, 0x202E,  # LRE RLE PDF LRO RLO
    0x2066, 0x2067, 0x2068, 0x2069,  # LRI RLI FSI PDI
    0x200E, 0x200F, 0x061C,  # LRM RLM ALM
]


def test_every_bidi_control_is_shown_not_obeyed():
    import unicodedata

    reordering = {"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"}
    for code in BIDI_CONTROLS:
        text = f"abc{chr(code)}def"
        shown = visible(text)
        assert len(shown) == len(text)
        assert chr(code) not in shown, hex(code)
        assert not any(unicodedata.bidirectional(c) in reordering for c in shown), hex(code)
        assert shown[3].isprintable(), hex(code)  # a visible mark in its place
    # and Unicode agrees these are the reordering characters: none left out of the list above
    every = [c for c in range(0x110000) if unicodedata.bidirectional(chr(c)) in reordering]
    assert set(every) <= set(BIDI_CONTROLS)


#: Format characters (Cf) that have a glyph of their own: the prepended concatenation marks
#: (Arabic number signs and the like), which show where they stand.
SHOWN_FORMAT_CHARACTERS = {0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x6DD, 0x70F, 0x890, 0x891, 0x8E2, 0x110BD, 0x110CD}


def test_every_invisible_format_character_is_shown():
    """Tag characters (U+E0000 to U+E007F) and other invisible format characters were left as they
    were: "H\U000E0041I" read "HI" with a hidden letter inside, in the app and every command."""
    import json
    import unicodedata

    from tagline.core.sanitize import json_text

    hidden = [c for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf" and c not in SHOWN_FORMAT_CHARACTERS]
    assert [hex(c) for c in hidden if c not in _TABLE] == []
    text = "H\U000E0041I \u2062 \U0001BCA0"
    assert visible(text) == "H·I · ·"
    written = json_text(text)  # above U+FFFF: a surrogate pair, read back as the same text
    assert written.isascii() and json.loads(written) == text


def test_usage_errors_quote_the_arguments_as_visible_characters(capsys):
    """argparse printed "unrecognized arguments" as they were; a shell glob puts file names among
    the arguments, so an escape sequence in one reached the terminal."""
    import pytest

    from tagline import cli

    for argv in (["agree", "\x1b]0;pwned\x07.yaml"], ["export", "--format", "csv", "a\u202eb", "c\x9b31m"]):
        with pytest.raises(SystemExit) as raised:
            cli.main(argv)
        assert raised.value.code == 2
        err = capsys.readouterr().err
        assert "unrecognized arguments" in err
        assert not any(c in err for c in "\x1b\x07\u202e\x9b"), err
        assert "\u241b]0;pwned\u2407" in err or "a\u2051b" in err
