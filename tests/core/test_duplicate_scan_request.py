"""The app hands the near-duplicate scan the article's text as it is, not escaped into a JSON
string (13 ms and more of the app's event loop on a 5,000-sentence article), and offsets still cut
the same sentences in the scan's process, whatever the text holds."""

from __future__ import annotations

import asyncio

import pytest

from tagline.core.duplicates_worker import DuplicateScan, read_request, request

TEXT = '\n"Quoted" \\ back 👍🏽 汉字.\r\nA line\nwith a break.\t"Quoted" \\ back 👍🏽 汉字.\n'


def _spans(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    spans, at = [], 0
    for sentence in sentences:
        start = text.index(sentence, at)
        spans.append((start, start + len(sentence)))
        at = start + len(sentence)
    return spans


def test_the_request_carries_the_text_unescaped():
    spans = _spans(TEXT, ['"Quoted" \\ back 👍🏽 汉字.', "A line\nwith a break.", '"Quoted" \\ back 👍🏽 汉字.'])
    data = request(TEXT, spans)
    assert data.endswith(TEXT.encode("utf-8"))  # not one byte of the text escaped
    assert len(data) - len(TEXT.encode("utf-8")) < 100
    assert read_request(data) == ([list(s) for s in spans], TEXT)


@pytest.mark.e2e
def test_the_scan_process_cuts_the_same_sentences():
    sentences = ['"Quoted" \\ back 👍🏽 汉字.', "A line\nwith a break.", '"Quoted" \\ back 👍🏽 汉字.']
    found = asyncio.run(DuplicateScan().run(TEXT, _spans(TEXT, sentences)))
    assert found == {2: 0}
