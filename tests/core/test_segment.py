from tagline.core import segment
from tagline.core.articles import Article


def texts(text):
    _, sents, _ = segment.split(text)
    return [text[s.start : s.end] for s in sents]


def test_sample_article_sentences_cut_exactly(sample_path):
    text = sample_path.read_text(encoding="utf-8")
    paras, sents, owner = segment.split(text)
    assert len(paras) == 28
    assert len(sents) == 34
    for span, p in zip(sents, owner):
        para = paras[p]
        assert para.start <= span.start < span.end <= para.end  # never crosses a paragraph
        assert text[span.start : span.end] == text[span.start : span.end].strip()


def test_quotes_and_attribution_split_as_a_reader_would():
    got = texts("“There is no chance of a dialogue with them. What do we talk about?” Asif said.")
    assert got == ["“There is no chance of a dialogue with them.", "What do we talk about?” Asif said."]


def test_abbreviations_initials_and_decimals_do_not_split():
    got = texts("Mr. Smith met Dr. J. K. Rowling in the U.S. on Friday. Growth was 2.5 per cent. It rose.")
    assert got == ["Mr. Smith met Dr. J. K. Rowling in the U.S. on Friday.", "Growth was 2.5 per cent.", "It rose."]


def test_lowercase_after_full_stop_does_not_split():
    assert texts("He said e.g. apples and so on. Then left.") == ["He said e.g. apples and so on.", "Then left."]


def test_lines_are_paragraphs_and_blank_lines_are_skipped():
    text = "First line.\n\nSecond line here.\r\nThird.\n"
    paras, sents, owner = segment.split(text)
    assert [text[p.start : p.end] for p in paras] == ["First line.", "Second line here.", "Third."]
    assert owner == [0, 1, 2]


def test_hard_wrapped_block_is_one_paragraph():
    text = "This sentence is wrapped\nacross two lines. And another.\n\nNext block."
    paras, sents, _ = segment.split(text)
    assert len(paras) == 2
    assert [text[s.start : s.end] for s in sents][0] == "This sentence is wrapped\nacross two lines."


def test_a_list_of_headlines_one_a_line_is_not_one_wrapped_sentence():
    """Short lines with no full stop read as hard-wrapped: a file of headlines, one a line, became
    one sentence. A line stops mid-sentence only when the next does not begin like a sentence."""
    text = "Stocks fall as rates rise\nMayor resigns after scandal\nFloods hit the north coast\n"
    assert texts(text) == ["Stocks fall as rates rise", "Mayor resigns after scandal", "Floods hit the north coast"]
    wrapped = "The council met on Monday and\ndecided to raise taxes by five\npercent next year. It was close.\n"
    assert texts(wrapped) == ["The council met on Monday and\ndecided to raise taxes by five\npercent next year.", "It was close."]


def test_long_unpunctuated_sentence_is_one_sentence():
    text = "word " * 2000
    assert len(texts(text)) == 1


def test_article_sentence_range():
    article = Article("a", "a.txt", "One. Two.\nThree.")
    assert list(article.sentence_range(0)) == [0, 1]
    assert list(article.sentence_range(1)) == [2]


# -- issue 16: sentences right first ----------------------------------------------------------------
def test_abbreviated_month_before_a_day_does_not_split():
    assert texts("He left at 5 p.m. on Jan. 3. Then he came back.") == ["He left at 5 p.m. on Jan. 3.", "Then he came back."]
    assert texts("It opened in Sept. 2021 and closed.") == ["It opened in Sept. 2021 and closed."]


MARKDOWN = """# A heading

1. Numbered one.
2. Numbered two.

- Apples are red
- Pears are green

## Sub heading

Some text here. More text.

```
x = 1. Not prose.
```
After the code.
"""


def test_markdown_structure_lists_headings_and_fences():
    got = texts(MARKDOWN)
    assert got == [
        "Numbered one.",
        "Numbered two.",
        "Apples are red",
        "Pears are green",
        "Some text here.",
        "More text.",
        "After the code.",
    ]
    paras, sents, _ = segment.split(MARKDOWN)
    for span in paras + sents:  # offsets stay exact
        assert MARKDOWN[span.start : span.end] == MARKDOWN[span.start : span.end].strip()


def test_plain_prose_is_not_read_as_markdown_code_or_html():
    text = "Prose line one.\n    Indented prose, still prose.\n\n<p>Text in a tag.</p>"
    assert texts(text) == ["Prose line one.", "Indented prose, still prose.", "<p>Text in a tag.</p>"]


def test_japanese_full_stop_is_a_boundary():
    assert texts("東京は晴れです。明日は雨でしょう。") == ["東京は晴れです。", "明日は雨でしょう。"]
    assert texts("「行きます」と彼は言った。 それから帰った。") == ["「行きます」と彼は言った。", "それから帰った。"]
