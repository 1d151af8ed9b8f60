"""The background work of tagline's ``model`` scenario, without tagline: for the baseline app.

    python bench/background_load.py ARTICLE.txt

Starts what the reader starts on opening ARTICLE (``--model en_core_web_sm``, empty cache): the
near-duplicate scan in its process, and the model process parsing every paragraph with suggestions,
a few batches in flight; leaves when the parse is done or when killed (its children die with it).
``bench/background.py`` runs it beside ``bench/trivial_app.py`` (scenario ``trivial+model``) so that
what the machine's cores do to a key can be told from what tagline's own work does.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from tagline.core import nlp
from tagline.core.articles import Article
from tagline.core.duplicates_worker import request


def main() -> int:
    path = Path(sys.argv[1])
    article = Article(path.stem, path.name, path.read_text(encoding="utf-8"))
    spans = [(s.start, s.end) for s in article.sentences]
    scan = subprocess.Popen([sys.executable, "-P", "-m", "tagline.core.duplicates_worker"],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, start_new_session=True)
    scan.stdin.write(request(article.text, spans))
    scan.stdin.close()
    service = nlp.EntityService(nlp.resolve_model("en_core_web_sm"), suggest=True)
    try:
        for _ in nlp.stream_annotations(article, service.model, service, nlp.ParseCache(folder=Path(tempfile.mkdtemp(prefix="tagline-bench-cache-"))), suggest=True):
            pass
    finally:
        service.close()
        scan.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
