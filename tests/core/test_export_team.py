"""``tagline export --merge`` on a simulated team: 5 annotators, 100 articles, two annotators per
article, random labels (seeded), some sentences left unfinished, a reviewer's decisions on some of the
disputed ones and a sentence repeated across articles.

The files are written here as plain YAML in the contract's format (not through tagline's store), and
the expected rows of every policy are worked out from the generated answers with the rules of
docs/guide/export.md, never with the exporter's own functions. For every policy and every format: rows out
= rows in - the counts on stderr, and nothing is dropped that is not counted.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import re
from pathlib import Path

import pytest
import yaml

from tagline import cli

LABELS = ("claim", "quote", "statistic")
ANNOTATORS = [f"ann{i}" for i in range(1, 6)]
REPEATED = "This wire sentence appears in several articles."
POLICIES = ("reviewed", "unanimous", "majority", "each")


def simulate(root: Path, seed: int = 13):
    """Write the team's files; return {(article, index): (text, {annotator: labels or None}, decision or None)}."""
    rng = random.Random(seed)
    truth = {}
    for k in range(100):
        article = f"a{k:03d}"
        texts = [f"Article {k} sentence {j} says something." for j in range(4)]
        if k % 10 == 0:
            texts.insert(2, REPEATED)
        text = "".join(t + "\n" for t in texts)
        offsets, position = [], 0
        for t in texts:
            offsets.append((position, position + len(t)))
            position += len(t) + 1
        sha = hashlib.sha256(text.encode()).hexdigest()
        people = sorted(rng.sample(ANNOTATORS, 2))
        answers = {name: {} for name in people}
        for name in people:
            records = []
            for j, (t, (start, end)) in enumerate(zip(texts, offsets)):
                done = rng.random() < 0.85
                labels = [label for label in LABELS if rng.random() < 0.35] if done else []
                if t == REPEATED and done:
                    labels = ["quote"]  # the same answer everywhere: repeats of it are dropped, counted
                answers[name][j] = tuple(labels) if done else None
                records.append({"index": j, "start": start, "end": end, "text": t, "status": "done" if done else "todo",
                                "labels": labels, "entities": []})
            write(root / name / f"{article}.yaml", article, sha, name, records)
        decisions = {}
        for j in range(len(texts)):
            given = {n: answers[n][j] for n in people if answers[n][j] is not None}
            if len(given) == 2 and len(set(given.values())) == 2 and rng.random() < 0.4:
                decisions[j] = tuple(label for label in LABELS if rng.random() < 0.5)
        if decisions:
            records = []
            for j, (t, (start, end)) in enumerate(zip(texts, offsets)):
                record = {"index": j, "start": start, "end": end, "text": t, "status": "todo", "labels": [], "entities": []}
                if j in decisions:
                    record.update(status="done", labels=list(decisions[j]),
                                  review={"decided_by": "rev", "decided_at": "2026-11-30T10:00:00Z",
                                          "annotators": {n: list(answers[n][j]) for n in people}})
                records.append(record)
            write(root / "rev" / "decisions" / f"{article}.yaml", article, sha, "rev", records)
        for j, t in enumerate(texts):
            truth[(article, j)] = (t, {n: answers[n][j] for n in people}, decisions.get(j))
    return truth


def write(path: Path, article: str, sha: str, annotator: str, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"schema": "tagline.annotations/1", "article": {"id": article, "path": f"articles/{article}.txt", "sha256": sha},
                "annotator": annotator, "labels": list(LABELS), "model": {"name": "none", "version": None}, "sentences": records}
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")


def expected(truth, policy: str) -> tuple[list[tuple], int, dict[str, int]]:
    """(rows as (article, index, annotator-or-'', labels, decided), rows in, left out by reason)."""
    rows, left, rows_in = [], {}, 0
    for (article, index), (text, answers, decision) in sorted(truth.items()):
        finished = {n: labels for n, labels in answers.items() if labels is not None}
        if not finished and decision is None:
            continue
        if policy == "each":
            rows_in += len(finished)
            rows += [(article, index, n, finished[n], "single", text) for n in sorted(finished)]
            continue
        rows_in += 1
        if policy == "reviewed" and decision is not None:
            rows.append((article, index, "rev", decision, "reviewed", text))
        elif len(finished) == 1:
            [(name, labels)] = finished.items()
            rows.append((article, index, name, labels, "single", text))
        elif len(set(finished.values())) == 1:
            rows.append((article, index, "", next(iter(finished.values())), "unanimous", text))
        elif policy == "majority":  # two annotators: a label only one gave is a tie
            left["tied"] = left.get("tied", 0) + 1
        else:
            left["in dispute"] = left.get("in dispute", 0) + 1
    kept, seen = [], set()
    for row in rows:
        key = (row[5], row[3], row[2] if policy == "each" else "")
        if key in seen:
            left["repeated text"] = left.get("repeated text", 0) + 1
            continue
        seen.add(key)
        kept.append(row)
    return [row[:5] for row in kept], rows_in, left


def summary_counts(err: str, policy: str) -> tuple[int, int, dict[str, int]]:
    line = next(line for line in err.splitlines() if f"--merge {policy}:" in line)
    rows_in = int(re.search(r": (\d+) (?:sentences|answers) in", line).group(1))
    rows_out = int(re.search(r"; (\d+) rows? out", line).group(1))
    left = {}
    if "left out:" in line:
        part = line.split("left out: ", 1)[1].split("; ")[0]
        for m in re.finditer(r"(\d+) ([a-z ]+?)(?: \(|,|$)", part):
            left[m.group(2)] = int(m.group(1))
    return rows_in, rows_out, left


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    root = tmp_path_factory.mktemp("team") / "annotations"
    return root, simulate(root)


@pytest.mark.parametrize("policy", POLICIES)
def test_every_policy_out_equals_in_minus_what_stderr_counts(team, capsys, policy):
    root, truth = team
    rows, rows_in, left = expected(truth, policy)
    assert cli.main(["export", "--annotations", str(root), "--format", "jsonl", "--merge", policy]) == 0
    out, err = capsys.readouterr()
    got = [(r["article"], r["index"], r["annotator"], tuple(r["labels"]), r["decided"]) for r in map(json.loads, out.splitlines())]
    assert got == rows
    said_in, said_out, said_left = summary_counts(err, policy)
    assert (said_in, said_out, said_left) == (rows_in, len(rows), left)
    assert said_out == said_in - sum(said_left.values())
    assert len(rows) > 100 and (policy == "each" or sum(left.values()) > 10)  # the simulation exercises it


@pytest.mark.parametrize("policy", POLICIES)
def test_every_format_writes_the_same_rows_with_their_provenance(team, capsys, tmp_path, policy):
    root, truth = team
    rows, _, _ = expected(truth, policy)
    base = ["export", "--annotations", str(root), "--merge", policy]
    for fmt in ("prodigy", "doccano"):
        assert cli.main([*base, "--format", fmt]) == 0
        metas = [json.loads(line)["meta"] for line in capsys.readouterr().out.splitlines()]
        assert [(m["article"], m["index"], m["annotator"], m["decided"]) for m in metas] == [(a, i, n, d) for a, i, n, _, d in rows]
        assert all(m["annotators"] for m in metas)
    assert cli.main([*base, "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["article"], int(r["index"]), r["decided"]) for r in table] == [(a, i, d) for a, i, _, _, d in rows]
    assert all(r["annotators"] for r in table)
    assert cli.main([*base, "--format", "yaml"]) == 0
    document = yaml.safe_load(capsys.readouterr().out)
    assert sum(len(a["sentences"]) for a in document["articles"]) == len(rows)
    import spacy
    from spacy.tokens import DocBin

    assert cli.main([*base, "--format", "spacy", "--out", str(tmp_path / "x.spacy")]) == 0
    docs = list(DocBin().from_disk(tmp_path / "x.spacy").get_docs(spacy.blank("en").vocab))
    assert [d.user_data["tagline"]["decided"] for d in docs] == [d for *_, d in rows]
    assert cli.main([*base, "--format", "brat", "--out", str(tmp_path / "brat")]) == 0
    notes = [line for ann in (tmp_path / "brat").glob("*.ann") for line in ann.read_text().splitlines() if line.startswith("#")]
    assert len(notes) == sum(len(labels) for *_, labels, _ in rows)
    assert all("\tAnnotatorNotes T" in n and "decided: " in n and "annotators: " in n for n in notes)
    capsys.readouterr()


def test_each_is_the_long_table_crowd_aggregation_reads(team, capsys):
    """task, worker, label: each label of the scheme is a binary question about a task (a sentence)."""
    import pandas as pd

    root, truth = team
    assert cli.main(["export", "--annotations", str(root), "--format", "csv", "--merge", "each", "--keep-duplicates"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    long = pd.DataFrame({"task": table["article"] + "#" + table["index"].astype(str), "worker": table["annotator"]})
    answers = sum(1 for _, given, _ in truth.values() for labels in given.values() if labels is not None)
    assert len(long) == answers and not long.duplicated().any()
    try:
        from crowdkit.aggregation import MajorityVote
    except ImportError:  # crowd-kit not installed: the table has the shape it reads
        for label in LABELS:
            frame = long.assign(label=table[label])
            assert list(frame.columns) == ["task", "worker", "label"] and set(frame["label"]) <= {0, 1}
        return
    for label in LABELS:
        frame = long.assign(label=table[label])
        voted = MajorityVote().fit_predict(frame)
        assert set(voted.index) == set(long["task"])
        for (article, index), (_, given, _) in truth.items():
            finished = [labels for labels in given.values() if labels is not None]
            if finished and len({label in labels for labels in finished}) == 1:  # the annotators agree on this label
                assert voted[f"{article}#{index}"] == int(label in finished[0])
