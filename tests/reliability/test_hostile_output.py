"""Nothing from a file reaches the terminal through what a command prints.

A seeded generator writes hostile values (OSC 0 title and OSC 52 clipboard writes, CSI, DCS, C1
controls, bidi overrides and isolates, BEL, NUL, backspace, DEL, CR, NEL, Rich/Textual markup) into
every field of every kind of file tagline reads, and into folder and file names. Every command then
runs as a real process on them, and what it writes to stderr, and to stdout where a person reads it
(tables, JSON, exports to standard output), is searched for terminal controls: none may be there.
Data written to files keeps the values as they were.

``TAGLINE_FUZZ_ROUNDS`` sets the number of seeded rounds (default 2).
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.e2e

ESC, BEL = "\x1b", "\x07"
PIECES = [
    f"{ESC}]0;pwned{BEL}",  # set the window title
    f"{ESC}]52;c;cHduZWQ={BEL}",  # write the clipboard
    f"{ESC}[2J{ESC}[31mred",  # clear the screen, colour
    f"{ESC}P1;2|x{ESC}\\",  # device control string
    "\x9b31mC1",  # C1 CSI
    "\x9d0;c1title\x9c",  # C1 OSC … ST
    "\u202edesrever\u202c",  # bidi override
    "\u2066iso\u2069",  # bidi isolate
    BEL + BEL,
    "nul\x00nul",
    "back\x08\x7fdel",
    "cr\rret",
    "nel\x85",
    "[bold]b[/bold]",
    "[@click=app.quit]q[/]",
]
#: What must never reach a terminal: C0 controls but line feed, DEL, C1 controls, bidi controls.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")

TAGLINE = [sys.executable, "-m", "tagline"]


def hostile(rng: random.Random, piece: str | None = None) -> str:
    piece = piece if piece is not None else rng.choice(PIECES)
    return f"{rng.choice(['evil', 'x', 'Bob'])}{piece}{rng.choice(['', 'end', ' tail'])}"


def file_name(rng: random.Random, piece: str | None = None) -> str:
    """A hostile name a file system takes: no slash, no NUL."""
    return hostile(rng, piece).replace("/", "_").replace("\x00", "0")


def sentence_text(rng: random.Random, i: int) -> str:
    return f"The council said {i} things {hostile(rng)} about the river."


def write_files(root: Path, seed: int) -> dict[str, Path]:
    """Every kind of file tagline reads, each field hostile. Returns the paths the commands use."""
    rng = random.Random(seed)
    pieces = iter(PIECES * 20)  # every piece used, in turn
    h = lambda: hostile(rng, next(pieces))  # noqa: E731
    paths: dict[str, Path] = {}

    # Articles: .txt and .md under a hostile folder and file name, a .jsonl with hostile ids and meta.
    folder = root / "corpus" / file_name(rng, next(pieces))
    folder.mkdir(parents=True)
    body = " ".join(sentence_text(rng, i) for i in range(4))
    (folder / f"{file_name(rng, next(pieces))}.txt").write_text(body + "\n", encoding="utf-8")
    (folder / f"{file_name(rng, next(pieces))}.md").write_text(f"# {h()}\n\n{body}\n", encoding="utf-8")
    lines = [{"id": "feed-1", "text": f"{h()} said the mayor. {h()} was the reply.", "meta": {h(): h()}},
             {"id": h(), "text": "An id that names no file."},
             {"id": "feed-2", "text": h(), "meta": h()}]
    (folder / "feed.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json " + h() + "\n", encoding="utf-8")
    (folder / f"{file_name(rng, next(pieces))}.txt").write_bytes(b"binary\x00" + h().encode("utf-8"))
    paths["corpus"] = root / "corpus"

    # Annotation files of two annotators in hostile folders, every field hostile.
    texts = [sentence_text(rng, i) for i in range(3)]
    for annotator in ("ann1", "ann2", "ann3"):  # the third's labels are not in the scheme: refused, and said
        who = h()
        sentences, start = [], 0
        for i, text in enumerate(texts):
            sentences.append({
                "index": i, "start": start, "end": start + len(text), "text": text, "status": "done",
                "labels": [h(), "claim"] if annotator == "ann3" else (["claim", "quote"] if (i + (annotator == "ann2")) % 2 else ["quote"]),
                "entities": [{"start": 0, "end": 3, "label": h()}],
                "flag": True, "note": h(), "updated": h(),
                "suggested": {"labels": [h()], "scores": {h(): 0.5}, "reasons": {h(): h()}},
                "duplicate_of": {"article": h(), "index": 0},
                h(): h(),
            })
            if annotator == "ann1" and i == 2:  # a reviewer's decision
                sentences[-1]["review"] = {"decided_by": h(), "decided_at": h(), "annotators": {h(): ["claim"]}, "note": h()}
            start += len(text) + 1
        document = {
            "schema": "tagline.annotations/1",
            "article": {"id": "story", "path": h(), "sha256": h()},
            "annotator": who, "labels": [h(), "claim"], "model": {"name": h(), "version": h()},
            "sentences": sentences,
            "orphans": [{"text": h(), "labels": [h()], "note": h(), "start": 0, "end": 3}],
            h(): h(),
        }
        target = root / "annotations" / file_name(rng, next(pieces)) / "story.yaml"
        target.parent.mkdir(parents=True)
        target.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    broken = root / "annotations" / file_name(rng, next(pieces))
    broken.mkdir()
    (broken / "story.yaml").write_text(f"schema: tagline.annotations/1\nsentences: [{{text: '{h()}'\n", encoding="utf-8")
    (broken / "other.yaml").write_text(yaml.safe_dump({"schema": h(), "sentences": h()}, allow_unicode=True), encoding="utf-8")
    (broken / "typed.yaml").write_text(yaml.safe_dump({"schema": "tagline.annotations/1", "article": {"id": h()},
                                                       "sentences": [{"start": h(), "text": h(), "labels": h()}]},
                                                      allow_unicode=True), encoding="utf-8")
    paths["annotations"] = root / "annotations"

    # Label schemes: one that loads (hostile guideline and colour), two refused (hostile key, name).
    scheme = {"labels": [{"name": "claim", "keys": ["c"], "guideline": h(), "colour": h()},
                         {"name": "quote", "keys": ["q"], "guideline": h()}], "exclusive": False}
    paths["scheme"] = root / "scheme.yaml"
    paths["scheme"].write_text(yaml.safe_dump(scheme, allow_unicode=True), encoding="utf-8")
    paths["bad_key"] = root / "bad-key.yaml"
    key = h()
    paths["bad_key"].write_text(yaml.safe_dump({"labels": [{"name": "claim", "keys": [key]}, {"name": "quote", "keys": [key]}]},
                                               allow_unicode=True), encoding="utf-8")
    paths["bad_name"] = root / "bad-name.yaml"
    paths["bad_name"].write_text(yaml.safe_dump({"labels": [{"name": h()}], "exclusive": h()}, allow_unicode=True), encoding="utf-8")
    paths["bad_yaml"] = root / f"{file_name(rng, next(pieces))}.yaml"
    paths["bad_yaml"].write_text(f"labels: [{h()}\n", encoding="utf-8")

    # Import files: Prodigy, doccano and our own JSONL, with hostile text, labels, meta and a bad line.
    prodigy = [{"text": h(), "accept": [h(), "claim"], "answer": "accept", "spans": [{"start": 0, "end": 2, "label": h()}],
                "meta": {"article": "imported", "annotator": h(), "index": 0, "start": 0}},
               {"text": h(), "label": h(), "meta": {"article": h()}}]
    doccano = [{"text": h(), "label": [h(), "quote"], "meta": {"article": "imported", "annotator": h()}},
               {"text": h(), "labels": h(), "article": h()}]
    own = [{"text": h(), "labels": [h()], "article": "imported", "annotator": h(), "index": 0, "start": 0, "end": 5,
            "note": h(), "flag": True, "review": {"by": h()}, "status": h()}]
    for name, rows in (("prodigy", prodigy), ("doccano", doccano), ("jsonl", own)):
        paths[f"import_{name}"] = root / f"{name}-{file_name(rng, next(pieces))}.jsonl"
        paths[f"import_{name}"].write_text("\n".join(json.dumps(r) for r in rows) + f"\n{{{h()}\n", encoding="utf-8")

    # The app's own files: settings and a theme (read by open and review).
    config = root / "config" / "tagline"
    (config / "themes").mkdir(parents=True)
    (config / "settings.yaml").write_text(yaml.safe_dump({"theme": h(), "keymap": {h(): h()}, h(): h()}, allow_unicode=True), encoding="utf-8")
    (config / "themes" / f"{file_name(rng, next(pieces))}.yaml").write_text(
        yaml.safe_dump({"name": h(), "primary": h(), "variables": {h(): h()}}, allow_unicode=True), encoding="utf-8")
    return paths


def commands(paths: dict[str, Path], out: Path) -> list[tuple[str, list[str], str]]:
    """(name, arguments, what stdout is: table, json or data)."""
    a, c = str(paths["annotations"]), str(paths["corpus"])
    found: list[tuple[str, list[str], str]] = [
        ("agree", ["agree", "--annotations", a], "table"),
        ("agree json", ["agree", "--annotations", a, "--format", "json"], "json"),
        ("agree scheme", ["agree", "--annotations", a, "--labels", str(paths["scheme"])], "table"),
        ("agree annotators", ["agree", "--annotations", a, "--annotators", "ann1,\x1b]0;pwned\x07"], "table"),
        ("stats", ["stats", "--annotations", a], "table"),
        ("stats scheme", ["stats", "--annotations", a, "--labels", str(paths["scheme"])], "table"),
        ("suggest table", ["suggest", c, "--model", "en_core_web_sm"], "table"),
        ("suggest jsonl", ["suggest", c, "--model", "en_core_web_sm", "--format", "jsonl"], "json"),
        ("suggest no model", ["suggest", c, "--model", "none"], "table"),
        ("prepare", ["prepare", c, "--model", "none"], "table"),
        ("train", ["train", "--annotations", a, "--out", str(out / "model")], "table"),
        ("open missing", ["open", str(paths["corpus"] / "nothing-here" / "\x1b]0;pwned\x07.txt"), "--model", "none"], "table"),
        ("open bad key", ["open", c, "--labels", str(paths["bad_key"])], "table"),
        ("open bad name", ["open", c, "--labels", str(paths["bad_name"])], "table"),
        ("open bad yaml", ["open", c, "--labels", str(paths["bad_yaml"])], "table"),
        ("review bad key", ["review", "--annotations", a, "--labels", str(paths["bad_key"])], "table"),
        ("review nothing", ["review", "--annotations", str(out / "empty")], "table"),
        ("review missing", ["review", "--annotations", a, "--annotators", "\x1b]0;pwned\x07"], "table"),
        ("serve host", ["serve", "--host", "x\x1b]0;pwned\x07"], "table"),
        ("serve link", ["serve", "--add-annotator", "bob", "--url", "https://a\x1b]52;c;cHduZWQ=\x07", "--annotations", str(out / "served")], "table"),
        ("prepare scheduler", ["prepare", c, "--model", "en_core_web_sm", "--scheduler", "x\x1b]0;pwned\x07"], "table"),
    ]
    for fmt in ("yaml", "jsonl", "prodigy", "doccano", "csv"):
        found.append((f"export {fmt}", ["export", "--format", fmt, "--annotations", a], "json" if fmt in ("jsonl", "prodigy", "doccano") else "data"))
    for fmt in ("yaml", "jsonl", "prodigy", "doccano", "csv", "spacy", "brat"):
        found.append((f"export {fmt} --out", ["export", "--format", fmt, "--annotations", a, "--out", str(out / f"export-{fmt}")], "table"))
        found.append((f"export {fmt} --split", ["export", "--format", fmt, "--annotations", a, "--split", "0.5", "--out", str(out / f"split-{fmt}")], "table"))
    for fmt in ("prodigy", "doccano", "jsonl"):
        found.append((f"import {fmt}", ["import", str(paths[f"import_{fmt}"]), "--format", fmt, "--annotations", str(out / "imported")], "table"))
        found.append((f"import {fmt} scheme", ["import", str(paths[f"import_{fmt}"]), "--format", fmt, "--annotations", str(out / "imported2"),
                                                "--labels", str(paths["scheme"])], "table"))
    return found


def leaks(text: str) -> list[str]:
    return sorted({repr(m.group(0)) for m in CONTROL.finditer(text)})


def run(root: Path, arguments: list[str]) -> subprocess.CompletedProcess | None:
    """The command's outcome; None if it was still running after its time (an app that started
    after all: these cases are meant to stop before the screen opens)."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "VIRTUAL_ENV")}
    env.update({"TAGLINE_ANNOTATOR": "tester", "XDG_CONFIG_HOME": str(root / "config"), "TAGLINE_CACHE": str(root / "cache"),
                "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"})
    seconds = 30 if arguments[0] in ("open", "review") else 300
    try:
        return subprocess.run([*TAGLINE, *arguments], cwd=root, env=env, capture_output=True, stdin=subprocess.DEVNULL, timeout=seconds)
    except subprocess.TimeoutExpired:
        return None


@pytest.mark.parametrize("seed", range(int(os.environ.get("TAGLINE_FUZZ_ROUNDS", "2"))))
def test_no_control_from_a_file_reaches_stdout_or_stderr(tmp_path, seed, figures):
    root = tmp_path / "work"
    root.mkdir()
    paths = write_files(root, seed)
    out = tmp_path / "out"
    out.mkdir()
    (out / "empty").mkdir()
    found: dict[str, list[str]] = {}
    crashed: list[str] = []
    ran = commands(paths, out)
    for name, arguments, kind in ran:
        result = run(root, arguments)
        if result is None:
            crashed.append(f"{name}: still running (the app opened?)")
            continue
        stderr = result.stderr.decode("utf-8", "replace")
        stdout = result.stdout.decode("utf-8", "replace")
        if "Traceback" in stderr:
            crashed.append(f"{name}: {stderr[-600:]}")
        where = {"stderr": stderr}
        if kind in ("table", "json"):
            where["stdout"] = stdout
        if kind == "json":
            for line in stdout.splitlines() if name != "agree json" else []:
                json.loads(line)  # still JSON
        for stream, text in where.items():
            bad = leaks(text)
            if bad:
                found[f"{name} ({stream})"] = bad
    assert crashed == []
    assert not found, "control characters reached a terminal:\n" + "\n".join(f"{k}: {', '.join(v)}" for k, v in found.items())
    figures(f"hostile_output[seed {seed}]", commands=len(ran), pieces=len(PIECES), control_characters_leaked=sum(len(v) for v in found.values()))


#: What a hostile value would bring with it on a terminal; the program's own styling (CSI … m) and
#: the pty's CR before LF are allowed there.
PAYLOADS = [f"{ESC}]0;pwned", f"{ESC}]52;", f"{ESC}P1;2|x", f"{ESC}[2J", "\x9b31mC1", "\x9d0;c1title", "\u202e", "\u2066", "nul\x00nul",
            "back\x08\x7fdel", BEL + BEL, "nel\x85"]


def run_on_a_terminal(root: Path, arguments: list[str]) -> str:
    """What the command writes when standard output and error are a terminal (a pty)."""
    import pty

    main, secondary = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "VIRTUAL_ENV")}
    env.update({"TAGLINE_ANNOTATOR": "tester", "XDG_CONFIG_HOME": str(root / "config"), "TERM": "xterm-256color", "COLUMNS": "200"})
    process = subprocess.Popen([*TAGLINE, *arguments], cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=secondary, stderr=secondary)
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # EIO: the program closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=120)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


def test_data_printed_to_a_terminal_is_made_visible(tmp_path, figures):
    """Exports to standard output are data, kept exact for a pipe or a file; on a terminal every line
    is made visible, and the tables, as always."""
    root = tmp_path / "work"
    root.mkdir()
    paths = write_files(root, 7)
    a = str(paths["annotations"])
    tried = [["export", "--format", fmt, "--annotations", a] for fmt in ("yaml", "jsonl", "prodigy", "doccano", "csv")]
    tried += [["agree", "--annotations", a], ["stats", "--annotations", a], ["agree", "--annotations", a, "--format", "json"]]
    found = {}
    for arguments in tried:
        shown = run_on_a_terminal(root, arguments)
        bad = [repr(p) for p in PAYLOADS if p in shown]
        if bad:
            found[" ".join(arguments[:3])] = bad
    assert not found, found
    piped = run(root, ["export", "--format", "csv", "--annotations", a]).stdout.decode("utf-8")
    assert any(p in piped for p in PAYLOADS)  # to a pipe, the data as it is
    figures("hostile_output[terminal]", commands=len(tried), leaked=len(found))


def test_the_apps_notices_and_screens_show_file_text_as_text(term, workdir, tmp_path, figures):
    """The reader opened on files whose every field is hostile: a settings file (theme, keymap), a
    theme file, a label scheme (guidelines on the help screen), an annotation file refused with a
    reason that quotes it, an article name, a note in the article's annotation file (the note
    dialog). Every byte written to the terminal is recorded."""
    rng = random.Random(11)
    pieces = iter(PIECES * 4)
    h = lambda: hostile(rng, next(pieces))  # noqa: E731
    config = workdir / "config" / "tagline"
    (config / "themes").mkdir(parents=True)
    (config / "settings.yaml").write_text(yaml.safe_dump({"theme": h(), "keymap": {h(): h(), "reader.next": h()}}, allow_unicode=True), encoding="utf-8")
    (config / "themes" / "evil.yaml").write_text(yaml.safe_dump({"name": h(), "primary": h(), "variables": {h(): h()}}, allow_unicode=True), encoding="utf-8")
    (config / "themes" / "broken.yaml").write_text(f"name: [{h()}\n", encoding="utf-8")
    scheme = {"labels": [{"name": "claim", "keys": ["c"], "guideline": h()}, {"name": "quote", "keys": ["q"], "guideline": h()}]}
    (workdir / "scheme.yaml").write_text(yaml.safe_dump(scheme, allow_unicode=True), encoding="utf-8")
    name = file_name(rng, f"{ESC}]0;pwned{BEL}")
    (workdir / "news").mkdir()
    (workdir / "news" / f"{name}.txt").write_text("The council said the river rose. Residents left.\n", encoding="utf-8")
    (workdir / "news" / "second.txt").write_text("A second article. It has two sentences.\n", encoding="utf-8")
    # The first article's own annotation file: a note holding every payload (the note dialog drew
    # its text as it was: an escape sequence in a note cleared the screen).
    first = "The council said the river rose."
    own = workdir / "annotations" / "tester" / f"{name}.yaml"
    own.parent.mkdir(parents=True)
    own.write_text(yaml.safe_dump({"schema": "tagline.annotations/1", "article": {"id": name, "path": f"news/{name}.txt"},
                                   "annotator": "tester", "labels": ["claim", "quote"],
                                   "sentences": [{"index": 0, "start": 0, "end": len(first), "text": first, "status": "done",
                                                  "labels": ["claim"], "note": "\n".join(p.replace("\x00", "") for p in PIECES)}]},
                                  allow_unicode=True), encoding="utf-8")
    refused = workdir / "annotations" / "tester" / "second.yaml"
    refused.parent.mkdir(parents=True, exist_ok=True)
    refused.write_text(yaml.safe_dump({"schema": h(), "sentences": h()}, allow_unicode=True), encoding="utf-8")
    output = tmp_path / "terminal-output.bin"
    terminal = term(120, 40)
    terminal.start("open news --model none --labels scheme.yaml", env={"XDG_CONFIG_HOME": str(workdir / "config")})
    terminal.record_output(output)
    terminal.wait_for("/2 done")
    terminal.keys("k", "m")  # the first sentence, done: the reader opened on the second
    terminal.wait_for("Note on this sentence")
    time.sleep(0.5)  # the note drawn
    terminal.keys("Escape")
    deadline = time.monotonic() + 20
    while "Note on this sentence" in terminal.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    terminal.keys("?")
    terminal.wait_for("Labels")
    terminal.keys("Escape")
    deadline = time.monotonic() + 20
    while "Labels" in terminal.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    terminal.keys("]")  # the next article: the refused annotation file's reason
    terminal.wait_for("2/2")
    time.sleep(1.0)  # its toast drawn
    terminal.keys("C-q")
    screen = terminal.wait_for("TAGLINE-EXIT-")
    assert "Traceback" not in screen
    raw = output.read_bytes().decode("utf-8", "replace")
    assert len(raw) > 1000
    leaked = [repr(p) for p in PAYLOADS if p in raw]
    assert leaked == []
    figures("hostile_output[app]", files=6, payloads=len(PAYLOADS), leaked=len(leaked))
