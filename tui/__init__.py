"""tagline: a keyboard-driven terminal reader and annotator for news text.

``tui.core`` is the headless core (no Textual); ``tui.app`` is the Textual app on top of it.
"""

__version__ = "0.1.0"
