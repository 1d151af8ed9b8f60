"""``tagline import``: Prodigy, doccano or our own JSONL back into annotation files.

Rows are grouped into articles by ``meta.article`` (``article`` in our JSONL) and placed by their
offsets (``meta.start`` / ``meta.end``), so that what ``tagline export`` wrote comes back as it was.
Rows without an article become one article per input file, named after it: their sentences in file
order, the article text their texts joined by newlines (so offsets hold). Rows with an article but
no offsets are placed the same way, in ``index`` order.

When the article itself can be found (``--articles PATH``, or the ``article_path`` the rows carry,
as ``tagline export`` writes it), the file lists every sentence of the article as tagline splits it:
each row lands on its sentence (by offsets where they cut the row's text, else by the text, the
nearest to where the row says it was), and the sentences no row gave stay ``todo``, so progress
and stats count the whole article. A row that matches no sentence is reported and left out. When
the article cannot be found, the file lists only the imported sentences, and the command says so.

A reviewer's decision (``review``, in our own JSONL) is imported only into the reviewer's own
folder, in their decisions file (``<annotator>/decisions/<article>.yaml``, apart from their answers):
imported under another name, it would become that annotator's decision.

Files go to ``<annotations>/<annotator>/<article>.yaml``: ``--annotator`` when given, else the
row's ``meta.annotator``, else the default annotator. An existing file is updated sentence by
sentence (same offsets and text), never replaced; an existing file that does not parse, or whose
sentences conflict with the imported ones, is reported and left alone.

A row that is not JSON, has no text, uses a label outside the scheme, or has offsets that do not
match its text is reported (``FILE:LINE: reason``) and left out; the exit status is then 1. Prodigy
rows answered ``reject`` or ``ignore`` are not annotations: they are left out and counted. A row's
``meta.annotator`` that is not a usable folder name (``../x``, ``.hidden``), or not text at all (a
list, a number), is refused with one line, as ``--annotator`` is; ``--annotator`` takes every row
whatever its ``meta`` says.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from tagline.core import annofile, corpus, safefile, safejson, schema
from tagline.core import articles as articles_mod
from tagline.core.labels import LabelScheme
from tagline.core.sanitize import lone_surrogates


class RowError(ValueError):
    pass


@dataclass
class Row:
    where: str
    text: str
    labels: tuple[str, ...]
    entities: list[dict]
    article: str | None = None
    index: int | None = None
    start: int | None = None
    end: int | None = None
    annotator: str | None = None
    sha256: str = ""
    article_path: str = ""
    article_meta: dict = field(default_factory=dict)  # the article's meta, as an export carried it
    status: str = schema.DONE
    extra: dict = field(default_factory=dict)  # flag, note, review: optional sentence keys to keep
    #: Why the row's own annotator cannot be used (not text): without ``--annotator`` it is left out.
    annotator_problem: str = ""


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _labels(raw, scheme: LabelScheme) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise RowError("labels must be a list of names")
    unknown = [x for x in raw if x not in scheme.by_name]
    if unknown:
        raise RowError(f"label '{unknown[0]}' is not in the label scheme ({', '.join(scheme.names)})")
    return tuple(scheme.order(list(dict.fromkeys(raw))))


def _entities(raw, text: str) -> list[dict]:
    found = []
    if raw is not None and not isinstance(raw, list):  # a number ended in a TypeError, a string was read letter by letter
        raise RowError("entities (spans) must be a list")
    for item in raw or []:
        if isinstance(item, dict):
            start, end, label = item.get("start"), item.get("end"), item.get("label")
        elif isinstance(item, list) and len(item) == 3:
            start, end, label = item
        else:
            raise RowError("an entity must be {start, end, label} or [start, end, label]")
        if not (_int(start) is not None and _int(end) is not None and 0 <= start < end <= len(text) and isinstance(label, str) and label):
            raise RowError(f"entity {start}..{end} {label!r} is not inside the text")
        found.append({"start": start, "end": end, "label": label})
    return found


def parse_row(data: dict, fmt: str, scheme: LabelScheme, where: str) -> Row | None:
    """A row in ``fmt``; ``None`` for a row that is not an annotation (rejected or ignored)."""
    text = data.get("text")
    if not isinstance(text, str) or not text:
        raise RowError("a row needs a non-empty 'text'")
    if fmt == "jsonl":
        meta = data
        labels = _labels(data.get("labels"), scheme)
        entities = _entities(data.get("entities"), text)
    elif fmt == "prodigy":
        if data.get("answer", "accept") != "accept":
            return None
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        if "accept" in data:
            labels = _labels(data.get("accept"), scheme)
        elif isinstance(data.get("label"), str):
            labels = _labels([data["label"]], scheme)
        else:
            labels = ()
        entities = _entities(data.get("spans"), text)
    elif fmt == "doccano":
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else data
        raw = data.get("label", data.get("labels")) or []
        if not isinstance(raw, list):
            raise RowError("'label' must be a list")
        labels = _labels([x for x in raw if isinstance(x, str)], scheme)
        entities = _entities([x for x in raw if not isinstance(x, str)], text)
    else:
        raise ValueError(fmt)
    if "meta" in data and fmt != "jsonl" and not isinstance(data["meta"], dict):
        raise RowError("'meta' must be a mapping")
    article = meta.get("article")
    if isinstance(article, bool) or (article is not None and not isinstance(article, (str, int))):
        # A mapping or list made a file named "{'a': 1}.yaml".
        raise RowError(f"'article' must be an id (text), not {type(article).__name__}")
    article = str(article) if article not in (None, "") else None
    if article is not None and not articles_mod.safe_id(article):
        raise RowError(f"article id {article!r} cannot name a file")
    start, end = _int(meta.get("start")), _int(meta.get("end"))
    if (start is None) != (end is None) or (start is not None and (start < 0 or end - start != len(text))):
        raise RowError(f"offsets {meta.get('start')}..{meta.get('end')} do not span the text ({len(text)} characters)")
    status = data.get("status", schema.DONE) if fmt == "jsonl" else schema.DONE
    if status not in schema.STATUSES:
        raise RowError(f"status {status!r} is not one of {', '.join(schema.STATUSES)}")
    extra = {}
    if fmt == "jsonl":
        if data.get("flag"):
            extra["flag"] = True
        if data.get("note"):
            extra["note"] = str(data["note"])
        if isinstance(data.get("review"), dict):
            extra["review"] = data["review"]
    annotator = meta.get("annotator")
    if annotator is not None and not isinstance(annotator, str):  # was imported under the default name
        from tagline.core.sanitize import one_line

        problem = f"'{'annotator' if meta is data else 'meta.annotator'}' must be a name (text), not {one_line(repr(annotator), 40)}"
        annotator = None
    else:
        problem = ""
    return Row(
        where=where, text=text, labels=labels, entities=entities, article=article,
        index=_int(meta.get("index")), start=start, end=end,
        annotator=annotator if isinstance(annotator, str) and annotator.strip() else None,
        sha256=str(meta.get("sha256") or ""), article_path=str(meta.get("article_path") or ""),
        article_meta=meta["article_meta"] if isinstance(meta.get("article_meta"), dict) else {},
        status=status, extra=extra, annotator_problem=problem,
    )


def read_rows(path: Path, fmt: str, scheme: LabelScheme, problems: list[corpus.Problem],
              skipped: dict[str, int] | None = None) -> list[Row]:
    """The rows of ``path``; ``skipped`` counts, by answer, the rows that are not annotations."""
    try:
        raw = safefile.read_bytes(path, 1024 * safefile.MB, pipes=True)
    except OSError as error:
        problems.append(corpus.Problem(str(path), f"cannot be read ({error.strerror or error})"))
        return []
    rows = []
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = safejson.loads(line.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            problems.append(corpus.Problem(where, safejson.reason(error)))  # a key given twice too: the row skipped
            continue
        if not isinstance(data, dict):
            problems.append(corpus.Problem(where, "not a JSON object"))
            continue
        if lone_surrogates(data):  # "\ud800" escapes: not text, no UTF-8 writer takes them
            problems.append(corpus.Problem(where, "holds lone surrogate escapes (\\udXXX), not text; line skipped"))
            continue
        try:
            row = parse_row(data, fmt, scheme, where)
        except RowError as error:
            problems.append(corpus.Problem(where, str(error)))
            continue
        if row is not None:
            rows.append(row)
        elif skipped is not None:
            answer = str(data.get("answer"))
            skipped[answer] = skipped.get(answer, 0) + 1
    return rows


def place(rows: list[Row]) -> list[Row]:
    """Rows of one article with offsets: kept where every row has them, else laid out in order."""
    if all(r.start is not None for r in rows):
        return sorted(rows, key=lambda r: (r.start, r.end))
    ordered = sorted(rows, key=lambda r: r.index if r.index is not None else 0) if all(r.index is not None for r in rows) else list(rows)
    position = 0
    for row in ordered:
        row.start, row.end = position, position + len(row.text)
        position = row.end + 1  # a newline between sentences
    return ordered


class ArticleFinder:
    """Articles by id, for placing imported rows: those under ``--articles`` paths (listed without
    reading them), else the file a row names in ``article_path``."""

    def __init__(self, paths: list[str] | None = None):
        self.problems: list[articles_mod.Problem] = []
        self._by_id: dict[str, articles_mod.Article] = {}
        if paths:
            found, self.problems = articles_mod.open_corpus(paths)
            for article in found:
                self._by_id.setdefault(article.id, article)

    def find(self, article_id: str, rows: list[Row]) -> articles_mod.Article | None:
        candidates = []
        if article_id in self._by_id:
            candidates.append(self._by_id[article_id])
        for named in dict.fromkeys(r.article_path for r in rows if r.article_path):
            path = Path(named)
            if path.is_file():
                found, _ = articles_mod.read_file(path)
                candidates += [a for a in found if a.id == article_id or (len(found) == 1 and path.suffix.lower() != ".jsonl")]
        for article in candidates:
            try:
                if article.sentences:
                    return article
            except articles_mod.ArticleUnreadable:
                continue
        return None


def align(rows: list[Row], article: articles_mod.Article, problems: list[corpus.Problem]) -> list[Row]:
    """Each row on its sentence of ``article`` as tagline splits it: by its offsets where they cut
    its text, else by its text (stripped), the nearest to where the row says it was. The row takes
    the sentence's offsets and text. A row that matches no sentence is reported and left out."""
    text = article.text
    spans = article.sentences
    at = {(span.start, span.end): i for i, span in enumerate(spans)}
    by_text: dict[str, list[int]] = {}
    for i, span in enumerate(spans):
        by_text.setdefault(text[span.start : span.end].strip(), []).append(i)
    taken: set[int] = set()
    kept = []
    for row in rows:
        index = at.get((row.start, row.end)) if row.start is not None and text[row.start : row.end] == row.text else None
        if index is None:
            same = by_text.get(row.text.strip(), [])
            free = [i for i in same if i not in taken] or same
            if free:
                if row.start is not None:
                    near = row.start
                elif row.index is not None and 0 <= row.index < len(spans):
                    near = spans[row.index].start
                else:
                    near = 0
                index = min(free, key=lambda i: abs(spans[i].start - near))
        if index is None:
            problems.append(corpus.Problem(row.where, f"no sentence of article '{article.id}' ({article.path}) has this text; left out"))
            continue
        taken.add(index)
        span = spans[index]
        if row.entities and text[span.start : span.end] != row.text:  # entities are offsets into the row's text
            shift = text[span.start : span.end].find(row.text.strip()) - row.text.find(row.text.strip())
            row.entities = [{**e, "start": e["start"] + shift, "end": e["end"] + shift} for e in row.entities]
        row.start, row.end, row.text = span.start, span.end, text[span.start : span.end]
        kept.append(row)
    return kept


def todo_record(article: articles_mod.Article, index: int) -> dict:
    span = article.sentences[index]
    return {"index": index, "start": span.start, "end": span.end, "text": article.text[span.start : span.end],
            "status": schema.TODO, "labels": [], "entities": []}


def sentence_record(index: int, row: Row) -> dict:
    record = {
        "index": index, "start": row.start, "end": row.end, "text": row.text, "status": row.status,
        "labels": annofile.Flow(row.labels),
        "entities": annofile.Flow(annofile.FlowMap(e) for e in row.entities),
    }
    for key in schema.OPTIONAL_SENTENCE_KEYS:
        if key in row.extra:
            record[key] = row.extra[key]
    return record


def build(existing: dict | None, article: str, annotator: str, rows: list[Row], scheme: LabelScheme, path: Path,
          text: articles_mod.Article | None = None) -> dict:
    """The annotation file for ``rows``, merged into ``existing``; ``RowError`` on a conflict.
    ``text``: the article, when it was found: then every one of its sentences is listed, those no
    row gave as ``todo``."""
    records: dict[tuple[int, int], dict] = {}
    if text is not None:
        for index in range(len(text.sentences)):
            record = todo_record(text, index)
            records[record["start"], record["end"]] = record
    for record in (existing or {}).get("sentences") or []:
        records[record["start"], record["end"]] = dict(record)
    for row in rows:
        key = (row.start, row.end)
        old = records.get(key)
        if old is not None and old.get("text") != row.text:
            raise RowError(f"{row.where}: sentence at {row.start}..{row.end} has other text in {path}")
        records[key] = {**(old or {}), **sentence_record(0, row)}
    ordered = [records[k] for k in sorted(records)]
    for record in ordered:  # the file's style: label lists and entities in flow style
        record["labels"] = annofile.Flow(record.get("labels") or [])
        record["entities"] = annofile.Flow(annofile.FlowMap(e) if isinstance(e, dict) else e for e in record.get("entities") or [])
    previous_end = 0
    for index, record in enumerate(ordered):
        if record["start"] < previous_end:
            raise RowError(f"sentence at {record['start']}..{record['end']} overlaps another in article '{article}'")
        previous_end = record["end"]
        record["index"] = index
    if existing is not None:
        document = dict(existing)
        document["sentences"] = ordered
        return document
    carried = next((r.article_meta for r in rows if r.article_meta), None)
    given = {"meta": carried} if carried else {}  # an export's article_meta, back where it came from
    if text is not None:
        return {
            "schema": schema.SCHEMA_VERSION,
            "article": {"id": article, "path": text.path, "sha256": text.sha256, **given},
            "annotator": annotator,
            "labels": annofile.Flow(scheme.names),
            "model": annofile.FlowMap(name="none", version=None),
            "sentences": ordered,
        }
    sha = next((r.sha256 for r in rows if r.sha256), "")
    if not sha:
        text = corpus.reconstruct_text([(r.start, r.end, r.text) for r in rows])
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return {
        "schema": schema.SCHEMA_VERSION,
        "article": {"id": article, "path": next((r.article_path for r in rows if r.article_path), ""), "sha256": sha, **given},
        "annotator": annotator,
        "labels": annofile.Flow(scheme.names),
        "model": annofile.FlowMap(name="none", version=None),
        "sentences": ordered,
    }


def dedupe(rows: list[Row], problems: list[corpus.Problem]) -> list[Row]:
    """One row per offsets: a repeat with the same labels is dropped, a conflicting one reported."""
    kept: dict[tuple, Row] = {}
    for row in rows:
        key = (row.start, row.end)
        first = kept.get(key)
        if first is None:
            kept[key] = row
        elif (first.text, first.labels) != (row.text, row.labels):
            problems.append(corpus.Problem(row.where, f"another row ({first.where}) gives this sentence other labels; the first is kept"))
    return list(kept.values())


def foreign_decisions(rows: list[Row], annotator: str) -> int:
    """Take out of ``rows`` the reviewers' decisions that are not ``annotator``'s; how many."""
    dropped = 0
    for row in rows:
        review = row.extra.get("review")
        if review is not None and (not isinstance(review, dict) or review.get("decided_by") != annotator):
            del row.extra["review"]
            dropped += 1
    return dropped
