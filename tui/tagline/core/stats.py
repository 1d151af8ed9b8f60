"""``tagline stats``: progress, label counts and pace per annotator, from the annotation files.

Seconds per sentence is the median gap between consecutive ``updated`` timestamps of an annotator
(all their files together, in time order). A gap over ten minutes is a break between sessions and is
left out. A file keeps the last change of each sentence only, so this is the pace of the last pass
over each sentence; it is empty (n/a) with fewer than two timestamps.

A reviewer's decisions (their decisions files, and sentences of older files that carry a ``review``
mapping) are counted as ``decisions``, not as annotations.
"""

from __future__ import annotations

import datetime as _dt
import statistics
from dataclasses import dataclass, field

from tagline.core import corpus
from tagline.core.labels import LabelScheme

SESSION_BREAK = 600  # seconds: a longer gap between two actions ends a session


@dataclass
class AnnotatorStats:
    name: str
    articles: int = 0
    done: int = 0
    total: int = 0
    labels: dict[str, int] = field(default_factory=dict)
    flagged: int = 0
    decisions: int = 0
    timestamps: list[_dt.datetime] = field(default_factory=list)

    @property
    def seconds_per_sentence(self) -> float | None:
        times = sorted(self.timestamps)
        gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:])]
        gaps = [g for g in gaps if g <= SESSION_BREAK]
        return float(statistics.median(gaps)) if gaps else None

    def as_data(self) -> dict:
        return {
            "articles": self.articles, "done": self.done, "total": self.total, "labels": dict(self.labels),
            "flagged": self.flagged, "decisions": self.decisions, "seconds_per_sentence": self.seconds_per_sentence,
        }


def parse_time(value: str) -> _dt.datetime | None:
    if not value:
        return None
    try:
        moment = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=_dt.UTC)


def compute(merged: corpus.Corpus, scheme: LabelScheme) -> dict[str, AnnotatorStats]:
    found: dict[str, AnnotatorStats] = {}
    for loaded in merged.files:
        entry = found.setdefault(loaded.annotator, AnnotatorStats(loaded.annotator, labels=dict.fromkeys(scheme.names, 0)))
        entry.articles += 1
        for sentence in loaded.sentences:
            moment = parse_time(sentence.updated)
            if moment is not None:
                entry.timestamps.append(moment)
            if sentence.review is not None:
                entry.decisions += int(sentence.done)
                continue
            entry.total += 1
            entry.flagged += int(sentence.flag)
            if sentence.done:
                entry.done += 1
                for name in sentence.labels:
                    entry.labels[name] = entry.labels.get(name, 0) + 1
    for loaded in merged.decision_files:  # a reviewer's decisions: counted, never as annotations
        entry = found.setdefault(loaded.annotator, AnnotatorStats(loaded.annotator, labels=dict.fromkeys(scheme.names, 0)))
        entry.decisions += sum(1 for sentence in loaded.sentences if sentence.is_decision)
    return dict(sorted(found.items()))
