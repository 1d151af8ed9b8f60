"""A key's frame is drawn as soon as the screen has taken the key in, not on Textual's frame grid.

Textual draws a screen from a timer that fires at most 60 times a second: once a frame has been
drawn, the next one waits for the timer's next tick, and after a pause the timer's arithmetic puts
that tick 17 to 33 ms after the frame. A key typed just after another frame (the model's entities
arriving, the legend's progress, the key before it held up by a busy machine) waited for that tick:
in ``bench/background.py --trace`` these were the slow keys that had not waited for a CPU.

A screen with :class:`KeyFrames` marks a key's change (:meth:`KeyFrames.key_drawn_now`); when the
screen next runs out of messages with something to draw, it draws at once. Everything else (the
model's batches, timers) still goes through the 60 Hz timer. ``TAGLINE_STOCK_TEXTUAL=1``: Textual's
own (:mod:`tagline.app.internals`).
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen

from tagline.app import internals


class KeyFrames(Screen):
    """A screen whose keys' frames are drawn at once (mixed in before :class:`~textual.screen.Screen`)."""

    _key_pending = False

    def key_drawn_now(self) -> None:
        """What a key changed is drawn as soon as the screen is idle."""
        self._key_pending = True

    async def _on_idle(self, event: events.Idle) -> None:
        if self._key_pending and not internals.stock() and self.is_current and not self.app._batch_count:
            if self._layout_required or self._scroll_required or self._repaint_required or self._dirty_widgets:
                self._key_pending = False
                self._on_timer_update()  # what the timer would do at its tick, now (it pauses the timer)
        await super()._on_idle(event)
