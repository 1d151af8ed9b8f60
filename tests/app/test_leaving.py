"""Quitting does nothing it can leave undone: no import on the way out, no wait for the input
thread's next tick, for a thread still at work, or for the interpreter's teardown of the heap.

Each of these was seen in a quit of a 5,000-sentence article (``docs/design/reliability.md``,
"Quit"); the tests check the behaviour, not the time.
"""

from __future__ import annotations


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
