"""tagline at 80x24 in the terminals people actually have: TERM=xterm with LANG=C, screen,
tmux-256color, xterm-256color, and NO_COLOR=1.

Each run starts the installed program in a tmux server of its own (``tmux -L``), with exactly the
environment named (``env -i``: nothing leaks in from the machine), tags sentences, checks that the
screen stays readable (the status line, the footer with its key hints, no traceback), quits and
reads the YAML. :class:`Tty` is shared with ``test_ssh.py``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.e2e

ARTICLE = "000_88201f31feaf2608"
GLYPHS = ("▌", "✓", "·", "⚑", "≡")


def _e2e_conftest():
    import importlib.util

    spec = importlib.util.spec_from_file_location("tagline_e2e_conftest_terminals", Path(__file__).parent / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_e2e = _e2e_conftest()
tagline_command = _e2e.tagline_command


def base_environment() -> dict[str, str]:
    """What any terminal session has: a PATH, a HOME, and the test's isolated cache and settings."""
    keep = ("PATH", "HOME", "TAGLINE_CACHE", "XDG_CONFIG_HOME", "TAGLINE_ANNOTATOR")
    return {k: os.environ[k] for k in keep if k in os.environ}


class Tty(_e2e.Terminal):
    """The end-to-end terminal (a tmux server of its own), started with exactly the environment a
    test gives: nothing of the developer's TERM, locale or colours leaks in."""

    def run(self, command: str, linger: int = 600) -> None:
        super().run(command, linger)

    def start(self, args: str, env: dict[str, str]) -> None:
        """tagline with exactly ``env`` (plus PATH, HOME and the test's isolated folders)."""
        environment = {**base_environment(), **env}
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in environment.items())
        self.run(f"env -i {exports} {tagline_command()} {args}")


@pytest.fixture
def tty(workdir):
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the end-to-end tests (.ci/run installs it)")
    opened: list[Tty] = []

    def make(width: int = 80, height: int = 24) -> Tty:
        opened.append(Tty(workdir, width, height))
        return opened[-1]

    yield make
    for terminal in opened:
        terminal.close()


# -- what the screen shows ---------------------------------------------------------------------------

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
GREY_CUBE = {16, 59, 102, 145, 188, 231}  # the r = g = b entries of the 6x6x6 cube


def chromatic_colours(screen: str) -> set[str]:
    """The colours (as SGR parameters) in a ``capture-pane -e`` screen that are not a grey."""
    found: set[str] = set()
    for match in SGR.finditer(screen):
        params = [p for p in re.split("[;:]", match.group(1)) if p != ""]
        i = 0
        while i < len(params):
            p = int(params[i])
            if p in (38, 48) and i + 1 < len(params):
                if params[i + 1] == "5" and i + 2 < len(params):
                    n = int(params[i + 2])
                    if not (n in (0, 7, 8, 15) or n in GREY_CUBE or n >= 232):
                        found.add(f"{p};5;{n}")
                    i += 3
                    continue
                if params[i + 1] == "2" and i + 4 < len(params):
                    r, g, b = (int(v) for v in params[i + 2 : i + 5])
                    if not (r == g == b):
                        found.add(f"{p};2;{r};{g};{b}")
                    i += 5
                    continue
            if 31 <= p <= 36 or 41 <= p <= 46 or 91 <= p <= 96 or 101 <= p <= 106:
                found.add(str(p))
            i += 1
    return found


def assert_readable(screen: str, status: str) -> None:
    lines = screen.rstrip("\n").split("\n")
    assert "Traceback" not in screen, screen
    assert status in screen, f"the status line is missing {status!r}:\n{screen}"
    footer = lines[-1]
    for hint in ("c claim", "q quote", "s statistic", "? help", "^q quit"):
        assert hint in footer, f"the footer lost {hint!r}: {footer!r}\n{screen}"
    assert "saved" in screen, screen
    assert all(len(line) <= 80 for line in lines), "a line wider than the terminal"


def read(workdir: Path, annotator: str = "tester") -> dict:
    path = workdir / "annotations" / annotator / f"{ARTICLE}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def tag_and_quit(terminal: Tty, workdir: Path) -> tuple[str, str]:
    """claim; quote+statistic; done with no label; flag: the same five actions in every terminal.
    Returns the screen (plain, and with escapes) once they all show."""
    terminal.wait_for("0/34 done")
    terminal.keys("c", "j", "q", "s", "j", "Space", "f")
    # The "flagged" notice sits over the status line for 3 s; then the whole line is back.
    terminal.wait_for("4/34  3/34 done  C:1 Q:1 S:1 ⚑1")
    # The duplicate marks come from a scan in a process of its own: on a busy machine, after the keys.
    terminal.wait_for("≡", timeout=60)
    screen = terminal.wait_for("4/34  3/34 done  C:1 Q:1 S:1 ⚑1")
    escapes = terminal.screen(escapes=True)
    terminal.keys("C-q")
    terminal.wait_for("TAGLINE-EXIT-0")
    sentences = read(workdir)["sentences"]
    assert [s["labels"] for s in sentences[:4]] == [["claim"], ["quote", "statistic"], [], []]
    assert [s["status"] for s in sentences[:4]] == ["done", "done", "done", "todo"]
    assert sentences[3].get("flag") is True
    assert not (workdir / "annotations" / "tester" / f"{ARTICLE}.journal").exists()
    return screen, escapes


TERMINALS = {
    "xterm, LANG=C": {"TERM": "xterm", "LANG": "C"},
    "screen": {"TERM": "screen", "LANG": "C.UTF-8"},
    "tmux-256color": {"TERM": "tmux-256color", "LANG": "C.UTF-8"},
    "xterm-256color": {"TERM": "xterm-256color", "LANG": "C.UTF-8"},
}


@pytest.mark.parametrize("env", TERMINALS.values(), ids=TERMINALS.keys())
def test_tags_and_stays_readable_at_80x24(tty, workdir, env):
    terminal = tty()
    terminal.start("--model none", env)
    screen, escapes = tag_and_quit(terminal, workdir)
    assert_readable(screen, "1/1 000_88201f31feaf2608  4/34  3/34 done")
    # The gutter reads without colour; LANG=C included (Python's locale coercion keeps UTF-8).
    for glyph in GLYPHS:
        assert glyph in screen, f"{glyph!r} is not on screen:\n{screen}"
    assert chromatic_colours(escapes), "colour was expected in this terminal"


def test_no_color_is_grey_and_readable(tty, workdir):
    terminal = tty()
    terminal.start("--model none", {"TERM": "xterm-256color", "LANG": "C.UTF-8", "NO_COLOR": "1"})
    screen, escapes = tag_and_quit(terminal, workdir)
    assert_readable(screen, "4/34  3/34 done")
    assert chromatic_colours(escapes) == set(), "NO_COLOR=1 but colours reached the terminal"
    # What colour says elsewhere is in the text: the cursor bar, done/todo marks, label letters.
    assert "▌" in screen and "✓·QS" in screen and "C:1 Q:1 S:1" in screen


def test_an_ascii_only_locale_still_tags_and_saves(tty, workdir):
    """LC_ALL=C with Python's UTF-8 mode switched off: the only way here to get an ASCII stdout (a
    Latin-1 locale would do the same). The program runs, every key works, the YAML is right."""
    terminal = tty()
    terminal.start("--model none", {"TERM": "xterm", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"})
    terminal.wait_for("0/34 done")
    terminal.keys("c", "j", "q", "s", "j", "Space", "f")
    screen = terminal.wait_for("4/34  3/34 done")
    assert "Traceback" not in screen
    terminal.keys("C-q")
    terminal.wait_for("TAGLINE-EXIT-0")
    sentences = read(workdir)["sentences"]
    assert [s["labels"] for s in sentences[:3]] == [["claim"], ["quote", "statistic"], []]
    assert sentences[3].get("flag") is True


def test_an_ascii_only_locale_keeps_the_gutter_readable(tty, workdir):
    terminal = tty()
    terminal.start("--model none", {"TERM": "xterm", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"})
    screen = terminal.wait_for("0/34 done")
    terminal.keys("c", "f")
    screen = terminal.wait_for("1/34 done")
    terminal.keys("C-q")
    assert "\\u" not in screen and "\\x" not in screen, screen
    # The gutter in ASCII: cursor, done, the label letter, the flag; curly quotes as plain ones.
    assert ">+C..!" in screen, screen
