"""The terminal driver writes each frame from the event loop, as one write, and never raises into
the app when the terminal is gone (every tmux test in tests/e2e runs the real driver)."""

from __future__ import annotations

import errno
import io

import pytest
from textual import constants

from tagline.app.driver import SYNC_END, SYNC_START, FrameWriter, TerminalDriver


class Terminal(io.StringIO):
    """A terminal that records each flush as one write, and can be made to fail."""

    def __init__(self, fail: list[BaseException] | None = None) -> None:
        super().__init__()
        self.writes: list[str] = []
        self.fail = fail or []
        self._sent = 0

    def flush(self) -> None:
        if self.fail:
            raise self.fail.pop(0)
        text = self.getvalue()
        if len(text) > self._sent:
            self.writes.append(text[self._sent :])
            self._sent = len(text)


def test_a_synchronized_frame_goes_out_as_one_write():
    terminal = Terminal()
    frames = FrameWriter(terminal)
    frames.write(SYNC_START)
    frames.write("\x1b[3;1Hframe")
    assert terminal.writes == []  # held until the frame ends
    frames.write(SYNC_END)
    assert terminal.writes == [SYNC_START + "\x1b[3;1Hframe" + SYNC_END]


def test_writes_outside_a_frame_go_out_at_once_and_in_order():
    terminal = Terminal()
    frames = FrameWriter(terminal)
    frames.write("\x1b[?1049h")
    frames.write("one")
    frames.write(SYNC_START)
    frames.write("two")
    frames.write(SYNC_END)
    frames.write("three")
    assert terminal.writes == ["\x1b[?1049h", "one", SYNC_START + "two" + SYNC_END, "three"]


@pytest.mark.parametrize("error", [OSError(errno.EIO, "gone"), BrokenPipeError(errno.EPIPE, "gone"), ValueError("closed")])
def test_a_terminal_that_is_gone_drops_the_frame_without_raising(error):
    terminal = Terminal(fail=[error])
    frames = FrameWriter(terminal)
    frames.write("lost")  # the link dropped: the hang-up handler saves and leaves
    frames.write("next")
    assert terminal.writes == ["lostnext"]


def test_a_terminal_left_non_blocking_is_waited_for(tmp_path):
    with open(tmp_path / "tty", "w", encoding="utf-8") as real:  # select() needs a real file
        terminal = Terminal(fail=[BlockingIOError(errno.EAGAIN, "full"), BlockingIOError(errno.EAGAIN, "full")])
        terminal.fileno = real.fileno  # type: ignore[method-assign]
        frames = FrameWriter(terminal)
        frames.write("frame")
    assert terminal.writes == ["frame"]


def test_the_apps_use_it_on_linux_and_keep_a_driver_named_in_the_environment(make_app, monkeypatch):
    app = make_app()
    monkeypatch.setattr(constants, "DRIVER", None)
    assert app.get_driver_class() is TerminalDriver
    monkeypatch.setattr(constants, "DRIVER", "textual.drivers.headless_driver:HeadlessDriver")
    from textual.drivers.headless_driver import HeadlessDriver

    assert app.get_driver_class() is HeadlessDriver



async def test_a_key_sent_from_the_input_thread_reaches_the_app(make_app):
    import threading
    from types import SimpleNamespace

    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = app.session.cursor
        driver = SimpleNamespace(_app=app)  # what send_message uses of the driver
        sender = threading.Thread(target=TerminalDriver.send_message, args=(driver, events.Key("j", "j")))
        sender.start()
        sender.join()
        await pilot.pause()
        await pilot.pause()
        assert app.session.cursor == before + 1
