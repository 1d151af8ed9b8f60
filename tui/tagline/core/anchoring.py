"""Where annotation records written against some version of an article belong in this version.

An article file can change after it was annotated (a correction, a re-scrape). Each record names its
sentence by (start, end, text); :class:`Anchors` finds it again: the same offsets with the same text;
else the same text at the nearest place not taken; else the closest edited sentence (rapidfuzz, at
least :data:`FUZZY_MIN_SCORE`). A record that cannot be placed is left to the caller to keep as an
orphan. Used by :class:`tagline.core.store.ArticleStore` when it loads.
"""

from __future__ import annotations

#: An edited sentence is re-anchored to the closest sentence scoring at least this (rapidfuzz ratio,
#: 0-100); below it, or for a sentence shorter than FUZZY_MIN_CHARS, the record is kept as an orphan:
#: a wrong guess would silently move a label onto a sentence nobody tagged.
FUZZY_MIN_SCORE = 85.0
FUZZY_MIN_CHARS = 24


class Anchors:
    """Where records written against some version of the article belong in this version.

    A record is found by (start, end, text): the same offsets with the same text; else the same text
    at the nearest place not taken; else, when ``fuzzy``, the closest edited sentence not taken. The
    answer for a key is remembered, so the journal's later states of a record follow the record.
    """

    def __init__(self, text: str, spans: list):
        self._text = text
        self._spans = spans
        self._by_start = {span.start: i for i, span in enumerate(spans)}
        self._by_text: dict[str, list[int]] | None = None
        self._claimed: set[int] = set()
        self._reserved: set[int] = set()  # named exactly by a record of the pass under way
        self._known: dict[tuple, int | None] = {}
        self._how: dict[tuple, str] = {}
        self._orphan_slots: dict[tuple, int] = {}

    def sentence(self, index: int) -> str:
        span = self._spans[index]
        return self._text[span.start : span.end]

    def how(self, key: tuple) -> str | None:
        return self._how.get(hashable(key))

    def counts(self) -> tuple[int, int]:
        """(records moved to the same text elsewhere, records placed on an edited sentence)."""
        hows = list(self._how.values())
        return hows.count("moved"), hows.count("fuzzy")

    def orphan(self, key: tuple, create: bool = True) -> int | None:
        """The orphan slot of ``key``: one per record, however many journal lines it has."""
        key = hashable(key)
        if key not in self._orphan_slots and not create:
            return None
        return self._orphan_slots.setdefault(key, len(self._orphan_slots))

    def place_batch(self, keys) -> None:
        """Place a batch of records best first, whatever order they come in: the sentences they name
        exactly are theirs, then same texts are matched, and only then edited sentences, so a close
        match never takes the place of a record that has its exact text elsewhere."""
        keys = [(hashable(key), key) for key in keys]  # (how it is remembered, as the record has it)
        exact = {known: self._exact(*key) for known, key in keys if known not in self._known}
        self._reserved = {i for i in exact.values() if i is not None}
        for known, key in keys:  # the sentences they name exactly are theirs (found once, above)
            index = exact.get(known)
            if index is None:
                self.place(*key, fuzzy=False, claim=True)
            elif known not in self._known and known not in self._orphan_slots:
                self._claimed.add(index)
                self._known[known] = index
                self._how[known] = "exact"
        for known, key in keys:
            if known not in self._known:  # then edited sentences, for what is left
                self.place(*key, fuzzy=True, claim=True)

    def place(self, start, end, text, *, fuzzy: bool, claim: bool) -> int | None:
        key = hashable((start, end, text))
        if key in self._known:
            return self._known[key]
        if key in self._orphan_slots:
            return None
        index, how = self._exact(start, end, text), "exact"
        if index is None and isinstance(text, str):
            index, how = self._same_text(text, start), "moved"
            if index is None and fuzzy:
                index, how = self._closest(text, start), "fuzzy"
        if index is None:
            return None
        if claim:
            self._claimed.add(index)
            self._known[key] = index
            self._how[key] = how
        return index

    def _exact(self, start, end, text) -> int | None:
        index = self._by_start.get(start) if whole(start) else None
        if index is None or self._spans[index].end != end:
            return None
        if text is not None and self.sentence(index) != text:
            return None
        return index

    def _same_text(self, text: str, near) -> int | None:
        if self._by_text is None:
            self._by_text = {}
            for i in range(len(self._spans)):
                self._by_text.setdefault(self.sentence(i), []).append(i)
        free = [i for i in self._by_text.get(text, ()) if i not in self._claimed and i not in self._reserved]
        return min(free, key=lambda i: self._distance(i, near)) if free else None

    def _closest(self, text: str, near) -> int | None:
        if len(text.strip()) < FUZZY_MIN_CHARS:
            return None
        from rapidfuzz import fuzz, process  # here: only edited sentences need it, not the start-up

        choices = {i: self.sentence(i) for i in range(len(self._spans)) if i not in self._claimed and i not in self._reserved}
        found = process.extract(text, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE, limit=8)
        if not found:
            return None
        best = max(score for _, score, _ in found)
        return min((i for _, score, i in found if score == best), key=lambda i: self._distance(i, near))

    def _distance(self, index: int, near) -> int:
        return abs(self._spans[index].start - near) if whole(near) else index


def hashable(key: tuple) -> tuple:
    """``key`` as a dictionary key: values other than ints, strings and None (a record that is not
    what the contract says) are remembered by their repr."""
    for v in key:
        if not isinstance(v, (int, str, type(None))):
            return tuple(v if isinstance(v, (int, str, type(None))) else repr(v) for v in key)
    return key if type(key) is tuple else tuple(key)  # the usual case: as it is, no new tuple


def whole(value) -> bool:
    """An int that is not a bool: what an offset must be."""
    return isinstance(value, int) and not isinstance(value, bool)
