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
