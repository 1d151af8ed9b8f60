"""A count is said with its noun in the right number, by one function every command shares."""

from __future__ import annotations

from tagline.commands.export import summary
from tagline.core import corpus
from tagline.core.wording import count


def test_one_is_singular_every_other_count_plural():
    assert [count(n, "article") for n in (0, 1, 2)] == ["0 articles", "1 article", "2 articles"]
    assert count(1, "entity", "entities") == "1 entity" and count(3, "entity", "entities") == "3 entities"


def test_the_export_summary_says_one_sentence_and_one_row():
    """It said "--merge reviewed: 1 sentences in; 1 rows out"."""
    merge = corpus.Merge(policy="reviewed", examples=[], rows_in=1, sentences_in=1)
    merge.drop("in dispute")
    line = summary(merge)
    assert line.startswith("--merge reviewed: 1 sentence in; 0 rows out") and "sentences" not in line

