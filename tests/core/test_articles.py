import json

from tagline.core.articles import load


def test_folder_of_mixed_files_with_bad_ones_reported(tmp_path):
    (tmp_path / "good.txt").write_text("A sentence. Another one.\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# Title\n\nBody text here.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02abc")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 au lait.".encode("latin-1"))
    (tmp_path / "many.jsonl").write_text(
        json.dumps({"id": "x1", "text": "From JSON.", "meta": {"src": "wire"}}) + "\n" + "not json\n" + json.dumps({"text": "No id."}) + "\n",
        encoding="utf-8",
    )
    articles, problems = load([tmp_path])
    ids = [a.id for a in articles]
    assert ids == ["good", "latin1", "x1", "many-3", "notes"]
    reasons = {p.path.split("/")[-1]: p.reason for p in problems}
    assert reasons["empty.txt"] == "empty"
    assert "binary" in reasons["binary.txt"]
    assert "not valid UTF-8" in reasons["latin1.txt"]
    assert "not a JSON line" in reasons["many.jsonl:2"]
    assert articles[2].meta == {"src": "wire"}
    assert "\ufffd" in articles[1].text


def test_missing_path_and_wrong_suffix(tmp_path):
    (tmp_path / "data.csv").write_text("a,b\n")
    articles, problems = load([tmp_path / "nope", tmp_path / "data.csv"])
    assert not articles
    assert [p.reason for p in problems] == ["no such file or folder", "not an article file (expected .txt, .md, .jsonl)"]


def test_bom_is_not_text(tmp_path):
    (tmp_path / "bom.txt").write_bytes("\ufeffHello there.".encode("utf-8"))
    articles, _ = load([tmp_path])
    assert articles[0].text == "Hello there."
