from hypothesis import given, settings, strategies as st
from rich.cells import cell_len

from tagline.core.layout import _ONE_CELL, _ONE_CELL_RANGES, _wrap_cells, _wrap_one_cell, wrap


def lines_of(text, width):
    return [text[start:end] for start, end in wrap(text, width)]


def test_hand_cases():
    assert wrap("", 10) == [(0, 0)]
    assert lines_of("one two three", 6) == ["one ", "two ", "three"]
    assert lines_of("one two three", 7) == ["one two ", "three"]
    assert lines_of("a  b   c", 1) == ["a  ", "b   ", "c"]
    assert lines_of("ab      cd", 5) == ["ab      ", "cd"]  # trailing space hangs past the edge
    assert lines_of("ab abcdefgh ij", 4) == ["ab ", "abcd", "efgh ", "ij"]  # a long word is cut
    assert lines_of("   abc def", 4) == ["   ", "abc ", "def"]  # a line of leading space
    assert lines_of("one\ntwo", 4) == ["one\n", "two"]
    assert lines_of("a’b — “quoted” words", 8) == ["a’b — ", "“quoted” ", "words"]
    assert lines_of("漢字 漢字 漢字", 9) == ["漢字 漢字 ", "漢字"]  # two cells a character
    assert wrap("word", 0) == wrap("word", 1)


def test_one_cell_characters_are_one_cell():
    """The fast path counts a character per cell; :func:`cell_len` must agree for every character
    it accepts (space of any kind is counted by its length in both paths)."""
    for low, high in _ONE_CELL_RANGES:
        for code in range(low, high + 1):
            char = chr(code)
            assert _ONE_CELL.fullmatch(char)
            if not char.isspace():
                assert cell_len(char) == 1, hex(code)
    for char in ("\x00", "\x1b", "\x9b", "\u00ad", "\u200b", "\u202e", "漢", "\ufe0f"):
        assert not _ONE_CELL.fullmatch(char)


WORD_CHARS = "abcdefghij.,'’—é-"


@st.composite
def texts(draw, alphabet=WORD_CHARS, spaces=(" ", "  ", "   ", "\n", " \t")):
    """Words of 1 to 120 characters (so some are longer than a line) separated by runs of space,
    sometimes with space before the first word or after the last."""
    words = draw(st.lists(st.text(st.sampled_from(alphabet), min_size=1, max_size=120), max_size=12))
    gaps = draw(st.lists(st.sampled_from(spaces), min_size=len(words) + 1, max_size=len(words) + 1))
    if not draw(st.booleans()):
        gaps[0] = ""
    if not draw(st.booleans()):
        gaps[-1] = ""
    return "".join(gap + word for gap, word in zip(gaps, words)) + gaps[-1]


widths = st.integers(min_value=1, max_value=100)


@settings(max_examples=500)
@given(texts(), widths)
def test_fast_path_is_the_general_wrap(text, width):
    assert wrap(text, width) == _wrap_cells(text, width)
    fast = _wrap_one_cell(text, width)
    if fast is not None:
        assert fast == _wrap_cells(text, width)
    if text and not text[0].isspace() and max(len(word) for word in text.split()) <= width:
        assert fast is not None  # the fast path does take ordinary text


@settings(max_examples=500)
@given(st.text(st.characters(max_codepoint=0x7F)), widths)
def test_any_ascii_text(text, width):
    assert wrap(text, width) == _wrap_cells(text, width)


@settings(max_examples=300)
@given(texts(alphabet="ab’漢\u200b\x01\u00ad", spaces=(" ", "  ", "\u00a0", "\u3000")), widths)
def test_wider_and_narrower_characters_take_the_general_path(text, width):
    assert wrap(text, width) == _wrap_cells(text, width)


THUMBS = "\U0001F44D\U0001F3FD"  # 👍🏽: a hand and a skin tone, one grapheme cluster
FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467"  # 👨‍👩‍👧, joined by ZWJ
FLAG = "\U0001F1EB\U0001F1F7"  # 🇫🇷, two regional indicators


def test_a_cluster_is_measured_as_the_widest_terminal_draws_it():
    # At 80 columns the reader's text is 71 cells wide: measured as 2 cells, 👍🏽 ended the line and a
    # terminal drawing the hand and the skin tone apart (tmux 3.3) lost the skin tone past the edge.
    assert lines_of("x" * 69 + THUMBS, 71) == ["x" * 69, THUMBS]
    assert lines_of("x" * 67 + THUMBS, 71) == ["x" * 67 + THUMBS]


def test_long_words_are_cut_between_grapheme_clusters():
    assert lines_of(FLAG * 5, 3) == [FLAG] * 5  # never 🇫 | 🇷
    assert lines_of(FAMILY * 3, 7) == [FAMILY] * 3
    assert lines_of("ab" + THUMBS + "cd", 3) == ["ab", THUMBS, "cd"]
    assert lines_of("Wow " + "y" * 30 + THUMBS + " ok.", 31) == ["Wow ", "y" * 30, THUMBS + " ok."]
    assert lines_of("cafe\u0301s" * 3, 4) == ["cafe\u0301", "scaf", "e\u0301sca", "fe\u0301s"]


CLUSTERS = ["a", "b", "é", "e\u0301", "漢", THUMBS, FAMILY, FLAG, "\u2764\ufe0f", "\U0001F44B\U0001F3FF"]


@settings(max_examples=400)
@given(st.lists(st.sampled_from([*CLUSTERS, " ", "  ", "\n"]), max_size=80), widths)
def test_offsets_stay_exact_and_no_cluster_is_split(parts, width):
    import regex

    from tagline.core.layout import cells

    text = "".join(parts)
    lines = wrap(text, width)
    assert lines[0][0] == 0 and lines[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(lines, lines[1:]))  # contiguous: offsets cut the exact text
    boundaries = {m.start() for m in regex.finditer(r"\X", text)} | {len(text)}
    assert all(start in boundaries for start, _ in lines)
    for start, end in lines:
        shown = text[start:end].rstrip()
        assert cells(shown) <= width or len(regex.findall(r"\X", shown)) == 1
