"""tagline: a keyboard-driven terminal reader and annotator for news text.

``tagline.core`` is the headless core (no Textual); ``tagline.app`` is the Textual app on top of it.
"""

__version__ = "0.1.0"
