"""The annotation file schema: its version and the order of its keys. The one owner of these facts."""

SCHEMA_VERSION = "tagline.annotations/1"

TODO = "todo"
DONE = "done"
STATUSES = (TODO, DONE)

#: Top-level keys, in the order they are written. Unknown keys follow, as they were read.
FILE_KEYS = ("schema", "article", "annotator", "labels", "model", "sentences")
ARTICLE_KEYS = ("id", "path", "sha256")
#: Written after them when set: a .jsonl line's ``meta`` (the article's own data, carried to exports).
OPTIONAL_ARTICLE_KEYS = ("meta",)
#: Sentence keys in the order they are written; the optional ones only when set.
SENTENCE_KEYS = ("index", "start", "end", "text", "status", "labels", "entities")
OPTIONAL_SENTENCE_KEYS = ("flag", "note", "suggested", "duplicate_of", "updated", "review")

ANNOTATION_SUFFIX = ".yaml"
JOURNAL_SUFFIX = ".journal"
#: A reviewer's decisions live apart from their own annotations: ``<annotations>/<reviewer>/decisions/``.
DECISIONS_FOLDER = "decisions"
