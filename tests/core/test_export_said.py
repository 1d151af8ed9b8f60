"""What export says when something it read is not as tagline wrote it: never "nothing left out"
after a file was refused, and an article id that is not the file's name read as the name, said."""

from __future__ import annotations


def test_the_summary_never_says_nothing_left_out_after_a_file_was_refused(tmp_path, capsys):
    """A file refused (empty, unparseable, another scheme's label) was said above, then the summary
    line said "nothing left out" and the other annotator's answers went out as "single"."""
    from tagline import cli
    from tagline.core.articles import Article
    from tagline.core.labels import DEFAULT_SCHEME
    from tagline.core.session import Session

    root = tmp_path / "annotations"
    for who, label in (("alice", "claim"), ("bob", "quote")):
        session = Session([Article("a1", "a1.txt", "One here. Two there.")], root, who, DEFAULT_SCHEME)
        session.toggle(label)
        session.close()
    (root / "alice" / "a1.yaml").write_text("", encoding="utf-8")
    assert cli.main(["export", "--annotations", str(root), "--format", "jsonl"]) == 1
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert "nothing left out" not in last and "1 problem with the annotation files said above" in last


def test_an_article_id_that_is_not_the_files_name_is_read_as_the_name_and_said(tmp_path, capsys):
    """alice's a1.yaml saying ``id: zzz`` went out as article zzz, bob's as a1, both "single": their
    dispute hidden, in silence. It is read as a1 (as status and the app read it), and said."""
    import yaml

    from tagline import cli
    from tagline.core.articles import Article
    from tagline.core.labels import DEFAULT_SCHEME
    from tagline.core.session import Session

    root = tmp_path / "annotations"
    for who, label in (("alice", "claim"), ("bob", "quote")):
        session = Session([Article("a1", "a1.txt", "One here. Two there.")], root, who, DEFAULT_SCHEME)
        session.toggle(label)
        session.close()
    path = root / "alice" / "a1.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["article"]["id"] = "zzz"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert cli.main(["export", "--annotations", str(root), "--format", "jsonl"]) == 1
    captured = capsys.readouterr()
    assert "article.id 'zzz' is not the file's name; read as 'a1'" in captured.err
    assert "1 in dispute" in captured.err and captured.out == ""
