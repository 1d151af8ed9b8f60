"""The model process: ``python -m tui.core.nlp_worker PACKAGE``.

Reads one JSON request a line on stdin (``{"id": n, "texts": [...]}``), answers one JSON line on
stdout (``{"id": n, "entities": [[[start, end, label], ...], ...]}`` or ``{"id": n, "error": "..."}``)
and leaves when stdin closes, which is also what happens when its parent dies, however it dies.
"""

from __future__ import annotations

import json
import sys


def main(package: str) -> int:
    out = sys.stdout
    try:
        from tui.core.nlp import EXCLUDE

        import spacy

        nlp = spacy.load(package, exclude=list(EXCLUDE))
        failure = None
    except Exception as error:  # reported with every answer, so the app can say why
        nlp = None
        failure = f"cannot load {package}: {' '.join(str(error).split())[:200]}"
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
                answer["entities"] = [
                    [[e.start_char, e.end_char, e.label_] for e in doc.ents] for doc in nlp.pipe(request.get("texts", []))
                ]
            except Exception as error:
                answer["error"] = " ".join(str(error).split())[:200]
        out.write(json.dumps(answer) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
