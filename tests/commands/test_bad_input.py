"""Bad input to the commands: one clear line on stderr, the contract's exit status, nothing dropped or
attributed silently, and text from the files shown as visible characters, never as terminal control."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tagline import cli

ARTICLE = "schema: tagline.annotations/1\narticle: {{id: {id}, path: {id}.txt}}\nannotator: {annotator}\n" \
          "labels: [claim, quote, statistic]\nsentences:\n" \
          "  - {{index: 0, start: 0, end: 4, text: One., status: done, labels: [claim]}}\n"


def write(root, folder, article_id, annotator):
    path = root / folder / f"{article_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ARTICLE.format(id=article_id, annotator=annotator), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [["stats"], ["agree"], ["status", "."], ["export", "--format", "jsonl", "--out", "out.jsonl"]])
def test_an_annotator_that_is_not_text_is_one_line_naming_the_file(tmp_path, monkeypatch, capsys, command):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "annotations", "alice", "a", "alice")
    write(tmp_path / "annotations", "bob", "a", "bob")
    bad = write(tmp_path / "annotations", "bob", "b", "[bob, carol]")
    assert cli.main([*command, "--annotations", "annotations"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"tagline: {bad.relative_to(tmp_path)}: 'annotator' must be a name (text), not ['bob', 'carol']" in err, err
    assert not any("Traceback" in line for line in err)


def test_an_imported_row_whose_annotator_is_not_text_is_left_out_not_given_to_the_default(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    rows = [{"text": "One.", "accept": ["claim"], "answer": "accept", "meta": {"article": "a", "annotator": ["alice", "bob"]}},
            {"text": "Two.", "accept": [], "answer": "accept", "meta": {"article": "a", "annotator": "alice"}}]
    (tmp_path / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert cli.main(["import", "rows.jsonl", "--format", "prodigy", "--annotations", "annotations"]) == 1
    err = capsys.readouterr().err
    assert ("tagline: rows.jsonl:1: 'meta.annotator' must be a name (text), not ['alice', 'bob']; row left out "
            "(--annotator NAME takes every row)") in err.splitlines()
    assert sorted(p.name for p in (tmp_path / "annotations").iterdir()) == ["alice"]  # none under 'tester'
    # Named on the command line, every row is that annotator's, whatever the row says.
    assert cli.main(["import", "rows.jsonl", "--format", "prodigy", "--annotations", "named", "--annotator", "dora"]) == 0


def test_a_mistyped_scheme_key_refuses_the_command_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scheme.yaml").write_text("lables:\n  - {name: opinion, keys: [o]}\n", encoding="utf-8")
    (tmp_path / "annotations").mkdir()
    assert cli.main(["stats", "--annotations", "annotations", "--labels", "scheme.yaml"]) == 1
    assert capsys.readouterr().err == ("tagline: scheme.yaml: unknown key 'lables' (did you mean 'labels'?); "
                                       "the file takes labels, exclusive, team\n")


def test_a_mistyped_key_in_tagline_yaml_refuses_the_command_in_one_line(tmp_path, monkeypatch, capsys):
    """Beside a team, ``lables:`` was ignored and the team annotated with the default labels."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tagline.yaml").write_text("team: {annotators: [alice]}\nlables: [opinion]\n", encoding="utf-8")
    (tmp_path / "annotations").mkdir()
    assert cli.main(["status", "--annotations", "annotations"]) == 1
    assert capsys.readouterr().err == (f"tagline: {tmp_path / 'tagline.yaml'}: unknown key 'lables' (did you mean 'labels'?); "
                                       "the file takes labels, exclusive, team\n")


def test_an_escape_in_a_mistyped_key_reaches_stderr_as_a_glyph(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scheme.yaml").write_text('labels: [claim]\n"\\e]0;owned\\a\\e[2J": 1\n', encoding="utf-8")
    (tmp_path / "annotations").mkdir()
    assert cli.main(["agree", "--annotations", "annotations", "--labels", "scheme.yaml"]) == 1
    err = capsys.readouterr().err
    assert err == "tagline: scheme.yaml: unknown key '\u241b]0;owned\u2407\u241b[2J'; the file takes labels, exclusive, team\n"
    assert "\x1b" not in err and "\x07" not in err


@pytest.mark.e2e  # the real command line, in a child process
def test_the_app_with_a_mistyped_scheme_prints_one_line_and_does_not_start(tmp_path):
    (tmp_path / "scheme.yaml").write_text('labels: [claim]\n"\\e[2Jexclusiv": true\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text("The mayor said it rained.\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "VIRTUAL_ENV", "TAGLINE_CACHE", "XDG_CONFIG_HOME")}
    env.update({"TAGLINE_ANNOTATOR": "tester", "PYTHONIOENCODING": "utf-8", "TERM": "xterm-256color"})
    tagline = os.path.join(os.path.dirname(sys.executable), "tagline")
    done = subprocess.run([tagline, "open", "a.txt", "--labels", "scheme.yaml", "--model", "none"], cwd=tmp_path, env=env,
                          capture_output=True, stdin=subprocess.DEVNULL, timeout=120)
    assert done.returncode == 1
    assert done.stdout == b""  # the app never started: no screen drawn, no terminal mode set
    assert done.stderr.decode("utf-8") == ("tagline: scheme.yaml: unknown key '\u241b[2Jexclusiv' (did you mean 'exclusive'?); "
                                           "the file takes labels, exclusive, team\n")
    assert not (tmp_path / "annotations").exists()


DEEP = "[" * 100_000 + "]" * 100_000  # json.loads raised RecursionError on it: a traceback


def test_a_line_nested_too_deeply_is_one_line_in_import(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    good = {"text": "The river rose.", "answer": "accept", "accept": ["claim"], "meta": {"article": "river", "annotator": "dora"}}
    (tmp_path / "rows.jsonl").write_text(json.dumps(good) + "\n" + DEEP + "\n", encoding="utf-8")
    assert cli.main(["import", "rows.jsonl", "--format", "prodigy", "--annotations", "annotations"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "rows.jsonl:2: not a JSON line (nested too deeply" in err, err
    assert (tmp_path / "annotations" / "dora" / "river.yaml").exists()  # the good line imported


def test_a_journal_line_nested_too_deeply_is_skipped_and_the_rest_replayed(tmp_path):
    from tagline.core.store import journal_entries

    journal = tmp_path / "river.journal"
    journal.write_text('{"index": 0, "labels": ["claim"]}\n' + DEEP + '\n{"index": 1, "labels": []}\n', encoding="utf-8")
    assert [entry["index"] for entry in journal_entries(journal)] == [0, 1]


@pytest.mark.parametrize("argv, command", [
    (["export", "--format", "xml"], "tagline export"),
    (["open", "--bogus"], "tagline open"),
    (["--bogus"], "tagline open"),  # no command: open's
    (["agree", "--format"], "tagline agree"),
    (["status", "--format", "csv", "stray"], "tagline status"),
])
def test_a_usage_error_is_one_line_naming_the_command(argv, command, capsys):
    """The contract: a usage error exits 2 with a one-line reason on stderr. argparse printed its
    whole usage block first (seven lines for a wrong --format), and an option the command does not
    know was said with the usage of ``tagline``, not of the command."""
    from tagline import cli

    with pytest.raises(SystemExit) as raised:
        cli.main(argv)
    assert raised.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith(f"{command}: ") and line.endswith(f"(see {command} --help)")


@pytest.mark.parametrize("line", [
    '{"start": [0], "end": 9}',  # crashed every reader: unhashable type 'list'
    '{"start": {"a": 1}, "end": 9}',
    '{"start": 0, "end": 9, "text": "One here.", "status": "done", "labels": [{"a": 1}]}',  # became a label "{'a': 1}"
    '{"start": 0, "end": 9, "text": "One here.", "status": "done", "labels": ["claim"], "flag": "false"}',  # became flag: true
    '[1, 2]',
    # A decision whose reviewer is a number: it made the whole file unreadable to every reader.
    '{"start": 0, "end": 9, "text": "One here.", "status": "done", "labels": ["claim"], "extra": {"review": {"decided_by": 5}}}',
])
def test_a_journal_line_that_is_not_an_action_is_said_and_left_out_by_every_reader(tmp_path, monkeypatch, capsys, line):
    """A line of a journal that parses but is not an action as tagline writes one crashed export,
    agree, stats, status and review with a traceback, or was folded into the file as garbage."""
    import yaml

    from tagline import cli
    from tagline.core.articles import Article
    from tagline.core.labels import DEFAULT_SCHEME
    from tagline.core.session import Session
    from tagline.core.store import SentenceState

    root = tmp_path / "annotations"
    article = Article("a1", "a1.txt", "One here. Two there.")
    session = Session([article], root, "alice", DEFAULT_SCHEME)
    session.store.set(1, SentenceState("done", ("quote",), updated="2026-12-03T08:00:00Z"))
    session.close()
    journal = root / "alice" / "a1.journal"
    good = '{"start": 10, "end": 20, "text": "Two there.", "status": "done", "labels": ["claim"]}'
    journal.write_text(line + "\n" + good + "\n", encoding="utf-8")
    for command in (["export", "--format", "jsonl"], ["agree"], ["stats"], ["status"]):
        status = cli.main([*command, "--annotations", str(root)])
        captured = capsys.readouterr()
        assert status == 1, command
        assert "Traceback" not in captured.err
        [said] = [m for m in captured.err.splitlines() if "a1.journal" in m]
        assert "not tagline's actions" in said and "left out" in said
    session = Session([article], root, "alice", DEFAULT_SCHEME)  # the app replays the good line, says the bad
    assert "not tagline's actions" in (session.store.notice or "")
    assert session.store.get(1).labels == ("claim",)
    session.close()
    [first, second] = yaml.safe_load((root / "alice" / "a1.yaml").read_text(encoding="utf-8"))["sentences"]
    assert first["labels"] == [] and "flag" not in first and second["labels"] == ["claim"]


@pytest.mark.parametrize("argv", [
    ["stats", "--annotations", "missing"],  # and "no annotation files under missing"
    ["agree", "--annotations", "missing"],  # and an empty table, "Agreement of nobody"
    ["export", "--format", "jsonl", "--annotations", "missing"],  # and a summary of nothing
    ["review", "story.txt", "--annotations", "missing"],  # and two lines more
    ["import", "missing.jsonl", "--format", "jsonl"],  # and "imported 0 sentences into 0 …"
    ["serve", "missing.txt"],  # "nobody can log in yet" first, the reason second, then a third line
], ids=lambda argv: argv[0])
def test_a_missing_input_is_one_line_and_nothing_else(tmp_path, monkeypatch, capsys, argv):
    """The contract: exit 1 "with a one-line reason on stderr". These said the reason, then went on
    to say what followed from it, or printed an empty table."""
    from tagline import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "story.txt").write_text("The mayor said it rained.\n", encoding="utf-8")
    assert cli.main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert "missing" in line and ("no such" in line or "cannot be read" in line), line


@pytest.mark.parametrize(("word", "meant"), [("stat", "stats"), ("exprot", "export"), ("sugest", "suggest")])
def test_a_mistyped_command_is_a_usage_error_naming_the_command(tmp_path, monkeypatch, capsys, word, meant):
    """``tagline stat`` was opened as an article path: "nothing to open: stat: no such file or
    folder", exit 1, with no word of the command meant."""
    from tagline import cli

    monkeypatch.chdir(tmp_path)
    assert cli.main([word]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert f"did you mean `tagline {meant}`?" in line
    (tmp_path / word).mkdir()  # a folder by that name is a folder of articles, as before
    assert cli.main([word]) == 1
    assert "nothing to open" in capsys.readouterr().err


def test_every_option_and_argument_of_every_command_says_what_it_is():
    """``export --format``, ``suggest --model``, most ``--labels`` and ``review PATH`` had no help."""
    import argparse

    from tagline.cli import build_parser

    parser = build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    silent = [f"{name} {'/'.join(action.option_strings) or action.dest}"
              for name, sub in commands.choices.items() for action in sub._actions
              if not isinstance(action, argparse._HelpAction) and not action.help]
    assert silent == []
