"""How long duplicate detection takes over a synthetic corpus, against a 1,000-article baseline.

    python bench/duplicates.py [--articles 10000] [--sentences 30] [--seed 7]
    python bench/duplicates.py --adversarial [--repeats 3]

``--adversarial`` times inputs chosen to defeat blocking, beside ordinary news of the same size:
a templated feed of 5,000 sentences ("Item 17 says that the council approved …"), the same feed
with its figures spelt out (nothing but words to tell the sentences apart), and a 50,000-sentence
corpus of which 30% are near-duplicates (each a noisy copy of an earlier sentence).

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


SUBJECTS = ["the council", "the ministry", "the mayor", "the agency", "the company", "the court"]
VERBS = ["approved", "rejected", "delayed", "announced", "reviewed", "questioned"]
OBJECTS = ["the budget", "the new plan", "the contract", "the merger", "the report", "the appeal"]
PLACES = ["for the northern district", "in the capital", "for the region", "at the port", "in the south"]
TIMES = ["on Monday", "on Tuesday", "late on Friday", "this week", "after a long debate"]
ONES = "zero one two three four five six seven eight nine".split()


def templated(n: int, seed: int, figures: bool = True) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        item = str(i) if figures else " ".join(ONES[int(d)] for d in str(i))
        parts = [rng.choice(options) for options in (SUBJECTS, VERBS, OBJECTS, PLACES, TIMES)]
        out.append(f"Item {item} says that {' '.join(parts)}.")
    return out


def spliced(pool: list[str], n: int, rng: random.Random) -> list[str]:
    """``n`` distinct news-like sentences: the first third of one source sentence, the second of
    another, the last of a third."""
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        a, b, c = (rng.choice(pool).split() for _ in range(3))
        sentence = " ".join(a[: len(a) // 3] + b[len(b) // 3 : 2 * len(b) // 3] + c[2 * len(c) // 3 :])
        if sentence not in seen:
            seen.add(sentence)
            out.append(sentence)
    return out


def near_corpus(pool: list[str], n: int, share: float, seed: int):
    """``n`` sentences, ``share`` of them noisy copies of an earlier one: (texts, origin)."""
    rng = random.Random(seed)
    originals = spliced(pool, int(n * (1 - share)), rng)
    texts: list[str] = []
    origin: list[int] = []
    fresh = iter(range(len(originals)))
    for _ in range(n):
        if texts and rng.random() < share:
            k = rng.randrange(len(texts))
            source = origin[k]
            copy = originals[source]
            for _ in range(5):  # a copy that differs from its original
                candidate = noisy(copy, rng)
                if candidate != copy:
                    copy = candidate
                    break
            texts.append(copy)
        else:
            source = next(fresh, None)
            if source is None:
                source = rng.randrange(len(originals))
            texts.append(originals[source])
        origin.append(source)
    return [("c", i, t) for i, t in enumerate(texts)], origin


def timed(texts, origin, repeats: int) -> dict:
    seconds = []
    for _ in range(repeats):  # CPU time: the machine may be shared, and the scan is CPU-bound
        began = time.process_time()
        found = find_duplicates(texts)
        seconds.append(time.process_time() - began)
    position = {(a, i): k for k, (a, i, _) in enumerate(texts)}
    repeats_present = len(origin) - len(set(origin))
    wrong = sum(1 for dup, twin in found.items() if origin[position[dup]] != origin[position[twin]])
    seconds.sort()
    return {"sentences": len(texts), "median": seconds[len(seconds) // 2], "low": seconds[0], "high": seconds[-1],
            "found": len(found), "repeats": repeats_present, "wrong": wrong}


def adversarial(pool: list[str], seed: int, repeats: int) -> None:
    def unique(sentences):
        return [("t", i, t) for i, t in enumerate(sentences)], list(range(len(sentences)))

    news5k = corpus(167, 30, pool, seed)[0][:5_000], corpus(167, 30, pool, seed)[1][:5_000]
    cases = [
        ("news, 5,000 sentences (baseline)", *news5k),
        ("templated feed, 5,000", *unique(templated(5_000, seed))),
        ("templated feed, figures spelt out, 5,000", *unique(templated(5_000, seed, figures=False))),
        ("news, 50,000 (baseline)", *corpus(1_667, 30, pool, seed)),
        ("50,000 with 30% near-duplicates", *near_corpus(pool, 50_000, 0.3, seed)),
    ]
    print(f"{repeats} runs each; CPU seconds: median [lowest, highest]; ratio: median against the baseline of the same size")
    print(f"{'input':<42} {'sentences':>9} {'seconds':>22} {'x base':>7} {'µs/sent':>7} {'found':>7} {'recall':>7} {'wrong':>6}")
    base = None
    for name, texts, origin in cases:
        row = timed(texts, origin, repeats)
        if "baseline" in name:
            base = row
        ratio = row["median"] / base["median"]
        recall = row["found"] / row["repeats"] if row["repeats"] else float("nan")
        spread = f"{row['median']:.2f} [{row['low']:.2f}, {row['high']:.2f}]"
        print(f"{name:<42} {row['sentences']:>9,} {spread:>22} {ratio:>7.1f} {row['median'] / row['sentences'] * 1e6:>7.1f} "
              f"{row['found']:>7,} {recall:>7.3f} {row['wrong']:>6,}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adversarial", action="store_true", help="templated feeds and near-duplicates beside news")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--sentences", type=int, default=30, help="sentences per article")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    pool = source_sentences()
    if args.adversarial:
        adversarial(pool, args.seed, args.repeats)
        return 0
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
