"""The Textual app: thin screens and widgets over :mod:`tui.core`."""
