"""``tagline import``: JSONL back into annotation files; export then import gives the same annotations."""

from __future__ import annotations

import json

import pytest

from tagline import cli
from tagline.core import annofile, corpus
from tagline.core.labels import DEFAULT_SCHEME
from tagline.core.store import ArticleStore


def done_sentences(root) -> dict:
    """(annotator, article, start, end) -> (text, status, labels, entities), done sentences only."""
    merged = corpus.load(root, DEFAULT_SCHEME)
    assert merged.problems == []
    found = {}
    for loaded in merged.files:
        for s in loaded.sentences:
            if s.done:
                found[loaded.annotator, loaded.article_id, s.start, s.end] = (s.text, s.status, s.labels, s.entities)
    return found


@pytest.fixture
def sample_annotations(annotations, sample_article):
    total = len(sample_article.sentences)
    marks = {i: [["claim"], ["quote"], ["claim", "statistic"], []][i % 4] for i in range(0, total, 2)}
    annotations.write("alice", sample_article, marks, entities={0: [(18, 26, "DATE")]})
    annotations.write("bob", sample_article, {i: ["quote"] if i % 3 else [] for i in range(1, total, 3)})
    annotations.write("bob", ("short", annotations.lines(["A short one.", "Two of them."])), {0: ["claim"], 1: []})
    return annotations.root


@pytest.mark.parametrize("fmt", ["jsonl", "prodigy", "doccano"])
def test_export_then_import_gives_the_same_annotations(tmp_path, capsys, sample_annotations, fmt):
    exported = tmp_path / f"out.{fmt}.jsonl"
    assert cli.main(["export", "--format", fmt, "--annotations", str(sample_annotations), "--keep-duplicates", "--merge", "each", "--out", str(exported)]) == 0
    back = tmp_path / "back"
    status = cli.main(["import", str(exported), "--format", fmt, "--annotations", str(back)])
    err = capsys.readouterr().err
    assert status == 0, err
    before, after = done_sentences(sample_annotations), done_sentences(back)
    if fmt == "doccano":  # doccano rows carry labels, not entities
        before = {k: v[:3] for k, v in before.items()}
        after = {k: v[:3] for k, v in after.items()}
    assert after == before and len(after) > 10
    # the file keeps the article's hash, so the reader opens it against the article as it is
    data = json.loads(exported.read_text().splitlines()[0])
    article_sha = (data.get("meta") or data)["sha256"]
    assert corpus.load(back, DEFAULT_SCHEME).files[0].sha256 == article_sha


def test_imported_file_opens_in_the_reader(tmp_path, capsys, sample_annotations, sample_article):
    exported = tmp_path / "p.jsonl"
    cli.main(["export", "--format", "prodigy", "--annotations", str(sample_annotations), "--out", str(exported), "--annotators", "alice"])
    cli.main(["import", str(exported), "--format", "prodigy", "--annotations", str(tmp_path / "back"), "--annotator", "dora"])
    store = ArticleStore(tmp_path / "back", "dora", sample_article, DEFAULT_SCHEME)
    try:
        assert store.notice is None and store.read_only is None
        assert store.get(2).labels == ("claim", "statistic") and store.get(2).status == "done"
        assert store.get(1).status == "todo"
    finally:
        store.close()


def test_rows_without_meta_become_one_article(tmp_path, capsys):
    source = tmp_path / "batch.jsonl"
    rows = [{"text": "First sentence here.", "accept": ["claim"], "answer": "accept"},
            {"text": "Rejected row.", "accept": [], "answer": "reject"},
            {"text": "Second one.", "accept": [], "answer": "accept", "spans": [{"start": 0, "end": 6, "label": "ORDINAL"}]},
            {"text": "Third, with a label.", "label": "quote", "answer": "accept"}]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    root = tmp_path / "ann"
    assert cli.main(["import", str(source), "--format", "prodigy", "--annotations", str(root), "--annotator", "eve"]) == 0
    merged = corpus.load(root, DEFAULT_SCHEME)
    assert merged.problems == []
    [loaded] = merged.files
    assert (loaded.annotator, loaded.article_id) == ("eve", "batch")
    text = "First sentence here.\nSecond one.\nThird, with a label."
    assert [(s.start, s.end, s.text, s.labels) for s in loaded.sentences] == [
        (0, 20, "First sentence here.", ("claim",)), (21, 32, "Second one.", ()), (33, 53, "Third, with a label.", ("quote",))]
    assert all(text[s.start:s.end] == s.text for s in loaded.sentences)
    assert loaded.sentences[1].entities == (corpus.Entity(0, 6, "ORDINAL"),)


def test_doccano_rows_without_meta(tmp_path, capsys):
    source = tmp_path / "doc.jsonl"
    source.write_text(json.dumps({"text": "Oil fell 3%.", "label": ["statistic", [9, 11, "PERCENT"]]}) + "\n", encoding="utf-8")
    assert cli.main(["import", str(source), "--format", "doccano", "--annotations", str(tmp_path / "a"), "--annotator", "x"]) == 0
    [loaded] = corpus.load(tmp_path / "a", DEFAULT_SCHEME).files
    assert loaded.sentences[0].labels == ("statistic",)
    assert loaded.sentences[0].entities == (corpus.Entity(9, 11, "PERCENT"),)


def test_bad_rows_are_reported_and_the_rest_imported(tmp_path, capsys):
    source = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps({"text": "Good row.", "labels": ["claim"], "article": "a", "start": 0, "end": 9}),
        "{not json",
        json.dumps({"text": "Unknown label.", "labels": ["opinion"], "article": "a", "start": 10, "end": 24}),
        json.dumps({"text": "Bad offsets.", "labels": [], "article": "a", "start": 30, "end": 31}),
        json.dumps({"labels": ["claim"]}),
        json.dumps({"text": "Also good.", "labels": [], "article": "a", "start": 40, "end": 50}),
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    root = tmp_path / "ann"
    status = cli.main(["import", str(source), "--format", "jsonl", "--annotations", str(root), "--annotator", "f"])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert f"{source}:4: offsets 30..31 do not span the text" in err
    for number, reason in ((2, "not a JSON line"), (3, "label 'opinion' is not in the label scheme"), (5, "a row needs a non-empty 'text'")):
        assert f"{source}:{number}: {reason}" in err
    [loaded] = corpus.load(root, DEFAULT_SCHEME).files
    assert [(s.start, s.text, s.labels) for s in loaded.sentences] == [(0, "Good row.", ("claim",)), (40, "Also good.", ())]


def test_import_updates_an_existing_file(tmp_path, capsys, annotations):
    path = annotations.write("gil", ("art", annotations.lines(["One.", "Two.", "Three."])), {0: ["claim"]}, flags=(2,))
    source = tmp_path / "update.jsonl"
    source.write_text(json.dumps({"text": "Two.", "labels": ["quote"], "article": "art", "start": 5, "end": 9}) + "\n", encoding="utf-8")
    assert cli.main(["import", str(source), "--format", "jsonl", "--annotations", str(annotations.root), "--annotator", "gil"]) == 0
    data = annotations.read("gil", "art")
    assert [(s["text"], s["status"], s["labels"]) for s in data["sentences"]] == [("One.", "done", ["claim"]), ("Two.", "done", ["quote"]), ("Three.", "todo", [])]
    assert data["sentences"][2]["flag"] is True
    # a row whose offsets hold other text in the existing file is refused, and the file is left alone
    before = path.read_bytes()
    source.write_text(json.dumps({"text": "Zwei", "labels": [], "article": "art", "start": 5, "end": 9}) + "\n", encoding="utf-8")
    assert cli.main(["import", str(source), "--format", "jsonl", "--annotations", str(annotations.root), "--annotator", "gil"]) == 1
    assert "other text" in capsys.readouterr().err and path.read_bytes() == before


#: What Prodigy's choice recipe saves and doccano exports, written by hand (not by our exporter):
#: the sample article's sentences 0 and 2, placed by offsets into the article.
SAMPLE_ID = "000_88201f31feaf2608"
SAMPLE_SHA = "0ff11f5ba5989916399736e78890ec02843b1b1b1f7e44717ee15897a4656070"
SENTENCE_0 = ("In the interview on Thursday, he also rejected the prospects of any dialogue with the Tehreek-e-Taliban "
              "Pakistan (TTP), also known as the Pakistan Taliban, an armed group accused by Pakistan of launching "
              "attacks from across the border.")
SENTENCE_2 = ("The Afghan interim government claimed that Pakistan targeted ordinary Afghan homes and condemned what it "
              "termed as its neighbour\u2019s reckless actions.")
HAND_WRITTEN = {
    "prodigy": [
        {"text": SENTENCE_0, "options": [{"id": "claim", "text": "claim"}, {"id": "quote", "text": "quote"}],
         "accept": ["claim"], "answer": "accept", "_view_id": "choice", "_input_hash": 1, "_task_hash": 2,
         "spans": [{"start": 20, "end": 28, "label": "DATE"}],
         "meta": {"article": SAMPLE_ID, "start": 0, "end": 235, "sha256": SAMPLE_SHA}},
        {"text": SENTENCE_2, "accept": ["claim", "quote"], "answer": "accept",
         "meta": {"article": SAMPLE_ID, "start": 422, "end": 570, "sha256": SAMPLE_SHA}},
    ],
    "doccano": [
        {"text": SENTENCE_0, "label": ["claim", [20, 28, "DATE"]],
         "meta": {"article": SAMPLE_ID, "start": 0, "end": 235, "sha256": SAMPLE_SHA}},
        {"text": SENTENCE_2, "label": ["claim", "quote"],
         "meta": {"article": SAMPLE_ID, "start": 422, "end": 570, "sha256": SAMPLE_SHA}},
    ],
}


@pytest.mark.parametrize("fmt", ["prodigy", "doccano"])
def test_a_hand_written_file_opens_against_the_article(tmp_path, capsys, sample_article, fmt):
    """The round trip through a file our exporter did not write: each row lands on its sentence of
    the real article, with its labels and entities, and the reader opens it without re-anchoring."""
    source = tmp_path / f"{fmt}.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in HAND_WRITTEN[fmt]), encoding="utf-8")
    assert cli.main(["import", str(source), "--format", fmt, "--annotations", str(tmp_path / "ann"), "--annotator", "dora"]) == 0
    assert sample_article.id == SAMPLE_ID and sample_article.sha256 == SAMPLE_SHA
    store = ArticleStore(tmp_path / "ann", "dora", sample_article, DEFAULT_SCHEME)
    try:
        assert store.notice is None and store.read_only is None
        assert store.get(0).labels == ("claim",) and store.get(0).status == "done"
        assert store.get(2).labels == ("claim", "quote") and store.get(2).status == "done"
        assert store.get(1).status == "todo"
        assert store.entities()[0] == [(20, 28, "DATE")]
        assert SENTENCE_0[20:28] == "Thursday"
    finally:
        store.close()


SEVEN = ["The river rose overnight.", "Residents were told to leave.", "\"We are ready,\" the mayor said.",
         "About 300 homes are at risk.", "Schools will stay closed.", "The army sent two boats.", "Rain is due again on Friday."]


def seven_sentence_article(folder):
    """An article of seven sentences, one a line, and a Prodigy export of four of them."""
    folder.mkdir(parents=True, exist_ok=True)
    text = "\n".join(SEVEN) + "\n"
    (folder / "flood.txt").write_text(text, encoding="utf-8")
    rows = []
    for index in (0, 2, 3, 6):
        start = text.index(SEVEN[index])
        rows.append({"text": SEVEN[index], "accept": ["claim"] if index != 2 else ["quote"], "answer": "accept",
                     "meta": {"article": "flood", "start": start, "end": start + len(SEVEN[index])}})
    return text, rows


def test_an_import_of_part_of_an_article_lists_every_sentence(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text, rows = seven_sentence_article(tmp_path / "news")
    rows[1]["meta"].pop("start"), rows[1]["meta"].pop("end")  # a row placed by its text alone
    source = tmp_path / "prodigy.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    root = tmp_path / "annotations"
    assert cli.main(["import", str(source), "--format", "prodigy", "--annotations", str(root), "--annotator", "dora",
                     "--articles", "news"]) == 0
    capsys.readouterr()
    [loaded] = corpus.load(root, DEFAULT_SCHEME).files
    assert loaded.article_path == "news/flood.txt"
    assert [(s.text, s.status) for s in loaded.sentences] == [
        (SEVEN[i], "done" if i in (0, 2, 3, 6) else "todo") for i in range(7)]
    assert all(text[s.start:s.end] == s.text for s in loaded.sentences)
    assert loaded.sentences[2].labels == ("quote",)
    assert cli.main(["stats", "--annotations", str(root)]) == 0
    shown = capsys.readouterr().out
    assert "57%" in shown and "100%" not in shown, shown  # 4 of 7 done, not 4 of 4


def test_the_article_is_found_through_the_path_an_export_wrote(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, rows = seven_sentence_article(tmp_path / "news")
    for row in rows:
        row["meta"]["article_path"] = "news/flood.txt"
    source = tmp_path / "prodigy.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert cli.main(["import", str(source), "--format", "prodigy", "--annotations", "annotations", "--annotator", "dora"]) == 0
    assert "not found" not in capsys.readouterr().err
    [loaded] = corpus.load(tmp_path / "annotations", DEFAULT_SCHEME).files
    assert len(loaded.sentences) == 7 and sum(s.done for s in loaded.sentences) == 4


def test_an_article_that_cannot_be_found_is_said_once(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, rows = seven_sentence_article(tmp_path / "elsewhere")
    source = tmp_path / "prodigy.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert cli.main(["import", str(source), "--format", "prodigy", "--annotations", "annotations", "--annotator", "dora"]) == 0
    err = capsys.readouterr().err
    assert err.count("not found") == 1
    assert "1 article not found ('flood'): their files list only the imported sentences" in err
    [loaded] = corpus.load(tmp_path / "annotations", DEFAULT_SCHEME).files
    assert len(loaded.sentences) == 4


def test_a_row_that_is_no_sentence_of_the_article_is_reported(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, rows = seven_sentence_article(tmp_path / "news")
    rows.append({"text": "A sentence from another article.", "accept": [], "answer": "accept", "meta": {"article": "flood"}})
    source = tmp_path / "prodigy.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert cli.main(["import", str(source), "--format", "prodigy", "--annotations", "annotations", "--annotator", "dora",
                     "--articles", "news"]) == 1
    assert f"{source}:5: no sentence of article 'flood' (news/flood.txt) has this text; left out" in capsys.readouterr().err


def test_an_import_under_another_name_carries_no_reviewer_decisions(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text, _ = seven_sentence_article(tmp_path / "news")
    review = {"decided_by": "carol", "decided_at": "2026-11-21T10:02:11Z", "annotators": {"alice": ["claim"], "bob": []}}
    own = {"decided_by": "dora", "decided_at": "2026-11-21T10:03:00Z", "annotators": {"alice": ["quote"]}}
    rows = []
    for index, decision in ((0, review), (1, own)):
        start = text.index(SEVEN[index])
        rows.append({"text": SEVEN[index], "labels": ["claim"], "article": "flood", "start": start,
                     "end": start + len(SEVEN[index]), "status": "done", "review": decision})
    source = tmp_path / "ours.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert cli.main(["import", str(source), "--format", "jsonl", "--annotations", "annotations", "--annotator", "dora",
                     "--articles", "news"]) == 0
    assert "1 reviewer decision not imported" in capsys.readouterr().err
    data = annofile.read(tmp_path / "annotations" / "dora" / "flood.yaml")
    assert "review" not in data["sentences"][0]  # carol's decision is not dora's
    assert data["sentences"][0]["labels"] == ["claim"]
    assert data["sentences"][1]["status"] == "todo"  # dora's decision is not her answer:
    decisions = annofile.read(tmp_path / "annotations" / "dora" / "decisions" / "flood.yaml")
    assert decisions["sentences"][1]["review"]["decided_by"] == "dora"  # it goes to her decisions file
    assert "review" not in decisions["sentences"][0] and decisions["sentences"][0]["status"] == "todo"


def test_an_export_imported_back_keeps_decisions_apart_from_answers(tmp_path, capsys, annotations):
    from tagline.core.adjudication import ReviewSession

    article = ("talk", annotations.lines(["One claim here.", "A quote there.", "Three more."]))
    annotations.write("alice", article, {0: ["claim"], 1: ["quote"], 2: []})
    annotations.write("bob", article, {0: ["quote"], 1: ["quote"], 2: []})
    session = ReviewSession(annotations.root, "alice", DEFAULT_SCHEME)  # alice reviews her own article
    session.take(2)
    session.close()
    exported = tmp_path / "out.jsonl"
    assert cli.main(["export", "--format", "jsonl", "--annotations", str(annotations.root), "--merge", "each", "--out", str(exported)]) == 0
    assert cli.main(["export", "--format", "jsonl", "--annotations", str(annotations.root), "--out", str(tmp_path / "r.jsonl")]) == 0
    back = tmp_path / "back"
    for name in ("out.jsonl", "r.jsonl"):
        cli.main(["import", str(tmp_path / name), "--format", "jsonl", "--annotations", str(back)])
    capsys.readouterr()
    merged = corpus.load(back, DEFAULT_SCHEME)
    assert merged.problems == []
    own = {(f.annotator, s.index): s.labels for f in merged.files for s in f.sentences if s.done}
    assert own[("alice", 0)] == ("claim",) and own[("bob", 0)] == ("quote",)  # alice's answer survives her decision
    [decision] = [s for f in merged.decision_files for s in f.sentences if s.is_decision]
    assert (decision.index, decision.labels, decision.review.decided_by) == (0, ("quote",), "alice")
    assert [(f.annotator, f.path.parent.name) for f in merged.decision_files] == [("alice", "decisions")]


@pytest.mark.parametrize("fmt, field", [("prodigy", "spans"), ("jsonl", "entities")])
@pytest.mark.parametrize("value", [5, True, 1.5])
def test_entities_that_are_not_a_list_are_one_line(tmp_path, capsys, fmt, field, value):
    """``"spans": 5`` (Prodigy) or ``"entities": 5`` (ours) ended the import in a TypeError."""
    row = {"text": "The mayor said it rained.", field: value, "article": "a", "start": 0, "end": 25, "labels": ["claim"],
           "accept": ["claim"], "answer": "accept", "meta": {"article": "a", "start": 0, "end": 25}}
    good = dict(row, **{field: []}, text="A good row.", start=26, end=37, meta={"article": "a", "start": 26, "end": 37})
    source = tmp_path / "rows.jsonl"
    source.write_text(json.dumps(row) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    status = cli.main(["import", str(source), "--format", fmt, "--annotations", str(tmp_path / "ann"), "--annotator", "f"])
    err = capsys.readouterr().err
    assert status == 1 and f"{source}:1: entities (spans) must be a list" in err, err
    [loaded] = corpus.load(tmp_path / "ann", DEFAULT_SCHEME).files
    assert [s.text for s in loaded.sentences if s.status == "done"] == ["A good row."]


@pytest.mark.parametrize("meta, said", [
    ({"article": {"a": 1}, "start": 0, "end": 25}, "'article' must be an id (text), not dict"),
    ({"article": ["a"], "start": 0, "end": 25}, "'article' must be an id (text), not list"),
    ([1, 2], "'meta' must be a mapping"),
])
def test_a_prodigy_rows_meta_of_the_wrong_kind_is_one_line(tmp_path, capsys, meta, said):
    """``meta.article`` a mapping made a file named "{'a': 1}.yaml"; ``meta`` a list was read as
    no meta at all, and the row went to an article named after the file."""
    row = {"text": "The mayor said it rained.", "accept": ["claim"], "answer": "accept", "meta": meta}
    source = tmp_path / "rows.jsonl"
    source.write_text(json.dumps(row) + "\n", encoding="utf-8")
    status = cli.main(["import", str(source), "--format", "prodigy", "--annotations", str(tmp_path / "ann"), "--annotator", "f"])
    err = capsys.readouterr().err
    assert status == 1 and f"{source}:1: {said}" in err, err
    assert not list((tmp_path / "ann").rglob("*.yaml"))


def test_a_rows_annotator_that_is_not_a_folder_name_is_refused_not_rewritten(tmp_path, capsys):
    """``meta.annotator: ../evil`` was saved under ``annotations/_evil/`` with ``annotator: ../evil``
    inside, ``.hidden`` under ``hidden/``, an escape sequence under ``a_b/``: the file and its folder
    disagreed, as ``--annotator ../evil`` once did. Such a row is refused with one line, as the
    option is; ``--annotator`` still takes every row."""
    source = tmp_path / "rows.jsonl"
    names = ["../evil", ".hidden", "a\x1bb", "x/y", "ok-name"]
    source.write_text("".join(json.dumps({"text": "It rained.", "accept": ["claim"], "answer": "accept",
                                          "meta": {"article": "story", "annotator": who}}) + "\n" for who in names), encoding="utf-8")
    root = tmp_path / "annotations"
    assert cli.main(["import", str(source), "--format", "prodigy", "--annotations", str(root)]) == 1
    err = capsys.readouterr().err
    assert sorted(p.parent.name for p in root.rglob("*.yaml")) == ["ok-name"]
    assert err.count("not a usable annotator name") == 4 and "\x1b" not in err
    assert cli.main(["import", str(source), "--format", "prodigy", "--annotations", str(root), "--annotator", "dora"]) == 0
    assert annofile.read(root / "dora" / "story.yaml")["annotator"] == "dora"


def test_rows_answered_reject_or_ignore_are_counted_when_left_out(tmp_path, capsys):
    """They were skipped without a word: an import of only such rows said "imported 0 sentences"."""
    source = tmp_path / "rows.jsonl"
    rows = [{"text": "It rained.", "accept": ["claim"], "answer": answer, "meta": {"article": "story"}}
            for answer in ("reject", "ignore", "ignore", "accept")]
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    assert cli.main(["import", str(source), "--format", "prodigy", "--annotations", str(tmp_path / "a"), "--annotator", "x"]) == 0
    err = capsys.readouterr().err
    assert "3 rows answered reject or ignore left out (1 reject, 2 ignore): not annotations" in err
