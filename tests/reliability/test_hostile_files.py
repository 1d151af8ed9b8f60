"""Hostile files: each gets a clear one-line message naming it, the rest still opens, nothing crashes."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import pytest

from tagline.core import annofile, articles

GOOD = "The council said the river rose overnight. Residents were told to leave.\n"


def make_hostile(folder: Path) -> dict[str, str]:
    """Bad article files in ``folder``: name -> the words its message must contain."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "latin1.txt").write_bytes("Caf\xe9 au lait co\xfbte 2 \u20ac.".encode("cp1252"))
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_bytes(b" \n\r\n\t\n")
    with open(folder / "huge.txt", "wb") as handle:  # 50 MB, sparse: costs no disk
        handle.truncate(50 * 1024 * 1024)
    os.symlink("loop-b.txt", folder / "loop-a.txt")
    os.symlink("loop-a.txt", folder / "loop-b.txt")
    os.mkfifo(folder / "pipe.txt")  # reading it would block for ever
    (folder / "bad.jsonl").write_text('{"text": "fine", "id": "j1"}\nnot json\n{"id": "x"}\n{"text": "x", "id": "../escape"}\n'
                                      # nested 100,000 deep: json.loads raised RecursionError, a traceback
                                      + '{"text": "x", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}\n", encoding="utf-8")
    return {
        "latin1.txt": "not valid UTF-8",
        "binary.txt": "binary",
        "empty.txt": "empty",
        "blank.md": "empty",
        "huge.txt": "too large",
        "loop-a.txt": "Too many levels of symbolic links",
        "loop-b.txt": "Too many levels of symbolic links",
        "pipe.txt": "not a regular file",
        "bad.jsonl:2": "not a JSON line",
        "bad.jsonl:3": "needs an object with a 'text' string",
        "bad.jsonl:4": "cannot name a file",
        "bad.jsonl:5": "not a JSON line (nested too deeply",
    }


def read_with_deadline(path: Path, seconds: float = 10.0):
    """``articles.read_file``, failing the test instead of hanging if it blocks."""
    result: list = []
    worker = threading.Thread(target=lambda: result.append(articles.read_file(path)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"reading {path.name} blocked"
    return result[0]


def test_each_hostile_file_is_one_clear_line_and_the_rest_loads(tmp_path, monkeypatch, figures):
    monkeypatch.chdir(tmp_path)
    expected = make_hostile(tmp_path / "corpus")
    (tmp_path / "corpus" / "good.txt").write_text(GOOD, encoding="utf-8")
    found, problems = articles.load(["corpus"])
    messages = [str(p) for p in problems]
    assert all("\n" not in m and "\x1b" not in m for m in messages)
    for name, words in expected.items():
        match = [m for m in messages if m.startswith(f"corpus/{name}:") and words in m]
        assert match, f"no message for {name} containing {words!r} in {messages}"
    ids = sorted(a.id for a in found)
    assert ids == ["good", "j1", "latin1"]  # latin1 opens, with its bytes shown as \ufffd and a warning
    latin = next(a for a in found if a.id == "latin1")
    assert "\ufffd" in latin.text and latin.warning
    figures("hostile_files", files_tried=len(expected) + 1, clear_messages=len(expected), crashes=0)


def test_a_fifo_never_blocks_the_reader(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    found, problems = read_with_deadline(tmp_path / "pipe.txt")
    assert found == [] and "not a regular file" in str(problems[0])


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text(GOOD, encoding="utf-8")
    path.chmod(0)
    if os.geteuid() == 0:
        # root reads through chmod 000; simulate the refusal the kernel gives everyone else
        real = Path.read_bytes

        def refuse(self):
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", refuse)
    found, problems = articles.read_file(path)
    assert found == []
    assert "cannot read (Permission denied)" in str(problems[0])


def test_file_names_with_newlines_and_escapes_make_one_harmless_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "evil\n\x1b]0;TITLE\x07[bold].txt"
    Path(name).write_bytes(b"")
    _, problems = articles.load([name])
    message = str(problems[0])
    assert "\n" not in message and "\x1b" not in message and "\x07" not in message
    assert "[bold].txt" in message and "empty" in message


def test_a_folder_of_ten_thousand_files(tmp_path, monkeypatch, figures):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(10_000):
        (folder / f"{i:05d}.txt").write_text(f"Article {i} says the river rose by {i} centimetres.\n", encoding="utf-8")
    (folder / "00000.txt").write_bytes(b"\x00\x01binary")
    (folder / "00500.txt").write_bytes(b"")
    listed, problems = articles.open_corpus(["many"])
    assert len(listed) == 10_000 and problems == []  # listed without reading a single file
    assert not any(a.loaded for a in listed)
    loaded, problems = articles.load(["many"])
    assert len(loaded) == 9_998
    assert sorted(str(p) for p in problems) == ["many/00000.txt: binary, not text (has NUL bytes)", "many/00500.txt: empty"]
    figures("hostile_files_folder", files=10_000, unreadable=2, loaded=len(loaded))


def tagline(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    import sys

    script = Path(sys.executable).parent / "tagline"
    return subprocess.run([str(script), *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "TERM": "dumb"})


@pytest.mark.parametrize("name", ["binary.txt", "empty.txt", "huge.txt", "loop-a.txt", "pipe.txt"])
@pytest.mark.e2e  # runs the installed program
def test_tagline_open_on_a_hostile_file_alone_fails_in_one_line(tmp_path, name):
    make_hostile(tmp_path / "corpus")
    done = tagline(tmp_path, "open", f"corpus/{name}", "--model", "none")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tagline: nothing to open: corpus/") and name in lines[0], done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.e2e  # runs the installed program
def test_tagline_open_on_a_hostile_folder_opens_the_good_article(term, workdir):
    make_hostile(workdir / "corpus")
    (workdir / "corpus" / "good.txt").write_text(GOOD, encoding="utf-8")
    terminal = term(120, 40)
    terminal.start("open corpus --model none")
    screen = terminal.wait_for("0/1 done")  # bad.jsonl:1, the first readable article in name order
    assert "Traceback" not in screen
    terminal.keys("c", "]")  # on past binary.txt, blank.md, empty.txt to good.txt
    screen = terminal.wait_for("0/2 done")
    assert "good" in screen
    terminal.keys("c", "]")  # past huge.txt to latin1.txt, which opens with a warning
    terminal.wait_for("latin1")
    terminal.keys("c", "]", "C-q")  # nothing readable after it: loops and a FIFO
    terminal.wait_for("TAGLINE-EXIT-")
    assert "Traceback" not in terminal.screen()
    folder = workdir / "annotations" / "tester"
    assert sorted(p.stem for p in folder.glob("*.yaml")) == ["good", "j1", "latin1"]
    for name in ("good", "j1", "latin1"):
        assert annofile.read(folder / f"{name}.yaml")["sentences"][0]["labels"] == ["claim"]
