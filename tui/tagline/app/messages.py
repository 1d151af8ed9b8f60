"""What the app's workers tell the reader screen, as Textual messages.

A worker runs in a thread; :meth:`~textual.message_pump.MessagePump.post_message` is safe to call
from one and queues the message on the screen that asked for the work. The screen handles it in its
own turn (``on_entities_arrived``, ``on_duplicates_found``); a screen that has gone away meanwhile
simply never sees it. No worker looks the screen up or calls its methods.
"""

from __future__ import annotations

from textual.message import Message

from tagline.core import nlp


class EntitiesArrived(Message):
    """Entities and suggestions for some sentences of ``article_id`` (see ``nlp.stream_annotations``)."""

    def __init__(self, article_id: str, batch: nlp.Batch) -> None:
        super().__init__()
        self.article_id = article_id
        self.batch = batch


class DuplicatesFound(Message):
    """Sentences of ``article_id`` that repeat others: ``found`` within the article (index -> twin),
    ``across`` in other articles of the corpus (index -> (article id, index))."""

    def __init__(self, article_id: str, found: dict[int, int], across: dict) -> None:
        super().__init__()
        self.article_id = article_id
        self.found = found
        self.across = across
