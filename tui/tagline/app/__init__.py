"""The Textual app: thin screens and widgets over :mod:`tagline.core`."""
