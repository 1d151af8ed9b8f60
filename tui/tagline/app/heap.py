"""What the garbage collector scans, and how often: one policy for the reader's process.

A key makes a few thousand short-lived objects (events, segments, strips) and an open article a few
hundred thousand long-lived ones (sentences, layout, states, entities). Python's collector scans
its youngest generation every 700 new objects and, now and then, the whole heap, so a key's cost
grew with the article: a full scan was 30 ms on 5,000 sentences, and scanning every 700 new objects
(and promoting what was still in flight) took 0.3 ms of a move's 2.7 (``docs/design/records/performance-log.md`` §7, §8).

A key also leaves about 80 objects in reference cycles (Textual's events and messages), which only
a collection frees: at 10,000 new objects that came once every hundred keys or so, inside a key,
2.2 to 3.1 ms of CPU (a 5,000-sentence article, 600 keys; 6 to 9 ms in the bench on a busy
machine): the slowest percent of keys. :class:`BetweenKeys` collects in the pauses between keys
instead, once a few thousand objects have come; the threshold stays as the backstop.
"""

from __future__ import annotations

import asyncio
import gc
import time

#: New objects between scans of the youngest generation (Python: 700).
YOUNG_COLLECTION_AFTER = 10_000


def after_imports() -> None:
    """The modules' objects live as long as the process: out of every scan from here on, and the
    youngest generation scanned less often (reading a 5,000-sentence annotated article ran 116
    young collections, 17 to 23 ms; 6 ms once the imports were frozen)."""
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_AFTER, *gc.get_threshold()[1:])


def settle(collect: bool) -> None:
    """An article is open and drawn: its objects join the frozen ones. ``collect``: another article
    was open before; what it left is collected first (the first article has nothing to collect,
    and a full collection there delayed the first key by 0.2 s on a reopened 5,000-sentence
    article)."""
    if collect:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_AFTER, *gc.get_threshold()[1:])


#: New objects after which a collection is made at the next pause between keys.
COLLECT_BETWEEN_KEYS_AFTER = 2_000
#: Seconds without a key that make a pause.
PAUSE = 0.05


class BetweenKeys:
    """Collects the youngest generation (and an older one when its turn has come) when no key has
    come for :data:`PAUSE` seconds, so that the collector's work falls between keys, not in one."""

    def __init__(self) -> None:
        self._last = 0.0
        self._handle: asyncio.TimerHandle | None = None

    def key(self) -> None:
        """A key was handled (on the event loop)."""
        self._last = time.monotonic()
        if self._handle is None and gc.get_count()[0] >= COLLECT_BETWEEN_KEYS_AFTER:
            self._handle = asyncio.get_running_loop().call_later(PAUSE, self._collect)

    def _collect(self) -> None:
        self._handle = None
        left = self._last + PAUSE - time.monotonic()
        if left > 0:  # keys still coming: wait for their pause
            self._handle = asyncio.get_running_loop().call_later(left, self._collect)
            return
        counts, thresholds = gc.get_count(), gc.get_threshold()
        generation = 0
        for older in (1, 2):  # as the collector would: an older generation once its count is due
            if counts[older] >= thresholds[older]:
                generation = older
        gc.collect(generation)

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
