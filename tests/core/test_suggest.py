"""The rule-based suggester: quotation tracking, speech, figures, claims, the command, devset floors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from bench_modules import bench_module

from tagline.cli import main
from tagline.core import segment
from tagline.core.suggest import LABELS, REQUIRED_PIPES, THRESHOLD, for_scheme, load_pipeline, quote_regions, suggest_doc

ROOT = Path(__file__).resolve().parents[2]


# -- quotation marks (no model needed) -----------------------------------------------------------
def spans_of(text: str) -> list[tuple[int, int | None]]:
    return [(r.start, r.end) for r in quote_regions(text)]


def test_curly_and_straight_quotations_are_regions():
    text = '“No,” he said. "Yes," she said.'
    assert spans_of(text) == [(0, 4), (15, 20)]


def test_apostrophes_possessives_and_decades_are_not_quotation_marks():
    assert quote_regions("It’s the workers’ union, not the ’90s, that can’t agree.") == []
    assert quote_regions("Don't touch the 'rock' — it's Jim's.") != []  # 'rock' is quoted
    assert spans_of("Don't touch the 'rock' — it's Jim's.") == [(16, 21)]


def test_single_curly_quotation_with_possessive_inside():
    text = "The union said, ‘The railroads have taken away our members’ ability to be parents.’"
    [region] = quote_regions(text)
    assert text[region.start] == "‘" and region.end == len(text) - 1


def test_unclosed_quotation_runs_to_the_end_and_orphan_closer_starts_before():
    assert spans_of("He said: “We will fight. We will win.") == [(9, None)]
    assert spans_of("We will win,” he said.") == [(-1, "We will win,” he said.".index("”"))]
    assert spans_of("Conservatives reject that.’") == [(-1, 26)]


# -- the rules on real parses --------------------------------------------------------------------
@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("en_core_web_sm")[0]


def suggest(nlp, paragraph: str) -> list[dict]:
    spans = [(s.start, s.end) for s in segment.sentences(paragraph, segment.Span(0, len(paragraph)))]
    return suggest_doc(nlp(paragraph), spans)


def labels(nlp, paragraph: str) -> list[list[str]]:
    return [r["labels"] for r in suggest(nlp, paragraph)]


def test_result_shape(nlp):
    results = suggest(nlp, "Sales rose 12% to $4.5 billion, the company said. What a day!")
    assert len(results) == 2
    for result in results:
        assert set(result["scores"]) == set(LABELS)
        assert all(0.0 <= s <= 1.0 for s in result["scores"].values())
        assert result["labels"] == [name for name in LABELS if result["scores"][name] >= THRESHOLD]
        assert set(result["reasons"]) == set(result["labels"])
        assert all(isinstance(r, str) and r for r in result["reasons"].values())
    assert results[1]["labels"] == []


def test_spans_are_our_sentences_not_spacys(nlp):
    paragraph = "He said: “We will not stop. We will never stop.” The crowd cheered."
    spans = [(0, 27), (28, 48), (49, len(paragraph))]
    assert [paragraph[a:b] for a, b in spans] == ["He said: “We will not stop.", "We will never stop.”", "The crowd cheered."]
    results = suggest_doc(nlp(paragraph), spans)
    assert ["quote" in r["labels"] for r in results] == [True, True, False]


def test_required_pipes_are_in_the_model(nlp):
    """What the rules read runs; everything else the model has is switched off (the old form of this
    test compared the pipeline with the list it had just been cut down to, and could not fail)."""
    assert {"parser", "ner", "tagger", "lemmatizer"} <= set(REQUIRED_PIPES)
    assert {"parser", "ner", "tagger"} <= set(nlp.pipe_names)
    assert set(nlp.pipe_names) == set(REQUIRED_PIPES) & set(nlp.component_names)
    assert set(nlp.disabled) == set(nlp.component_names) - set(REQUIRED_PIPES)


@pytest.mark.parametrize(
    "paragraph",
    [
        '"We will not negotiate with them," the minister said on Monday.',
        "“We will not negotiate with them,” the minister said on Monday.",
        "The minister said that the talks had failed.",
        "The mayor told reporters the bridge would reopen in March.",
        "Officials warned that the river could burst its banks.",
        "Critics argued that the plan was unaffordable.",
        "The opposition claimed the vote had been rigged.",
        "According to the ministry, the dam was built without permits.",
        "The dam, according to local officials, was built without permits.",
        "The talks had failed, the minister said.",
        "The talks, said the minister, had failed.",
        "As the report noted, the dam was built without permits.",
    ],
)
def test_quotations_and_indirect_speech(nlp, paragraph):
    [result] = suggest(nlp, paragraph)
    assert "quote" in result["labels"], result


def test_a_quotation_split_over_sentences(nlp):
    paragraph = "“Pakistan has conducted air strikes before. These actions failed to weaken the group,” Valle told Al Jazeera. The talks resume today."
    assert ["quote" in x for x in labels(nlp, paragraph)] == [True, True, False]
    results = suggest(nlp, paragraph)
    assert "opens" in results[0]["reasons"]["quote"]
    assert "ends" in results[1]["reasons"]["quote"]


def test_a_fragment_that_ends_a_quotation(nlp):
    [result] = suggest(nlp, "By launching this operation, Pakistan risks fostering further grievances in the province,” he said.")
    assert "quote" in result["labels"]


@pytest.mark.parametrize(
    "paragraph",
    [
        "The station was renamed ‘Liberty Square’ in 1990.",
        "Few people thought to ask why ‘left behind’ places needed ‘levelling up’ at all.",
        "Her book, “The Long Road Home”, was published in May.",
        "The river flooded the valley in 2021.",
        "I have written before that the plan was flawed.",
        "The results show that the vaccine works.",
    ],
)
def test_scare_quotes_titles_and_non_speech_are_not_quotes(nlp, paragraph):
    [result] = suggest(nlp, paragraph)
    assert "quote" not in result["labels"], result


@pytest.mark.parametrize(
    "paragraph",
    [
        "Pakistan recorded more than 700 attacks in 2023.",
        "The attacks resulted in nearly 1,000 deaths.",
        "Inflation reached 3.5 percent in March.",
        "The carriers have spent $196 billion on stock buybacks.",
        "The truck carried eight tons of grain.",
        "Seven soldiers were killed in the attack.",
        "At least a dozen states are aiming to ban the practice.",
        "Nearly half of voters want the curriculum banned.",
        "Workers would be granted only one paid sick day.",
    ],
)
def test_statistics(nlp, paragraph):
    [result] = suggest(nlp, paragraph)
    assert "statistic" in result["labels"], result


@pytest.mark.parametrize(
    "paragraph",
    [
        "The ceasefire ended in November 2022.",
        "The group was founded in 2007.",
        "He finished third in the race.",
        "The first meeting took place in Doha.",
        "The new variant, BA.4.6, carries the R346T mutation.",
        "Relations between the two neighbours have deteriorated.",
    ],
)
def test_dates_years_ordinals_and_codes_are_not_statistics(nlp, paragraph):
    [result] = suggest(nlp, paragraph)
    assert "statistic" not in result["labels"], result


@pytest.mark.parametrize(
    "paragraph",
    [
        "Pakistan has repeatedly accused armed groups of launching attacks from Afghanistan.",
        "The ruling Afghan Taliban provides them with a safe haven.",
        "The Taliban denied the allegations.",
        "The strike caused a crisis in the supply chain.",
        "Rents in London rose faster than wages last year.",
    ],
)
def test_claims(nlp, paragraph):
    [result] = suggest(nlp, paragraph)
    assert "claim" in result["labels"], result


@pytest.mark.parametrize(
    "paragraph",
    [
        "What could possibly go wrong?",
        "We should be empowering local governments.",
        "It might be laughable if it were not so serious.",
        "Of course not.",
        "COVID Variant Booster Authorization Is Coming This Week",
    ],
)
def test_opinion_questions_and_headlines_are_not_claims(nlp, paragraph):
    [result] = suggest(nlp, paragraph)
    assert "claim" not in result["labels"], result


def test_for_scheme_drops_and_zeroes_labels():
    suggestion = {"labels": ["claim", "quote"], "scores": {"claim": 0.8, "quote": 0.9, "statistic": 0.1}, "reasons": {"claim": "a", "quote": "b"}}
    restricted = for_scheme(suggestion, ["quote", "opinion"])
    assert restricted == {"labels": ["quote"], "scores": {"quote": 0.9, "opinion": 0.0}, "reasons": {"quote": "b"}}


# -- the command ---------------------------------------------------------------------------------
def test_suggest_jsonl(tmp_path, capsys):
    article = tmp_path / "one.txt"
    article.write_text("“We will win,” she said. Sales rose 12% last year.\n\nThe weather was fine.\n", encoding="utf-8")
    assert main(["suggest", str(article), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    text = article.read_text(encoding="utf-8")
    assert [r["index"] for r in rows] == [0, 1, 2]
    for row in rows:
        assert set(row) == {"article", "index", "start", "end", "text", "labels", "scores", "reasons", "checkworthy"}
        assert row["article"] == "one" and text[row["start"] : row["end"]] == row["text"]
    assert "quote" in rows[0]["labels"] and "statistic" in rows[1]["labels"] and rows[2]["labels"] == []
    assert rows[1]["checkworthy"] > max(rows[0]["checkworthy"], rows[2]["checkworthy"])  # the figure first


def test_suggest_table_shows_text_literally(tmp_path, capsys):
    article = tmp_path / "marks.txt"
    article.write_text("The [bold]mayor[/bold] said that [red]nothing[/] changed.\n", encoding="utf-8")
    assert main(["suggest", str(article)]) == 0
    out = capsys.readouterr().out
    assert "[bold]mayor[/bold]" in out and "quote" in out


@pytest.mark.parametrize("form", ["table", "jsonl"])
def test_suggest_on_nothing_readable_prints_the_reason_and_no_empty_table(tmp_path, capsys, form):
    """A missing file printed an empty table's frame to standard output beside its reason."""
    assert main(["suggest", str(tmp_path / "nosuch.txt"), "--format", form]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nosuch.txt" in captured.err and "no such file" in captured.err


@pytest.mark.parametrize("transcript", [False, True])
def test_suggest_on_a_folder_with_no_articles_says_so_in_one_line(tmp_path, capsys, transcript):
    """A folder with no article in it (or only a .csv) ended with status 1 and not a word."""
    (tmp_path / "x.csv").write_text("a,b\n", encoding="utf-8")
    assert main(["suggest", str(tmp_path), *(["--transcript"] if transcript else [])]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("tagline: nothing to suggest for: no .txt, .md") and line.endswith("found")


def test_suggest_without_a_model_fails_in_one_line(tmp_path, capsys):
    article = tmp_path / "a.txt"
    article.write_text("Hello there, world.\n", encoding="utf-8")
    assert main(["suggest", str(article), "--model", "none"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and "parser" in captured.err
    assert main(["suggest", str(article), "--model", "no_such_model_xyz"]) == 1
    assert "no_such_model_xyz" in capsys.readouterr().err


def test_bad_paths_are_reported_and_the_rest_suggested(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text("The minister said that the talks had failed.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    code = main(["suggest", str(good), str(empty), str(tmp_path / "missing.txt"), "--format", "jsonl"])
    captured = capsys.readouterr()
    assert code == 1
    assert [json.loads(line)["article"] for line in captured.out.splitlines()] == ["good"]
    errors = captured.err.strip().splitlines()
    assert len(errors) == 2 and any("empty.txt" in e for e in errors) and any("missing.txt" in e for e in errors)


def test_custom_scheme_labels_get_no_suggestions(tmp_path, capsys):
    scheme = tmp_path / "labels.yaml"
    scheme.write_text("labels:\n  - name: quote\n    keys: [q]\n  - name: opinion\n    keys: [o]\n", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("The minister said that 40 people died.\n", encoding="utf-8")
    assert main(["suggest", str(article), "--format", "jsonl", "--labels", str(scheme)]) == 0
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["labels"] == ["quote"]
    assert row["scores"]["opinion"] == 0.0 and set(row["scores"]) == {"quote", "opinion"}
    assert 0.0 < row["checkworthy"] <= 1.0  # kept whatever the scheme


# -- the development set -------------------------------------------------------------------------
def eval_module():
    return bench_module("eval_suggest")


@pytest.fixture(scope="module")
def devset_report():
    return eval_module().evaluate()


def test_split_is_fixed_by_article_id():
    """The held-out part is decided by the id alone (devset/README.md): the articles read while
    tuning never move to it, the NewsSD test rows never leave it, new ones go by their hash."""
    part_of = eval_module().part_of
    assert part_of("newssd-test-3") == "held-out"
    assert part_of("000_88201f31feaf2608") == part_of("newssd-val-1") == part_of("newssd-train-6") == "tuning"
    assert [part_of(f"newssd-train-{k}") for k in range(7, 16)] == [
        "tuning", "tuning", "held-out", "held-out", "tuning", "held-out", "held-out", "held-out", "tuning"
    ]


def test_the_gum_wikinews_articles_moved_to_the_tuning_part():
    """The re-split (devset/README.md): the GUM Wikinews articles were held out until their figures had
    been reported twice, then moved to the tuning part; they are reported as a tuning group of their
    own, no longer pooled with the held-out part, and ``--errors`` lists them."""
    module = eval_module()
    assert module.part_of("wikinews-crane") == "tuning"
    assert module.source_of("wikinews-crane") == "Wikinews" and module.source_of("newssd-test-1") == "NewsSD-ENG"
    assert module.in_group("wikinews-crane", "wikinews") and module.in_group("wikinews-crane", "tuning")
    assert not module.in_group("wikinews-crane", "pooled") and not module.in_group("wikinews-crane", "tuning-newssd")
    assert not module.in_group("wikinews-crane", "held-out") and not module.in_group("newssd-test-1", "wikinews")
    assert module.in_group("newssd-test-1", "pooled") and not module.in_group("newssd-train-7", "pooled")
    assert module.in_group("newssd-train-7", "tuning-newssd")
    assert "wikinews" not in module.HELD_OUT_GROUPS


def test_the_wikinews_2020_articles_of_october_on_are_held_out_whole():
    """Wikinews 2020 from October on (``wn2020q4-*``) was set aside as held-out before any of it was
    read: its own group, pooled with the other held-out articles, never tuning like ``wn2020-*``."""
    module = eval_module()
    assert module.part_of("wn2020q4-anything") == "held-out" and module.part_of("wn2020-soleimani") == "tuning"
    assert module.source_of("wn2020q4-anything") == "Wikinews 2020 Q4"
    assert module.in_group("wn2020q4-anything", "wn2020q4") and module.in_group("wn2020q4-anything", "pooled")
    assert not module.in_group("wn2020q4-anything", "wn2020") and not module.in_group("wn2020-soleimani", "wn2020q4")
    assert "wn2020q4" in module.HELD_OUT_GROUPS


def test_the_wikinews_2019_articles_are_held_out_whole():
    """Every Wikinews 2019 article (``wn2019-*``) is held out, reported as its own group and pooled
    with the NewsSD-ENG held-out articles, never mixed into the GUM Wikinews group."""
    module = eval_module()
    assert module.part_of("wn2019-namse") == "held-out"
    assert module.source_of("wn2019-namse") == "Wikinews 2019" and module.source_of("wikinews-crane") == "Wikinews"
    assert module.in_group("wn2019-namse", "wn2019") and module.in_group("wn2019-namse", "pooled")
    assert not module.in_group("wn2019-namse", "wikinews") and not module.in_group("wikinews-crane", "wn2019")
    assert not module.in_group("newssd-test-1", "wn2019")


def test_tuning_only_never_reads_nor_suggests_for_a_held_out_article(tmp_path, monkeypatch, capsys):
    """``--tuning-only`` (and ``--errors``) compute nothing about the held-out part: no held-out
    annotation file is read and the suggester is never given a held-out article (it used to run over
    all of them and only hide the table). A development set of one article of each part, copied."""
    import shutil

    module = eval_module()
    tuning_id, held_out_id = "000_88201f31feaf2608", "wn2019-surigao"
    assert module.part_of(tuning_id) == "tuning" and module.part_of(held_out_id) == "held-out"
    devset = tmp_path / "devset"
    (devset / "articles").mkdir(parents=True)
    (devset / "annotations" / "devset").mkdir(parents=True)
    for article_id in (tuning_id, held_out_id):
        shutil.copy(module.DEVSET / "articles" / f"{article_id}.txt", devset / "articles")
        shutil.copy(module.DEVSET / "annotations" / "devset" / f"{article_id}.yaml", devset / "annotations" / "devset")
    monkeypatch.setattr(module, "DEVSET", devset)
    read, suggested = [], []
    real_read, real_suggest = module.annofile.read, module.suggest_articles

    def reading(path, *args, **kwargs):
        read.append(Path(path).stem)
        return real_read(path, *args, **kwargs)

    def suggesting(nlp, used):
        ids = [article.id for article in used]
        # refuse before any suggestion is made: the test never runs the suggester on held-out text
        assert all(module.part_of(i) == "tuning" for i in ids), f"the suggester was given {ids}"
        suggested.extend(ids)
        return real_suggest(nlp, used)

    monkeypatch.setattr(module.annofile, "read", reading)
    monkeypatch.setattr(module, "suggest_articles", suggesting)
    for argv in (["--tuning-only"], ["--errors", "quote"]):
        read.clear(), suggested.clear()
        assert module.main(argv) == 0
        assert read == [tuning_id] and suggested == [tuning_id], argv
    out = capsys.readouterr().out
    assert "held-out" not in out and held_out_id not in out
    sentences = len(real_read(devset / "annotations" / "devset" / f"{tuning_id}.yaml")["sentences"])
    assert f"; {sentences} sentences in " in out  # each sentence counted once, not once per group


def test_the_pooled_groups_are_named_for_no_count_of_sources():
    """Each part pools three sources now, so the tables call the pooled groups "pooled" (they were
    "both sources" when each part had two). Only the article ids are looked at."""
    module = eval_module()
    ids = [path.stem for path in (module.DEVSET / "articles").glob("*.txt")]
    for group in ("tuning", "pooled"):
        name, part, source = module.GROUPS[group]
        assert source is None and name == f"{part}, pooled"
        assert len({module.source_of(i) for i in ids if module.part_of(i) == part}) == 3
    assert not any("both" in name for name, _part, _source in module.GROUPS.values())


def test_bootstrap_intervals_hold_scikit_learns_figure():
    """Point figures are scikit-learn's; the article bootstrap brackets them, and an article with
    all its sentences right or wrong moves the interval as a unit."""
    from sklearn.metrics import f1_score

    module = eval_module()
    sentences = []
    for a in range(12):
        for i in range(20):
            gold = frozenset({"quote"}) if (a * 7 + i) % 3 == 0 else frozenset()
            wrong = (a % 4 == 0 and i % 2 == 0) or (i == 5)
            got = frozenset({"quote"}) - gold if wrong else gold
            if wrong and not gold:
                got = frozenset({"quote"})
            sentences.append(module.Sentence(f"a{a}", i, "x", gold, {"rules": got}))
    p, r, f, n = module.prf(sentences, "rules", "quote")
    assert f == pytest.approx(f1_score([("quote" in s.gold) for s in sentences], [("quote" in s.predicted["rules"]) for s in sentences]))
    ci = module.bootstrap(sentences, "rules", "quote", resamples=500)
    for measure, value in (("precision", p), ("recall", r), ("f1", f)):
        low, high = ci[measure]
        assert low <= value <= high and high - low > 0.01


# Floors a little under the measured figures (docs/design/suggestions.md): the rules and the model are
# deterministic, so a drop below them is a regression, not noise. "pooled" is the held-out part of the
# re-split (NewsSD-ENG held-out and Wikinews 2019; Wikinews 2020 October-December joined it later),
# first measured in the fourth report; the sixth
# report's held-out part holds 128 Wikinews 2019 articles (68 before), whose statistic and claim F1 are
# lower than the first 68's, hence lower floors there. The Wikinews 2020 batch of March to June (fresh
# tuning text) lowered the tuning quote F1 to 0.966; the seventh round's rules raised it to 0.979. The
# eighth round's statistic rules raised the tuning statistic F1 from 0.784 to 0.964 (in sample) and, in
# the eighth report, the held-out statistic F1 from 0.77 to 0.93 pooled (0.93 on Wikinews 2019, 0.92
# on Wikinews 2020 October-December).
FLOORS = {
    "tuning": {"quote": 0.97, "statistic": 0.95, "claim": 0.81},
    "tuning-newssd": {"quote": 0.95, "statistic": 0.91, "claim": 0.73},
    "held-out": {"quote": 0.88, "statistic": 0.92, "claim": 0.74},
    "wikinews": {"quote": 0.98, "statistic": 0.95, "claim": 0.79},
    "wn2020": {"quote": 0.97, "statistic": 0.96, "claim": 0.86},
    "wn2019": {"quote": 0.91, "statistic": 0.91, "claim": 0.84},
    "wn2020q4": {"quote": 0.91, "statistic": 0.89, "claim": 0.87},
    "pooled": {"quote": 0.91, "statistic": 0.91, "claim": 0.83},
}


@pytest.mark.parametrize("part", list(FLOORS))
def test_devset_f1_floors(devset_report, part):
    """Floors on F1 as scikit-learn computes it from the sentences' gold and predicted labels, here,
    not as the evaluation script reports it (which must agree)."""
    from sklearn.metrics import f1_score

    members = [s for s in devset_report["_sentences"] if eval_module().in_group(s.article, part)]
    scores = devset_report["scores"][part]
    for label, floor in FLOORS[part].items():
        gold = [label in s.gold for s in members]
        f1 = f1_score(gold, [label in s.predicted["rules"] for s in members], zero_division=0)
        baseline = f1_score(gold, [label in s.predicted["regex baseline"] for s in members], zero_division=0)
        assert f1 == pytest.approx(scores["rules"][label][2])
        assert f1 >= floor, f"{part} {label} F1 {f1:.3f} < {floor}"
        assert f1 > baseline, f"{part} {label}: no better than the regex baseline"


def test_devset_is_complete(devset_report):
    assert devset_report["sentences"]["held-out"] >= 480 and devset_report["articles"]["held-out"] == 10
    assert devset_report["sentences"]["wikinews"] >= 600 and devset_report["articles"]["wikinews"] == 23
    assert devset_report["sentences"]["wn2019"] >= 3062 and devset_report["articles"]["wn2019"] == 166
    assert devset_report["sentences"]["wn2020"] >= 1300 and devset_report["articles"]["wn2020"] == 79
    assert devset_report["sentences"]["wn2020q4"] >= 168 and devset_report["articles"]["wn2020q4"] == 12
    assert devset_report["sentences"]["tuning"] + devset_report["sentences"]["pooled"] >= 1700


def test_claim_score_ranks_on_held_out_news(devset_report):
    """Average precision of the claim score (scikit-learn) on the held-out part, a little under the
    measured 0.83 (0.87 on the GUM Wikinews articles, now tuning; 0.92 on the 128 Wikinews 2019
    articles of the sixth report, 0.94 on the first 68; 0.91 on the held-out part pooled), and many
    distinct values (the hand-set sum had 46)."""
    ap, _low, _high = devset_report["ranking"]["held-out"]["claim"]
    assert ap >= 0.81
    assert devset_report["ranking"]["held-out"]["distinct"] >= 200
    assert devset_report["ranking"]["wikinews"]["claim"][0] >= 0.85
    assert devset_report["ranking"]["wn2019"]["claim"][0] >= 0.91
    assert devset_report["ranking"]["pooled"]["claim"][0] >= 0.90


def test_the_cache_key_covers_every_module_of_the_package(tmp_path):
    """Cached suggestions are keyed by the rules' source: a change to any module (not only
    ``__init__``) must change the key."""
    import shutil

    from tagline.core import suggest
    from tagline.core.nlp import suggester_version

    package = Path(suggest.__file__).parent
    copy = tmp_path / "suggest"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert suggester_version(copy) == suggester_version()
    seen = {suggester_version(copy)}
    for module in sorted(copy.glob("*.py")):
        module.write_text(module.read_text() + "\n# changed\n")
        seen.add(suggester_version(copy))
    assert len(seen) == 1 + len(list(copy.glob("*.py"))) >= 6


# -- reported speech in the forms news uses (issue 16); sentences written for the test ------------
@pytest.mark.parametrize(
    "sentence",
    [
        "The report found that wages fell by 3% last year.",
        "A 2019 study found that most tenants paid more.",
        "He was quoted as saying the plan had failed.",
        "Citing security concerns, the authorities cancelled the march.",
        "The company, citing weak demand, cut 200 jobs.",
        "The trend is expected to reverse next month.",
        "The minister is believed to have resigned.",
        "It insisted that the tests would help meet demand.",
        "The forecaster Ann Lee predicted a rise in reported cases.",
        "These campaigners usually start by stating that the next town has a pool.",
        "Groups of men marched through the capital, chanting “burn it all”.",
        "The court made a decision, finding that immigration status may not be used.",
        "He supposed this weakness was from having lived so long under a crown.",
        "A senator shouted that he would steal a hog.",
        "One of the main concerns of the Committee was that the Bill is vague.",
        "And he cites, for example, one state where the income tax has just been doubled.",
        # found among the tuning part's misses after the Wikinews articles were added
        "The court made a policy decision, finding that going forward a lack of U.S. citizenship or immigration status may not be used to deny a law license.",
        "The officials made clear that the talks would go on.",
        "It is a planning bill in disguise, something the Committee made clear at the very beginning of their sessions.",
        # forms found among the GUM Wikinews misses after the re-split; every sentence written for the test
        "The researchers found that the river had warmed by two degrees.",
        "Recent reports have revealed that the mayor hired his cousin.",
        "Estimates suggest 400 families may have left the valley.",
        "The results of the survey show that most drivers speed.",
        "The appeals court ruled that the fine was unlawful.",
        "The union asked the council to reopen the library.",
        "The mayor asked officials how the files had been lost.",
        "She was advised to leave the building at once.",
        "Residents were encouraged to report burst pipes to the water board.",
        "The health agency recommends that children eat less salt.",
        "A petition asking the minister to resign has gathered 5,000 names.",
        "The newspaper describes the plan as reckless.",
        "The plant, which the company describes as safe, has leaked twice.",
        "In his memoir, Ortiz defined that era as a lost decade.",
        "Farmers' groups are concerned the new rules will raise costs.",
        "Teachers are worried that class sizes will grow.",
        "Lee came to the conclusion that the records had been altered.",
        "The two officers are accused of taking bribes.",
        "I was told that the office had closed.",
        "Speaking outside the court, Ann Cole, QC, said that the verdict was fair.",
        "Garcia observed that the figures matched the earlier survey.",
        "A farmer stood up shouting out loud that the dam would burst.",
        "Police: man arrested after crash in Leeds",
        # forms of 2016 political news (PolNeAR's train compartment, tuning part)
        "Trump: ‘I’m the Worst Thing That Ever Happened to the Establishment.’",
        "Lynch: No outside influence on FBI probe into Clinton emails.",
        "Party leaders hope that Sanders will tone down his attacks against Clinton.",
        "He mocked Rubio for not having won a single state.",
        "She also congratulated Bernie Sanders for competing hard in several states.",
        "Democratic leaders hoped the meeting would be a moment of catharsis for the party.",
        "Clinton hopes to make a statement in California.",
        "Sanders accused Republicans of placing the interests of the gun lobby ahead of children.",
        "“Denver,” he answered.",
        "Graham has attacked GOP voters, lawmakers, and thinkers for opposing mass migration policies.",
        "The reporter kept asking when Trump shot back that the journalist had not been called on.",
        # forms among the misses of PolNeAR's tuning part, 2026-12-03 (sentences written for the test)
        "Trump predicts that as the others drop out, their voters will come to him.",
        "Clinton cast her rival as offering a narrow economic message.",
        "The senator painted her opponent as a friend of the banks.",
        "Ortiz remembered the boxer as fun to be around.",
        "About 6 in 10 say they want lower taxes.",
        "Voters were more likely to say they trusted the governor.",
        "He avoided the subject until June, when he expressed concern that the mayor was encouraging violence.",
        "The governor backed away from a suggestion that he might raise taxes.",
        "The minister has faced criticism for telling farmers that the subsidies would end.",
        "“Get out of my office,” Lee barked.",
        "Sanders, meanwhile, hopes that a win in the state will give him momentum.",
        "The senator backed the president’s advice that the country should stay in the union.",
        # forms among the misses of the tuning part of 42 PolNeAR articles of six other publishers
        # (sentences written for the test)
        "The mayor spoke instead about “fixing the roads” and cutting taxes.",
        "She voiced a wish for a “calm, open and fair debate.”",
        "The governor touted his record as a friend of small business.",
        "A reporter asked: Did they talk about the wall?",
        "The plan was pushed by Ortiz, whom many analysts believed was the real power in the party.",
        '<tweet author="mayor">We must act now to fix the roads.</tweet>',
        'Thirty percent of adults "strongly agree" that they will own a home one day.',
        "The senators dodged the question by saying it was the moderator who had been wrong.",
        "Ann Lee, the party's director, was unsure why the talks had stalled.",
        "One in five say that will never happen.",
        "The union asked whether the candidates supported the bill.",
    ],
)
def test_reported_speech_forms_are_quotes(nlp, sentence):
    [result] = suggest(nlp, sentence)
    assert "quote" in result["labels"], result


def test_every_sentence_of_an_embedded_tweet_is_a_quote(nlp):
    tweet = '<tweet author="mayor">We must act now to fix every road in the city. The roads cannot wait. Call your council.</tweet>.'
    assert labels_quote(nlp, tweet) == [True, True, True]
    assert labels_quote(nlp, "<p>The roads cannot wait.</p>") == [False]
    # the marks of a tag's attributes are no quotation; a sentence mostly of markup, or a tweet of
    # markup alone, holds no one's words
    assert labels_quote(nlp, '<tweet pic="" author="mayor" tweet_id="1234567890123">Roads.</tweet>.') == [False]
    assert labels_quote(nlp, '<tweet tweet-id="769292115914395649"><tweet/>.') == [False]
    # a tag named in prose opens no post, not even to the paragraph's end
    assert labels_quote(nlp, "Use the `<blockquote>` element for a long quotation. It is a block.") == [False, False]
    assert labels_quote(nlp, "<tweet> tags were removed from the archive in 2019. The archive holds 40,000 pages.") == [False, False]
    # a page's embed, with attributes, opening a paragraph whose closing tag comes in a later one
    assert labels_quote(nlp, '<tweet author="mayor">We must act now to fix every road. The roads cannot wait.') == [True, True]
    assert labels_quote(nlp, '<a href="https://example.org/a-very-long-address-of-a-page">Work begins in May.</a>') == [False]


def labels_quote(nlp, paragraph: str) -> list[bool]:
    return ["quote" in result["labels"] for result in suggest(nlp, paragraph)]


@pytest.mark.parametrize(
    "sentence",
    [
        "She found the keys under the sofa.",
        "I asked the press officer to explain the remarks.",
        "The plan is expected.",
        "Suppose they did work, and that we should be able to recover.",
        "Anyone claiming they know where prices will be next year is guessing.",
        "If anyone supposes that cutting costs will shrink government, it is wrong.",
        "We found that the figures did not add up.",
        "Officials have touted their efforts to get the drug through this so-called “compassionate use” channel.",
        "The reform speaks to the vacuity of the ‘defining mission’.",
        "The mayor spoke about the roads.",
        "The company touted its new phone.",
        "<b>The roads cannot wait.</b>",
        "We were able to leave early by saying it was late.",
        "I was unsure why the talks had stalled.",
        "Two in three adults are vaccinated.",
        # look-alikes found by an outside audit of the forms above
        "He was doubtful when he arrived, but he relaxed after an hour.",
        "Sixty percent of the tests confirm that the drug works in mice.",
        "The actor voiced the dragon in “Shrek 2” and two other films.",
        "Use the `<blockquote>` element to set off a long quotation.",
        "The tag <tweet> is not part of HTML.",
        "I made it clear that we would not stop.",
        # look-alikes of the forms added after the re-split
        "The results show the incumbent won a clear majority.",
        "Low interest rates encourage people to borrow more.",
        "Few reporters thought to ask why the bridge was closed.",
        "We are being invited to trust the landlords again.",
        "We'll be told there is a new crisis next week.",
        "A rash described as itchy spread across his arms.",
        "Our own analysis found that prices fell.",
        # look-alikes of the forms of 2016 political news
        "Update: the road has been closed since Monday.",
        "Paris: the city is under lockdown tonight.",
        "The company plans to open 50 stores next year.",
        "Microsoft no longer wants to support the old browser.",
        "I hope that the bridge will reopen soon.",
        "The mayor praised the firefighters.",
        "Police attacked the protesters for two hours.",
        "They visited “Denver” last year.",
        "The guards fired back at the gunmen.",
        "Sanders had also claimed a victory in the New Hampshire primary last month.",
        "Tenney won the primary, claiming 41 percent of the vote.",
        "I am sure that it will rain.",
        "The fees requested in arrears are due in May.",
        # look-alikes of the forms of 2026-12-03
        "Lucas cast Ford as Han Solo in 1976.",
        "Lucas cast Ford as a smuggler.",
        "The couple painted the kitchen as a surprise.",
        "Residents remembered the storm of 1987.",
        "About 6 in 10 homes have solar panels.",
        "“Blue Skies,” Smith released in May, sold well.",
        "The council faced criticism for closing the library.",
        # telling what reports no content
        "He was fined for telling lies.",
        "The witness told the truth.",
        "She loves telling jokes.",
        # a question nobody in particular put, or no yes-or-no question
        "Many have asked whether the policy works.",
        "It asked whether the plan was legal.",
        "The union asked when the talks would resume.",
    ],
)
def test_look_alikes_of_reported_speech_are_not_quotes(nlp, sentence):
    [result] = suggest(nlp, sentence)
    assert "quote" not in result["labels"], result


# Sixth round (issue 16): forms among the tuning part's misses, each test sentence taken from the tuning
# part itself (its article and index beside it), with tuning look-alikes that must stay no quote.
TUNING_QUOTES = {
    # a finding whose clause the parser cut off: a conjunct of the verb, or a new root after a headline verb
    "wikinews-warming#3": "The scientists found reduction of crop yields by 2050 exceeded 10% of 2000 levels, substantially decreasing food security, in all cases examined.",
    "wikinews-worship#0": "Greek court rules worship of ancient Greek deities is legal",
    # a finding whose subject the parser lost to a modifier: the sentence's first noun reports it
    "wikinews-iodine#2": "A new study documenting iodine nutritional status in Australian school children has revealed many are not getting enough iodine - which can lead to mental and growth retardation.",
    # pledges with their content, accusations, a characterisation without "as"
    "wn2020-tsikhanouskaya-rally#9": "She spoke about her husband Siarhei, who was arrested in May, and promised to conduct new completely fair elections and hold a constitutional referendum to cancel all amendments issued by the current president, Alexander Lukashenko, since 1995.",
    "wn2020-soleimani#15": "In a statement following the attack, Ahmed al-Assadi, a spokesman for the PMF, blamed both Israel and the United States for the attack.",
    "wikinews-afghan#18": "The President has drawn both praise for helping the girls enter the U.S. and criticism for his travel ban, which does not cover Afghanistan, and for the atmosphere of hostility toward Muslims that critics blame for denying them entry in the first place.",
    "wn2020-soleimani#2": "The United States called its actions defensive in nature, pointing to the December 31 attack on the United States Embassy in Baghdad as an example of the attacks on U.S. citizens that Soleimani took part in.",
    # orders and requests: "tasked to", an infinitive whose "to" was left out
    "wn2020-samoa-measles#6": "The Ministry of Health and the Ministry of Foreign Affairs were tasked to produce a recovery plan within two weeks for consideration by the cabinet.",
    "wn2020-soleimani#25": "The office asked U.S. citizens not approach the Embassy, and if in need for travel documents, to use the consulate in Erbil.",
    # attributions: "by varying reports", a headline's "…, police report", what a share of people indicated
    "wn2020-kerman-stampede#3": "Attendance at the procession in Kerman, Soleimani's hometown, was by varying reports tens or hundreds of thousands.",
    "wn2020-kamloops-fentanyl#0": "11-month old baby finds illegal drugs in playground in British Columbia, Canadian police report",
    "wn2020-kamloops-fentanyl#15": "More than 95% of the participants in her study indicated they would use the strip kits again.",
    # verbs of saying the lexicon lacked: reaffirm, underline, mention, deem, hail … as
    "wn2020-eastmed#0": "Greek prime minister reaffirms EastMed pipeline project is open for other countries to join",
    "wn2020-eastmed#2": "In his Tuesday live-streamed talk at the United States think tank Atlantic Council's Washington headquarters, Mitsotakis reaffirmed that the EastMed project, which currently involves Greece, Cyprus and Israel, is open for other countries to join.",
    "wn2020-eastmed#20": "Progressive Party of Working People, the main opposition force, underlined that the agreement is only a legal framework, and actual construction is in the hands of still undecided private investors.",
    "wn2020-eastmed#21": "Turkish Foreign Ministry spokesman Hami Aksoy underlined Turkish and Turkish Cypriot mining rights in the region, and projected a failure if these would be overlooked.",
    "wn2020-impeachment-vote#4": "Pelosi also mentioned the House will appoint as yet unnamed impeachment managers to conduct the prosecution in the trial.",
    "wn2020-eastmed#19": "In Cyprus, the ruling Democratic Rally in Cyprus hailed the pipeline as an advancement in the nation's sovereignty.",
    # calls (general or addressed), a stance put into words, a statement that announces
    "wn2020-cairo-summit#6": "They called on Turkey to halt their drilling operations within the EEZ of Cyprus, and deemed that the agreement on sending Turkish soldiers to Libya, where a civil war is underway, goes against the United Nations Security Council resolution 2259.",
    "wn2020-navalny-airlift#14": "The hospital also asked for patience.",
    "wn2020-impeachment-vote#3": "McConnell has expressed a preference to proceed similarly to the impeachment trial of President Bill Clinton in 1998.",
    "wn2020-white-plains#10": "Shortly thereafter, at 6:30 pm, the city issued a follow-up statement announcing the break had been contained by DPW.",
    # attributions by a phrase: "according to which", "in the analysis of"
    "wn2020-eastmed#26": "On November 27, Turkey and Libya signed a maritime border agreement, according to which a section between Crete and Cyprus would cross the Turkish economic zone.",
    "wn2020-eastmed#39": "In the analysis of the German Institute for Economic Research, the high costs and technical challenges render the project unrealistic.",
    # an estimate whose clause comes after a time phrase and a comma
    "wn2020-white-plains#12": "The city estimated by 9 pm, there would be enough pressure returned to the water system for all to have water.",
    "wikinews-warming#5": "They estimated by 2050, increasing population and changing diet would increase world food needs by 50 percent.",
    # demands, dismissals as …, disagreement, beliefs with an object and an infinitive, impersonal passives
    "wn2020-navalny-novichok#5": "Angela Merkel, the Chancellor of Germany, demanded an explanation from Russia.",
    "wn2020-navalny-novichok#6": "The Russian government dismissed the claim from Berlin as groundless.",
    "wn2020-kamloops-fentanyl#12": "Clinic and advocacy manager Michaela Jyrkkanen, of Christian anti-poverty organization The Mustard Seed Kamloops, disagreed with the correlation between the overdoses and the CERB payments.",
    "wn2020-eastmed#17": 'With this forming of political and economic alliance with Hellenic countries, Netanyahu envisioned the pipeline to end their "fringe country" status.',
    "wn2020-pranab-mukherjee#17": "It was reported he was in a coma at time of death.",
    # speculation; an agency's estimate put as placing a figure
    "wn2020-wuhan-estimate#9": "Chinese authorities have speculated the virus was transferred to humans from animals in a seafood market in Wuhan, where most of the infected people were found.",
    "wn2020-puerto-rico#3": "The United States Geological Survey (USGS) placed the epicenter of the quake about eight kilometers (five miles) southwest of the town of Guenica.",
    # quoted words go with the verb that governs them, or with an "as" clause that attributes the sentence
    "newssd-val-2#7": "As predicted, it “evades immune protection” from both the “vaccine” and natural immunity.",
    # a headline that names its source before a colon
    "wn2020-wuhan-estimate#0": "Study: people infected by new coronavirus 'likely' hundreds more than confirmed",
    # a speaker the parser took for something else, right before the verb; a city as a body; a document
    "wn2020-kobe-bryant#3": "On Twitter, Adrian Wojnarowski, US sport columnist from ESPN, said Bryant and Gianna were on their way to a basketball game, and the passengers also included another player and the player's parent.",
    "wn2020-kobe-bryant#9": "The city of Calabasas announced on Twitter the Federal Aviation Administration and the National Transportation Safety Board were to investigate the cause of the crash.",
    "wn2020-covid-19-name#10": "The guidelines also list Middle East Respiratory Syndrome, from 2013, as an undesirable name.",
    # a verb tagged as a noun that still has a subject and a clause; a death made known by someone
    "wn2020-argentina-abortion#7": "Estimates by the Argentinian government state about 350 thousand illegal abortions are carried out in the country each year.",
    "wn2020-mubarak#2": "The country's state news announced the death on television.",
    "wn2020-pranab-mukherjee#3": "His death was announced by his son Abhijit Mukherjee via Twitter.",
    # seventh round, from the Wikinews 2020 batch of March to June: findings of data, projections, an
    # autopsy and a court's decision
    "wn2020-one-million#1": "On Thursday, the total number of cases of the SARS-CoV-2 coronavirus infections surpassed one million worldwide, Johns Hopkins University data indicated.",
    "wn2020-super-tuesday#16": "Projections by CNN and NPR indicated he won, in addition to Vermont, also the primaries in Colorado, Utah, and California.",
    "wn2020-kerala-elephant#5": "An autopsy determined the elephant was pregnant before she was cremated.",
    "wn2020-kelly#10": "The unanimous court decided their actions did not qualify, reversing the convictions and remanding the case back to the Court of Appeals for the Third Circuit.",
    # a call for something to be done, with its infinitive as a clause of its own
    "wn2020-al-quaety#6": "Both the council and the government called for his death to be investigated.",
    # a past tense after an appositive's comma taken for a participle: its clause made the root, or its
    # that-clause kept (an order)
    "wn2020-al-quaety#11": "The city's security chief, Abdullah al-Jahafi, announced on Facebook on Tuesday there were suspects in custody.",
    "wn2020-wisconsin#11": "The move came after William Conley, a United States District judge, ordered last week that absentee ballots be accepted until April 13, and votes not be counted until then.",
    # services speak; guidelines cite; "as the decision put it"; an estimate put at a figure
    "wn2020-bontddu-hall#8": "The fire service indicated an investigation working alongside North Wales Police was underway.",
    "wn2020-covid-19-name#6": "The guidelines cite the 2009 H1N1 outbreak as an example of what not to do.",
    "wn2020-kelly#4": 'In September 2013, for four days, traffic "ground to a halt" — as the Supreme Court decision put it — at part of the George Washington Bridge, an entryway into Manhattan, administered by the Port Authority.',
    "wn2020-montana-ballot#15": "The World Population Review estimated the total 2020 population of the state at just over one million.",
    # a speaker and a verb of saying between commas inside the sentence; "By reports" as the parse's root;
    # a relative pronoun that is the subject of the clause reported ("which Politico reported left …")
    "wn2020-montana-ballot#19": "Many of the Native American cultures in Montana, the complaint pointed out, have a concept of family that does not match the nuclear family idea widespread in Western culture.",
    "wn2020-super-tuesday#21": "By reports he secured five of the territory's six delegates, as well as three delegates in Colorado and one in Arkansas.",
    "wn2020-trump-emergency#6": "Trump did not place the Federal Emergency Management Agency (FEMA) in charge of the government's response to COVID-19, which Politico reported left some experts in disaster management disappointed.",
    # an unowned allegation whose clause has its own subject and object; an arrest made known, as a death;
    # a passive verb of saying with an adjective-like participle
    "wn2020-basilashvili#2": 'The arrest came after an allegation he assaulted Neka Dorokashvili, his ex-wife.',
    "wn2020-kerala-elephant#9": 'Officials later announced an arrest of a rubber tapper — a man in his forties identified only as "P Wilson" — in the elephant\'s death while as of yesterday two other suspects were reportedly at large.',
    "wn2020-park-won-soon#2": 'He was reported missing Thursday evening by the police.',
    # from the two June articles added after: a stance stated with its content; reports naming someone
    # as someone; a verb of saying the parser made the complement of the clause it reports
    "wn2020-tesco-poland#2": 'Tesco stated its intention to leave the Polish market altogether, Salling its intention to strengthen its Netto chain in Poland.',
    "wn2020-reading-stabbing#3": 'Reports named him on Sunday as Reading resident and Libyan national Khairi Saadallah.',
    "wn2020-tesco-poland#18": 'Deutsche Welle (DW) reported in mid-2019, 62 Tesco outlets had closed within a year.',
}
# Convention E: a figure (or any noun) as the object of "reported", "confirmed" or "reporting", with no
# clause, quoted words or "according to", is a speech act with only a noun, no quote; these six were
# the tuning part's false alarms of the form (their labels were settled by E). samoa-measles #7 is the
# same form; its label still reads quote, and the rules follow the convention.
E_NOT_QUOTES = {
    "wn2020-bangladesh#0": "Bangladesh reports five new deaths due to COVID-19, a daily highest",
    "wn2020-bangladesh#1": "Yesterday, Bangladesh has confirmed five new deaths due to COVID-19 on the day.",
    "wn2020-one-million#5": "By yesterday, the World Health Organization reported 1,051,635 confirmed cases, including 79,332 cases in the twenty four hours preceding 10 a.m. Central European Time (0800 UTC) on April 4.",
    "wn2020-samoa-measles#3": "NEOC reported a 95% immunization rate on December 24, and the last measles-related death during the state of emergency on December 26.",
    "wn2020-tesco-poland#24": "The chain's press release reported 22 sold units in the past year and a half, for around 200 million pounds.",
    "wn2020-us-100000-deaths#5": "The United States likewise had the highest number of confirmed deaths linked to the coronavirus, with the next highest country, the United Kingdom, reporting 37,542 deaths as of Wednesday.",
    "wn2020-samoa-measles#7": "As of Sunday, the Disease Surveillance Team reported a total of 5667 cases during the outbreak.",
}
E_LOOK_ALIKES = ["The agency reported 36 infections.", "Italy reported no new deaths on Monday.", "Smith reported the problem to the council."]
# The same verbs with what E keeps a quote: a clause (said, reported that, a clause whose "that" was
# left out or that the parser hung from the object), a closing attribution, a person's death made known.
E_QUOTES = {
    "wn2020-frog-skulls#1": "In a new study released by the Florida Museum of Natural History on Monday, scientists report spiky skulls evolved at least 25 separate times in different kinds of frogs.",
    "wn2020-toilet-paper#19": "Domain.com, a real estate site, reported some property sellers offering free toilet paper to the first bidder on auctions in Melbourne, when fewer auctions were held because of buyers having time off on the long weekend of Labour Day.",
}
E_QUOTE_LOOK_ALIKES = [
    "The WHO said the risk was high.",
    "The WHO reported that 1,000 cases had been confirmed.",
    "Officials reported the number of cases rose to 58.",
    "The hospital reported two patients had died.",
    "Two people died in the blast, the agency reported.",
    "The mayor resigned on Monday, reported NDTV.",
    "Police reported the death of a 45-year-old man.",
    "Police reported a man carrying a knife near the school.",
]


@pytest.mark.parametrize("sentence", list(E_NOT_QUOTES.values()) + E_LOOK_ALIKES)
def test_a_figure_reported_with_only_a_noun_is_no_quote(nlp, sentence):
    results = suggest(nlp, sentence)
    assert not any("quote" in r["labels"] for r in results), results


@pytest.mark.parametrize("sentence", list(E_QUOTES.values()) + E_QUOTE_LOOK_ALIKES)
def test_the_same_verbs_with_a_clause_stay_quotes(nlp, sentence):
    results = suggest(nlp, sentence)
    assert all("quote" in r["labels"] for r in results), results


def article_quotes(nlp, text: str) -> list[bool]:
    """Whether each sentence of the article ``text`` (paragraphs one a line) is suggested a quote."""
    from tagline.core.articles import Article
    from tagline.core.suggest import suggest_article

    return ["quote" in r["labels"] for r in suggest_article(nlp, Article("t", "t.txt", text))]


# A quotation set as a paragraph of its own after a verb of saying and a colon, often without marks:
# wikinews-imprisoned #15-#17, the tuning part's one such paragraph (its lead-in is no quote itself:
# a denial with only a noun), then the sentence after it (#18, a quote of its own).
BLOCK_LEAD = "In a statement to the Australian Broadcasting Corporation, the Church denied these allegations:"
BLOCK = "She certainly wasn't 'forced' to be there. She was also never forced to perform labour in the engine room."
AFTER_BLOCK = "Here, she met her future husband and subsequently left the church."


def test_a_paragraph_introduced_by_a_verb_of_saying_and_a_colon_is_quoted(nlp):
    assert article_quotes(nlp, f"{BLOCK_LEAD}\n{BLOCK}\n") == [False, True, True]
    assert article_quotes(nlp, "The statement read:\nThe company regrets the delay. It will pay every customer.\n") == [False, True, True]


@pytest.mark.parametrize(
    "text, expected",
    [
        # one paragraph only: the one after the block is the writer's again
        (f"{BLOCK_LEAD}\n{BLOCK}\n{AFTER_BLOCK}\n", [False, True, True, False]),
        # a colon without a verb of saying, or with the writer or nobody as the speaker
        ("The following were injured:\nTwo firefighters were taken to hospital.\n", [False, False]),
        ("As I wrote last year:\nThe bridge was closed in 2019.\n", [False, False]),
        ("Here are the results:\nThe bridge was closed in 2019.\n", [False, False]),
        # a colon inside the paragraph, not at its end, introduces nothing in the next one
        ("The spokesman said: “We regret the delay.”\nThe bridge was closed in 2019.\n", [True, False]),
        # the quotation visibly closed inside the block: the writer's sentence after it is no quote
        ("The Church said:\nShe was never forced to work.” The ship sailed on Monday.\n", [False, True, False]),
        # a block that opens with a mark is left to the marks: closed, then the writer's own sentence
        ("The Church said:\n“She was never forced to work.” The ship sailed on Monday.\n", [False, True, False]),
    ],
)
def test_block_quotations_stop_where_the_quotation_does(nlp, text, expected):
    assert article_quotes(nlp, text) == expected


def test_the_reader_sends_the_lead_in_and_keys_the_cache_by_it(nlp, tmp_path):
    """The reader's model process sees one paragraph at a time: the sentence that may introduce it as
    a quotation goes with it (``leads``), and its cached suggestions are keyed by that sentence too,
    so the same paragraph after another lead-in is never answered from the cache."""
    import concurrent.futures

    from tagline.core.articles import Article
    from tagline.core.nlp import ParseCache, chunks, resolve_model, stream_annotations
    from tagline.core.nlp.streaming import leads, suggestion_keys
    from tagline.core.suggest.pipeline import lead_in

    article = Article("t", "t.txt", f"{BLOCK_LEAD}\n{BLOCK}\n{AFTER_BLOCK}\n")
    pieces = chunks(article)
    assert leads(article, pieces) == [None, BLOCK_LEAD, None]
    keys = suggestion_keys(["a", "b", "c"], "v", leads(article, pieces))
    assert keys[0] == "a:v" and keys[2] == "c:v" and keys[1].startswith("b:v:lead-")

    class Service:  # answers as the model process does, in this process
        sent: list = []

        def submit(self, texts, spans=None, leads_=None):
            self.sent.append(leads_)
            answer = []
            for k, text in enumerate(texts):
                intro = lead_in(nlp, leads_[k]) if leads_ and leads_[k] else ""
                answer.append({"entities": [], "suggestions": suggest_doc(nlp(text), [tuple(x) for x in spans[k]], introduced=intro)})
            future: concurrent.futures.Future = concurrent.futures.Future()
            future.set_result(answer)
            return future

    model = resolve_model("en_core_web_sm")
    cache = ParseCache(tmp_path)
    found: dict = {}
    for batch in stream_annotations(article, model, Service(), cache, suggest=True):
        found.update(batch.suggestions)
    assert Service.sent == [[None, BLOCK_LEAD, None]]
    assert ["quote" in found[i]["labels"] for i in range(4)] == [False, True, True, False]


def test_a_transcript_line_ending_with_a_colon_quotes_no_other_speakers_line(nlp):
    """A transcript's paragraphs are turns of its speakers: a turn ending with ``said:`` does not make
    the next speaker's turn a quotation."""
    from tagline.core.articles import Article
    from tagline.core.nlp import chunks
    from tagline.core.nlp.streaming import leads
    from tagline.core.suggest import suggest_article
    from tagline.core.transcript import Transcript

    text = "SMITH: The minister said:\nJONES: The bridge was closed in 2019.\n"
    transcript = Transcript(Article("t", "t.txt", text))
    assert ["quote" in r["labels"] for r in suggest_article(nlp, transcript)][-1] is False
    assert leads(transcript, chunks(transcript)) == [None, None]


TUNING_PARAGRAPHS = {
    "wn2020-covid-flu#2": 'Researchers used polyester swab samples from the noses and throats of eighteen infected volunteers, including one asymptomatic infected volunteer.',
    "wn2020-covid-flu#3": "They found the virus's behavior resembled that of influenza rather than severe acute respiratory syndrome (SARS), even though SARS-CoV-2 is more closely related to the viruses that cause SARS — hence its name — than to a typical influenza virus.",
}
TUNING_NOT_QUOTES = {
    # "maintain" is rarely a verb of saying: the clause it seems to take is not its content
    # a passive main clause after a comma is no closing attribution
    "wn2020-soleimani#16": "As of January 3, no evidence of Israeli involvement has been reported.",
    # a participle: the group is accused, it does not accuse
    "000_88201f31feaf2608#0": "In the interview on Thursday, he also rejected the prospects of any dialogue with the Tehreek-e-Taliban Pakistan (TTP), also known as the Pakistan Taliban, an armed group accused by Pakistan of launching attacks from across the border.",
    # the verb that seems to take the clause governs a relative clause holding the verb of belief
    "newssd-train-11#29": "Smearing anyone who believes in the rule of law as anti-immigrant over and over again makes people defensive and wears down the opposition.",
    # interest in something is no content
    "wikinews-warhol#9": "Kathryn Waters, director of the gallery, expressed interest in further donations from the foundation in the future.",
    # the writer's hedge, not an impersonal report; a passive speech verb with its agent is no quote here
    "newssd-train-1#45": "Given the combative willingness of rank-and-file rail workers to vote down contracts recently, it shouldn’t be simply assumed that workers will vote in favour of accepting the agreement.",
    "wn2020-samoa-measles#25": "The outbreak was first confirmed by the government on October 16, after the Victorian Infectious Disease Reference Laboratory in Melbourne tested 7 out of 20 suspected cases positive for measles.",
    # quoted words far from the verb that seemed to report them; a clause after "and" is no closing attribution
    "newssd-train-2#9": "I’ve never known so many ‘on it’ friends who simply shrug and are happy to state they haven’t a clue.",
    "wikinews-defector#16": 'To "route out" in Scientology jargon refers to the member who wishes to leave proceeding through a set of interrogative exit interviews while attached to the Scientology device called the E-meter.',
    "wikinews-defector#9": "Montalvo was subsequently motivated to seek out information about Scientology on the Internet, and came upon a blog written by Rathbun.",
    # a passive name, a verb inside the quoted words, a hashtag
    "wn2020-covid-19-name#7": 'That year\'s H1N1 was commonly called "swine flu."',
    "wn2020-streatham#10": 'A woman had minor injuries reportedly from glass shattering after police discharged their firearms, and the remaining woman was in "not life-threatening" condition.',
    "wn2020-wuhan-foreigners#8": 'The hashtag "#we want freedom of speech#" quickly reached at least about two million views before being deleted by censors.',
    # the writer pointing back ("as noted") is no attribution
    "wn2020-trump-nevada#10": "However, as noted, the Republican primary there was cancelled.",
    # what a court set out to learn is no finding (seventh round)
    "wn2020-kelly#9": "The Supreme Court sought to determine whether Kelly and Baroni's actions qualified as property fraud under federal statutes.",
    # figures stated by no speaker between commas are no parenthetical attribution
    "newssd-train-6#16": "By the figures of the National Industrial Conference Board, the per-capita costs of government separately stated, are: |1913||1929| |Federal||$7.17||$32.36| |State||$3.97||$16.38| |Local||$19.10||$58.64|",
    # something seen being done, in the passive, is no report
    "wn2020-toilet-paper#23": 'Similarly, outside of Australia, on Sunday evening online British supermarket Ocado was observed limiting purchases of Andres toilet paper to two 12-roll packs.',
    # a declaration with an infinitive is an act, not a stated intention
    "wn2020-who-pandemic#1": 'On Wednesday, the World Health Organization (WHO) declared the ongoing outbreak of COVID-19 — the disease caused by coronavirus SARS-CoV-2 — to be a pandemic.',
    "wikinews-election#2": "The results show the anti-establishment camp successfully maintained a majority in the geographical constituencies' seats thus veto power to any members' bills, and also a minority larger than a third to veto any bills featuring major political reforms.",
}
LOOK_ALIKES = [
    "Police found the car he stole.",
    "Researchers found the bodies and called police.",
    "A police car parked near the court showed signs of damage.",
    "They called the baby Sarah.",
    "The clouds threaten rain.",
    "Signs indicate the economy is slowing.",
    "He hailed a taxi.",
    "He mentioned the book.",
    "The bill calls for a ban on smoking.",
    "The house was destroyed by 9 pm, and firefighters left.",
    "The job demanded patience.",
    "It was reported to the police.",
    "They expected the storm.",
    "He put the book on the table.",
    "Pakistan: floods kill 20 in the north",
    "Update: the road has reopened to traffic.",
    "He announced his resignation on Tuesday.",
    "The death was reported to police.",
    "The court decided to hear the case.",
    "The claim he made was false.",
    "Police searched the house. They found the gun he used.",
    "The team played well. They found that the pitch was slow.",
    "Biden named Harris as his running mate.",
]


def test_they_found_after_researchers_reports_their_finding(nlp):
    """``They found …`` reports a finding when the sentence before has researchers as its subject
    (``wn2020-covid-flu`` #2-3, one paragraph of the tuning part)."""
    paragraph = (
        f"{TUNING_PARAGRAPHS['wn2020-covid-flu#2']} {TUNING_PARAGRAPHS['wn2020-covid-flu#3']}"
    )
    first, second = suggest(nlp, paragraph)
    assert "quote" not in first["labels"] and "quote" in second["labels"], second


@pytest.mark.parametrize("where", list(TUNING_QUOTES))
def test_tuning_forms_of_reported_speech_are_quotes(nlp, where):
    results = suggest(nlp, TUNING_QUOTES[where])
    assert all("quote" in r["labels"] for r in results), results


@pytest.mark.parametrize("sentence", list(TUNING_NOT_QUOTES.values()) + LOOK_ALIKES)
def test_tuning_look_alikes_are_not_quotes(nlp, sentence):
    results = suggest(nlp, sentence)
    assert not any("quote" in r["labels"] for r in results), results


# The parser does not always lose a clause the same way, so the fallbacks are tested on spaCy docs
# built with the parse it gave to tuning sentences (a real Doc, its heads and labels set by hand).
_MISPARSED = {
    # "that" hung from the object, the clause an adjunct of it
    "observed that": (
        "Wilkins observed that the date of the gift coincided with the anniversary .",
        [("NOUN", "NNS", "wilkin", 1, "nsubj"), ("VERB", "VBD", "observe", 1, "ROOT"), ("SCONJ", "IN", "that", 4, "mark"),
         ("DET", "DT", "the", 4, "det"), ("NOUN", "NN", "date", 1, "dobj"), ("ADP", "IN", "of", 4, "prep"),
         ("DET", "DT", "the", 7, "det"), ("NOUN", "NN", "gift", 5, "pobj"), ("VERB", "VBD", "coincide", 4, "acl"),
         ("ADP", "IN", "with", 8, "prep"), ("DET", "DT", "the", 11, "det"), ("NOUN", "NN", "anniversary", 9, "pobj"),
         ("PUNCT", ".", ".", 1, "punct")],
    ),
    # the speaker taken for an adjunct of the participle, the verb left without a subject
    "Tom Reid, said that": (
        "Speaking in his defence , Tom Reid , said that the couple should be cleared .",
        [("VERB", "VBG", "speak", 8, "advcl"), ("ADP", "IN", "in", 0, "prep"), ("PRON", "PRP$", "his", 3, "poss"),
         ("NOUN", "NN", "defence", 1, "pobj"), ("PUNCT", ",", ",", 0, "punct"), ("PROPN", "NNP", "Tom", 6, "compound"),
         ("PROPN", "NNP", "Reid", 0, "npadvmod"), ("PUNCT", ",", ",", 8, "punct"), ("VERB", "VBD", "say", 8, "ROOT"),
         ("SCONJ", "IN", "that", 15, "mark"), ("DET", "DT", "the", 11, "det"), ("NOUN", "NN", "couple", 15, "nsubjpass"),
         ("AUX", "MD", "should", 15, "aux"), ("AUX", "VB", "be", 15, "auxpass"), ("VERB", "VBN", "clear", 8, "ccomp"),
         ("PUNCT", ".", ".", 8, "punct")],
    ),
    # the clause hung from the adverb: "shouting out loud that …"
    "shouting out loud that": (
        "Voters remember a mayor shouting out loud that he would win .",
        [("NOUN", "NNS", "voter", 1, "nsubj"), ("VERB", "VBP", "remember", 1, "ROOT"), ("DET", "DT", "a", 3, "det"),
         ("NOUN", "NN", "mayor", 1, "dobj"), ("VERB", "VBG", "shout", 3, "acl"), ("ADP", "RP", "out", 4, "prt"),
         ("ADV", "RB", "loud", 4, "advmod"), ("SCONJ", "IN", "that", 10, "mark"), ("PRON", "PRP", "he", 10, "nsubj"),
         ("AUX", "MD", "would", 10, "aux"), ("VERB", "VB", "win", 6, "ccomp"), ("PUNCT", ".", ".", 1, "punct")],
    ),
}


@pytest.mark.parametrize("form", list(_MISPARSED))
def test_reported_speech_survives_the_parses_that_lose_its_clause(nlp, form):
    from spacy.tokens import Doc

    text, rows = _MISPARSED[form]
    words = text.split(" ")
    doc = Doc(
        nlp.vocab,
        words=words,
        spaces=[k + 1 < len(words) for k in range(len(words))],
        pos=[r[0] for r in rows],
        tags=[r[1] for r in rows],
        lemmas=[r[2] for r in rows],
        heads=[r[3] for r in rows],
        deps=[r[4] for r in rows],
    )
    [result] = suggest_doc(doc, [(0, len(doc.text))])
    assert "quote" in result["labels"], result


# -- the claim score (a logistic model over the rules' evidence) ---------------------------------
CLAIM_SENTENCES = [
    "The ministry said 40 people died in the floods on Monday.",
    "Prices rose 8.3 percent last year, the fastest rise since 1981.",
    "The senator denied taking the money.",
    "Police arrested three men in Leeds.",
    "The company has cut 200 jobs since March.",
    "It may rain tomorrow.",
    "What a wonderful day it was!",
    "Why are teachers unhappy?",
    "I think this is a terrible idea.",
    "We should all be grateful.",
    "The bridge was built in 1932 and carries 40,000 cars a day.",
    "Critics argued that the law would hurt renters.",
]


def test_claim_scores_take_many_values_and_rank_checkable_sentences_first(nlp):
    scores = [suggest(nlp, s)[0]["scores"]["claim"] for s in CLAIM_SENTENCES]
    assert len(set(scores)) >= 11  # the hand-set sum gave a handful of values
    checkable = scores[:5] + [scores[10]]
    opinion = scores[5:10]
    assert min(checkable) > max(opinion)


CHECKWORTHY_SENTENCES = [
    "The senator visited a factory in Ohio on Monday.",
    "We spent $3.2 billion on the border last year.",
    "Unemployment is at 3.9 percent, the lowest rate in 50 years.",
    "I love the farmers of Iowa and they love me.",
    "We want low taxes.",
    "We are going to build a great wall.",
    "Is that right?",
    "Thank you very much.",
    "The mayor resigned after the scandal.",
    "China charges us 25 percent on cars.",
    "It was the biggest win since Ronald Reagan.",
    "I think he is a fine man.",
    "Crime fell by 12 percent in Chicago in 2018.",
    "They never paid a dime.",
    "The company hired 2,000 workers in Michigan.",
    "We had a great meeting with the President.",
    "I hope we can make a deal.",
    "Prices are higher than ever before.",
]


def test_checkworthiness_ranks_figures_first_with_many_values(nlp):
    """Sentences written for the test: a figure outranks a plain event that the claim score puts
    first; feelings, wishes, plans, questions and courtesies come last; few ties."""
    results = {s: suggest(nlp, s)[0] for s in CHECKWORTHY_SENTENCES}
    worth = {s: r["checkworthy"] for s, r in results.items()}
    assert len(set(worth.values())) >= len(CHECKWORTHY_SENTENCES) - 1
    assert all(0.0 <= v <= 1.0 and round(v, 4) == v for v in worth.values())
    event, figure = "The senator visited a factory in Ohio on Monday.", "China charges us 25 percent on cars."
    assert results[event]["scores"]["claim"] > results[figure]["scores"]["claim"]  # the claim score
    assert worth[figure] > worth[event]  # check-worthiness
    figures = [s for s in CHECKWORTHY_SENTENCES if results[s]["scores"]["statistic"] >= THRESHOLD]
    mind = ["I love the farmers of Iowa and they love me.", "We want low taxes.", "We are going to build a great wall.",
            "Is that right?", "Thank you very much.", "I think he is a fine man.", "I hope we can make a deal."]
    assert len(figures) == 5 and min(worth[s] for s in figures) > max(worth[s] for s in CHECKWORTHY_SENTENCES if s not in figures)
    assert max(worth[s] for s in mind) < min(worth[s] for s in CHECKWORTHY_SENTENCES if s not in mind)


def test_checkworthiness_reads_feelings_plans_and_comparisons(nlp):
    from tagline.core.suggest import claims

    def features(sentence: str) -> dict:
        out: list = []
        suggest_doc(nlp(sentence), [(0, len(sentence))], out)
        return out[0]

    assert features("I love the farmers of Iowa.").get("feeling") == 1.0
    assert features("We want low taxes.").get("feeling") == 1.0
    assert "feeling" not in features("Farmers want low taxes.")  # a claim about others' wishes
    assert features("We are going to build a wall.").get("plan") == 1.0
    assert features("Prices are higher than ever before.").get("compares") == 1.0
    assert features("It was the biggest win since 1984.").get("compares") == 1.0
    base = {"past": 1.0, "actor": 1.0, "actors": 0.69, "length": 2.0}
    for name, direction in (("feeling", -1), ("plan", -1), ("judgement", -1), ("question_or_fragment", -1),
                            ("compares", 1), ("figure_score", 1)):
        moved = claims.checkworthiness({**base, name: 1.0}) - claims.checkworthiness(base)
        assert moved * direction > 0, name


def line_features(nlp, sentence: str) -> dict:
    out: list = []
    suggest_doc(nlp(sentence), [(0, len(sentence))], out)
    return out[0]


def test_lengths_and_ages_are_statistics_but_not_figures_worth_checking(nlp):
    """How long something lasted, an age or a small count is a statistic for the label, but the
    figure weight of check-worthiness was set on percentages, money, quantities and counts: a
    length must not outrank a percentage or a sum of money by that weight (lines written for the
    test)."""
    from tagline.core.suggest.speakers import transcript_checkworthiness

    for sentence, reason in (("He served in the Senate for 25 years.", "length: for 25 years"),
                             ("She is 82 years old.", "age: 82 years old")):
        [result] = suggest(nlp, sentence)
        assert "statistic" in result["labels"] and result["scores"]["statistic"] == 0.7
        assert result["reasons"]["statistic"] == reason
        features = line_features(nlp, sentence)
        assert features["statistic_score"] == 0.7 and features["figure_score"] == 0.0
    assert line_features(nlp, "Taxes went up 25 percent.")["figure_score"] == 0.92
    two = line_features(nlp, "He wrote two letters to the mayor.")
    assert (two["statistic_score"], two["figure_score"]) == (0.6, 0.45)  # "two" weighed 0.45 then
    lines = [
        ("TRUMP", "They spent two days in Ohio."),
        ("TRUMP", "Taxes went up 25 percent under her watch."),
        ("CLINTON", "He got a loan of $14 million from his father."),
        ("CLINTON", "Our jobs are fleeing the country."),
    ]
    texts = [text for _, text in lines]
    ranks = transcript_checkworthiness([who for who, _ in lines], texts, [line_features(nlp, t) for t in texts])
    assert ranks[0] < min(ranks[1], ranks[2])


def test_a_transcript_line_that_says_what_another_said_outranks_the_speakers_own(nlp):
    """In a transcript, "he said" is the speaker asserting the other's record, which fact-checkers
    check; in news it is the writer citing a source, and news check-worthiness ignores it. Sentences
    written for the test."""
    from tagline.core.suggest import claims

    other, own = "He said that wages are too high.", "I said it was a terrible deal."
    assert line_features(nlp, other).get("attributes") == 1.0
    assert "attributes" not in line_features(nlp, own)  # the speaker's own words
    assert "attributes" not in line_features(nlp, "Did he say that?")  # a question asserts nothing
    assert line_features(nlp, "Donald thinks that climate change is a hoax.").get("attributes") == 1.0
    news = {s: claims.checkworthiness(line_features(nlp, s)) for s in (other, own)}
    spoken = {s: claims.checkworthiness(line_features(nlp, s), role=claims.ANSWERS) for s in (other, own)}
    assert news[other] < news[own]  # news: unchanged by the attribution
    assert spoken[other] > spoken[own]
    # The speaker's own words weigh in a transcript as in news but for the terms and the squeeze.
    own_words = dict(line_features(nlp, own), terms=0.0)
    log_odds = lambda p: math.log(p / (1 - p))  # noqa: E731
    assert log_odds(claims.checkworthiness(own_words, role=claims.ANSWERS)) * claims.TRANSCRIPT_SQUEEZE == pytest.approx(
        log_odds(claims.checkworthiness(own_words)) * 2.0
    )


def test_a_record_said_in_a_debate_ranks_with_the_figures(nlp):
    """A record ("the highest prices in the world", "no raise in 15 years", "80 years since") is
    what fact-checkers check in a debate as they do a figure, though it has no number; a length of
    time alone ("for 25 years"), a comparison with no reach or a plan is none. In news the record
    does not count. Lines written for the test."""
    from tagline.core.suggest import claims
    from tagline.core.suggest.speakers import transcript_checkworthiness

    records = ("Americans haven't had a raise in 15 years.",
               "It has been over 80 years since a lame duck president appointed a justice.",
               "We pay the highest prices in the world for prescription drugs.",
               "We have more people in jail than any other country.",
               "He passed the toughest rules since the 1930s.")
    for sentence in records:
        assert line_features(nlp, sentence).get("record") == 1.0, sentence
    for sentence in ("He served in the Senate for 25 years.", "Prices are higher than last year.",
                     "We will fix it in four years.", "And women have been disadvantaged ever since."):
        assert "record" not in line_features(nlp, sentence), sentence
    lines = [
        ("WOODRUFF", "Senator, what would you do about the price of drugs?"),
        ("SANDERS", "He served in the Senate for 25 years."),
        ("SANDERS", "The governor signed the bill in Madison last week."),
        ("CLINTON", "Americans haven't had a raise in 15 years."),
        ("SANDERS", "We pay the highest prices in the world for prescription drugs."),
        ("CLINTON", "Prices are higher than last year."),
    ]
    texts = [text for _, text in lines]
    features = [line_features(nlp, t) for t in texts]
    ranks = transcript_checkworthiness([who for who, _ in lines], texts, features)
    order = sorted(range(len(lines)), key=lambda k: -ranks[k])
    assert order[0] == 3  # the record first, above the biography and the event
    assert ranks[4] > ranks[5]  # a comparison with the world over one with last year
    # In news the record weighs nothing: the same score as without it.
    record = features[3]
    assert claims.checkworthiness(record) == claims.checkworthiness({k: v for k, v in record.items() if k != "record"})


TRANSCRIPT = [
    ("HOLT", "Good evening from Hofstra University."),
    ("HOLT", "Stop-and-frisk was ruled unconstitutional in New York in 2013."),
    ("HOLT", "What changed your mind?"),
    ("SYSTEM", "(APPLAUSE)"),
    ("TRUMP", "Thank you, Lester."),
    ("TRUMP", "Ford is moving its small car division to Mexico."),
    ("TRUMP", "Thousands of jobs are leaving Michigan and Ohio."),
    ("TRUMP", "Did he say that?"),
    ("TRUMP", "We have to stop it."),
    ("TRUMP", "They have a VAT tax."),
    ("TRUMP", "We are losing our good jobs."),
    ("TRUMP", "It is a disaster."),
    ("QUESTION", "Mr. President, the deficit grew by 17 percent last year."),
]


def test_the_lines_of_those_who_ask_rank_below_the_answers(nlp):
    """A moderator's statement of the record outranks a candidate's claim by its text alone; in the
    transcript the moderator asks, so the candidate's claim comes first (lines written for the
    test). Those who ask: the audience, a journalist's question, a speaker with many questions."""
    from tagline.core.suggest import claims
    from tagline.core.suggest.speakers import asking_speakers, transcript_checkworthiness

    speakers = [who for who, _ in TRANSCRIPT]
    texts = [text for _, text in TRANSCRIPT]
    assert asking_speakers(TRANSCRIPT) == {"HOLT", "SYSTEM", "QUESTION"}  # TRUMP: 1 question in 8 lines
    assert asking_speakers([("", "Why?"), ("A", "Prices rose.")]) == frozenset()  # no name, no one
    features = [line_features(nlp, text) for text in texts]
    text_only = [claims.checkworthiness(f) for f in features]
    ranks = transcript_checkworthiness(speakers, texts, features)
    moderator, candidate = 1, 5
    assert text_only[moderator] > text_only[candidate]
    assert ranks[candidate] > ranks[moderator]
    assert ranks[candidate] == round(claims.checkworthiness(features[candidate], role=claims.ANSWERS), 4)
    assert max(ranks[k] for k, who in enumerate(speakers) if who != "TRUMP") < min(ranks[5], ranks[6])
    assert all(0.0 <= v <= 1.0 for v in ranks)


def test_claim_probability_orders_as_the_score_and_the_model_falls_back(nlp, tmp_path, monkeypatch):
    from tagline.core.suggest import claims

    model = claims.claim_model()
    assert model is not None and len(model["features"]) == len(model["coef"]) >= 10
    features = [{"past": 1.0, "actor": 1.0, "length": 2.0}, {"modal": 1.0, "length": 1.5}, {"question_or_fragment": 1.0}]
    scores = [claims.claim_score(f) for f in features]
    probabilities = [claims.claim_probability(f) for f in features]
    assert sorted(range(3), key=scores.__getitem__) == sorted(range(3), key=probabilities.__getitem__)
    monkeypatch.setattr(claims, "MODEL_FILE", tmp_path / "missing.json")
    claims.claim_model.cache_clear()
    try:
        assert claims.claim_model() is None
        assert claims.claim_score(features[0]) == claims.hand_score(features[0])
    finally:
        monkeypatch.undo()
        claims.claim_model.cache_clear()


def test_the_claim_model_reads_no_feature_only_check_worthiness_weighs(nlp):
    """A refit of the claim model (bench/fit_claim.py) took every feature a sentence has, the term
    model's log-odds and the other check-worthiness-only ones included: what it reads and what it
    leaves out are now one list, the shipped model's features and that list disjoint."""
    from tagline.core.suggest import claims

    fit_claim = bench_module("fit_claim")
    model = set(claims.claim_model()["features"])
    assert not model & claims.CHECKWORTHY_ONLY
    weighed = set(claims.CHECKWORTHY_WEIGHTS) | set(claims.TRANSCRIPT_WEIGHTS)
    assert weighed <= model | claims.CHECKWORTHY_ONLY
    doc = nlp("Taxes are the highest in the world, 40 percent. I feel we plan to do better. You called it great.")
    out: list[dict] = []
    suggest_doc(doc, [(s.start_char, s.end_char) for s in doc.sents], out)
    assert set().union(*out) & claims.CHECKWORTHY_ONLY  # the sentences do carry some
    names = fit_claim.feature_names(out)
    assert names and not set(names) & claims.CHECKWORTHY_ONLY


# Statistic recall (eighth round): forms among the tuning part's statistic misses, each test sentence
# taken from the tuning part (its article and index beside it), grouped by the form the rules missed,
# with look-alikes that must stay no statistic (tuning false alarms and written ones).
TUNING_STATISTICS = {
    # ages: "N years old", "N-year-old", "aged N", "at the age of N", "Name, N,", "He was N"
    "wn2020-conway#3": "Conway was 82 years old.",
    "wn2020-reading-stabbing#2": "A 25-year-old man was arrested by Thames Valley Police on suspicion of murder.",
    "wikinews-defector#2": "Daniel Montalvo, 19, a member of Scientology all his life, was arrested after leaving its elite group the Sea Org.",
    "wikinews-imprisoned#3": "She joined the Sea Org aged 14.",
    "wn2020-nkurunziza#1": "Pierre Nkurunziza, the President of Burundi, died at the age of 55 on Monday.",
    "wn2020-al-quaety#2": "He was 34 and reported extensively on the nation's ongoing civil war.",
    # lengths of an event: "for twelve years", "three days of mourning", "an 11-year lull", "every ten years"
    "wikinews-imprisoned#0": "Australian woman claims Church of Scientology imprisoned her for twelve years",
    "wn2020-qaboos#4": "The government of Oman announced three days of mourning.",
    "wikinews-korea#11": "South Korea had recently started to broadcast propaganda from loudspeakers after an 11-year lull.",
    "wn2020-clemency#10": "Her sentence was commuted after serving twelve years.",
    "wikinews-warhol#17": "Institutional recipients, said Mauer, are required to exhibit their donated Warhol photographs every ten years as one stipulation.",
    # counting words the recogniser marks as numbers, magnitudes after "one"
    "wikinews-stampede#0": "Hundreds dead in Hajj stampede",
    "wn2020-argentina-abortion#4": "Thousands of people had gathered outside the National Congress with slogans supporting the legalisation of abortion of pregnancy.",
    "wn2020-one-million#0": "SARS-CoV-2 surpasses one million infections worldwide",
    # counts after "the", of a part or a whole, of "two", with a hyphen, before a plural name
    "wn2020-ukrainian-jet#2": "The 176 people on board were all killed.",
    "wn2020-bangladesh#7": "She also said two of the victims were from Dhaka.",
    "wikinews-afghan#6": "Teams from different countries were arranged in groups of three, and groups faced off in pairs.",
    "wn2020-impeachment-vote#7": "On December 18, the House passed two articles of impeachment.",
    "wikinews-sensitive#2": "The 131-page document was found on Castlefrank Road in Kanata, Ontario in a rain-stained, tire-marked brown envelope by a passerby.",
    "wikinews-worship#5": "Today, about 100,000 Greeks worship the ancient gods, such as Zeus, Hera, Poseidon, Aphrodite, and Athena.",
    "wn2020-super-tuesday#12": "In second place, former Vice President of the United States Joe Biden had 54.",
    # how many times: "twice"
    "wikinews-afghan#13": "They were twice denied visas to enter the United States.",
    # scores and ranges, multiples of a quantity, money with a currency code, a magnitude
    "wikinews-soccer#34": "Group G — Tunisia 1–2 England",
    "wikinews-soccer#42": "The first half ended 1–1 on the scoreboard.",
    "wn2020-covid-flu#14": "The measles R0 is about 12–18.",
    "wn2020-frog-skulls#16": "Since 1973, when frogs skulls were last comprehensively surveyed, scientists have documented enough new species to double the number known to humans.",
    "wikinews-warhol#40": "Which as we all know in 2014, has only increased probably a thousand fold.",
    "wn2020-sanders-ends#6": "He spoke about affordable higher education, healthcare, and raising the federal minimum wage to USD15 an hour in his announcement.",
    # (a guard: a measure noun before the number must not make it a name)
    "wn2020-puerto-rico#1": "On Wednesday morning, a magnitude 5.2 earthquake hit the already rattled United States commonwealth of Puerto Rico.",
}
NOT_STATISTICS = [
    # tuning sentences: names and ranks after a noun, times of day, ordinals, parts of a match
    "Microsoft waits for death of Internet Explorer 6",  # wikinews-ie9#0
    "On Saturday, Caloundra defeated Maroochydore in round 3 of the 2020 Sunshine Coast Rugby Union season.",  # wn2020-caloundra-maroochydore#1
    "Nikoloz Basilashvili, a Georgian tennis player with current world ranking number 27, was arrested on Friday on a charge of domestic violence in front of a minor.",  # wn2020-basilashvili#1
    "Indeed, News 12 reported, only buildings adjacent to the break were without water service.",  # wn2020-white-plains#13
    "By about 22:00 local time (2100 UTC) on Tuesday the flames were under control.",  # wn2020-sola-airport#15
    "In the second half, Hwang Hee-Chan was booked for a bad foul.",  # wikinews-soccer#9
    "Serbian protesters try to storm Parliament; fourth day of protests",  # wn2020-belgrade-protests#0
    'He said, "Andy Warhol was the center of the Zeitgeist for the 20th century and everything since.',  # wikinews-warhol#60
    # tuning sentences: spans of time that place an event, references, dates, kinds
    "Every team in the contest was sent a collection of robot parts roughly four months in advance of the competition.",  # wikinews-afghan#29
    "Anyone sticking their head above the parapet and claiming they know where the world will be in 12-36 months is sticking their finger in the air.",  # newssd-train-2#11
    'Of the thousands, Wikinews spoke with a cosplayer going by the name "The Katherinator".',  # wikinews-expo#25
    "Mr Key promoted the campaign for a unique New Zealand flag on Waitangi Day - February 6 - this year.",  # wikinews-flag#9
    "In the 2016 United States presidential election, Sanders also lost in all three of these states to Hillary Clinton.",  # wn2020-arizona-florida-illinois#9
    "In the 69th minute, Romelu Lukaku doubled the lead for Belgium, scoring a header from Kevin De Bruyne's assist.",  # wikinews-soccer#24
    "Two-person crews are protected in this agreement, a critical safety issue that the carriers have been trying to attack.",  # newssd-train-1#2
    # written for the test
    "Gloria died two days later.",
    "The vote was held ten years ago.",
    "The report is due within 48 hours.",
    "She spent much of the last five months of her life in hospital.",
    "He was one of the founders of the party.",
    "The team was ranked No. 1 in the country.",
    "Apollo 11 landed on the Moon.",
    "The retailer Forever 21 closed its stores.",
    "The meeting was held at 10 Downing Street.",
    "Step 2 is to open the valve.",
    "The ceremony ended at 9 pm.",
    "The virus that causes COVID-19 reached the F-16 plant.",
    "She is a second year art major.",
]


@pytest.mark.parametrize("where", list(TUNING_STATISTICS))
def test_tuning_forms_of_statistics_are_statistics(nlp, where):
    results = suggest(nlp, TUNING_STATISTICS[where])
    assert all("statistic" in r["labels"] for r in results), results


@pytest.mark.parametrize("sentence", NOT_STATISTICS)
def test_look_alikes_of_statistics_are_not_statistics(nlp, sentence):
    results = suggest(nlp, sentence)
    assert not any("statistic" in r["labels"] for r in results), results


def test_suggest_reads_a_long_paragraph_as_the_reader_does(tmp_path, monkeypatch, capsys):
    """`tagline suggest` gave spaCy whole paragraphs: a 10⁶-character one ended it in a traceback
    (E088), and memory and time grew with a long one. It now reads the reader's chunks: runs of
    whole sentences, none too long for the model (that one is suggested nothing)."""
    from tagline.core.nlp import streaming

    monkeypatch.setattr(streaming, "MAX_CHUNK_CHARS", 200)
    monkeypatch.setattr(streaming, "MAX_SENTENCE_CHARS", 500)
    nlp, _info = load_pipeline("en_core_web_sm")
    monkeypatch.setattr(nlp, "max_length", 1_000)  # spaCy's limit, as 10⁶ is to a real paragraph
    giant = " ".join(["word"] * 300)  # 1,499 characters, no full stop
    sentences = " ".join(f"Officials said {n} people were hurt on Monday." for n in range(12))
    article = tmp_path / "long.txt"
    article.write_text(f"{sentences}\n{giant}\nThe mayor said taxes rose by 5 percent.\n", encoding="utf-8")
    assert main(["suggest", str(article), "--format", "jsonl"]) == 0
    captured = capsys.readouterr()
    assert "1 sentence longer than 500 characters (sentence 13) read by no model" in captured.err
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert len(rows) == 14 and [r["index"] for r in rows] == list(range(14))
    assert all("quote" in r["labels"] and "statistic" in r["labels"] for r in rows[:12])
    assert rows[12]["labels"] == [] and rows[12]["text"].startswith("word")
    assert "statistic" in rows[13]["labels"]


def test_a_sentence_too_long_for_the_model_is_answered_empty_and_named(tmp_path, monkeypatch):
    """A sentence past :data:`MAX_SENTENCE_CHARS` (spaCy refuses 10⁶ characters) is never sent to
    the model; it comes back at once with no entities, named in ``too_long`` so the reader says so,
    and is not left for ever "parsing"."""
    from tagline.core.articles import Article
    from tagline.core.nlp import ParseCache, resolve_model, stream_annotations, streaming

    monkeypatch.setattr(streaming, "MAX_CHUNK_CHARS", 200)
    monkeypatch.setattr(streaming, "MAX_SENTENCE_CHARS", 500)
    giant = " ".join(["word"] * 300)  # 1,499 characters, no full stop
    article = Article("t", "t.txt", f"The council met on Monday.\n{giant}\nIt voted 9 to 2.\n")
    batches = list(stream_annotations(article, resolve_model("en_core_web_sm"), None, ParseCache(tmp_path)))
    assert len(batches) == 1
    assert batches[0].too_long == (1,)
    assert batches[0].entities == {1: []}
