"""``tagline agree``: every figure checked against independent implementations."""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from itertools import combinations

import krippendorff
import numpy as np
import pytest
import yaml
from hypothesis import given, settings, strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa as sm_fleiss

from tagline import cli
from tagline.core import agreement
from tagline.core.labels import DEFAULT_SCHEME

LABELS = ["claim", "quote", "statistic"]


def run_agree(capsys, root, *extra) -> tuple[int, dict, str]:
    status = cli.main(["agree", "--annotations", str(root), "--format", "json", *extra])
    out, err = capsys.readouterr()
    return status, json.loads(out), err


def read_done(root) -> dict[str, dict[tuple, tuple]]:
    """annotator -> (article, start) -> labels, read straight from the YAML, for the reference side."""
    found: dict[str, dict] = {}
    for path in sorted(root.glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for s in data["sentences"]:
            if s["status"] == "done" and "review" not in s:
                found.setdefault(data["annotator"], {})[(data["article"]["id"], s["start"])] = tuple(s["labels"])
    return found


def undefined_or(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def reference_alpha(rows: list[list[int | None]]) -> float | None:
    """The krippendorff package's alpha; None in a row is a missing answer (NaN there)."""
    matrix = np.array([[np.nan if x is None else x for x in row] for row in rows], dtype=float).T  # coders x units
    try:
        value = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    except ValueError:  # "there has to be more than one value in the domain": undefined
        return None
    return undefined_or(float(value))


def reference_fleiss(rows) -> float | None:
    table, _ = aggregate_raters(np.array(rows))
    with np.errstate(invalid="ignore", divide="ignore"):
        return undefined_or(float(sm_fleiss(table, method="fleiss")))


def reference_cohen(a, b) -> float | None:
    if len(set(a) | set(b)) < 2:
        return None  # sklearn warns and returns nan here: the same undefined case
    with np.errstate(invalid="ignore", divide="ignore"):
        return undefined_or(float(cohen_kappa_score(a, b)))


@pytest.fixture
def three_annotators(annotations):
    rng = random.Random(7)
    articles = {}
    for a in range(3):
        text = annotations.lines([f"Sentence {i} of article {a} says something {rng.random():.6f}." for i in range(25)])
        articles[f"art{a}"] = text
    base = {(a, i): [x for x in LABELS if rng.random() < 0.35] for a in range(3) for i in range(25)}
    for name, noise, skip in (("alice", 0.0, 0.05), ("bob", 0.15, 0.1), ("carol", 0.3, 0.1)):
        for a, (article_id, text) in enumerate(articles.items()):
            marks = {}
            for i in range(25):
                if rng.random() < skip:
                    continue  # left todo
                labels = [x for x in LABELS if (x in base[a, i]) != (rng.random() < noise)]
                marks[i] = labels
            annotations.write(name, (article_id, text), marks)
    return annotations.root


def test_every_figure_matches_the_reference_implementations(capsys, three_annotators):
    status, report, err = run_agree(capsys, three_annotators)
    assert status == 0, err
    done = read_done(three_annotators)
    names = sorted(done)
    assert report["annotators"] == names == ["alice", "bob", "carol"]
    common = sorted(set.intersection(*(set(done[n]) for n in names)))
    assert report["sentences"] == len(common) > 30

    measures = {label: (lambda labels, label=label: int(label in labels)) for label in LABELS}
    measures[agreement.LABEL_SET] = lambda labels: "+".join(sorted(labels))
    for label, value in measures.items():
        entry = report["labels"][label]
        rows = [[value(done[n][key]) for n in names] for key in common]
        if label == agreement.LABEL_SET:  # krippendorff and statsmodels want numbers
            codes = {v: i for i, v in enumerate(sorted({x for row in rows for x in row}))}
            rows = [[codes[x] for x in row] for row in rows]
        assert entry["sentences"] == len(common)
        assert entry["fleiss_kappa"] == pytest.approx(reference_fleiss(rows), abs=1e-9)
        # alpha over every sentence two or more finished, the others' answers missing
        pairable = sorted(k for k in set().union(*(set(done[n]) for n in names)) if sum(k in done[n] for n in names) >= 2)
        sparse = [[value(done[n][key]) if key in done[n] else None for n in names] for key in pairable]
        if label == agreement.LABEL_SET:
            named = {v: i for i, v in enumerate(sorted({x for row in sparse for x in row if x is not None}))}
            sparse = [[None if x is None else named[x] for x in row] for row in sparse]
        assert entry["alpha_sentences"] == len(pairable) > len(common)
        assert entry["krippendorff_alpha"] == pytest.approx(reference_alpha(sparse), abs=1e-9)
        by_unit = [sum(x == y for x, y in combinations(row, 2)) / 3 for row in rows]
        assert entry["observed"] == pytest.approx(sum(by_unit) / len(by_unit))
        assert [p["annotators"] for p in entry["pairs"]] == [list(p) for p in combinations(names, 2)]
        for pair in entry["pairs"]:
            a, b = pair["annotators"]
            both = sorted(set(done[a]) & set(done[b]))
            first, second = [value(done[a][k]) for k in both], [value(done[b][k]) for k in both]
            assert pair["sentences"] == len(both) >= len(common)
            assert pair["cohen_kappa"] == pytest.approx(reference_cohen(first, second), abs=1e-9)
            assert pair["observed"] == pytest.approx(sum(x == y for x, y in zip(first, second)) / len(both))
    # the figures are not all trivially equal: noise makes the annotators differ
    kappas = [p["cohen_kappa"] for p in report["labels"]["claim"]["pairs"]]
    assert len(set(kappas)) == 3 and all(-1 < k < 1 for k in kappas)


def test_annotators_option_limits_the_figures(capsys, three_annotators):
    status, report, _ = run_agree(capsys, three_annotators, "--annotators", "alice,carol")
    assert status == 0
    assert report["annotators"] == ["alice", "carol"]
    assert [p["annotators"] for p in report["labels"]["quote"]["pairs"]] == [["alice", "carol"]]
    pair = report["labels"]["quote"]["pairs"][0]
    # with two annotators the all-annotator observed agreement is the pair's
    assert report["labels"]["quote"]["observed"] == pytest.approx(pair["observed"])


def test_one_annotator_has_no_agreement(capsys, annotations):
    annotations.write("alice", ("a", annotations.lines(["One claim.", "Two quotes.", "Three."])), {0: ["claim"], 1: ["quote"], 2: []})
    status, report, _ = run_agree(capsys, annotations.root)
    assert status == 0
    assert report["annotators"] == ["alice"]
    for entry in report["labels"].values():
        assert entry["pairs"] == []
        assert entry["observed"] is None and entry["fleiss_kappa"] is None and entry["krippendorff_alpha"] is None


def test_no_overlap_is_undefined(capsys, annotations):
    article = ("a", annotations.lines([f"Sentence number {i}." for i in range(6)]))
    annotations.write("alice", article, {0: ["claim"], 1: [], 2: ["quote"]})
    annotations.write("bob", article, {3: ["claim"], 4: [], 5: ["quote"]})
    status, report, _ = run_agree(capsys, annotations.root)
    assert status == 0 and report["sentences"] == 0
    for entry in report["labels"].values():
        assert entry["sentences"] == 0
        assert entry["observed"] is None and entry["fleiss_kappa"] is None and entry["krippendorff_alpha"] is None
        assert entry["pairs"][0]["sentences"] == 0 and entry["pairs"][0]["cohen_kappa"] is None


def test_unused_label_and_perfect_agreement(capsys, annotations):
    article = ("a", annotations.lines([f"Sentence number {i}." for i in range(8)]))
    marks = {i: (["claim"] if i % 2 else ["quote"] if i % 3 == 0 else []) for i in range(8)}
    annotations.write("alice", article, marks)
    annotations.write("bob", article, marks)
    status, report, _ = run_agree(capsys, annotations.root)
    assert status == 0
    statistic = report["labels"]["statistic"]  # nobody used it: expected agreement is 1
    assert statistic["observed"] == 1.0
    assert statistic["fleiss_kappa"] is None and statistic["krippendorff_alpha"] is None
    assert statistic["pairs"][0]["cohen_kappa"] is None
    assert statistic["given"] == {"alice": 0, "bob": 0}
    rows = [[0, 0]] * 8
    assert reference_alpha(rows) is None and reference_fleiss(rows) is None and reference_cohen([0] * 8, [0] * 8) is None
    for label in ("claim", "quote", agreement.LABEL_SET):  # perfect agreement with variation: 1
        entry = report["labels"][label]
        assert entry["observed"] == 1.0 and entry["fleiss_kappa"] == 1.0 and entry["krippendorff_alpha"] == 1.0
        assert entry["pairs"][0]["cohen_kappa"] == 1.0


def test_decisions_do_not_count_and_bad_files_are_reported(capsys, annotations):
    article = ("a", annotations.lines([f"Sentence number {i}." for i in range(4)]))
    annotations.write("alice", article, {0: ["claim"], 1: [], 2: ["quote"], 3: []})
    annotations.write("bob", article, {0: ["claim"], 1: ["claim"], 2: ["quote"], 3: []})
    review = {"decided_by": "carol", "annotators": {"alice": [], "bob": ["claim"]}}
    annotations.write("carol", article, {1: ["claim"]}, reviews={1: review})
    broken = annotations.root / "dave" / "a.yaml"
    broken.parent.mkdir()
    broken.write_text("schema: tagline.annotations/1\nsentences: [\n", encoding="utf-8")
    status, report, err = run_agree(capsys, annotations.root)
    assert status == 1
    assert str(broken) in err and "does not parse" in err and len(err.strip().splitlines()) == 1
    assert report["annotators"] == ["alice", "bob"]
    assert report["labels"]["claim"]["pairs"][0]["observed"] == 0.75


def test_table_shows_names_literally_and_na(capsys, annotations, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    article = ("a", annotations.lines(["A claim.", "A quote."]))
    annotations.write("[bold]x", article, {0: ["claim"], 1: []})
    (annotations.root / "_bold_x").rename(annotations.root / "[bold]x")  # a folder made by hand: the name is the folder's
    annotations.write("bob", article, {0: ["claim"], 1: []})
    assert cli.main(["agree", "--annotations", str(annotations.root)]) == 0
    out = capsys.readouterr().out
    assert "[bold]x" in out and "n/a" in out and "statistic" in out and "label set" in out


ratings = st.integers(min_value=2, max_value=4).flatmap(
    lambda raters: st.lists(st.lists(st.integers(0, 2), min_size=raters, max_size=raters), min_size=1, max_size=30))


@settings(max_examples=150, deadline=None)
@given(ratings)
def test_coefficients_match_references_on_any_ratings(rows):
    assert agreement.fleiss_kappa(rows) == pytest.approx(reference_fleiss(rows), abs=1e-9)
    assert agreement.krippendorff_alpha(rows) == pytest.approx(reference_alpha(rows), abs=1e-9)
    a, b = [r[0] for r in rows], [r[1] for r in rows]
    assert agreement.cohen_kappa(a, b) == pytest.approx(reference_cohen(a, b), abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(0, 2)), min_size=3, max_size=3), min_size=1, max_size=25))
def test_alpha_with_missing_ratings_matches_reference(rows):
    ours = agreement.krippendorff_alpha([[x for x in row if x is not None] for row in rows])
    matrix = np.array([[np.nan if x is None else x for x in row] for row in rows], dtype=float).T
    try:
        with np.errstate(invalid="ignore", divide="ignore"):
            theirs = undefined_or(float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")))
    except ValueError:
        theirs = None
    if theirs is None or ours is None:
        assert ours is None and (theirs is None or math.isnan(theirs))
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


def test_agree_headings_stay_whole_at_80_columns(capsys, annotations, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    article = ("a", annotations.lines(["A claim.", "A quote.", "A figure."]))
    for name in ("alice", "bob", "carol"):
        annotations.write(name, article, {0: ["claim"], 1: ["quote"], 2: []})
    assert cli.main(["agree", "--annotations", str(annotations.root)]) == 0
    out = capsys.readouterr().out
    assert "…" not in out, out
    for heading in ("sentences", "observed", "Fleiss κ", "Krippendorff α", "κ alice–bob", "κ alice–carol", "κ bob–carol", "statistic"):
        assert heading in out
    assert max(len(line) for line in out.splitlines()) <= 80


# -- large teams: the pairs counted on bit sets, summarised beyond PAIRS_LISTED -------------------
@pytest.fixture
def big_team(annotations):
    """14 annotators (91 pairs: more than are listed by default) on two articles, each leaving some
    sentences todo, with labels drawn at random around a shared answer."""
    rng = random.Random(300)
    articles = [(f"big{a}", annotations.lines([f"Sentence {i} of big article {a}, {rng.random():.6f}." for i in range(18)]))
                for a in range(2)]
    base = {(a, i): [x for x in LABELS if rng.random() < 0.4] for a in range(2) for i in range(18)}
    for k in range(14):
        noise = rng.choice([0.0, 0.1, 0.3, 0.6])
        for a, article in enumerate(articles):
            marks = {i: [x for x in LABELS if (x in base[a, i]) != (rng.random() < noise)]
                     for i in range(18) if rng.random() > 0.15 or i < 4}
            annotations.write(f"ann{k:02d}", article, marks)
    return annotations.root


def test_a_large_team_matches_a_straightforward_computation(capsys, big_team):
    status, report, err = run_agree(capsys, big_team, "--pairs")
    assert status == 0, err
    done = read_done(big_team)
    names = sorted(done)
    assert report["annotators"] == names and len(names) == 14
    common = sorted(set.intersection(*(set(done[n]) for n in names)))
    assert report["sentences"] == len(common) >= 8
    measures = {label: (lambda labels, label=label: int(label in labels)) for label in LABELS}
    measures[agreement.LABEL_SET] = lambda labels: "+".join(sorted(labels))
    for label, value in measures.items():
        entry = report["labels"][label]
        rows = [[value(done[n][key]) for n in names] for key in common]
        # the team's figures: the definitions written out, one sentence at a time
        by_unit = [sum(x == y for x, y in combinations(row, 2)) / math.comb(len(row), 2) for row in rows]
        assert entry["observed"] == pytest.approx(sum(by_unit) / len(by_unit), abs=1e-12)
        codes = {v: i for i, v in enumerate(sorted({x for row in rows for x in row}))}
        coded = [[codes[x] for x in row] for row in rows]
        assert entry["fleiss_kappa"] == pytest.approx(reference_fleiss(coded), abs=1e-9)
        pairable = sorted(k for k in set().union(*(set(done[n]) for n in names)) if sum(k in done[n] for n in names) >= 2)
        sparse = [[value(done[n][key]) if key in done[n] else None for n in names] for key in pairable]
        codes = {v: i for i, v in enumerate(sorted({x for row in sparse for x in row if x is not None}))}
        sparse = [[None if x is None else codes[x] for x in row] for row in sparse]
        assert entry["alpha_sentences"] == len(pairable)
        assert entry["krippendorff_alpha"] == pytest.approx(reference_alpha(sparse), abs=1e-9)
        # every pair, as the two-annotator functions compute it from the two lists of answers
        assert [p["annotators"] for p in entry["pairs"]] == [list(p) for p in combinations(names, 2)]
        kappas = {}
        for pair in entry["pairs"]:
            a, b = pair["annotators"]
            both = sorted(set(done[a]) & set(done[b]))
            first, second = [value(done[a][k]) for k in both], [value(done[b][k]) for k in both]
            assert pair["sentences"] == len(both)
            assert pair["observed"] == agreement.observed_agreement(first, second)  # to the last bit
            assert pair["cohen_kappa"] == agreement.cohen_kappa(first, second)
            assert pair["cohen_kappa"] == pytest.approx(reference_cohen(first, second), abs=1e-9)
            if pair["cohen_kappa"] is not None:
                kappas[a, b] = pair["cohen_kappa"]
        summary = entry["pair_summary"]
        assert summary["pairs"] == 91 and summary["defined"] == len(kappas) > 40
        assert summary["cohen_kappa"]["min"] == min(kappas.values()) == summary["lowest"]["cohen_kappa"]
        assert summary["cohen_kappa"]["max"] == max(kappas.values())
        assert summary["cohen_kappa"]["median"] == pytest.approx(float(np.median(list(kappas.values()))))
        assert summary["cohen_kappa"]["mean"] == pytest.approx(float(np.mean(list(kappas.values()))))
        assert kappas[tuple(summary["lowest"]["annotators"])] == min(kappas.values())
        for name in names:
            theirs = [k for pair, k in kappas.items() if name in pair]
            assert summary["mean_kappa_by_annotator"][name] == pytest.approx(sum(theirs) / len(theirs))
    kappas = [p["cohen_kappa"] for p in report["labels"]["claim"]["pairs"]]
    assert len(set(kappas)) > 20  # the figures differ from pair to pair


def test_a_small_team_gets_its_pairs_listed_and_summed_up(capsys, three_annotators):
    """The pairs listed by default (three annotators) are the pairs --pairs lists, and the summary is there too."""
    _, default, _ = run_agree(capsys, three_annotators)
    _, asked, _ = run_agree(capsys, three_annotators, "--pairs")
    assert default == asked
    assert default["labels"]["claim"]["pair_summary"]["pairs"] == 3


def test_a_large_team_gets_a_summary_of_the_pairs_unless_asked(capsys, big_team, monkeypatch):
    status, report, _ = run_agree(capsys, big_team)
    assert status == 0
    _, every, _ = run_agree(capsys, big_team, "--pairs")
    for label, entry in report["labels"].items():
        assert "pairs" not in entry and entry["pair_summary"] == every["labels"][label]["pair_summary"]
        assert {k: v for k, v in entry.items()} == {k: v for k, v in every["labels"][label].items() if k != "pairs"}
    monkeypatch.setenv("COLUMNS", "80")
    assert cli.main(["agree", "--annotations", str(big_team)]) == 0
    out = capsys.readouterr().out
    assert "Agreement of 14 annotators" in out and "91 pairs" in out and "--pairs lists every pair" in out
    assert "ann00–ann01" not in out and "…" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    lowest = report["labels"]["claim"]["pair_summary"]["lowest"]
    assert "–".join(lowest["annotators"]) in out
    assert cli.main(["agree", "--annotations", str(big_team), "--pairs"]) == 0
    out = capsys.readouterr().out
    listed = [line for line in out.splitlines() if line.startswith("ann") and "–" in line]
    assert len(listed) == 91 and listed[0].split()[0] == "ann00–ann01"
    first = every["labels"]["quote"]["pairs"][0]
    assert f"{first['cohen_kappa']:.3f} ({first['sentences']})" in listed[0]


def test_coefficients_from_counts_equal_those_from_ratings():
    rng = random.Random(11)
    for _ in range(200):
        raters = rng.randint(2, 9)
        rows = [[rng.choice("abc") for _ in range(raters)] for _ in range(rng.randint(1, 12))]
        counts = [Counter(row) for row in rows]
        assert agreement.fleiss_kappa_counts(counts) == agreement.fleiss_kappa(rows)
        assert agreement.krippendorff_alpha_counts(counts) == agreement.krippendorff_alpha(rows)
        assert agreement.mean_pair_agreement_counts(counts) == agreement.mean_pair_agreement(rows)


def test_a_team_routed_two_to_an_article_gets_alpha_and_the_same_as_status(capsys, annotations):
    """From the team audit: three annotators, two to an article, left no sentence done by all, and
    every team figure of ``agree`` was n/a while ``status`` reported alpha over the 25 sentences two
    had finished. Alpha is made for missing answers: ``agree`` takes every sentence two or more
    finished, and says so; the figure is the one ``status`` prints."""
    import random

    from tagline.core import status as status_mod

    rng = random.Random(1)
    names = ["alice", "bob", "carol"]
    for i in range(6):
        article = (f"a{i}", annotations.lines([f"Sentence {j} of story {i}." for j in range(8)]))
        for name in (names[i % 3], names[(i + 1) % 3]):
            annotations.write(name, article, {j: rng.choice([["claim"], [], ["quote"], ["claim", "statistic"]]) for j in range(8)})
    status, report, err = run_agree(capsys, annotations.root)
    assert status == 0, err
    assert report["sentences"] == 0
    entry = report["labels"][agreement.LABEL_SET]
    assert entry["fleiss_kappa"] is None and entry["alpha_sentences"] == 48
    said = status_mod.compute(annotations.root, DEFAULT_SCHEME).agreement
    assert said["sentences"] == 48
    assert entry["krippendorff_alpha"] == pytest.approx(said["krippendorff_alpha"], abs=5e-4)  # status rounds
    assert cli.main(["agree", "--annotations", str(annotations.root)]) == 0
    table = capsys.readouterr().out
    assert f"{entry['krippendorff_alpha']:.3f} (48)" in table
