"""Waiting for the reader to be still before a picture is taken."""

from __future__ import annotations


async def settled(pilot) -> None:
    """Background work done, so the picture is the same every run: the duplicate scan (a process of
    its own, started once the article is on screen) has answered for the open article and the
    reader has drawn what it found, and every worker has finished."""
    app = pilot.app
    for _ in range(1200):  # at most a minute on a busy machine; a snapshot mismatch says the rest
        session = getattr(app, "session", None)
        article = getattr(session, "article", None)
        if article is None or app.duplicates_scanned == article.id:
            break
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()
    await pilot.pause()
