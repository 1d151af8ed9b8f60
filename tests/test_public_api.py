"""What a project that depends on tagline may import: ``tagline.__all__``, each name documented and
typed, ``py.typed`` shipped, and one version number."""

from __future__ import annotations

import inspect
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import pytest

import tagline

ROOT = Path(__file__).resolve().parent.parent
API_PAGE = ROOT / "docs" / "reference" / "python-api.md"


def public_callables():
    """Every public function, class and public method of a public class, by its public name."""
    for name in tagline.__all__:
        value = getattr(tagline, name)
        if inspect.isfunction(value):
            yield name, value
        elif inspect.isclass(value):
            yield name, value
            for attribute, member in vars(value).items():
                if not attribute.startswith("_") and inspect.isfunction(member):
                    yield f"{name}.{attribute}", member


def said(value) -> bool:
    """Whether ``value`` has a docstring of its own (a dataclass without one is given its signature)."""
    doc = (value.__doc__ or "").strip()
    return bool(doc) and not (inspect.isclass(value) and doc.startswith(f"{value.__name__}("))


def test_every_public_name_resolves_and_says_what_it_is():
    assert tagline.__all__ == ["__version__", *tagline._PUBLIC]
    undocumented = [name for name, value in public_callables() if not said(value)]
    assert undocumented == []
    with pytest.raises(AttributeError):
        tagline.no_such_name  # noqa: B018


def test_every_public_function_is_typed():
    untyped = []
    for name, value in public_callables():
        if inspect.isclass(value):
            continue
        signature = inspect.signature(value)
        missing = [p for p in signature.parameters.values()
                   if p.name not in ("self", "cls") and p.annotation is inspect.Parameter.empty]
        if missing or signature.return_annotation is inspect.Signature.empty:
            untyped.append(name)
    assert untyped == []


def test_the_package_says_it_is_typed():
    assert resources.files("tagline").joinpath("py.typed").is_file()


def test_the_version_is_written_once():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "tui/tagline/__init__.py"


def test_the_api_page_names_every_public_name():
    page = API_PAGE.read_text(encoding="utf-8")
    assert [name for name in tagline.__all__ if f"`{name}" not in page] == []


@pytest.mark.e2e
def test_importing_tagline_imports_none_of_it():
    """``import tagline`` stays as cheap as the program's start needs: the public names are loaded
    when first used."""
    script = "import sys, tagline; print(sorted(m for m in sys.modules if m.startswith(('tagline.', 'textual', 'yaml'))))"
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert shown.strip() == "[]"
    script = "import tagline; tagline.load_annotations; import sys; print('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_load_articles_takes_one_path_or_any_iterable_of_them(tmp_path):
    """``load_articles("art")`` read the name's letters as three paths, and a ``Path`` raised
    TypeError: one path is one path, and a tuple or a generator is as good as a list."""
    folder = tmp_path / "art"
    folder.mkdir()
    (folder / "a.txt").write_text("The mayor said it rained.\n", encoding="utf-8")
    for paths in (str(folder), folder, (folder,), [str(folder)], (p for p in [folder])):
        found, problems = tagline.load_articles(paths)
        assert [a.id for a in found] == ["a"] and problems == [], paths


@pytest.mark.parametrize("kind", ["ArticleProblem", "AnnotationProblem", "AnnotationFileError"])
def test_every_problem_prints_as_one_harmless_line(kind):
    """The docs say a problem's ``str()`` is safe to print: an AnnotationProblem and an
    AnnotationFileError handed an escape sequence or a newline in a path to the terminal as it was."""
    shown = str(getattr(tagline, kind)("p\x1b[2J\nq", "bad\x9b"))
    assert shown.isprintable() and shown.startswith("p␛[2J") and ": bad" in shown, shown


def test_the_api_takes_folders_as_strings_and_refuses_a_name_for_a_list(tmp_path):
    """From the prepare audit: ``load_scheme(cwd="/tmp/x")`` raised "unsupported operand type(s) for
    /: 'str' and 'str'" (a Path worked), and ``load_annotations(root, scheme, annotators="alice")``
    returned an empty corpus without a word (the string read as five one-letter names)."""
    import pytest

    import tagline

    (tmp_path / "tagline.yaml").write_text("labels:\n  - name: rumour\n    keys: [r]\n", encoding="utf-8")
    assert tagline.load_scheme(cwd=str(tmp_path)).names == ["rumour"]
    with pytest.raises(TypeError, match="list of names"):
        tagline.load_annotations(tmp_path, tagline.load_scheme(), annotators="alice")
