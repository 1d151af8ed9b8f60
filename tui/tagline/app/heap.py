"""What the garbage collector scans, and how often: one policy for the reader's process.

A key makes a few thousand short-lived objects (events, segments, strips) and an open article a few
hundred thousand long-lived ones (sentences, layout, states, entities). Python's collector scans
its youngest generation every 700 new objects and, now and then, the whole heap, so a key's cost
grew with the article: a full scan was 30 ms on 5,000 sentences, and scanning every 700 new objects
(and promoting what was still in flight) took 0.3 ms of a move's 2.7 (``docs/design/performance-log.md`` §7, §8).
"""

from __future__ import annotations

import gc

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
