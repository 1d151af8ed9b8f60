"""Exact and near-duplicate sentences, within an article and across a corpus.

Scraped news repeats itself: a teaser restates sentences of the body, a quotation is reprinted as a
fragment, the same wire copy appears under two ids. :func:`find_duplicates` maps each repeated
sentence to its first occurrence so that annotators can skip it and exports can drop it.

1. Every sentence is normalised (Unicode compatibility form, casefold, quotes and dashes unified,
   punctuation stripped, whitespace collapsed) and hashed: equal keys are exact duplicates.
2. Each remaining sentence is compared with at most :data:`MAX_CANDIDATES` distinct sentences seen
   before it that share its rarest words (blocking: no all-pairs comparison). Cheap checks come
   first (the same figures, lengths that can match, enough shared words); only the candidates that
   pass are scored with rapidfuzz's C batch scorer and a score cutoff: nearly equal (``fuzz.ratio``)
   or one contained in the other (``fuzz.partial_ratio``, for fragments). Sentences whose figures
   differ are never merged: "rose 5%" and "rose 6%" are different facts. The cost per sentence is
   bounded whatever the text (a templated feed whose sentences all share their words included).
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
#: At most this many earlier sentences are looked at per sentence (those sharing the most block
#: words, then the most recent), and at most this many postings read per block word.
MAX_CANDIDATES = 32
POSTINGS_READ = 64
#: Longer normalised sentences are matched exactly only (a 20,000-character paragraph with no full
#: stop is not scored against others character by character).
MAX_FUZZY_CHARS = 2_000
#: Cheap checks before any scoring: lengths of near-equal sentences within this ratio; at least
#: this share of the longer's words shared by near-equal sentences, of the shorter's (less two) by
#: a fragment.
NEAR_LENGTH = 0.84
NEAR_SHARED = 0.65
FRAGMENT_SHARED = 0.75
#: At most this many candidates per sentence are scored as fragments (``partial_ratio`` costs
#: several times ``ratio``): those sharing the most words.
MAX_FRAGMENT_SCORES = 8

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
    """Near-equal sentences and fragments among distinct normalised sentences.

    The work per sentence is bounded, whatever the text: at most :data:`POSTINGS_READ` postings read
    per block word, at most :data:`MAX_CANDIDATES` candidates kept (those sharing the most block
    words, then the most recent), and only those that pass the cheap checks (figures, length, shared
    words) are scored by rapidfuzz. On a templated feed, where every sentence shares its rare words
    with hundreds of others, the cost stays that of a few candidates per sentence.
    """
    words_of = [set(norm.split()) for _, norm in distinct]
    numbers_of = [_numbers(norm) for _, norm in distinct]
    frequency = Counter(w for words in words_of for w in words)
    postings: dict[str, list[int]] = {}  # word -> positions (in ``distinct``) of earlier originals
    found: dict[Key, Key] = {}
    for position, ((key, norm), words) in enumerate(zip(distinct, words_of)):
        if MIN_FUZZY_CHARS <= len(norm) <= MAX_FUZZY_CHARS:
            blocks = _rarest(words, frequency)
            candidates = _candidates(blocks, postings)
            if candidates:
                match = _best_match(position, candidates, distinct, words_of, numbers_of)
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
    """At most :data:`MAX_CANDIDATES` earlier sentences: those sharing the most block words, then
    the most recent; in reading order."""
    shared: Counter = Counter()
    for word in blocks:
        shared.update(reversed(postings.get(word, ())[-POSTINGS_READ:]))  # most recent first
    if len(shared) > MAX_CANDIDATES:  # most_common keeps first-seen order among equal counts
        return sorted(position for position, _ in shared.most_common(MAX_CANDIDATES))
    return sorted(shared)


def _figures_fit(a: tuple[str, ...], b: tuple[str, ...], len_a: int, len_b: int) -> bool:
    """The figures of two texts allow them to be one sentence: the same, in the same order; or (a
    fragment) every figure of the shorter in the longer, the shorter well under the longer's
    length. "rose 5%" and "rose 6%" are different facts."""
    if a == b:
        return True
    if min(len_a, len_b) >= max(len_a, len_b) * 0.9:
        return False
    short, long = (a, b) if len_a <= len_b else (b, a)
    if not short:
        return True
    if not long or not set(short) <= set(long):
        return False
    have = Counter(long)
    return all(have[n] >= k for n, k in Counter(short).items())


def _best_match(position: int, candidates: list[int], distinct, words_of, numbers_of) -> int | None:
    """The earliest candidate that the sentence at ``position`` nearly equals, contains or is
    contained in. Cheap checks first; rapidfuzz scores only what passes them."""
    norm = distinct[position][1]
    words, numbers = words_of[position], numbers_of[position]
    length, n_words = len(norm), len(words)
    fragment_sized = length >= MIN_FRAGMENT_CHARS and len(norm.split()) >= MIN_FRAGMENT_WORDS
    near: list[int] = []
    contained: list[tuple[int, int]] = []  # (shared words, candidate)
    for c in candidates:
        other = distinct[c][1]
        other_length = len(other)
        if not _figures_fit(numbers, numbers_of[c], length, other_length):
            continue
        other_words = words_of[c]
        shared = len(words & other_words)
        shorter, longer = min(length, other_length), max(length, other_length)
        # Nearly equal (ratio >= 92): lengths within 16%, and at most a few words differ.
        if shorter >= longer * NEAR_LENGTH and shared >= NEAR_SHARED * max(n_words, len(other_words)):
            near.append(c)
        # One inside the other (partial_ratio >= 97): the shorter's words, but for the two it was
        # cut through, are in the longer.
        if fragment_sized and shorter >= MIN_FRAGMENT_CHARS and shared >= FRAGMENT_SHARED * (min(n_words, len(other_words)) - 2):
            contained.append((shared, c))
    hits: set[int] = set()
    if near:
        choices = [distinct[c][1] for c in near]
        hits.update(near[at] for _, _, at in process.extract(norm, choices, scorer=fuzz.ratio, score_cutoff=NEAR_EQUAL, limit=None))
    fragments = [c for _, c in sorted(contained, reverse=True)[:MAX_FRAGMENT_SCORES] if c not in hits]
    if fragments:
        choices = [distinct[c][1] for c in fragments]
        for choice, _, at in process.extract(norm, choices, scorer=fuzz.partial_ratio, score_cutoff=CONTAINED, limit=None):
            if min(len(choice.split()), n_words) >= MIN_FRAGMENT_WORDS:
                hits.add(fragments[at])
    return min(hits) if hits else None


def article_duplicates(article_id: str, sentences: list[str]) -> dict[int, Key]:
    """Duplicates inside one article: {sentence index: (article id, index of its original)}."""
    found = find_duplicates([(article_id, i, text) for i, text in enumerate(sentences)])
    return {index: original for (_, index), original in found.items()}
