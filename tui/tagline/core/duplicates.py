"""Exact and near-duplicate sentences, within an article and across a corpus.

Scraped news repeats itself: a teaser restates sentences of the body, a quotation is reprinted as a
fragment, the same wire copy appears under two ids. :func:`find_duplicates` maps each repeated
sentence to its first occurrence so that annotators can skip it and exports can drop it.

1. Every sentence is normalised (Unicode compatibility form, casefold, quotes and dashes unified,
   punctuation stripped, whitespace collapsed) and hashed: equal keys are exact duplicates.
2. Each remaining sentence is compared with the distinct sentences seen before it that share one of
   its rarest words (blocking: no all-pairs comparison), with rapidfuzz's C batch scorer
   ``process.extractOne`` and a score cutoff: nearly equal (``fuzz.ratio``) or one contained in the
   other (``fuzz.partial_ratio``, for fragments). Sentences whose figures differ are never merged:
   "rose 5%" and "rose 6%" are different facts.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from rapidfuzz import fuzz, process

Key = tuple[str, int]

#: ``fuzz.ratio`` (0-100) at or above which two normalised sentences are the same sentence.
NEAR_EQUAL = 92.0
#: ``fuzz.partial_ratio`` at or above which the shorter sentence is a fragment of the longer.
CONTAINED = 97.0
#: A fragment must be at least this long (normalised characters and words) to count: short
#: phrases ("the ministry said") recur by chance.
MIN_FRAGMENT_CHARS = 40
MIN_FRAGMENT_WORDS = 6
#: Fuzzy matching is skipped for sentences shorter than this (exact matches still count).
MIN_FUZZY_CHARS = 20
#: The rarest words of a sentence used to find its candidates.
BLOCK_WORDS = 4
#: At most this many earlier sentences are scored per query (the most recent in each block).
MAX_CANDIDATES = 400

_QUOTES = str.maketrans(dict.fromkeys("‘’‚‛′`´", "'") | dict.fromkeys("“”„‟″«»", '"') | dict.fromkeys("‐‑‒–—―−", "-"))
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_STOP = frozenset(
    """the a an and or but of to in on at by for with from as is are was were be been has have had
    it its this that these those he she they we you i his her their our not no said says that
    which who will would can could may might than then there here also into over more most""".split()
)


def normalise(text: str) -> str:
    """The text as compared: casefolded, quotes and dashes unified, no punctuation, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    text = text.replace("'s ", " ").replace("-", " ")
    text = _NON_WORD.sub(" ", text.replace("_", " "))
    return _SPACE.sub(" ", text).strip()


def _numbers(text: str) -> tuple[str, ...]:
    return tuple(_NUMBER.findall(text))


def find_duplicates(texts: list[tuple[str, int, str]]) -> dict[Key, Key]:
    """{(article id, sentence index) of a duplicate: (article id, sentence index) of its original}.

    ``texts`` are ``(article_id, index, text)`` in reading order; the original is always an earlier
    sentence (the first occurrence), never itself a duplicate.
    """
    duplicates: dict[Key, Key] = {}
    first_by_norm: dict[str, Key] = {}
    distinct: list[tuple[Key, str]] = []  # first occurrences, in order
    for article_id, index, text in texts:
        key = (article_id, index)
        norm = normalise(text)
        if not norm:
            continue
        original = first_by_norm.get(norm)
        if original is not None:
            duplicates[key] = original
        else:
            first_by_norm[norm] = key
            distinct.append((key, norm))
    duplicates.update(_near_duplicates(distinct))
    return duplicates


def _near_duplicates(distinct: list[tuple[Key, str]]) -> dict[Key, Key]:
    """Near-equal sentences and fragments among distinct normalised sentences."""
    words_of = [set(norm.split()) for _, norm in distinct]
    frequency = Counter(w for words in words_of for w in words)
    postings: dict[str, list[int]] = {}  # word -> positions (in ``distinct``) of earlier originals
    found: dict[Key, Key] = {}
    for position, ((key, norm), words) in enumerate(zip(distinct, words_of)):
        if len(norm) >= MIN_FUZZY_CHARS:
            blocks = _rarest(words, frequency)
            candidates = _candidates(blocks, postings)
            match = _best_match(norm, candidates, distinct) if candidates else None
            if match is not None:
                found[key] = distinct[match][0]
                continue  # a duplicate is never an original: the first occurrence is
        for word in words:
            if frequency[word] > 1:  # a word no other sentence has can never block a pair
                postings.setdefault(word, []).append(position)
    return found


def _rarest(words: Iterable[str], frequency: Counter) -> list[str]:
    """The words of a sentence that best identify it: rare across the corpus but shared (a word no
    other sentence has, such as a typo, finds nothing)."""
    usable = [w for w in words if frequency[w] > 1 and w not in _STOP and len(w) > 2]
    if not usable:
        usable = [w for w in words if frequency[w] > 1]
    return sorted(usable, key=lambda w: (frequency[w], w))[:BLOCK_WORDS]


def _candidates(blocks: list[str], postings: dict[str, list[int]]) -> list[int]:
    seen: set[int] = set()
    for word in blocks:
        for position in reversed(postings.get(word, ())[-MAX_CANDIDATES:]):
            seen.add(position)
    return sorted(seen)[-MAX_CANDIDATES:]


def _best_match(norm: str, candidates: list[int], distinct: list[tuple[Key, str]]) -> int | None:
    """The earliest candidate that ``norm`` nearly equals, contains or is contained in."""
    choices = [distinct[c][1] for c in candidates]
    numbers = _numbers(norm)
    hits: set[int] = set()
    for _choice, _score, at in process.extract(norm, choices, scorer=fuzz.ratio, score_cutoff=NEAR_EQUAL, limit=None):
        hits.add(at)
    if len(norm) >= MIN_FRAGMENT_CHARS and len(norm.split()) >= MIN_FRAGMENT_WORDS:
        for choice, _score, at in process.extract(norm, choices, scorer=fuzz.partial_ratio, score_cutoff=CONTAINED, limit=None):
            shorter = min(len(choice), len(norm))
            if shorter >= MIN_FRAGMENT_CHARS and min(len(choice.split()), len(norm.split())) >= MIN_FRAGMENT_WORDS:
                hits.add(at)
    for at in sorted(hits, key=lambda a: candidates[a]):
        other = choices[at]
        if _numbers(other) == numbers or _figures_contained(norm, other):
            return candidates[at]
    return None


def _figures_contained(a: str, b: str) -> bool:
    """For a fragment: every figure of the shorter text appears in the longer."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    have = Counter(_numbers(long))
    need = Counter(_numbers(short))
    return len(short) < len(long) * 0.9 and all(have[n] >= k for n, k in need.items())


def article_duplicates(article_id: str, sentences: list[str]) -> dict[int, Key]:
    """Duplicates inside one article: {sentence index: (article id, index of its original)}."""
    found = find_duplicates([(article_id, i, text) for i, text in enumerate(sentences)])
    return {index: original for (_, index), original in found.items()}
