"""Setting a team up as a lead would, and getting it slightly wrong: one line naming the fix, never
a queue or a count over something that is not the team's corpus."""

from __future__ import annotations

from tagline import cli

TEAM = "team:\n  annotators: [alice, bob]\n  per_article: 2\n  reviewers: [lead]\n"


def test_a_team_without_a_seeds_folder_is_refused_not_routed_over_the_bundled_sample(tmp_path, monkeypatch, capsys):
    """The articles in articles/ instead of seeds/: `tagline` opened the bundled sample as each
    annotator's queue ("your queue: 1 article") and status counted that one article."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tagline.yaml").write_text(TEAM, encoding="utf-8")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "story.txt").write_text("One sentence. Another.\n", encoding="utf-8")
    (tmp_path / "annotations").mkdir()
    for command in (["status"], ["status", "--format", "json"], ["open", "--annotator", "alice", "--model", "none"], []):
        assert cli.main(command) == 1, command
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "no seeds/ folder here: put the team's articles in seeds/" in err[0], err
        assert "tagline.yaml" in err[0]
    # Named on the command line, status routes over them as before.
    assert cli.main(["status", "articles", "--format", "json"]) == 0
    assert '"story"' in capsys.readouterr().out
    assert not (tmp_path / "annotations" / "alice").exists()


def test_status_of_a_new_team_shows_its_routing_before_anyone_has_begun(tmp_path, monkeypatch, capsys):
    """Before the first session there is no annotations folder: status failed ("no such annotations
    folder") where the lead wanted to see who gets what. Without a team, it still fails so."""
    import json

    monkeypatch.chdir(tmp_path)
    (tmp_path / "tagline.yaml").write_text(TEAM, encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    for n in range(3):
        (tmp_path / "seeds" / f"story{n}.txt").write_text("One sentence. Another.\n", encoding="utf-8")
    assert cli.main(["status", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {name: a["assigned"] for name, a in report["annotators"].items()} == {"alice": 3, "bob": 3}
    assert report["summary"]["not started"] == 3
    assert cli.main(["status"]) == 0
    assert "alice" in capsys.readouterr().out
    assert not (tmp_path / "annotations").exists()  # status writes nothing
    (tmp_path / "tagline.yaml").unlink()
    assert cli.main(["status"]) == 1
    assert "annotations" in capsys.readouterr().err


def test_status_without_a_team_or_seeds_counts_the_articles_with_files_not_the_bundled_sample(tmp_path, monkeypatch, capsys):
    """In a folder with no seeds/, status counted the bundled sample article among the corpus ("3
    not started", one of them an article nobody here had opened), and its JSON gave a number of
    articles "assigned" where the table, rightly, said n/a."""
    import json

    from tagline.core.articles import Article
    from tagline.core.labels import DEFAULT_SCHEME
    from tagline.core.session import Session

    monkeypatch.chdir(tmp_path)
    session = Session([Article("story", "story.txt", "One sentence. Another.")], tmp_path / "annotations", "alice", DEFAULT_SCHEME)
    session.confirm()
    session.close()
    assert cli.main(["status", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report["articles"]) == ["story"]
    assert report["annotators"]["alice"]["assigned"] is None and report["team"] is False


def test_prepare_with_a_mistyped_team_section_prepares_nothing(tmp_path, monkeypatch, capsys):
    """`per_artcle: 2`: prepare said "prepared 20 articles", exit 0, into the lead's own cache, and
    the team had no project cache (every annotator then ran a model process of their own)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TAGLINE_CACHE", str(tmp_path / "own-cache"))
    (tmp_path / "tagline.yaml").write_text(TEAM.replace("per_article", "per_artcle"), encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "story.txt").write_text("One sentence. Another.\n", encoding="utf-8")
    assert cli.main(["prepare", "seeds", "--jobs", "1"]) == 1
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and "unknown key 'per_artcle' (did you mean 'per_article'?)" in err[0], err
    assert err[0].endswith("nothing prepared") and "prepared" not in captured.out
    assert not (tmp_path / "own-cache").exists() and not (tmp_path / "annotations").exists()


def test_serve_without_a_path_gives_each_visitor_their_queue(tmp_path, monkeypatch):
    """`tagline serve` with no PATH ran every visitor's `tagline open seeds ...`: with a PATH there is
    no queue, so a team in the browser saw every article in corpus order instead of its routing."""
    from tagline.app import serve

    monkeypatch.chdir(tmp_path)
    (tmp_path / "tagline.yaml").write_text(TEAM, encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "story.txt").write_text("One sentence. Another.\n", encoding="utf-8")
    seen = []
    monkeypatch.setattr(serve, "run", lambda args, scheme: seen.append(serve.open_arguments(args)) or 0)
    assert cli.main(["serve"]) == 0
    assert cli.main(["serve", "seeds"]) == 0
    unnamed, named = seen
    assert unnamed[0] == "--annotations" and "seeds" not in unnamed
    assert named[0] == "seeds"
    # What each visitor runs: no PATH, so the team's queue (tagline open's own rule).
    args = cli.build_parser().parse_args(["open", *unnamed, "--annotator", "alice"])
    assert args.paths == []
