"""The suggester end to end: one paragraphs parse in, one result per sentence out; loading the model."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable

from tagline.core.suggest.claims import checkworthiness, claim_evidence
from tagline.core.suggest.evidence import Evidence, make_result
from tagline.core.suggest.lexicon import LABELS, REQUIRED_PIPES
from tagline.core.suggest.quotes import (Region, block_quotation_end, embedded_posts, introduces_quotation, non_space,
                                         quote_evidence, quote_regions)
from tagline.core.suggest.statistics import statistic_evidence


# -- the rules -----------------------------------------------------------------------------------
def suggest_doc(doc, spans: list[tuple[int, int]], features_out: list | None = None, introduced: str = "") -> list[dict]:
    """Suggestions for the sentences ``spans`` (character offsets into ``doc.text``) of one paragraph.

    ``doc`` must come from a pipeline with :data:`REQUIRED_PIPES`. Returns one dict per span, in
    order: ``{"labels": [...], "scores": {label: float}, "reasons": {label: str}, "checkworthy":
    float}`` (``checkworthy``: :func:`~tagline.core.suggest.claims.checkworthiness`). With
    ``features_out``, the claim features of each sentence are appended to it (for fitting).
    ``introduced`` is the lead-in when the paragraph before ended by introducing a quotation
    (:func:`lead_in`): the paragraph is then quoted, to its end or to the mark that closes it.
    """
    text = doc.text  # built afresh on every access: read it once
    regions = quote_regions(text)
    block_end = block_quotation_end(text, regions) if introduced else -1
    # Each region is given to the sentences it touches, so the work stays linear in the paragraph.
    starts = [start for start, _ in spans]
    touching: list[list[Region]] = [[] for _ in spans]
    previous_orphan_end = 0
    for region in regions:
        # A closing mark with no opening reaches back to the start of the paragraph, but never past
        # an earlier such mark.
        begin = previous_orphan_end if region.start < 0 else region.start
        if region.start < 0 and region.end is not None:
            previous_orphan_end = region.end
        first = max(0, bisect.bisect_right(starts, begin) - 1)
        last_char = len(text) if region.end is None else region.end
        for k in range(first, len(spans)):
            if spans[k][0] > last_char:
                break
            if spans[k][1] >= begin:
                touching[k].append(region)
    posts = embedded_posts(text) if "<" in text else []
    post_ends = [post_end for _, post_end, _ in posts]
    entities = list(doc.ents)
    entity_starts = [e.start_char for e in entities]
    results = []
    for k, (start, end) in enumerate(spans):
        sentence = doc.char_span(start, end, alignment_mode="expand")
        tokens = [t for t in sentence if not t.is_space] if sentence is not None else []
        evidence = {label: Evidence() for label in LABELS}
        checkworthy = 0.0
        if tokens:
            first = bisect.bisect_left(entity_starts, start)
            ents = [e for e in entities[first : bisect.bisect_left(entity_starts, end)] if e.end_char <= end]
            quote_evidence(text, tokens, start, end, touching[k], evidence["quote"])
            if start < block_end:
                evidence["quote"].offer(0.85, f"block quotation after “{introduced}”")
            # the posts this sentence overlaps, from the first that ends after its start: quoted when
            # their words are at least 30 % of it (a sentence mostly of a post's markup is not its words)
            inside, kinds = 0, set()
            for post_start, post_end, kind in posts[bisect.bisect_right(post_ends, start):]:
                if post_start >= end:
                    break
                inside += non_space(text, max(start, post_start), min(end, post_end))
                kinds.add(kind)
            if inside and inside >= 0.3 * non_space(text, start, end):
                evidence["quote"].offer(0.9, f"inside an embedded {'tweet' if kinds == {'tweet'} else 'block quotation'}")
            statistic_evidence(tokens, ents, evidence["statistic"])
            checkworthy = checkworthiness(claim_evidence(tokens, ents, evidence, text[start:end], features_out))
        elif features_out is not None:
            features_out.append({})
        results.append(make_result(evidence, checkworthy))
    return results

def lead_in(nlp, sentence: str) -> str:
    """What ``sentence``, the last one of a paragraph, says to introduce the paragraph after it as a
    quotation: its verb of saying with the speaker, when it ends with a colon (``The statement
    read:``); else "". It is parsed alone, so that the reader's model process, which sees one
    paragraph at a time, decides as ``tagline suggest`` does."""
    if not sentence.rstrip().endswith(":"):
        return ""
    return introduces_quotation(list(nlp(sentence)))


# -- restricting to a scheme ---------------------------------------------------------------------
def too_long() -> dict:
    """The suggestion of a sentence too long for the model to read (``MAX_SENTENCE_CHARS``): none."""
    return {"labels": [], "scores": {}, "reasons": {}, "checkworthy": 0.0}


def for_scheme(suggestion: dict, names: Iterable[str]) -> dict:
    """``suggestion`` over the labels ``names`` of a scheme: labels the rules do not know score 0 and
    are never suggested; labels the scheme lacks are dropped."""
    names = list(names)
    scores = {name: suggestion["scores"].get(name, 0.0) for name in names}
    labels = [name for name in names if name in suggestion["labels"]]
    restricted = {"labels": labels, "scores": scores, "reasons": {n: suggestion["reasons"][n] for n in labels}}
    if "checkworthy" in suggestion:
        restricted["checkworthy"] = suggestion["checkworthy"]
    return restricted


# -- loading the pipeline ------------------------------------------------------------------------
class SuggestError(RuntimeError):
    """The suggester cannot run; the message is one line for the user."""


@functools.lru_cache(maxsize=2)
def load_pipeline(name: str):
    """(nlp, ModelInfo) for the model ``name`` with the components the rules read."""
    from tagline.core.nlp import ModelError, resolve_model

    if name.strip().lower() == "none":
        raise SuggestError("suggest needs a spaCy model with a parser and entities; '--model none' has neither")
    try:
        info = resolve_model(name)
    except ModelError as error:
        raise SuggestError(str(error).split(";")[0] + "; suggestions need it") from None
    import spacy

    try:
        nlp = spacy.load(info.package)
    except (OSError, ValueError, ImportError) as error:
        raise SuggestError(f"cannot load spaCy model '{name}' ({_one_line(error)})") from None
    missing = [pipe for pipe in ("parser", "ner") if pipe not in nlp.pipe_names]
    if missing:
        raise SuggestError(f"spaCy model '{name}' has no {' or '.join(missing)}; suggestions need both")
    unused = [pipe for pipe in nlp.pipe_names if pipe not in REQUIRED_PIPES]
    if unused:
        nlp.select_pipes(disable=unused)
    return nlp, info


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())[:160]


def suggest_article(nlp, article) -> list[dict]:
    """Suggestions for every sentence of ``article``, in order."""
    return list(suggest_articles(nlp, [article]))[0]


def suggest_articles(nlp, articles_: list, batch_size: int = 64) -> Iterable[list[dict]]:
    """For each article, the suggestions for its sentences; paragraphs (or, of a very long one, runs
    of its sentences) go through ``nlp.pipe``.

    An article that names the speaker of each sentence (a :class:`~tagline.core.transcript.Transcript`:
    ``speakers``, ``None`` where no one is named) gets the check-worthiness of a transcript's lines
    (:func:`~tagline.core.suggest.speakers.transcript_checkworthiness`)."""

    from tagline.core.nlp.streaming import chunks, leads

    # What the model reads at once is what the reader's model process reads: a paragraph, or for a
    # very long one runs of its sentences; a sentence too long for the model is read by none (a
    # 10⁶-character paragraph ended the command in spaCy's E088, and a long one cost memory and
    # time as it grew).
    pieces = [chunks(article) for article in articles_]

    def texts():
        for number, article in enumerate(articles_):
            for c, chunk in enumerate(pieces[number]):
                yield article.text[chunk.start : chunk.end], (number, c)

    pending = iter(nlp.pipe(texts(), as_tuples=True, batch_size=batch_size))
    for number, article in enumerate(articles_):
        sents = article.sentences
        speakers = getattr(article, "speakers", None)
        features: list | None = [{} for _ in sents] if speakers is not None else None
        results: list[dict] = [too_long() for _ in sents]
        # A block quotation is introduced by the paragraph before it, never further back: the
        # reader's rule (``leads``), none in a transcript, whose lines are turns of speakers.
        for c, (chunk, lead) in enumerate(zip(pieces[number], leads(article, pieces[number]))):
            doc, key = next(pending)
            assert key == (number, c)
            spans = [(sents[i].start - chunk.start, sents[i].end - chunk.start) for i in chunk.sentences]
            read: list | None = [] if features is not None else None
            results[chunk.sentences.start : chunk.sentences.stop] = suggest_doc(
                doc, spans, read, introduced=lead_in(nlp, lead) if lead else "")
            if features is not None:
                features[chunk.sentences.start : chunk.sentences.stop] = read
        if speakers is not None:
            from tagline.core.suggest.speakers import transcript_checkworthiness

            lines = [article.text[span.start : span.end] for span in sents]
            named = [speaker or "" for speaker in speakers]
            for result, value in zip(results, transcript_checkworthiness(named, lines, features)):
                result["checkworthy"] = value
        yield results
