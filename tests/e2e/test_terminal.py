"""The contract, end to end: a real terminal, the installed command, the YAML it leaves."""

from __future__ import annotations

import yaml

ARTICLE = "000_88201f31feaf2608"


def read(workdir, annotator="tester"):
    path = workdir / "annotations" / annotator / f"{ARTICLE}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_first_run_tags_and_quits_with_the_yaml_on_disk(terminal, workdir):
    terminal.start("--model none")
    terminal.wait_for("0/34 done")
    terminal.keys("c", "j", "q", "s", "j", "Space", "f", "u", "C-q")
    terminal.wait_for("TAGLINE-EXIT-0")
    data = read(workdir)
    assert data["schema"] == "tagline.annotations/1"
    assert data["annotator"] == "tester"
    assert data["article"]["path"] == f"seeds/{ARTICLE}.txt"
    assert data["model"] == {"name": "none", "version": None}
    sentences = data["sentences"]
    assert len(sentences) == 34
    assert sentences[0]["labels"] == ["claim"]
    assert sentences[1]["labels"] == ["quote", "statistic"]
    assert sentences[2]["status"] == "done" and sentences[2]["labels"] == []
    assert "flag" not in sentences[3]  # undone
    text = (workdir / "seeds" / f"{ARTICLE}.txt").read_text(encoding="utf-8")
    assert all(text[s["start"] : s["end"]] == s["text"] for s in sentences)


def test_entities_from_the_real_model_and_state_on_reopen(terminal, workdir):
    terminal.start("--annotator alice")
    terminal.wait_for("parsing")  # the article is taggable while the model works
    terminal.wait_for("en_core_web_sm 3.8.0")
    terminal.keys("c", "C-q")
    terminal.wait_for("TAGLINE-EXIT-0")
    data = read(workdir, "alice")
    assert data["model"] == {"name": "en_core_web_sm", "version": "3.8.0"}
    first = data["sentences"][0]
    assert {"start": 20, "end": 28, "label": "DATE"} in first["entities"]  # "Thursday"
    assert first["text"][20:28] == "Thursday"


def test_missing_model_is_a_notice_not_a_traceback(terminal, workdir):
    terminal.start("--model no_such_model_xyz")
    screen = terminal.wait_for("not installed")
    assert "Traceback" not in screen
    terminal.keys("c", "C-q")
    terminal.wait_for("TAGLINE-EXIT-0")
    assert read(workdir)["sentences"][0]["labels"] == ["claim"]
