"""The one switch for the Textual internals tagline relies on.

tagline uses a few private parts of Textual and textual-serve where the public API costs a key
too much or cannot say what is needed. Each is named, and checked to be where it was, by
``tests/app/test_textual_internals.py``, so a Textual upgrade that moves one fails there, loudly,
with its name. Each also has a fallback to stock behaviour, chosen by ``TAGLINE_STOCK_TEXTUAL=1``:

* ``app/driver.py``: frames written by the event loop (``LinuxDriver._file``, ``Driver._app``),
  and leaving without waiting for the input thread (``disable_input``, ``_disable_mouse_support``)
  -> Textual's own driver, with its writer thread.
* ``widgets/sentence_view.py``: rows handed over as drawn (``Widget._styles_cache`` and its
  ``_width``, ``_cache``, ``_dirty_lines``) -> Textual's row pass (``Widget.render_lines``).
* ``app/frames.py``: a key's frame drawn as soon as the screen is idle (``Screen._on_idle``,
  ``_on_timer_update``, what is left to draw, ``App._batch_count``) -> Textual's 60 Hz update timer.
* ``app/serve.py``: visitors' processes in sessions of their own
  (``AppService._open_app_process``, ``_build_environment``, ``_process``, ``_stdin``) ->
  textual-serve's own. The name page (``Server._make_app``, ``Server._process_messages``) has no
  stock form: it is what ``tagline serve`` is; the test names it all the same.

Costs with the switch on (docs/design/records/performance-log.md): about 0.3-0.4 ms more CPU per key for the
driver, about 0.2 ms per repainted row for the view; nothing a user sees otherwise.
"""

from __future__ import annotations

import os

ENV = "TAGLINE_STOCK_TEXTUAL"


def stock() -> bool:
    """True when tagline should use stock Textual behaviour instead of any internal."""
    return os.environ.get(ENV, "").strip() not in ("", "0")
