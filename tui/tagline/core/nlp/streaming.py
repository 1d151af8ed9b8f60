"""From an article to entities per sentence: the article cut into chunks the model reads at once
(a paragraph, normally), cached chunks answered at once, the rest streamed from the model process
in reading order."""

from __future__ import annotations

import concurrent.futures
import functools
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable, Iterator

from tagline.core.articles import Article
from tagline.core.nlp.cache import ParseCache
from tagline.core.nlp.model import ModelInfo
from tagline.core.nlp.process import EntityService

#: Characters of text sent to the model process in one request.
BATCH_CHARS = 4000
#: A paragraph longer than this goes to the model in pieces of whole sentences.
MAX_CHUNK_CHARS = 20_000
#: A single sentence longer than this is not sent to the model at all (spaCy's own limit is 10⁶):
#: the model process's memory grows about 2.5 MB per 1,000 characters of a sentence (1.3 GB at
#: 490,000, measured with ``tagline prepare``), and no sentence of news is a tenth of this long.
MAX_SENTENCE_CHARS = 50_000


@dataclass(frozen=True)
class Chunk:
    """What the model reads at once: a paragraph, or a run of its sentences when it is very long."""

    start: int
    end: int
    sentences: range


def chunks(article: Article) -> list[Chunk]:
    """The article cut into chunks for the model and the cache: one per paragraph, normally."""
    paras, sents, _ = article.split()
    out: list[Chunk] = []
    for p, para in enumerate(paras):
        members = article.sentence_range(p)
        if para.end - para.start <= MAX_CHUNK_CHARS:
            if members:
                out.append(Chunk(para.start, para.end, members))
            continue
        first = members.start
        for i in members:
            last_piece = i + 1 == members.stop
            if last_piece or sents[i + 1].end - sents[first].start > MAX_CHUNK_CHARS:
                if sents[i].end - sents[first].start <= MAX_SENTENCE_CHARS:
                    out.append(Chunk(sents[first].start, sents[i].end, range(first, i + 1)))
                first = i + 1
    return out


def sentence_entities(article: Article, chunk: Chunk, entities: list) -> dict[int, list[tuple[int, int, str]]]:
    """Entities of one chunk (chunk offsets) as {sentence index: [(start, end, label)]} with offsets
    into each sentence. An entity that crosses a sentence end is cut there."""
    sents = article.sentences
    result: dict[int, list] = {i: [] for i in chunk.sentences}
    for start, end, label in entities:
        start += chunk.start
        end += chunk.start
        for i in chunk.sentences:
            span = sents[i]
            if span.start <= start < span.end:
                result[i].append((start - span.start, min(end, span.end) - span.start, label))
                break
    return result


@dataclass
class Batch:
    """What one step of :func:`stream_annotations` knows: entities and (optionally) suggestions,
    both keyed by sentence index."""

    entities: dict[int, list]
    suggestions: dict[int, dict]
    #: Sentences longer than :data:`MAX_SENTENCE_CHARS`: never sent to the model, so they have no
    #: entities and no suggestion (in the first batch, with an empty entity list each).
    too_long: tuple[int, ...] = ()


def suggester_version(package: Path | None = None) -> str:
    """Changes whenever the suggestion rules change, so cached suggestions never go stale: a hash of
    every module and data file of the :mod:`tagline.core.suggest` package (or of ``package``)."""
    import hashlib

    if package is None:
        return _installed_suggester_version()
    digest = hashlib.sha1()
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".json") and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


@functools.lru_cache(maxsize=1)
def _installed_suggester_version() -> str:
    """The installed package's version, read once per process: callers ask per paragraph."""
    from tagline.core import suggest

    return suggester_version(Path(suggest.__file__).parent)


def _sentence_spans(article: Article, chunk: Chunk) -> list[list[int]]:
    sents = article.sentences
    return [[sents[i].start - chunk.start, sents[i].end - chunk.start] for i in chunk.sentences]


def leads(article: Article, pieces: list[Chunk]) -> list[str | None]:
    """For each chunk, the last sentence of the paragraph right before it when that sentence ends with
    a colon (it may introduce the chunk as a quotation: ``The statement read:``), else None. The model
    process reads it with the chunk, and the chunk's cached suggestions are keyed by it."""
    if getattr(article, "speakers", None) is not None:
        return [None] * len(pieces)  # a transcript's lines are turns of speakers, not paragraphs
    sents, owner = article.sentences, article.split()[2]
    out: list[str | None] = []
    for chunk in pieces:
        first = chunk.sentences.start
        before = first - 1
        lead = article.text[sents[before].start : sents[before].end] if before >= 0 and owner[before] == owner[first] - 1 else ""
        out.append(lead if lead.rstrip().endswith(":") else None)
    return out


def suggestion_keys(keys: list[str], version: str, leads_: list[str | None]) -> list[str]:
    """The cache keys of the chunks' suggestions: the parse key, the version, and the lead if any."""
    import hashlib

    return [f"{k}:{version}" + (f":lead-{hashlib.sha1(lead.encode()).hexdigest()[:12]}" if lead else "") for k, lead in zip(keys, leads_)]


def stream_annotations(
    article: Article,
    model: ModelInfo,
    service: EntityService | None,
    cache: ParseCache,
    cancelled: Callable[[], bool] = lambda: False,
    suggest: bool = False,
    suggest_version: str = "",
) -> Iterator[Batch]:
    """Yield entities (and suggestions) for ``article``: every cached paragraph at once, then the
    rest in reading order as the model process returns them."""
    pieces = chunks(article)
    texts = [article.text[u.start : u.end] for u in pieces]
    keys = [ParseCache.key(model, t) for t in texts]
    # Cached suggestions are keyed by the rules' version and whatever else they came from (the
    # trained model's time stamp, the label set): a retrained model is never answered from the cache.
    version = f"{suggester_version()}:{suggest_version}" if suggest else ""
    lead_texts = leads(article, pieces) if suggest else []
    skeys = suggestion_keys(keys, version, lead_texts) if suggest else []
    cached = cache.get_many(keys)
    cached_s = cache.get_many(skeys, table="suggestions") if suggest else {}
    covered = {i for piece in pieces for i in piece.sentences}
    too_long = tuple(i for i in range(len(article.sentences)) if i not in covered)
    ready = Batch({i: [] for i in too_long}, {}, too_long)
    missing: list[int] = []
    for p, key in enumerate(keys):
        if key in cached and (not suggest or skeys[p] in cached_s):
            ready.entities.update(sentence_entities(article, pieces[p], cached[key]))
            if suggest:
                ready.suggestions.update(zip(pieces[p].sentences, cached_s[skeys[p]]))
        else:
            missing.append(p)
    if ready.entities:
        yield ready
    if service is None:
        return
    batches: list[list[int]] = []
    size = 0
    for p in missing:
        if not batches or size > BATCH_CHARS:
            batches.append([])
            size = 0
        batches[-1].append(p)
        size += len(texts[p])
    # Keep a few batches in flight so the model process never waits on us.
    pending: list[tuple[list[int], concurrent.futures.Future]] = []
    queue = list(batches)
    while queue or pending:
        while queue and len(pending) < 3:
            batch = queue.pop(0)
            spans = [_sentence_spans(article, pieces[p]) for p in batch] if suggest else None
            batch_leads = [lead_texts[p] for p in batch] if suggest and any(lead_texts[p] for p in batch) else None
            pending.append((batch, service.submit([texts[p] for p in batch], spans, batch_leads)))
        batch, future = pending.pop(0)
        results = future.result()
        if cancelled():
            for _, other in pending:
                other.cancel()
            return
        out = Batch({}, {})
        fresh: dict[str, list] = {}
        fresh_s: dict[str, list] = {}
        for p, result in zip(batch, results):
            ents = result["entities"] if isinstance(result, dict) else result
            fresh[keys[p]] = [list(e) for e in ents]
            out.entities.update(sentence_entities(article, pieces[p], ents))
            if suggest and isinstance(result, dict) and result.get("suggestions") is not None:
                fresh_s[skeys[p]] = result["suggestions"]
                out.suggestions.update(zip(pieces[p].sentences, result["suggestions"]))
        cache.put_many(fresh)
        if fresh_s:
            cache.put_many(fresh_s, table="suggestions")
        yield out


def stream(
    article: Article,
    model: ModelInfo,
    service: EntityService | None,
    cache: ParseCache,
    cancelled: Callable[[], bool] = lambda: False,
) -> Iterator[dict[int, list]]:
    """Yield {sentence index: entities} batches for ``article`` (see :func:`stream_annotations`)."""
    for batch in stream_annotations(article, model, service, cache, cancelled):
        yield batch.entities
