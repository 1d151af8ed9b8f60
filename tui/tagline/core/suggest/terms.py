"""What the words of a sentence say about its check-worthiness: a linear model over its terms, fit on
sentences of political speech that people judged worth checking or not, shipped in the package.

The rules of :mod:`.claims` see figures, records, comparisons and who speaks; they cannot see the
subjects fact-checkers check (taxes, jobs, votes, deficits, troops) nor the wording of a politician's
record (``voted against``, ``cut``, ``raised``). The term model adds that. A sentence's terms are its
words in lower case (as written: the lemmatiser reads a capitalised ``Taxes`` as ``taxis``), with a
number read as ``<num>``, a date or time as ``<date>`` (a year is no figure) and a named person,
organisation, place or group as the kind of name (``<person>``, ``<org>``, ``<gpe>``, ``<norp>``), so
that a model fit on debates of other years names no one and dates nothing; each word alone and each two
words side by side. The model's log-odds for a sentence is its intercept plus the weight of every term
present (each counted once); terms the model does not know weigh nothing.

The model file ``checkworthy_terms.json`` is written by ``bench/fit_checkworthy.py`` (its data, its
licence and its cross-validated figures are recorded in the file and in
``docs/design/suggestions.md``). Without it, or when it is unreadable, every sentence's term
log-odds is 0 and check-worthiness is the rules' alone.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("checkworthy_terms.json")

#: Kinds of named entity read as their kind, not their words.
NAME_KINDS = {"PERSON": "<person>", "ORG": "<org>", "GPE": "<gpe>", "NORP": "<norp>", "LOC": "<gpe>"}
#: The units that stand for a kind of entity rather than its words.
KINDS = frozenset({*NAME_KINDS.values(), "<date>"})
#: Punctuation that is a term: a question is not a claim, a percentage or a price is a figure.
KEPT_PUNCT = frozenset("?%$")


def units(tokens) -> list[str]:
    """The words of ``tokens`` as the model reads them (see the module's description)."""
    out: list[str] = []
    for t in tokens:
        if t.is_space or (t.is_punct and t.text not in KEPT_PUNCT):
            continue
        if t.ent_type_ in NAME_KINDS:
            unit = NAME_KINDS[t.ent_type_]
        elif t.ent_type_ in ("DATE", "TIME"):
            unit = "<date>"
        elif t.like_num:
            unit = "<num>"
        else:
            unit = t.lower_
            if not unit.strip():
                continue
        if out and out[-1] == unit and unit in KINDS and t.ent_iob_ == "I":
            continue  # one unit for a name or a date of several words
        out.append(unit)
    return out


def terms(tokens) -> set[str]:
    """The terms of ``tokens``: each unit, and each two units side by side joined by a space."""
    found = units(tokens)
    return set(found) | {f"{a} {b}" for a, b in zip(found, found[1:])}


@functools.lru_cache(maxsize=1)
def term_model() -> dict | None:
    """The shipped model ``{"intercept": float, "weights": {term: float}, ...}``, or None when the
    file is missing or malformed."""
    try:
        model = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
        weights = model["weights"]
        if not isinstance(weights, dict) or not all(isinstance(w, (int, float)) for w in weights.values()):
            return None
        float(model["intercept"])
        return model
    except (OSError, ValueError, KeyError, TypeError):
        return None


def term_log_odds(tokens, model: dict | None = None) -> float:
    """The term model's log-odds that ``tokens`` are worth checking, centred on its intercept (0 for
    a sentence of terms it does not know, and always 0 without a model)."""
    model = model or term_model()
    if model is None:
        return 0.0
    weights = model["weights"]
    return float(sum(weights.get(term, 0.0) for term in terms(tokens)))
