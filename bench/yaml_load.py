"""CPU time to parse an annotation file with the YAML loader that refuses a key given twice,
against the loader before it (the same PyYAML classes without that check), in the same run.

    python bench/yaml_load.py                  # 5,000 and 30 sentences, 15 rounds
    python bench/yaml_load.py --rounds 30 --sentences 5000,18000

The file is what tagline writes for an article of NewsSD-ENG sentences (``bench/corpus.py``), every
sentence done, with a label and three entities, so every sentence is a mapping holding a list of
mappings: the shape the check runs on most (a ``*`` in the text is made an ``x``, so that both take
``safeyaml.load``'s path for a file without aliases, as the files tagline writes do). ``before`` is ``tagline.core.safeyaml``'s loader class
with the ``construct_mapping`` and ``flatten_mapping`` of PyYAML's (what ``safeyaml.load`` ran
before the check); ``now`` is ``safeyaml.load`` itself. Each round times one parse of each, in turn
(the order alternating), with ``time.process_time``; the ratio is now / before of the medians, with
a 95% bootstrap interval.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
from intervals import bootstrap_ratio  # noqa: E402
import yaml  # noqa: E402

from tagline.core import annofile, safeyaml, segment  # noqa: E402

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def before_loader() -> type:
    """The loader ``safeyaml.load`` used before the check: values checked, keys not."""
    checked = safeyaml._checked(LOADER)
    return type("Before", (checked,), {"construct_mapping": LOADER.construct_mapping, "flatten_mapping": LOADER.flatten_mapping})


def annotation_text(n_sentences: int) -> str:
    text = corpus.article_text(n_sentences).replace("*", "x")  # no alias mark: both take the same fast path
    spans = segment.split(text)[1]
    labels = ("claim", "quote", "statistic")
    sentences = []
    for index, (start, end) in enumerate(spans):
        length = end - start
        entities = [annofile.FlowMap(start=a, end=min(a + 5, length), label=kind)
                    for a, kind in ((0, "GPE"), (length // 3, "PERSON"), (2 * length // 3, "DATE")) if a < length]
        sentences.append({"index": index, "start": start, "end": end, "text": text[start:end], "status": "done",
                          "labels": annofile.Flow([labels[index % 3]]), "entities": annofile.Flow(entities),
                          "updated": "2026-12-03T00:00:00+00:00"})
    document = {"schema": "tagline.annotations/1", "article": {"id": "bench", "path": "bench.txt", "sha256": "0" * 64},
                "annotator": "bench", "labels": annofile.Flow(list(labels)), "model": annofile.FlowMap(name="en_core_web_sm", version="3.8.0"),
                "sentences": sentences}
    return annofile.dumps(document)


def timed(parse, text: str) -> float:
    start = time.process_time()
    parse(text)
    return time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--sentences", default="5000,30")
    args = parser.parse_args(argv)
    old = before_loader()
    ways = {"before": lambda text: yaml.load(text, Loader=old), "now": safeyaml.load}
    print(f"{args.rounds} rounds; libyaml: {LOADER is not yaml.SafeLoader}; {corpus.machine()}")
    print(f"{'sentences':>9} {'KB':>7} {'before ms':>10} {'now ms':>8} {'now/before':>10} {'95% interval':>16}")
    for n in (int(x) for x in args.sentences.split(",")):
        text = annotation_text(n)
        assert "*" not in text  # safeyaml.load's fast path (no alias can be written), as ``before`` is timed
        assert ways["now"](text) == ways["before"](text)
        times: dict[str, list[float]] = {way: [] for way in ways}
        repeat = max(1, 2000 // n)  # a short file is parsed several times a round, for the clock's sake
        for round_ in range(args.rounds):
            order = list(ways) if round_ % 2 == 0 else list(reversed(ways))
            for way in order:
                times[way].append(sum(timed(ways[way], text) for _ in range(repeat)) / repeat)
        before, now = statistics.median(times["before"]), statistics.median(times["now"])
        low, high = bootstrap_ratio(times["now"], times["before"])
        print(f"{n:>9,} {len(text.encode()) / 1024:>7,.0f} {before * 1000:>10.1f} {now * 1000:>8.1f} {now / before:>10.3f} "
              f"{f'[{low:.3f}, {high:.3f}]':>16}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
