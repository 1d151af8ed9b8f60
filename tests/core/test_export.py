"""``tagline export``: every format, reviewed labels, duplicates, the split and bad input."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml

from tagline import cli
from tagline.core import exporting

SENTENCES = [
    "The minister said the border would stay closed.",
    "Prices rose by 12 percent in March.",
    "It was a cold morning in Kabul.",
    "\"We will not hesitate,\" he told reporters.",
]


def export(capsys, root, *extra) -> tuple[int, str, str]:
    status = cli.main(["export", "--annotations", str(root), *extra])
    out, err = capsys.readouterr()
    return status, out, err


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def team(annotations):
    """Two annotators and a reviewer on one article; a second article repeats one sentence."""
    first = ("first", annotations.lines(SENTENCES))
    annotations.write("alice", first, {0: ["claim", "quote"], 1: ["statistic"], 2: []},
                      entities={1: [(15, 25, "PERCENT"), (29, 34, "DATE")]}, flags=(2,), notes={2: "scene-setting?"})
    annotations.write("bob", first, {0: ["quote"], 1: ["claim", "statistic"], 3: ["quote"]})
    review = {"decided_by": "carol", "decided_at": "2026-11-21T10:00:00Z", "annotators": {"alice": ["statistic"], "bob": ["claim", "statistic"]}, "note": "a number, no checkable claim"}
    annotations.write("carol", first, {1: ["statistic"]}, reviews={1: review})
    second = ("second", annotations.lines(["A new sentence about trade.", SENTENCES[2]]))
    annotations.write("bob", second, {0: ["claim"], 1: ["claim"]})
    return annotations.root


def test_jsonl_prefers_reviewed_labels_and_keeps_only_done(capsys, team):
    status, out, err = export(capsys, team, "--format", "jsonl", "--keep-duplicates")
    assert status == 0, err
    rows = jsonl(out)
    got = [(r["article"], r["index"], r["annotator"], r["labels"]) for r in rows]
    assert got == [
        ("first", 0, "alice", ["claim", "quote"]),
        ("first", 0, "bob", ["quote"]),
        ("first", 1, "carol", ["statistic"]),  # the decision stands in for alice's and bob's
        ("first", 2, "alice", []),  # done with no labels: a real negative
        ("first", 3, "bob", ["quote"]),
        ("second", 0, "bob", ["claim"]),
        ("second", 1, "bob", ["claim"]),
    ]
    decided = rows[2]
    assert decided["reviewed"] is True and decided["review"]["decided_by"] == "carol"
    assert decided["annotations"] == {"alice": ["statistic"], "bob": ["claim", "statistic"]}
    assert decided["entities"] == [{"start": 15, "end": 25, "label": "PERCENT"}, {"start": 29, "end": 34, "label": "DATE"}]
    assert decided["text"][15:25] == "12 percent"
    assert rows[3]["flag"] is True and rows[3]["note"] == "scene-setting?"
    for row in rows:
        assert row["status"] == "done" and row["end"] - row["start"] == len(row["text"])


def test_no_reviewed_and_duplicates(capsys, team):
    _, out, _ = export(capsys, team, "--format", "jsonl", "--no-reviewed")
    rows = jsonl(out)
    by_key = {(r["article"], r["index"]): (r["annotator"], r["labels"]) for r in rows}
    # without the decision, the first annotator's labels are kept for sentence 1
    assert by_key[("first", 1)] == ("alice", ["statistic"])
    assert all(not r["reviewed"] for r in rows)
    # identical text is exported once: "It was a cold morning" appears in both articles
    texts = [r["text"] for r in rows]
    assert len(texts) == len(set(texts)) and ("second", 1) not in by_key
    _, out, _ = export(capsys, team, "--format", "jsonl")
    assert [(r["article"], r["index"], r["annotator"]) for r in jsonl(out)] == [
        ("first", 0, "alice"), ("first", 1, "carol"), ("first", 2, "alice"), ("first", 3, "bob"), ("second", 0, "bob")]


def test_reviewed_duplicate_wins(capsys, annotations):
    annotations.write("alice", ("a", annotations.lines(["Same words here.", "Other words."])), {0: ["claim"], 1: []})
    annotations.write("alice", ("b", annotations.lines(["Another one.", "same  WORDS here."])), {0: [], 1: ["quote"]})
    review = {"decided_by": "carol", "annotators": {"alice": ["quote"]}}
    annotations.write("carol", ("b", annotations.lines(["Another one.", "same  WORDS here."])), {1: []}, reviews={1: review})
    _, out, _ = export(capsys, annotations.root, "--format", "jsonl")
    rows = jsonl(out)
    assert [(r["article"], r["index"], r["annotator"], r["labels"]) for r in rows] == [
        ("a", 1, "alice", []), ("b", 0, "alice", []), ("b", 1, "carol", [])]


def test_prodigy_rows(capsys, team):
    _, out, _ = export(capsys, team, "--format", "prodigy", "--keep-duplicates")
    rows = jsonl(out)
    first = rows[0]
    assert first["options"] == [{"id": n, "text": n} for n in ("claim", "quote", "statistic")]
    assert first["accept"] == ["claim", "quote"] and first["answer"] == "accept"
    assert first["meta"] == {"article": "first", "index": 0, "start": 0, "end": len(SENTENCES[0]), "annotator": "alice", "sha256": first["meta"]["sha256"]}
    assert len(first["meta"]["sha256"]) == 64
    assert rows[2]["spans"] == [{"start": 15, "end": 25, "label": "PERCENT"}, {"start": 29, "end": 34, "label": "DATE"}]
    # same text, same input hash; the task hash covers options and spans, not the answer
    assert rows[0]["_input_hash"] == rows[1]["_input_hash"] and rows[0]["_task_hash"] == rows[1]["_task_hash"]
    assert len({r["_input_hash"] for r in rows}) == len({r["text"] for r in rows})
    assert rows[2]["_task_hash"] != exporting.prodigy_hash({**rows[2], "spans": []}, exporting.PRODIGY_TASK_KEYS, rows[2]["_input_hash"])
    for row in rows:
        assert isinstance(row["_input_hash"], int) and -(2**31) <= row["_input_hash"] < 2**31
    _, again, _ = export(capsys, team, "--format", "prodigy", "--keep-duplicates")
    assert again == out


def test_doccano_and_csv(capsys, team):
    _, out, _ = export(capsys, team, "--format", "doccano")
    rows = jsonl(out)
    assert rows[0]["text"] == SENTENCES[0] and rows[0]["label"] == ["claim", "quote"]
    _, out, _ = export(capsys, team, "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert list(table[0]) == ["text", "article", "index", "start", "end", "annotator", "reviewed", "claim", "quote", "statistic"]
    assert table[0]["text"] == SENTENCES[0]
    assert (table[0]["claim"], table[0]["quote"], table[0]["statistic"]) == ("1", "1", "0")
    assert table[1]["annotator"] == "carol" and table[1]["reviewed"] == "1" and table[1]["statistic"] == "1"
    assert table[3]["text"].startswith('"We will not hesitate,"')


def test_yaml_is_merged_by_article(capsys, team):
    _, out, _ = export(capsys, team, "--format", "yaml")
    data = yaml.safe_load(out)
    assert data["labels"] == ["claim", "quote", "statistic"]
    assert [a["id"] for a in data["articles"]] == ["first", "second"]
    sentence = data["articles"][0]["sentences"][1]
    assert sentence["labels"] == ["statistic"] and sentence["annotations"]["bob"] == ["claim", "statistic"]
    assert sentence["review"]["decided_by"] == "carol"


def test_spacy_docbin(tmp_path, capsys, team):
    import spacy
    from spacy.tokens import DocBin

    out = tmp_path / "train.spacy"
    status, _, err = export(capsys, team, "--format", "spacy", "--out", str(out))
    assert status == 0 and "exported 5 sentences" in err
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    assert [d.text for d in docs] == [SENTENCES[0], SENTENCES[1], SENTENCES[2], SENTENCES[3], "A new sentence about trade."]
    assert docs[0].cats == {"claim": 1.0, "quote": 1.0, "statistic": 0.0}
    assert docs[2].cats == {"claim": 0.0, "quote": 0.0, "statistic": 0.0}
    assert [(e.text, e.label_) for e in docs[1].ents] == [("12 percent", "PERCENT"), ("March", "DATE")]
    assert docs[1].user_data["tagline"]["annotator"] == "carol"
    status, _, err = export(capsys, team, "--format", "spacy")
    assert status == 2 and "--out" in err


def test_brat_offsets_hold(tmp_path, capsys, annotations):
    wrapped = "The report was published\non Monday by the ministry.\n\nOfficials said 40 people\nwere hurt in the attack.\n"
    annotations.write("alice", ("wrapped", wrapped), {0: ["claim"], 1: ["quote", "statistic"]}, entities={1: [(15, 24, "CARDINAL")]})
    out = tmp_path / "brat"
    status, _, _ = export(capsys, annotations.root, "--format", "brat", "--out", str(out))
    assert status == 0
    text = (out / "wrapped.txt").read_text(encoding="utf-8")
    lines = (out / "wrapped.ann").read_text(encoding="utf-8").splitlines()
    kinds = []
    for line in lines:
        tag, middle, shown = line.split("\t")
        kind, where = middle.split(" ", 1)
        kinds.append(kind)
        pieces = [text[int(a):int(b)] for a, b in (f.split() for f in where.split(";"))]
        assert " ".join(pieces) == shown and all("\n" not in p for p in pieces)
    assert kinds == ["claim", "quote", "statistic", "CARDINAL"]
    assert "quote" in lines[1] and ";" in lines[1]  # a sentence across a line break: two fragments
    assert lines[3].endswith("40 people")
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    assert conf.startswith("[entities]\nclaim\nquote\nstatistic\nCARDINAL\n")


def test_split_by_article_keeps_duplicates_together(tmp_path, capsys, annotations):
    shared = "This exact sentence appears in two articles."
    for i in range(10):
        body = [f"Article {i} opens with its own sentence.", f"Article {i} has a second sentence."]
        if i in (2, 7):
            body.append(shared)
        annotations.write("alice", (f"art{i}", annotations.lines(body)), {j: ["claim"] if j else [] for j in range(len(body))})
    out = tmp_path / "split"
    status, _, err = export(capsys, annotations.root, "--format", "jsonl", "--split", "0.3", "--seed", "4", "--keep-duplicates", "--out", str(out))
    assert status == 0, err
    train, dev = jsonl((out / "train.jsonl").read_text()), jsonl((out / "dev.jsonl").read_text())
    train_articles, dev_articles = {r["article"] for r in train}, {r["article"] for r in dev}
    assert not train_articles & dev_articles and len(train_articles | dev_articles) == 10
    assert len(dev_articles) == 3
    assert {"art2", "art7"} <= train_articles or {"art2", "art7"} <= dev_articles
    # the same seed gives the same split; another seed, in general, another one
    _, _, _ = export(capsys, annotations.root, "--format", "jsonl", "--split", "0.3", "--seed", "4", "--keep-duplicates", "--out", str(tmp_path / "x.jsonl"))
    assert {r["article"] for r in jsonl((tmp_path / "x.dev.jsonl").read_text())} == dev_articles
    seen = set()
    for seed in range(6):
        export(capsys, annotations.root, "--format", "jsonl", "--split", "0.3", "--seed", str(seed), "--out", str(tmp_path / f"s{seed}"))
        seen.add(frozenset(r["article"] for r in jsonl((tmp_path / f"s{seed}" / "dev.jsonl").read_text())))
    assert len(seen) > 1


def test_split_needs_out_and_a_fraction(capsys, team):
    assert export(capsys, team, "--format", "jsonl", "--split", "0.2")[0] == 2
    assert export(capsys, team, "--format", "jsonl", "--split", "1.5", "--out", "x")[0] == 2


def test_bad_files_are_reported_and_the_rest_exported(capsys, annotations):
    good = annotations.write("alice", ("good", annotations.lines(["A fine sentence.", "Another."])), {0: ["claim"], 1: []})
    template = good.read_text(encoding="utf-8")
    bad = {
        "unknown-label": template.replace("labels: [claim]\n  entities", "labels: [opinion]\n  entities"),
        "offsets": template.replace("end: 16", "end: 17"),
        "overlap": template.replace("start: 17", "start: 10"),
        "broken": "sentences: [\n",
    }
    for name, text in bad.items():
        (annotations.root / "alice" / f"{name}.yaml").write_text(text.replace("id: good", f"id: {name}"), encoding="utf-8")
    status, out, err = export(capsys, annotations.root, "--format", "jsonl")
    assert status == 1
    assert [r["article"] for r in jsonl(out)] == ["good", "good"]
    messages = err.strip().splitlines()
    assert len(messages) == 4
    for name, reason in (("unknown-label", "label 'opinion' is not in the label scheme"), ("offsets", "does not span"),
                         ("overlap", "overlap"), ("broken", "does not parse")):
        line = next(m for m in messages if f"{name}.yaml" in m)
        assert reason in line and "Traceback" not in err


def test_unknown_annotator_is_reported(capsys, team):
    status, out, err = export(capsys, team, "--format", "jsonl", "--annotators", "alice,zed")
    assert status == 1 and "no annotations by 'zed'" in err
    assert {r["annotator"] for r in jsonl(out)} == {"alice", "carol"}  # carol's decision stands over alice
