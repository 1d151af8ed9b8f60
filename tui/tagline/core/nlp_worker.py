"""The model process: ``python -m tagline.core.nlp_worker PACKAGE [--suggest]``.

Reads one JSON request a line on stdin (``{"id": n, "texts": [...], "spans": [[[s, e], ...], ...]}``),
answers one JSON line on stdout (``{"id": n, "entities": [[[start, end, label], ...], ...]}``, plus
``"suggestions"`` per text when started with ``--suggest`` and given spans, or ``{"id": n, "error":
"..."}``) and leaves when stdin closes, which is also what happens when its parent dies, however it
dies.
"""

from __future__ import annotations

import json
import sys


def _load(package: str, suggest: bool):
    from tagline.core.nlp import EXCLUDE, one_math_thread

    one_math_thread()
    import spacy

    if suggest:
        from tagline.core.suggest import REQUIRED_PIPES

        nlp = spacy.load(package)
        unused = [pipe for pipe in nlp.pipe_names if pipe not in REQUIRED_PIPES]
        if unused:
            nlp.select_pipes(disable=unused)
        return nlp
    return spacy.load(package, exclude=list(EXCLUDE))


def _leave_with_parent() -> None:
    """stdin's EOF only arrives between requests; a parent killed mid-request must not leave us
    parsing for nobody."""
    import os
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv[:-1] else None


class _TrainedModel:
    """The model ``tagline train`` left beside the annotations, reloaded whenever it is retrained."""

    def __init__(self, annotations: str | None):
        self.annotations = annotations
        self.stamp: str | None = None
        self.model = None

    def current(self):
        if self.annotations is None:
            return None
        from tagline.core import train

        stamp = train.trained_stamp(self.annotations)
        if stamp != self.stamp:
            self.stamp = stamp
            self.model = train.load_trained(self.annotations) if stamp else None
        return self.model


def main(argv: list[str]) -> int:
    from tagline.core.priority import yield_to_keys

    _leave_with_parent()
    yield_to_keys()
    package = argv[0]
    suggest = "--suggest" in argv[1:]
    labels = (_option(argv, "--labels") or "claim,quote,statistic").split(",")
    exclusive = "--exclusive" in argv[1:]
    trained = _TrainedModel(_option(argv, "--trained"))
    out = sys.stdout
    try:
        nlp = _load(package, suggest)
        failure = None
    except Exception as error:  # reported with every answer, so the app can say why
        nlp = None
        failure = f"cannot load {package}: {' '.join(str(error).split())[:200]}"
    if suggest and nlp is not None:
        from tagline.core.suggest import suggest_doc
    for line in sys.stdin:
        try:
            request = json.loads(line)
        except ValueError:
            continue
        answer: dict = {"id": request.get("id")}
        if nlp is None:
            answer["error"] = failure
        else:
            try:
                docs = list(nlp.pipe(request.get("texts", [])))
                answer["entities"] = [[[e.start_char, e.end_char, e.label_] for e in doc.ents] for doc in docs]
                spans = request.get("spans")
                if suggest and spans is not None:
                    rules = [suggest_doc(doc, [tuple(x) for x in sp]) for doc, sp in zip(docs, spans)]
                    model = trained.current()
                    if model is not None:
                        from tagline.core.train import combine

                        texts = [doc.text[a:b] for doc, sp in zip(docs, spans) for a, b in sp]
                        scores = iter(model.scores(texts))
                        rules = [[combine(rule, next(scores), labels, exclusive=exclusive) for rule in per_text] for per_text in rules]
                    answer["suggestions"] = rules
            except Exception as error:
                answer["error"] = " ".join(str(error).split())[:200]
        out.write(json.dumps(answer) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
