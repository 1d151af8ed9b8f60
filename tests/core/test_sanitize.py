from hypothesis import given, strategies as st

from tui.core.sanitize import visible


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
