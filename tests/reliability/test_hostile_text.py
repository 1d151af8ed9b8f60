"""Article text, notes and file names are data: shown literally or made visible, never interpreted.

tagline runs in tmux on an article full of markup, escape sequences, controls, bidi overrides,
zero-width and combining characters, CRLF line ends and a BOM, and one 10,000-character sentence.
Every byte tagline writes to the terminal is captured (``tmux pipe-pane``) and searched for the
article's sequences: none may reach the terminal as control.
"""

from __future__ import annotations

import re

import pytest

from tagline.core import annofile

pytestmark = pytest.mark.e2e  # starts the installed program in tmux

ESC, BEL = "\x1b", "\x07"
NAME = "[bold]evil[@click=app.quit]x"  # an article file name that is also markup

SENTENCES = [
    "Markup [bold]bold[/bold] and [@click=app.quit]click me[/] and a stray [/x] here.",
    f"Colour {ESC}[31mRED-ESCAPE{ESC}[0m then title {ESC}]0;PWNED-TITLE{BEL} then clipboard {ESC}]52;c;SGVsbG8={BEL} end.",
    "Bells \x07\x07 backspace \x08 delete \x7f vertical tab \x0b form feed \x0c and C1 \x9b31mC1-CSI and \x9d0;C1-TITLE\x9c done.",
    "Bidi \u202eDESREVER\u202c and isolate \u2067ISOLATED\u2069 zero\u200bwidth joiner\u200d and combining e\u0301\u0301\u0301\u0301 here.",
    ("lorem ipsum dolor sit amet " * 400)[:10_000],
]

#: Byte sequences from the article that must never appear in the terminal output.
FORBIDDEN = [
    f"{ESC}[31mRED-ESCAPE".encode(),
    f"{ESC}]0;PWNED-TITLE".encode(),
    f"{ESC}]52;".encode(),
    "\u202e".encode(),  # bidi override
    "\u2067".encode(),  # bidi isolate
    "\u200b".encode(),  # zero width space
    "\u200d".encode(),  # zero width joiner
    "\ufeff".encode(),  # the BOM
    *(chr(c).encode() for c in range(0x80, 0xA0)),  # C1 controls, UTF-8 encoded: CSI, OSC, ST…
]
#: Operating system commands (ESC ] … BEL or ESC \\): tagline's own are only OSC 22, the mouse
#: pointer shape Textual sets; a title (0, 2), a clipboard write (52) or a link (8) would be the article's.
OSC = re.compile(rb"\x1b\](\d*)[;]?[^\x07\x1b]*(?:\x07|\x1b\\)")
OWN_OSC = {b"22"}
#: C0 controls a screen update never needs (ESC, CR and LF are the app's own).
STRAY_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]")
TYPED_NOTE = "[@click=app.quit]note[/x] [bold]unclosed and [link=file:///etc/passwd]x[/link]"


def write_article(workdir) -> str:
    text = "\ufeff" + "\r\n".join(SENTENCES) + "\r\n"
    (workdir / "hostile").mkdir()
    (workdir / "hostile" / f"{NAME}.txt").write_bytes(text.encode("utf-8"))
    return text


def test_hostile_article_reaches_the_terminal_as_text_only(term, workdir, tmp_path, figures):
    write_article(workdir)
    output = tmp_path / "terminal-output.bin"
    terminal = term(120, 40)
    terminal.start("open hostile --model none")
    terminal.record_output(output)
    screen = terminal.wait_for("0/5 done")
    assert "[bold]bold[/bold]" in screen
    assert "[@click=app.quit]click me[/]" in screen and "[/x] here." in screen
    assert "\u241b[31mRED-ESCAPE" in screen  # ESC shown as ␛, the rest as plain text
    assert "[bold]evil[@click=app.quit]x" in screen  # the file name, literally, in the status line
    terminal.keys("c", "j", "q", "j", "s", "j", "c", "j", "s")  # across every sentence, the long one too
    terminal.wait_for("5/5 done")
    terminal.keys("k", "m")
    terminal.wait_for("Note on this sentence")
    terminal.literal(TYPED_NOTE)
    terminal.keys("Enter")
    terminal.wait_for("\u270e")  # the note mark: the note is saved
    terminal.keys("/")  # search for markup
    terminal.wait_for("enter finds the next match")
    terminal.literal("[/x]")
    terminal.keys("Enter", "Escape")
    terminal.keys("?")
    terminal.wait_for("Labels")
    terminal.keys("Escape")
    terminal.wait_for("5/5 done")
    terminal.keys("Escape")  # the article list shows the file name and the first line
    terminal.wait_for("filter by id")
    assert "[bold]evil[@click=app.quit]x" in terminal.screen()
    terminal.keys("Enter")
    terminal.wait_for("5/5 done")
    terminal.keys("C-q")
    screen = terminal.wait_for("TAGLINE-EXIT-0")
    assert "Traceback" not in screen

    raw = output.read_bytes()
    assert len(raw) > 10_000  # the capture worked: the long sentence alone is 10,000 characters
    leaked = [sequence for sequence in FORBIDDEN if sequence in raw]
    assert leaked == []
    assert {m.group(1) for m in OSC.finditer(raw)} <= OWN_OSC
    assert STRAY_CONTROLS.findall(OSC.sub(b"", raw)) == []

    data = annofile.read(workdir / "annotations" / "tester" / f"{NAME}.yaml")
    sentences = data["sentences"]
    assert len(sentences) == 5
    text = (workdir / "hostile" / f"{NAME}.txt").read_bytes().decode("utf-8-sig")
    assert all(text[s["start"] : s["end"]] == s["text"] for s in sentences)  # offsets cut the exact text
    assert [s["labels"] for s in sentences] == [["claim"], ["quote"], ["statistic"], ["claim"], ["statistic"]]
    assert sentences[3]["note"] == TYPED_NOTE  # stored as typed, markup and all
    assert sentences[1]["text"] == SENTENCES[1]  # escapes kept in the data, only the display is made safe
    figures("hostile_text", sequences_checked=len(FORBIDDEN) + 1, leaked=len(leaked), bytes_captured=len(raw),
            sentences=len(sentences))


def test_a_key_typed_right_after_a_note_reaches_the_reader(term, workdir):
    write_article(workdir)
    terminal = term(120, 40)
    terminal.start("open hostile --model none")
    terminal.wait_for("0/5 done")
    terminal.keys("m")
    terminal.wait_for("Note on this sentence")
    terminal.literal(TYPED_NOTE)
    terminal.keys("Enter", "/")
    terminal.wait_for("enter finds the next match", timeout=5)
