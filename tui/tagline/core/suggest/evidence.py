"""What the rules found for a label, and the result dict a sentence gets."""

from __future__ import annotations

from dataclasses import dataclass, field

from tagline.core.suggest.lexicon import LABELS, THRESHOLD


# -- the result ----------------------------------------------------------------------------------
@dataclass
class Evidence:
    """What the rules found for one label: the best score and the reason that gave it, and, for the
    findings offered with a ``kind`` (the statistic's: ``percent``, ``count``, ``age``, ...), the
    best score of each kind."""

    score: float = 0.0
    reason: str = ""
    kinds: dict[str, float] = field(default_factory=dict)

    def offer(self, score: float, reason: str, kind: str = "") -> None:
        if score > self.score:
            self.score, self.reason = score, reason
        if kind and score > self.kinds.get(kind, 0.0):
            self.kinds[kind] = score


def _clip(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 3)


def make_result(evidence: dict[str, Evidence], checkworthy: float = 0.0) -> dict:
    """The result of one sentence; ``checkworthy`` is its check-worthiness (the order of "most
    check-worthy first"), kept to four decimals so that it ranks with few ties."""
    scores = {label: _clip(evidence[label].score) for label in LABELS}
    labels = [label for label in LABELS if scores[label] >= THRESHOLD]
    return {
        "labels": labels,
        "scores": scores,
        "reasons": {label: evidence[label].reason for label in labels},
        "checkworthy": round(min(1.0, max(0.0, checkworthy)), 4),
    }


def shorten(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
