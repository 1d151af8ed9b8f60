"""bench/eval_attribution.py: the Content spans of a brat file, the 30 % coverage rule, the split by
file name, and a run on a small folder in PolNeAR's layout written for the test (PolNeAR's own text
stays outside the repository)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench_modules import bench_module


def attribution():
    return bench_module("eval_attribution")


ANN = (
    "T1\tSource 0 5\tSmith\n"
    "T2\tCue 6 10\tsaid\n"
    "T3\tContent 11 20;25 30\tthe plan failed\n"
    "E1\tAttribution:T2 Source:T1 Content:T3\n"
    "#1\tAnnotatorNotes T3\tnote\n"
)


def test_content_spans_take_every_fragment_of_content_only():
    assert attribution().content_spans(ANN) == [(11, 20), (25, 30)]


def test_a_malformed_span_is_a_data_error():
    with pytest.raises(attribution().DataError):
        attribution().content_spans("T1\tContent 4 x\tword\n", "a.ann")


def test_coverage_counts_non_space_characters():
    text = "ab cd ef"
    mask = bytearray(len(text))
    mask[0:2] = b"\x01\x01"
    assert attribution().covered_share(text, 0, len(text), mask) == pytest.approx(2 / 6)
    assert attribution().covered_share(text, 2, 3, mask) == 0.0  # only a space


def test_the_split_depends_on_the_name_alone():
    part_of = attribution().part_of
    names = [f"outlet_2016-01-{d:02d}_story-{d}" for d in range(1, 29)]
    parts = [part_of(n) for n in names]
    assert parts == [part_of(n) for n in names]
    assert set(parts) == {"tuning", "held-out"}


def write_article(folder: Path, name: str, text: str, contents: list[tuple[int, int]], annotator: str = "a1b2") -> None:
    (folder / "text").mkdir(parents=True, exist_ok=True)
    (folder / "attributions").mkdir(parents=True, exist_ok=True)
    (folder / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
    lines = [f"T{k}\tContent {a} {b}\t{text[a:b]}\n" for k, (a, b) in enumerate(contents, 1)]
    (folder / "attributions" / f"{name}_{annotator}.ann").write_text("".join(lines), encoding="utf-8")


def test_a_run_scores_the_tuning_part_and_lists_its_errors(tmp_path, capsys):
    module = attribution()
    quoted = "The minister said that the talks had failed."
    plain = "The river flows north through the valley."
    text = f"{quoted}\n\n{plain}\n"
    names = [n for n in (f"paper_2016-02-{d:02d}_talks" for d in range(1, 29)) if module.part_of(n) == "tuning"][:2]
    start = text.index("the talks")
    for name in names:
        write_article(tmp_path, name, text, [(start, start + len("the talks had failed"))])
    (tmp_path / "text" / "paper_2016-03-01_no-ann.txt").write_text(plain, encoding="utf-8")
    assert module.main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "| tuning | rules | 1.000" in out
    assert module.main([str(tmp_path), "--errors", "tuning"]) == 0
    assert capsys.readouterr().out == ""


def test_a_folder_not_in_polnear_form_is_refused(tmp_path, capsys):
    assert attribution().main([str(tmp_path)]) == 1
    assert "text/ and attributions/" in capsys.readouterr().err
