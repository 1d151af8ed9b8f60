"""tagline: a keyboard-driven terminal reader and annotator for news text.

The names below are the Python API that other code may depend on (``docs/reference/python-api.md``):
reading articles, the label scheme, and an annotations folder read, checked and merged into
training rows, all from the headless core, without Textual. Everything else in the package
(``tagline.core``, ``tagline.commands``, ``tagline.app``) is internal and may change in any release.

The names are imported on first use, so ``import tagline`` (and every start of the program) stays
as cheap as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # what type checkers and editors see; at run time, __getattr__ below
    from tagline.core.annofile import AnnotationFileError
    from tagline.core.annofile import read as read_annotation_file
    from tagline.core.articles import Article
    from tagline.core.articles import Problem as ArticleProblem
    from tagline.core.articles import load as load_articles
    from tagline.core.corpus import POLICIES, Corpus, Entity, Example, Merge, Review, Sentence, Unit, merge
    from tagline.core.corpus import Problem as AnnotationProblem
    from tagline.core.corpus import load as load_annotations
    from tagline.core.labels import DEFAULT_SCHEME, Label, LabelScheme, LabelSchemeError, load_scheme
    from tagline.core.schema import SCHEMA_VERSION

#: Public name -> (module, name there).
_PUBLIC = {
    "Article": ("tagline.core.articles", "Article"),
    "ArticleProblem": ("tagline.core.articles", "Problem"),
    "load_articles": ("tagline.core.articles", "load"),
    "Label": ("tagline.core.labels", "Label"),
    "LabelScheme": ("tagline.core.labels", "LabelScheme"),
    "LabelSchemeError": ("tagline.core.labels", "LabelSchemeError"),
    "DEFAULT_SCHEME": ("tagline.core.labels", "DEFAULT_SCHEME"),
    "load_scheme": ("tagline.core.labels", "load_scheme"),
    "SCHEMA_VERSION": ("tagline.core.schema", "SCHEMA_VERSION"),
    "read_annotation_file": ("tagline.core.annofile", "read"),
    "AnnotationFileError": ("tagline.core.annofile", "AnnotationFileError"),
    "load_annotations": ("tagline.core.corpus", "load"),
    "AnnotationProblem": ("tagline.core.corpus", "Problem"),
    "Corpus": ("tagline.core.corpus", "Corpus"),
    "Unit": ("tagline.core.corpus", "Unit"),
    "Sentence": ("tagline.core.corpus", "Sentence"),
    "Entity": ("tagline.core.corpus", "Entity"),
    "Review": ("tagline.core.corpus", "Review"),
    "POLICIES": ("tagline.core.corpus", "POLICIES"),
    "merge": ("tagline.core.corpus", "merge"),
    "Merge": ("tagline.core.corpus", "Merge"),
    "Example": ("tagline.core.corpus", "Example"),
}

__all__ = [  # written out for type checkers; tests/test_public_api.py checks it against _PUBLIC
    "__version__",
    "Article", "ArticleProblem", "load_articles", "Label", "LabelScheme", "LabelSchemeError",
    "DEFAULT_SCHEME", "load_scheme", "SCHEMA_VERSION", "read_annotation_file", "AnnotationFileError",
    "load_annotations", "AnnotationProblem", "Corpus", "Unit", "Sentence", "Entity", "Review",
    "POLICIES", "merge", "Merge", "Example",
]


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'tagline' has no attribute {name!r}")
    from importlib import import_module

    module, attribute = _PUBLIC[name]
    value = getattr(import_module(module), attribute)
    globals()[name] = value  # once found, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
