"""``tagline stats``: counts and pace per annotator."""

from __future__ import annotations

from tagline import cli
from tagline.core import corpus, stats
from tagline.core.labels import DEFAULT_SCHEME


def test_counts_and_seconds_per_sentence(annotations):
    article = ("a", annotations.lines([f"Sentence number {i}." for i in range(8)]))
    times = {0: "2026-11-20T09:00:00Z", 1: "2026-11-20T09:00:10Z", 2: "2026-11-20T09:00:30Z",
             3: "2026-11-20T09:01:00Z", 4: "2026-11-20T09:20:00Z", 5: "2026-11-20T09:20:12Z"}
    # gaps 10, 20, 30, (1140: a break, left out), 12, 28 -> median 20
    annotations.write("alice", article, {0: ["claim"], 1: ["claim", "quote"], 2: [], 3: ["statistic"], 4: [], 5: ["claim"]},
                      flags=(2, 6), updated={**times, 6: "2026-11-20T09:20:40Z"})
    review = {"decided_by": "carol", "annotators": {"alice": ["claim"]}}
    annotations.write("carol", article, {0: ["quote"]}, reviews={0: review})
    found = stats.compute(corpus.load(annotations.root, DEFAULT_SCHEME), DEFAULT_SCHEME)
    alice = found["alice"]
    assert alice.as_data() == {"articles": 1, "done": 6, "total": 8, "labels": {"claim": 3, "quote": 1, "statistic": 1},
                               "flagged": 2, "decisions": 0, "seconds_per_sentence": 20.0}
    carol = found["carol"]
    assert (carol.done, carol.total, carol.decisions, carol.seconds_per_sentence) == (0, 7, 1, None)


def test_table(capsys, annotations, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    annotations.write("[red]mallory", ("a", annotations.lines(["One.", "Two."])), {0: ["claim"]})
    (annotations.root / "_red_mallory").rename(annotations.root / "[red]mallory")  # a folder made by hand: the name is the folder's
    assert cli.main(["stats", "--annotations", str(annotations.root)]) == 0
    out = capsys.readouterr().out
    assert "[red]mallory" in out and "50%" in out and "s/sentence" in out


def test_bad_file_is_reported(capsys, annotations, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    annotations.write("alice", ("a", annotations.lines(["One."])), {0: []})
    (annotations.root / "alice" / "b.yaml").write_text("sentences: 3\n", encoding="utf-8")
    assert cli.main(["stats", "--annotations", str(annotations.root)]) == 1
    captured = capsys.readouterr()
    assert "b.yaml: 'sentences' is not a list" in captured.err and "alice" in captured.out


def test_headings_stay_whole_at_80_columns(capsys, annotations, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    article = ("a", annotations.lines(["One claim.", "Two quotes.", "Three figures."]))
    annotations.write("annotator_one", article, {0: ["claim"], 1: ["quote"]})
    annotations.write("annotator_two", article, {0: ["claim"], 2: ["statistic"]})
    assert cli.main(["stats", "--annotations", str(annotations.root)]) == 0
    out = capsys.readouterr().out
    assert "…" not in out, out  # rich cut them to "ann…" and "statis…"
    for heading in ("annotator", "articles", "done %", "claim", "quote", "statistic", "flagged", "decisions", "s/sentence",
                    "annotator_one", "annotator_two"):
        assert heading in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "67%" in out
