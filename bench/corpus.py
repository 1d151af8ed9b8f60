"""News-like articles of an exact number of sentences, for the benchmarks.

Sentences are drawn with a fixed seed from NewsSD-ENG (``shared/data/newssd-eng/*.csv`` beside the
repository, or the folder named by ``$NEWSSD_DIR``) and grouped into paragraphs of one to four
sentences, as news copy is. The count is tagline's own: each paragraph is measured with
:mod:`tagline.core.segment`, so an article of ``n`` sentences shows ``1/n`` in the status line.
"""

from __future__ import annotations

import csv
import os
import random
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tagline.core import segment  # noqa: E402

SAMPLE = ROOT / "seeds" / "000_88201f31feaf2608.txt"
SEED = 20261125


def newssd_dir() -> Path:
    explicit = os.environ.get("NEWSSD_DIR")
    return Path(explicit) if explicit else ROOT.parent / "shared" / "data" / "newssd-eng"


@lru_cache(maxsize=1)
def sentences() -> tuple[str, ...]:
    """Every distinct NewsSD-ENG sentence, cleaned to one line, in file order."""
    folder = newssd_dir()
    found: list[str] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                text = " ".join((row.get("Sentence") or "").split())
                # Only sentences that end like one: a line that does not is read as hard-wrapped
                # and joined with its neighbours into one paragraph.
                if text and text not in seen and _ends_paragraph(text):
                    seen.add(text)
                    found.append(text)
    if not found:
        raise SystemExit(f"no NewsSD-ENG sentences found in {folder} (set NEWSSD_DIR to the folder of its CSV files)")
    return tuple(found)


def _ends_paragraph(line: str) -> bool:
    return len(segment.paragraphs(f"{line}\nNext.\n")) == 2


def count(text: str) -> int:
    return len(segment.split(text)[1])


def paragraphs(n_sentences: int, seed: int = SEED) -> list[str]:
    """Paragraphs (one to four sentences each) adding up to exactly ``n_sentences`` sentences."""
    pool = sentences()
    rng = random.Random(seed)
    result: list[str] = []
    total = 0
    while total < n_sentences:
        size = rng.randint(1, 4)
        paragraph = " ".join(rng.choice(pool) for _ in range(size))
        found = count(paragraph)
        if total + found > n_sentences:
            continue  # a shorter one will fit
        result.append(paragraph)
        total += found
    return result


def article_text(n_sentences: int, seed: int = SEED) -> str:
    """An article of ``n_sentences`` sentences, one paragraph a line."""
    text = "\n".join(paragraphs(n_sentences, seed)) + "\n"
    assert count(text) == n_sentences, "paragraphs must not merge"
    return text


def write_article(folder: Path, n_sentences: int, seed: int = SEED, name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name or f'news-{n_sentences}'}.txt"
    path.write_text(article_text(n_sentences, seed), encoding="utf-8")
    return path


def machine() -> str:
    """One line about where the numbers were taken: cores, Python, load (others' work skews them)."""
    import platform

    one, five, _ = os.getloadavg()
    return (f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load average {one:.2f} (1 min) {five:.2f} (5 min)")
