"""Quitting does nothing it can leave undone: no import on the way out, no wait for the input
thread's next tick, for a thread still at work, or for the interpreter's teardown of the heap.

Each of these was seen in a quit of a 5,000-sentence article (``docs/design/reliability.md``,
"Quit"); the tests check the behaviour, not the time.
"""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import threading
from types import SimpleNamespace

import pytest

from tagline.app.driver import FrameWriter, TerminalDriver

from leaving import WAYS_OUT, leave, long_article_text


def run_script(script: str, tmp_path, timeout: float = 60) -> subprocess.CompletedProcess:
    """``script`` in a fresh interpreter (what it imports is its own), in ``tmp_path``."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.e2e
def test_ctrl_q_as_the_first_key_imports_nothing(tmp_path, sample_path):
    """ctrl+q typed first in a session imported the note dialog's module, and with it Textual's
    TextArea, to learn which keys quit: 190 ms of the quit on a busy machine."""
    done = run_script(f"""
        import asyncio, sys
        from tagline.app.app import TaglineApp
        from tagline.app.launch import theme_folders
        from tagline.core.articles import load
        from tagline.core.labels import DEFAULT_SCHEME
        from tagline.core.session import Session

        articles, _ = load([{str(sample_path)!r}])
        app = TaglineApp(Session(articles, "annotations", "tester", DEFAULT_SCHEME, None), None,
                         theme_folders=theme_folders())

        async def main():
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause()
                # the start's own work in threads (the entity cache opens sqlite3) may still be
                # importing on a busy machine: wait until nothing has been imported for half a second
                last, quiet = len(sys.modules), 0
                for _ in range(200):
                    await asyncio.sleep(0.1)
                    quiet, last = (quiet + 1, last) if len(sys.modules) == last else (0, len(sys.modules))
                    if quiet >= 5:
                        break
                before = set(sys.modules)
                await pilot.press("ctrl+q")
                await pilot.pause()
            print("imported on the way out:", sorted(set(sys.modules) - before))

        asyncio.run(main())
    """, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "imported on the way out: []" in done.stdout, done.stdout


async def test_the_input_thread_is_not_waited_for_when_the_app_leaves():
    """Textual's driver joined its input thread when input was turned off, and that thread only
    looks up every 0.1 s, then waits 0.1 s more: 100 to 200 ms of every quit (170 ms measured),
    for a thread that reads nothing more. When the app leaves for good it is told to stop and not
    waited for; the process ends it."""
    driver = TerminalDriver(SimpleNamespace(leaving=True))
    driver._frames = FrameWriter(io.StringIO())  # the mouse-off codes go nowhere
    release = threading.Event()
    reader = threading.Thread(target=release.wait, args=(5.0,), daemon=True)  # an input thread still in its wait
    driver._key_thread = reader
    reader.start()
    try:
        driver.disable_input()
        assert reader.is_alive(), "disable_input waited for the input thread"
        assert driver.exit_event.is_set()  # told to stop: it leaves its loop at its next look
    finally:
        release.set()


async def test_the_input_thread_is_still_joined_when_the_app_does_not_leave():
    """Suspending (ctrl+z) turns input off and on again: the old thread must be gone before a new
    one reads the terminal, as Textual has it."""
    driver = TerminalDriver(SimpleNamespace(leaving=False))
    driver._frames = FrameWriter(io.StringIO())
    reader = threading.Thread(target=driver.exit_event.wait, args=(5.0,), daemon=True)
    driver._key_thread = reader
    reader.start()
    driver.disable_input()
    assert not reader.is_alive()
    assert not driver.exit_event.is_set()  # ready for the next input thread


@pytest.mark.e2e
@pytest.mark.parametrize("status", [0, 143])
def test_an_app_that_has_saved_leaves_without_waiting_for_threads_or_the_teardown(tmp_path, status):
    """Once the app has closed (every save written, the terminal put back), the process leaves with
    the app's status: it does not wait for a thread still at work (``asyncio.run`` joined the
    default executor's threads: one streaming the model's answers, or reading the parse cache),
    nor run the interpreter's teardown (freeing every object of a long article; ``atexit``)."""
    done = run_script(f"""
        import atexit, threading
        from textual import work
        from tagline.app import durable

        atexit.register(lambda: print("teardown ran", flush=True))

        class App(durable.DurableApp):
            def close(self):
                print("saved", flush=True)

            def on_mount(self):
                self.busy()
                self.set_timer(0.2, self.leave)

            @work(thread=True)
            def busy(self):
                threading.Event().wait(120)  # a thread at work until long after the app has gone

            async def leave(self):
                if {status} == 0:
                    await self.run_action("quit")
                else:
                    self._stop({status})

        app = App()
        status = durable.run(app, headless=True)
        print("left with", status, flush=True)
        durable.leave(status)
        print("not reached", flush=True)
    """, tmp_path, timeout=60)
    assert done.returncode == status, (done.stdout, done.stderr[-2000:])
    assert done.stdout.split("\n")[:2] == ["saved", f"left with {status}"], done.stdout
    assert "teardown ran" not in done.stdout and "not reached" not in done.stdout


async def test_the_duplicate_scan_answering_after_the_session_closed_is_dropped(make_app):
    """The scan's answer could reach the reader after quit had closed the session (a scan slowed
    by a busy machine, answering while the app wound down): the reader asked the closed session
    for a sentence's state, and the app ended with a traceback and status 1 instead of 0."""
    from tagline.app.messages import DuplicatesFound

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        reader = app.screen
        app.shutdown()  # what quit does first: every save written, the session closed
        reader.post_message(DuplicatesFound(app.session.article.id, {1: 0}, {}))
        await pilot.pause()
        await pilot.pause()
    assert app.return_code in (None, 0)


async def test_the_driver_tells_the_app_once_the_terminal_is_back():
    """The app leaves as soon as the terminal is put back, not after Textual's own shutdown."""
    seen: list[str] = []
    screen = io.StringIO()
    app = SimpleNamespace(leaving=True, terminal_restored=lambda: seen.append(screen.getvalue()))
    driver = TerminalDriver(app)
    driver._frames = FrameWriter(screen)
    driver.attrs_before = None
    driver.stop_application_mode()
    assert len(seen) == 1 and "\x1b[?1049l" in seen[0] and "\x1b[?25h" in seen[0]  # main screen, cursor shown


@pytest.mark.parametrize("leaving, closed, error, left", [
    (True, True, False, True),  # quit or a signal, everything written: leave with the status
    (False, True, False, False),  # Textual ending on its own: its shutdown goes on
    (True, False, False, False),  # not yet saved
    (True, True, True, False),  # an error for Textual to print first
])
def test_an_app_leaving_for_good_leaves_when_the_terminal_is_back(monkeypatch, leaving, closed, error, left):
    """Textual's shutdown after the terminal is back closed every widget one by one (35 to 65 ms
    of a quit on a 5,000-sentence article) and changed nothing on disk or on screen."""
    from tagline.app import durable

    statuses: list[int] = []
    monkeypatch.setattr(durable, "leave", statuses.append)  # os._exit, here recorded
    app = durable.DurableApp()
    app.leaving, app._session_closed = leaving, closed
    app.leave_when_restored = lambda status: status + 100
    if error:
        app._exit_renderables.append("Traceback …")
    app.terminal_restored()
    assert statuses == ([100] if left else [])


@pytest.mark.parametrize("way", WAYS_OUT)
async def test_every_way_out_leaves_a_long_articles_fold_to_a_process_of_its_own(make_app, monkeypatch, way):
    """On a long article the last fold (1 to 2 s of CPU for 5,000 sentences) is left to a process
    forked for it when the process is about to end: on quit, and on SIGTERM, SIGINT and SIGHUP too,
    which used to fold in the app before leaving."""
    app = make_app(long_article_text())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        closes = await leave(app, pilot, way, monkeypatch)
    assert closes == [True]


async def test_an_exit_textual_takes_on_its_own_still_folds_in_the_app(make_app, monkeypatch):
    """Textual ending the app on its own (an error) is not a leave for good: the fold is done here,
    before whatever comes next."""
    app = make_app(long_article_text())
    closes: list[bool] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        close = app.session.close
        monkeypatch.setattr(app.session, "close", lambda after_exit=False: (closes.append(after_exit), close()))
        app.exit()
        await pilot.pause()
    assert closes == [False]
