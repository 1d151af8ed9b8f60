"""The model process: ``python -m tagline.core.nlp_worker PACKAGE [--suggest]``.

Reads one JSON request a line on stdin (``{"id": n, "texts": [...], "spans": [[[s, e], ...], ...]}``,
optionally ``"leads"``: per text, the sentence before it that may introduce it as a quotation, or null),
answers one JSON line on stdout (``{"id": n, "entities": [[[start, end, label], ...], ...]}``, plus
``"suggestions"`` per text when started with ``--suggest`` and given spans, or ``{"id": n, "error":
"..."}``; ``{"id": n, "probe": true}`` answers the process's ``pid`` and ``single_threaded``). It
leaves when stdin closes, and when its parent is gone, however it went, also in the middle of a
request. It never starts a thread (see :func:`_leave_with_parent`).
"""

from __future__ import annotations

import json
import signal
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


#: Seconds between two looks at whether the parent is still there, while a request is parsed.
PARENT_CHECK_SECONDS = 0.5


def _leave_with_parent() -> int:
    """Leave as soon as the parent is gone, without a thread. stdin's EOF arrives only between
    requests (and not at all while another process holds the pipe), so the parent is also looked
    at between documents (:func:`_pipe`) and on a timer signal, which the interpreter handles even
    within one long document. A watcher thread did this before; but a process that has ever had a
    second thread makes glibc lock with atomic instructions for the rest of its life, and spaCy's
    parse, which takes and gives back the interpreter's lock millions of times, then costs 9 to 14%
    more CPU (``bench/parse_cpu.py``, ``bench/model_cpu.py``). Returns the parent's pid."""
    import os

    parent = os.getppid()

    def look(*_) -> None:
        if os.getppid() != parent:
            os._exit(0)

    signal.signal(signal.SIGALRM, look)
    signal.setitimer(signal.ITIMER_REAL, PARENT_CHECK_SECONDS, PARENT_CHECK_SECONDS)
    return parent


def _pipe(nlp, texts: list, parent: int):
    """``nlp.pipe(texts)``, leaving between two documents if the parent is gone."""
    import os

    for doc in nlp.pipe(texts):
        if os.getppid() != parent:  # nobody wants the rest
            os._exit(0)
        yield doc


def _send(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd``. Not through ``sys.stdout``: a write to a full pipe that the
    timer signal cuts short was lost in part by Python's buffered writer (the app then waited for
    the rest of an answer that never came: 1 request in about 30 with the timer at 1 ms)."""
    import os

    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _probe() -> dict:
    """For tests: this process's id and glibc's word on whether it ever had a second thread."""
    import os

    from tagline.core.parser_process import single_threaded

    return {"pid": os.getpid(), "single_threaded": single_threaded()}


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

    parent = _leave_with_parent()
    yield_to_keys()
    package = argv[0]
    suggest = "--suggest" in argv[1:]
    labels = (_option(argv, "--labels") or "claim,quote,statistic").split(",")
    exclusive = "--exclusive" in argv[1:]
    trained = _TrainedModel(_option(argv, "--trained"))
    out = sys.stdout.fileno()
    try:
        nlp = _load(package, suggest)
        failure = None
    except Exception as error:  # reported with every answer, so the app can say why
        nlp = None
        failure = f"cannot load {package}: {' '.join(str(error).split())[:200]}"
    if suggest and nlp is not None:
        from tagline.core.suggest import suggest_doc
        from tagline.core.suggest.pipeline import lead_in
    for line in sys.stdin:
        try:
            request = json.loads(line)
        except ValueError:
            continue
        answer: dict = {"id": request.get("id")}
        if request.get("probe"):
            answer.update(_probe())
        elif nlp is None:
            answer["error"] = failure
        else:
            try:
                docs = list(_pipe(nlp, request.get("texts", []), parent))
                answer["entities"] = [[[e.start_char, e.end_char, e.label_] for e in doc.ents] for doc in docs]
                spans = request.get("spans")
                if suggest and spans is not None:
                    leads = list(request.get("leads") or [])[: len(docs)]
                    introduced = [lead_in(nlp, lead) if isinstance(lead, str) else "" for lead in leads]
                    introduced += [""] * (len(docs) - len(introduced))
                    rules = [
                        suggest_doc(doc, [tuple(x) for x in sp], introduced=intro)
                        for doc, sp, intro in zip(docs, spans, introduced)
                    ]
                    model = trained.current()
                    if model is not None:
                        from tagline.core.train import combine

                        texts = [doc.text[a:b] for doc, sp in zip(docs, spans) for a, b in sp]
                        scores = iter(model.scores(texts))
                        rules = [[combine(rule, next(scores), labels, exclusive=exclusive) for rule in per_text] for per_text in rules]
                    answer["suggestions"] = rules
            except Exception as error:
                answer["error"] = " ".join(str(error).split())[:200]
        _send(out, (json.dumps(answer) + "\n").encode("ascii"))
    signal.setitimer(signal.ITIMER_REAL, 0)  # the interpreter's exit puts back SIGALRM's default: to end us
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
