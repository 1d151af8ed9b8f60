"""Rule-based label suggestions: claim, quote and statistic per sentence, from spaCy's parse and entities.

The suggester reads one paragraph at a time (a spaCy ``Doc`` made by the full pipeline) together with
the sentence spans our segmenter found in it (:mod:`tagline.core.segment`; spaCy's own sentences are not
used, so suggestions line up with what the annotator sees). Each sentence gets a score in [0, 1] for
every label and, for the labels suggested (score >= :data:`THRESHOLD`), a short reason in words.

* quote: quotation marks are tracked across the whole paragraph, so a sentence that opens a quotation
  without closing it, one inside it and the fragment that closes it (``… the TTP,” he said.``) are
  all found; indirect speech is a speech or cognition verb with a subject and a clausal complement
  (``warned that``, ``…, Ray said.``, ``As Sanders pointed out, …``), and ``according to``.
* statistic: CARDINAL, PERCENT, MONEY and QUANTITY entities that measure something, counting phrases
  (``a dozen``, ``nearly half of``, ``hundreds of thousands``); dates, years, ordinals, versions and
  names that contain digits are not statistics.
* claim: a declarative, checkable assertion; evidence for (events in the past or perfect, named actors,
  accusations and denials, causal and comparative wording, figures) is weighed against evidence of
  opinion, prediction and scene-setting (modals, questions, first person, hedges and judgements).

The package is split by concern: :mod:`.lexicon` (word lists), :mod:`.quotes`, :mod:`.statistics`,
:mod:`.claims` (the evidence for each label), :mod:`.evidence` (the result of a sentence) and
:mod:`.pipeline` (a paragraph in, one result per sentence out; loading the model). The public names
are importable from here. The measured precision and recall are in ``docs/design/suggestions.md``
(``bench/eval_suggest.py``).
"""

from __future__ import annotations

from tagline.core.suggest.evidence import Evidence
from tagline.core.suggest.lexicon import (
    CLAIM_BASE,
    COGNITION_VERBS,
    FIRST_PERSON,
    LABELS,
    NAMING_VERBS,
    REQUIRED_PIPES,
    SPEECH_VERBS,
    THRESHOLD,
)
from tagline.core.suggest.pipeline import (
    SuggestError,
    for_scheme,
    load_pipeline,
    suggest_article,
    suggest_articles,
    suggest_doc,
)
from tagline.core.suggest.quotes import Region, quote_regions

__all__ = [
    "CLAIM_BASE",
    "COGNITION_VERBS",
    "FIRST_PERSON",
    "LABELS",
    "NAMING_VERBS",
    "REQUIRED_PIPES",
    "SPEECH_VERBS",
    "THRESHOLD",
    "Evidence",
    "Region",
    "SuggestError",
    "for_scheme",
    "load_pipeline",
    "quote_regions",
    "suggest_article",
    "suggest_articles",
    "suggest_doc",
]
