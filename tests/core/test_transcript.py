"""Transcripts that name their speakers (``tagline suggest --transcript``): the two forms, lines
without a speaker, what is not a label, and the check-worthiness that reads the speakers. Every
transcript here is written for the test."""

from __future__ import annotations

import pytest

from tagline.core import articles
from tagline.core.articles import Article
from tagline.core.transcript import LABELLED, TAB, Transcript, form, speaker_label, turns


def said(text: str) -> list[tuple[str | None, str]]:
    return [(turn.speaker, text[turn.start : turn.end]) for turn in turns(text)]


# -- SPEAKER: text -------------------------------------------------------------------------------
def test_labelled_paragraphs_and_their_continuations():
    text = (
        "Transcript of the first debate\n\n"
        "HOLT: Good evening. What changed your mind?\n\n"
        "TRUMP: We're losing our jobs.\n\n"
        "They are going to Mexico.\n"
        "Lester Holt: Thank you.\n"
    )
    assert form(text) == LABELLED
    assert said(text) == [
        (None, "Transcript of the first debate"),  # before any speaker: none named
        ("HOLT", "Good evening. What changed your mind?"),
        ("TRUMP", "We're losing our jobs."),
        ("TRUMP", "They are going to Mexico."),  # a paragraph without a label: the last speaker's
        ("Lester Holt", "Thank you."),
    ]


def test_a_hard_wrapped_turn_is_one_paragraph_and_a_label_always_starts_a_new_one():
    text = (
        "HOLT: Stop-and-frisk was ruled unconstitutional in New York, in part\n"
        "because it was used to target\n"
        "TRUMP: No, you're wrong. It went before a\n"
        "judge who was a very against-police judge.\n"
    )
    assert said(text) == [
        ("HOLT", "Stop-and-frisk was ruled unconstitutional in New York, in part\nbecause it was used to target"),
        ("TRUMP", "No, you're wrong. It went before a\njudge who was a very against-police judge."),
    ]


def test_stage_directions_name_no_one_and_the_turn_goes_on():
    text = "CLINTON: Thank you.\n(APPLAUSE)\n[CROSSTALK]\nWe will create jobs.\n"
    assert said(text) == [("CLINTON", "Thank you."), (None, "(APPLAUSE)"), (None, "[CROSSTALK]"), ("CLINTON", "We will create jobs.")]


def test_a_label_alone_on_its_line_with_a_time_stamp_gives_the_next_lines_to_its_speaker():
    text = "Lester Holt: (01:12)\nGood evening from Hofstra University.\n\nDonald Trump: (02:15)\nThank you, Lester.\n"
    assert said(text) == [("Lester Holt", "Good evening from Hofstra University."), ("Donald Trump", "Thank you, Lester.")]
    assert said("[00:01:23] Q: Is it true?\n") == [("Q", "Is it true?")]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("TRUMP: We're losing our jobs.", "TRUMP"),
        ("Lester Holt: Good evening.", "Lester Holt"),
        ("SEN. WARREN (D-MA): Yes.", "SEN. WARREN (D-MA)"),
        ("Bill de Blasio: We did.", "Bill de Blasio"),
        ("Secretary of State Blinken: We did.", "Secretary of State Blinken"),
        ("Speaker 2: Right.", "Speaker 2"),
        ("**Clinton:** I have a plan.", "Clinton"),
        ("**O'Rourke**: I have a plan.", "O'Rourke"),
        ("Ángel Pérez: Hola.", "Ángel Pérez"),
        ("Q: Mr. President?", "Q"),
    ],
)
def test_speaker_labels(line, name):
    found = speaker_label(line)
    assert found is not None and found[0] == name
    assert line[found[1] :].strip() and not line[found[1]].isspace()


@pytest.mark.parametrize(
    "line",
    [
        "The answer is simple: no.",  # lower-case words: a sentence, not a name
        "He said: we will win.",
        "At 10:30: the vote.",
        "See https://example.org for more.",
        "TRUMP:no space after the colon",
        "A Name Of Far Too Many Words For Anyone At All: x",
        "de Blasio: a particle cannot start a name",
        "Sales rose 12%: a record.",
    ],
)
def test_not_speaker_labels(line):
    assert speaker_label(line) is None


def test_the_words_keep_their_offsets_in_crlf_text_and_sentences_get_their_speakers():
    text = "\ufeffMODERATOR: Welcome. Is this on?\r\n\r\nSMITH: Taxes rose 4 percent. They did.\r\n"
    transcript = Transcript(Article("t", "t.txt", text))
    sentences = [text[s.start : s.end] for s in transcript.sentences]
    assert sentences == ["Welcome.", "Is this on?", "Taxes rose 4 percent.", "They did."]
    assert transcript.speakers == ["MODERATOR", "MODERATOR", "SMITH", "SMITH"]
    assert transcript.named


def test_a_text_that_names_no_one_is_no_transcript():
    news = "The council met on Monday. It voted to close the road.\n\nResidents were not told.\n"
    transcript = Transcript(Article("n", "n.txt", news))
    assert not transcript.named and transcript.speakers == [None, None, None]


# -- speaker<TAB>text ----------------------------------------------------------------------------
def test_tab_separated_lines_with_and_without_line_numbers():
    numbered = "1\tHOLT\tGood evening.\n2\tTRUMP\tWe are losing jobs.\t1\n3\tTRUMP:\t Mexico is taking them. \n"
    assert form(numbered) == TAB
    assert said(numbered) == [("HOLT", "Good evening."), ("TRUMP", "We are losing jobs."), ("TRUMP", "Mexico is taking them.")]
    plain = "HOLT\tGood evening.\r\nTRUMP\tThank you.\r\n"
    assert said(plain) == [("HOLT", "Good evening."), ("TRUMP", "Thank you.")]


def test_a_tab_file_line_without_a_speaker_continues_the_last_one():
    text = "intro line\nHOLT\tGood evening.\nwelcome to the debate\n\tand an empty speaker cell\nTRUMP\tThanks.\n"
    assert form(text) == TAB  # 3 of 5 lines hold a tab
    assert said(text) == [
        (None, "intro line"),
        ("HOLT", "Good evening."),
        ("HOLT", "welcome to the debate"),
        ("HOLT", "and an empty speaker cell"),
        ("TRUMP", "Thanks."),
    ]


def test_a_stray_tab_does_not_make_a_labelled_transcript_tab_separated():
    text = "HOLT: Good evening.\nTRUMP: We will\tcut taxes.\nCLINTON: No.\n"
    assert form(text) == LABELLED
    assert said(text)[1] == ("TRUMP", "We will\tcut taxes.")


def test_speaker_names_are_kept_as_written_whatever_they_hold():
    text = "1\tEvil\x1b]0;pwned\x07 [bold]X[/bold]\tTaxes rose.\n"
    assert said(text) == [("Evil\x1b]0;pwned\x07 [bold]X[/bold]", "Taxes rose.")]


def test_tsv_files_are_read_only_when_asked_for(tmp_path):
    (tmp_path / "debate.tsv").write_text("1\tHOLT\tGood evening.\n", encoding="utf-8")
    (tmp_path / "news.txt").write_text("Prices rose.\n", encoding="utf-8")
    assert [a.id for a in articles.load([tmp_path])[0]] == ["news"]
    assert [a.id for a in articles.load([tmp_path], articles.TRANSCRIPT_SUFFIXES)[0]] == ["debate", "news"]
    found, problems = articles.load([tmp_path / "debate.tsv"])
    assert not found and "not an article file" in problems[0].reason


# -- who asks ------------------------------------------------------------------------------------
def test_a_press_conference_q_asks_and_spellings_of_one_name_are_one_speaker():
    from tagline.core.suggest.speakers import asking_speakers

    lines = [("Q", "Thank you."), ("Q", "Inflation is at 9 percent."), ("Q", "Some say you caused it."), ("Q", "Do you agree?"),
             ("Q", "And the tariffs."), ("Q", "They cost $10 billion."), ("Q", "Farmers are angry.")]
    assert asking_speakers(lines) == {"Q"}  # 1 question in 7 lines, under the share: by its name
    moderator = [("Holt", "Welcome."), ("HOLT", "Jobs fell."), ("holt ", "Why?"), ("HOLT", "Taxes rose."), ("Holt", "Prices rose.")]
    assert asking_speakers(moderator) == {"Holt", "HOLT", "holt "}  # 1 in 5 as one speaker; 1 in 1 apart


# -- the check-worthiness of a transcript (the real model) ---------------------------------------
@pytest.fixture(scope="module")
def nlp():
    from tagline.core.suggest import load_pipeline

    return load_pipeline("en_core_web_sm")[0]


DEBATE = (
    "HOLT: Stop-and-frisk was ruled unconstitutional in New York in 2013. What changed your mind?\n\n"
    "TRUMP: Ford is moving its small car division to Mexico. Thousands of jobs are leaving Michigan. "
    "We have to stop it.\n"
)


def test_a_transcript_gets_the_check_worthiness_of_its_speakers(nlp):
    from tagline.core.suggest import suggest_articles
    from tagline.core.suggest.speakers import transcript_checkworthiness

    transcript = Transcript(Article("d", "d.txt", DEBATE))
    [results] = list(suggest_articles(nlp, [transcript]))
    texts = [DEBATE[s.start : s.end] for s in transcript.sentences]
    features: list = []
    from tagline.core.suggest import suggest_doc

    for text in texts:
        suggest_doc(nlp(text), [(0, len(text))], features)
    expected = transcript_checkworthiness(transcript.speakers, texts, features)
    assert [r["checkworthy"] for r in results] == pytest.approx(expected, abs=1e-4)
    as_news = list(suggest_articles(nlp, [Article("d", "d.txt", DEBATE.replace("HOLT: ", "").replace("TRUMP: ", ""))]))[0]
    assert as_news[0]["checkworthy"] > as_news[2]["checkworthy"]  # by its text, the moderator's record first
    assert results[2]["checkworthy"] > results[0]["checkworthy"]  # read as a transcript, the answer first


# -- tagline suggest --transcript (in process; the real entry point: tests/e2e/test_suggest_transcript.py)
def run_suggest(capsys, *arguments: str) -> tuple[int, str, str]:
    from tagline.cli import main

    code = main(["suggest", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_jsonl_rows_carry_the_speaker_and_offsets_into_the_file(tmp_path, capsys):
    import json

    path = tmp_path / "debate.txt"
    path.write_text(DEBATE, encoding="utf-8")
    code, out, err = run_suggest(capsys, str(path), "--transcript", "--format", "jsonl")
    assert code == 0 and err == ""
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["speaker"] for r in rows] == ["HOLT", "HOLT", "TRUMP", "TRUMP", "TRUMP"]
    assert all(DEBATE[r["start"] : r["end"]] == r["text"] for r in rows)
    assert list(rows[0]) == ["article", "index", "start", "end", "speaker", "text", "labels", "scores", "reasons", "checkworthy"]
    code, out, _ = run_suggest(capsys, str(path), "--format", "jsonl")  # without the flag: news, as before
    assert code == 0 and all("speaker" not in json.loads(line) for line in out.splitlines())
    assert json.loads(out.splitlines()[0])["text"].startswith("HOLT: ")


def test_the_most_check_worthy_first_in_both_formats(tmp_path, capsys):
    import json

    path = tmp_path / "debate.txt"
    path.write_text(DEBATE, encoding="utf-8")
    code, out, _ = run_suggest(capsys, str(path), "--transcript", "--format", "jsonl", "--order", "checkworthy")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and sorted(r["index"] for r in rows) == list(range(5))
    values = [r["checkworthy"] for r in rows]
    assert values == sorted(values, reverse=True) and rows[0]["speaker"] == "TRUMP"
    code, out, _ = run_suggest(capsys, str(path), "--transcript", "--order", "checkworthy")
    order = [int(line.split("│")[2]) for line in out.splitlines() if line.startswith("│ debate")]
    assert code == 0 and order == [r["index"] for r in rows]


def test_a_hostile_speaker_name_is_data_in_the_table_and_in_jsonl(tmp_path, capsys, monkeypatch):
    import json

    monkeypatch.setenv("COLUMNS", "80")
    name = "Evil\x1b]0;pwned\x07[bold]X[/bold]"
    path = tmp_path / "hostile.tsv"
    path.write_text(f"1\t{name}\tTaxes rose 4 percent last year.\n2\tHOLT\tWhy?\n", encoding="utf-8")
    code, out, err = run_suggest(capsys, str(path), "--transcript")
    assert code == 0 and err == ""
    assert "\x1b" not in out and "\x07" not in out
    speaker_column = "".join(line.split("│")[3].strip() for line in out.splitlines() if line.startswith("│"))
    assert speaker_column.startswith("Evil␛]0;pwned␇[bold]X[/bold]")  # as written, wrapped in its column
    assert all(len(line) <= 80 for line in out.splitlines())
    code, out, _ = run_suggest(capsys, str(path), "--transcript", "--format", "jsonl")
    assert "\x1b" not in out and "\x07" not in out
    assert json.loads(out.splitlines()[0])["speaker"] == name  # the same data for any JSON reader


def test_a_file_that_names_no_speaker_is_one_line_and_the_rest_is_suggested(tmp_path, capsys):
    import json

    news = tmp_path / "news.txt"
    news.write_text("The council met on Monday.\n", encoding="utf-8")
    debate = tmp_path / "debate.txt"
    debate.write_text(DEBATE, encoding="utf-8")
    code, out, err = run_suggest(capsys, str(news), str(debate), "--transcript", "--format", "jsonl")
    assert code == 1
    assert {json.loads(line)["article"] for line in out.splitlines()} == {"debate"}
    [line] = err.strip().splitlines()
    assert "news.txt: names no speaker" in line and "left out" in line
