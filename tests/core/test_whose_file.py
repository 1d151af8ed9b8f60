"""Whose answers a file holds is the folder it sits in, never the name written inside it.

On a shared server each annotator folder is its owner's (``store.not_yours``, and the kernel); what a
file says about its annotator, or a decision about its reviewer, is whatever its writer typed. A file
in bob's folder that says ``annotator: alice`` must neither be exported as alice's nor push alice's
own file out.
"""

from __future__ import annotations

import json

import yaml

from tagline import cli

ARTICLE = ("story", "A first claim here.\nA second sentence there.\n")


def _relabel(path, **changes) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _rows(capsys, root, *extra) -> tuple[int, list[dict], str]:
    status = cli.main(["export", "--format", "jsonl", "--annotations", str(root), *extra])
    out, err = capsys.readouterr()
    return status, [json.loads(line) for line in out.splitlines()], err


def test_a_file_naming_another_annotator_is_read_as_its_folders(annotations, capsys):
    annotations.write("alice", ARTICLE, {0: ["claim"], 1: []})
    # "aaron" sorts before alice: read by the name inside it, his file took alice's place.
    forged = annotations.write("aaron", ARTICLE, {0: ["quote"], 1: ["quote"]})
    _relabel(forged, annotator="alice")
    status, rows, err = _rows(capsys, annotations.root, "--merge", "each")
    answers = {(r["annotator"], r["index"]): r["labels"] for r in rows}
    assert answers == {("aaron", 0): ["quote"], ("aaron", 1): ["quote"], ("alice", 0): ["claim"], ("alice", 1): []}
    assert "says annotator 'alice' but sits in the folder of 'aaron'" in err
    assert status == 1  # the lead is told, in one line per file
    assert cli.main(["agree", "--annotations", str(annotations.root), "--format", "json"]) == 1
    agreed = json.loads(capsys.readouterr().out)
    assert sorted(agreed["annotators"]) == ["aaron", "alice"]


def test_a_decision_naming_another_reviewer_is_read_as_its_folders(annotations, capsys):
    annotations.write("alice", ARTICLE, {0: ["claim"], 1: []})
    review = {"decided_by": "lead", "decided_at": "2026-11-30T10:00:00Z", "annotators": {"alice": ["claim"], "bob": ["quote"]}}
    annotations.write("bob", ARTICLE, {0: ["quote"]}, reviews={0: review})
    status, rows, err = _rows(capsys, annotations.root)
    [decided] = [r for r in rows if r["index"] == 0]
    assert decided["decided"] == "reviewed" and decided["annotator"] == "bob" and decided["review"]["decided_by"] == "bob"
    assert "decisions say decided_by 'lead' but sit in the folder of 'bob'" in err and status == 1
