"""How long duplicate detection takes over a synthetic corpus, against a 1,000-article baseline.

    python bench/duplicates.py [--articles 10000] [--sentences 30] [--seed 7]

The corpus is made here from NewsSD-ENG sentences (the ``devset/articles`` copies, CC BY 4.0):
each article draws sentences at random (so sentences repeat across articles, as wire copy does),
and some draws get seeded noise: case changes, curly/straight quotes and dashes swapped, a typo,
doubled spaces, lost final punctuation, or a fragment (the sentence cut to its last two thirds).
Because the generator knows where each sentence came from, the table also shows how many of the
repeats were found (recall) and how many reported pairs join different source sentences.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tagline.core import articles  # noqa: E402
from tagline.core.duplicates import find_duplicates  # noqa: E402

SOURCE = ROOT / "devset" / "articles"


def source_sentences() -> list[str]:
    found, _ = articles.load([SOURCE])
    sentences = {a.text[s.start : s.end] for a in found if a.id.startswith("newssd-") for s in a.sentences}
    return sorted(s for s in sentences if len(s.split()) >= 4)


def noisy(sentence: str, rng: random.Random) -> str:
    kind = rng.randrange(7)
    if kind == 0:
        return sentence.upper() if rng.random() < 0.2 else sentence.lower()
    if kind == 1:
        return sentence.translate(str.maketrans({"’": "'", "“": '"', "”": '"', "—": "-", "–": "-", "'": "’"}))
    if kind == 2:
        letters = [i for i, c in enumerate(sentence) if c.isalpha()]
        if letters:
            i = rng.choice(letters)
            return sentence[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + sentence[i + 1 :]
        return sentence
    if kind == 3:
        return sentence.replace(" ", "  ", 3)
    if kind == 4:
        return sentence.rstrip(".!?")
    if kind == 5:
        words = sentence.split()
        return " ".join(words[len(words) // 3 :]) if len(words) >= 18 else sentence
    return sentence


def corpus(n_articles: int, per_article: int, pool: list[str], seed: int, noise: float = 0.2):
    """(texts for find_duplicates, source index of each text)."""
    rng = random.Random(seed)
    texts: list[tuple[str, int, str]] = []
    origin: list[int] = []
    for a in range(n_articles):
        for i in range(per_article):
            source = rng.randrange(len(pool))
            sentence = pool[source]
            if rng.random() < noise:
                sentence = noisy(sentence, rng)
            texts.append((f"a{a:05d}", i, sentence))
            origin.append(source)
    return texts, origin


def measure(n_articles: int, per_article: int, pool: list[str], seed: int) -> dict:
    texts, origin = corpus(n_articles, per_article, pool, seed)
    began = time.perf_counter()
    found = find_duplicates(texts)
    seconds = time.perf_counter() - began
    position = {(a, i): k for k, (a, i, _) in enumerate(texts)}
    seen: set[int] = set()
    repeats = 0
    for source in origin:
        repeats += source in seen
        seen.add(source)
    wrong = sum(1 for dup, original in found.items() if origin[position[dup]] != origin[position[original]])
    return {"articles": n_articles, "sentences": len(texts), "seconds": seconds, "found": len(found), "repeats": repeats, "wrong": wrong}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--sentences", type=int, default=30, help="sentences per article")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    pool = source_sentences()
    rows = [measure(n, args.sentences, pool, args.seed) for n in (args.baseline, args.articles)]
    base = rows[0]
    print(f"{len(pool)} distinct source sentences; {args.sentences} sentences per article; 20% of draws noisy")
    print(f"{'articles':>9} {'sentences':>10} {'seconds':>8} {'x baseline':>10} {'per 1k sent.':>12} {'found':>8} {'recall':>7} {'wrong':>6}")
    for row in rows:
        ratio = row["seconds"] / base["seconds"] if base["seconds"] else float("nan")
        per_k = row["seconds"] / row["sentences"] * 1000
        recall = row["found"] / row["repeats"] if row["repeats"] else 1.0
        print(
            f"{row['articles']:>9,} {row['sentences']:>10,} {row['seconds']:>8.2f} {ratio:>10.1f} {per_k:>12.4f} "
            f"{row['found']:>8,} {recall:>7.3f} {row['wrong']:>6,}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
