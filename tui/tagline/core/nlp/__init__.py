"""Named entities from a spaCy pipeline, computed away from the UI and cached per paragraph.

* :mod:`.model` finds an installed pipeline by name without importing spaCy (:func:`resolve_model`).
* :mod:`.process` runs the pipeline in a child process (:class:`EntityService`,
  :mod:`tagline.core.nlp_worker`), so the UI never waits on it.
* :mod:`.cache` keeps results on disk per paragraph (:class:`ParseCache`).
* :mod:`.streaming` cuts an article into chunks and yields each chunk's entities per sentence as soon
  as they are known, cached ones first (:func:`stream_annotations`).

The names below are the package's public face: ``from tagline.core import nlp`` then ``nlp.X``.
"""

from tagline.core.nlp.cache import ParseCache, cache_dir, corpus_duplicates_key, project_cache_dir
from tagline.core.nlp.model import (
    ALIASES,
    DEFAULT_MODEL,
    EXCLUDE,
    NO_MODEL,
    THREAD_VARIABLES,
    ModelError,
    ModelInfo,
    one_math_thread,
    resolve_model,
)
from tagline.core.nlp.process import EntityService, entities_in_process
from tagline.core.nlp.streaming import (
    BATCH_CHARS,
    MAX_CHUNK_CHARS,
    MAX_SENTENCE_CHARS,
    Batch,
    Chunk,
    chunks,
    sentence_entities,
    stream,
    stream_annotations,
    suggester_version,
)

__all__ = [
    "ALIASES", "BATCH_CHARS", "DEFAULT_MODEL", "EXCLUDE", "MAX_CHUNK_CHARS", "MAX_SENTENCE_CHARS",
    "NO_MODEL", "Batch", "Chunk", "EntityService", "ModelError", "ModelInfo", "ParseCache", "cache_dir", "project_cache_dir",
    "chunks", "corpus_duplicates_key", "entities_in_process", "one_math_thread", "resolve_model", "THREAD_VARIABLES", "sentence_entities",
    "stream", "stream_annotations", "suggester_version",
]
