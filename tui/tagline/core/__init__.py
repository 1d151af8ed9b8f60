"""The headless core of tagline. Nothing in this package imports Textual."""
