"""Named mutations of the core: does the test suite notice each deliberate bug?

Each mutation is one textual change to one file (the five the issue found the suite blind to, and
more over the store, the sanitiser, the segmenter, the export, agreement and the entity offsets).
For each, the tree (``tui``, ``tests``, ``seeds``, ``devset``, ``pyproject.toml``) is copied to a
temporary folder, the change applied there, and the tests named for it run against the copy
(``PYTHONPATH`` puts the copy's ``tui`` first; ``-m "not e2e"``, so no terminal or process is
started). A mutation is *killed* when those tests fail, *survived* when they pass. The score is
killed / (killed + survived). The working tree is never touched.

    python bench/mutants.py                 # all of them
    python bench/mutants.py store-no-fdatasync sanitize-no-bidi-isolates   # some, by name
    python bench/mutants.py --list

It prints a table and the score; the figures are recorded in docs/design/reliability.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("tui", "tests", "seeds", "devset", "themes", "pyproject.toml")


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str  # relative to the repository
    old: str  # must occur exactly once
    new: str
    tests: tuple[str, ...]
    why: str


MUTATIONS = [
    # -- the five the issue found ----------------------------------------------------------------
    Mutation(
        "nlp-offsets-relative-to-chunk", "tui/tagline/core/nlp/streaming.py",
        "result[i].append((start - span.start, min(end, span.end) - span.start, label))",
        "result[i].append((start - chunk.start, min(end, span.end) - chunk.start, label))",
        ("tests/core/test_entity_offsets.py",),
        "entity offsets relative to the paragraph chunk instead of the sentence",
    ),
    Mutation(
        "store-no-fdatasync", "tui/tagline/core/store.py",
        "            _fdatasync(self._journal.fileno())\n", "",
        ("tests/core/test_store.py",),
        "the journal is flushed but never synced to disk",
    ),
    Mutation(
        "sanitize-no-bidi-isolates", "tui/tagline/core/sanitize.py",
        "*range(0x2066, 0x206A), ", "",
        ("tests/core/test_sanitize.py",),
        "bidi isolates (U+2066-2069) reach the terminal",
    ),
    Mutation(
        "export-split-ungrouped", "tui/tagline/core/exporting.py",
        "            parent[max(a, b)] = min(a, b)\n", "            pass\n",
        ("tests/core/test_export.py",),
        "articles sharing a sentence are not kept on one side of the split",
    ),
    Mutation(
        "prodigy-hash-spaced-json", "tui/tagline/core/exporting.py",
        'text = json.dumps(values, sort_keys=True, separators=(",", ":"))',
        "text = json.dumps(values, sort_keys=True)",
        ("tests/core/test_export.py",),
        "Prodigy hashes over json's default separators (not Prodigy's own)",
    ),
    # -- the store and re-anchoring ----------------------------------------------------------------
    Mutation(
        "store-torn-line-glued", "tui/tagline/core/store.py",
        '            if existing.read(1) != b"\\n":\n                handle.write(b"\\n")\n',
        '            if existing.read(1) != b"\\n":\n                pass\n',
        ("tests/core/test_store.py",),
        "the next action is glued to a line torn by a crash (and lost with it)",
    ),
    Mutation(
        "store-key-order", "tui/tagline/core/store.py",
        '            "labels": annofile.Flow(self.scheme.names),\n            "model": annofile.FlowMap(self.model),\n',
        '            "model": annofile.FlowMap(self.model),\n            "labels": annofile.Flow(self.scheme.names),\n',
        ("tests/core/test_store.py",),
        "the annotation file's top-level keys out of the contract's order",
    ),
    Mutation(
        "anchoring-exact-ignores-text", "tui/tagline/core/anchoring.py",
        "        if text is not None and self.sentence(index) != text:\n            return None\n", "",
        ("tests/core/test_store.py", "tests/reliability/test_properties.py"),
        "a record is placed by its offsets even when the text there changed",
    ),
    Mutation(
        "anchoring-loose-fuzzy", "tui/tagline/core/anchoring.py",
        "FUZZY_MIN_SCORE = 85.0", "FUZZY_MIN_SCORE = 40.0",
        ("tests/core/test_store.py", "tests/reliability/test_properties.py"),
        "labels move onto sentences that only faintly resemble the edited one",
    ),
    # -- the sanitiser and the segmenter -----------------------------------------------------------
    Mutation(
        "sanitize-c1-half", "tui/tagline/core/sanitize.py",
        "for _code in range(0x80, 0xA0):", "for _code in range(0x80, 0x90):",
        ("tests/core/test_sanitize.py",),
        "half of the C1 controls (U+0090-009F, e.g. OSC, CSI's 8-bit forms) reach the terminal",
    ),
    Mutation(
        "sanitize-zero-width-kept", "tui/tagline/core/sanitize.py",
        "for _code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD):",
        "for _code in (0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD):",
        ("tests/core/test_sanitize.py",),
        "a zero-width space hides in the shown text",
    ),
    Mutation(
        "segment-abbreviations-end-sentences", "tui/tagline/core/segment.py",
        "                if token in _NEVER_FINAL:", "                if False:",
        ("tests/core/test_segment.py",),
        "'Mr.' and the like end a sentence",
    ),
    Mutation(
        "segment-attribution-splits", "tui/tagline/core/segment.py",
        "        if closing and _ATTRIBUTION.match(chunk, after):", "        if False:",
        ("tests/core/test_segment.py",),
        "“Why?” Asif asked. is cut after the question mark",
    ),
    # -- agreement ---------------------------------------------------------------------------------
    Mutation(
        "agreement-kappa-expected-squared", "tui/tagline/core/agreement.py",
        "expected += count_a * (b & done_i).bit_count()",
        "expected += count_a * count_a",
        ("tests/core/test_agreement.py",),
        "Cohen's kappa's chance agreement from one annotator's marginals only",
    ),
    Mutation(
        "agreement-fleiss-unit-pairs", "tui/tagline/core/agreement.py",
        "    return Fraction(sum(c * (c - 1) for c in counts), m * (m - 1))",
        "    return Fraction(sum(c * c for c in counts), m * m)",
        ("tests/core/test_agreement.py",),
        "per-unit agreement counts a rating as agreeing with itself",
    ),
    # -- the entity offsets --------------------------------------------------------------------------
    Mutation(
        "nlp-entity-not-cut-at-sentence-end", "tui/tagline/core/nlp/streaming.py",
        "min(end, span.end) - span.start", "end - span.start",
        ("tests/core/test_entity_offsets.py",),
        "an entity that crosses a sentence end is not cut there",
    ),
    Mutation(
        "nlp-chunk-boundary-off-by-one", "tui/tagline/core/nlp/streaming.py",
        "    sents = article.sentences\n    result: dict[int, list] = {i: [] for i in chunk.sentences}\n    for start, end, label in entities:\n        start += chunk.start\n",
        "    sents = article.sentences\n    result: dict[int, list] = {i: [] for i in chunk.sentences}\n    for start, end, label in entities:\n        start += chunk.start + 1\n",
        ("tests/core/test_entity_offsets.py",),
        "entity starts shifted by one character",
    ),
    # -- YAML read from files ----------------------------------------------------------------------
    Mutation(
        "safeyaml-duplicate-key-kept", "tui/tagline/core/safeyaml.py",
        "            if len(mapping) < len(node.value) and", "            if False and",
        ("tests/core/test_duplicate_keys.py",),
        "a key given twice in a mapping is read with its last value, the other dropped",
    ),
    Mutation(
        "annofile-parsed-form-of-any-reader", "tui/tagline/core/annofile.py",
        ' or kept.get("checks") != PARSED_CHECKS:', ":",
        ("tests/core/test_duplicate_keys.py",),
        "a parsed form kept before the duplicate-key check stands in for the YAML",
    ),
    # -- JSON read from files ----------------------------------------------------------------------
    Mutation(
        "safejson-duplicate-key-kept", "tui/tagline/core/safejson.py",
        "    if len(made) < len(pairs):", "    if False:",
        ("tests/core/test_json_duplicate_keys.py",),
        "a key given twice in a JSON object is read with its last value, the other dropped",
    ),
    Mutation(
        "safejson-import-unchecked", "tui/tagline/core/importing.py",
        '            data = safejson.loads(line.decode("utf-8-sig"))', '            data = safejson.loads(line.decode("utf-8-sig"), unique=False)',
        ("tests/core/test_json_duplicate_keys.py",),
        "an import row is read without the duplicate-key check",
    ),
]


def copy_tree(target: Path) -> None:
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.exists():
            shutil.copy2(source, target / name)


def run(mutation: Mutation, timeout: float) -> tuple[str, float, str]:
    with tempfile.TemporaryDirectory(prefix="tagline-mutant-") as folder:
        tree = Path(folder)
        copy_tree(tree)
        path = tree / mutation.path
        text = path.read_text(encoding="utf-8")
        if text.count(mutation.old) != 1:
            return "stale", 0.0, f"the text to change occurs {text.count(mutation.old)} times in {mutation.path}"
        path.write_text(text.replace(mutation.old, mutation.new), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(tree / "tui"), "PYTHONDONTWRITEBYTECODE": "1"}
        command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", "not e2e", *mutation.tests]
        started = time.monotonic()
        try:
            done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "killed (timeout)", time.monotonic() - started, ""
        seconds = time.monotonic() - started
        last = (done.stdout.strip().splitlines() or [""])[-1]
        if done.returncode == 0:
            return "survived", seconds, last
        if done.returncode == 1:
            return "killed", seconds, last
        return "error", seconds, last + done.stderr[-300:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="mutations to run (default: all)")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per mutation")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.names or m.name in args.names]
    if args.list or not chosen:
        for m in MUTATIONS:
            print(f"{m.name:38} {m.path:38} {m.why}")
        return 0 if args.list else 2
    # The unmutated tree first: a test that fails anyway would count every mutation as killed.
    baseline = Mutation("(none)", chosen[0].path, "", "", tuple(sorted({t for m in chosen for t in m.tests})), "")
    rows = []
    print(f"{'mutation':38} {'result':16} {'s':>6}  tests")
    for mutation in [baseline, *chosen]:
        if mutation is baseline:
            status, seconds, detail = run_clean(baseline, args.timeout)
        else:
            status, seconds, detail = run(mutation, args.timeout)
        rows.append((mutation, status))
        print(f"{mutation.name:38} {status:16} {seconds:6.1f}  {' '.join(Path(t).name for t in mutation.tests)}", flush=True)
        if mutation is baseline and status != "survived":
            print(f"the tests fail without any mutation: {detail}")
            return 1
    killed = sum(1 for m, s in rows[1:] if s.startswith("killed"))
    survived = [m.name for m, s in rows[1:] if s == "survived"]
    scored = killed + len(survived)
    print(f"\nscore: {killed}/{scored} killed ({100 * killed / scored:.0f} %)" if scored else "\nnothing scored")
    if survived:
        print("survived: " + ", ".join(survived))
    others = [f"{m.name} ({s})" for m, s in rows[1:] if not s.startswith("killed") and s != "survived"]
    if others:
        print("not scored: " + ", ".join(others))
    return 0


def run_clean(mutation: Mutation, timeout: float) -> tuple[str, float, str]:
    """The named tests on an unmutated copy ("survived" = they pass, as they must)."""
    with tempfile.TemporaryDirectory(prefix="tagline-mutant-") as folder:
        tree = Path(folder)
        copy_tree(tree)
        env = {**os.environ, "PYTHONPATH": str(tree / "tui"), "PYTHONDONTWRITEBYTECODE": "1"}
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not e2e", *mutation.tests]
        started = time.monotonic()
        done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout * 3)
        last = (done.stdout.strip().splitlines() or [""])[-1]
        return ("survived" if done.returncode == 0 else "error"), time.monotonic() - started, last


if __name__ == "__main__":
    sys.exit(main())
