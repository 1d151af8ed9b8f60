"""YAML from files tagline did not write: safe tags only, aliases allowed while their expansion is bounded.

PyYAML's own ``safe_dump`` writes an anchor and aliases when two places share one Python list
(``labels: &id001 [claim]`` … ``labels: *id001``), so a file made by a user's script can hold them.
Aliases are also how a file of a few hundred bytes expands to billions of values ("billion
laughs"): the loader itself shares the nodes, but anything that walks, copies or writes the data
out again expands them. :func:`load` counts the values the document would hold with every alias
written out, and refuses a document beyond :func:`limit` with :class:`TooManyAliases` (a
``yaml.YAMLError`` whose message is one line). A document that passes is returned with nothing
shared, so changing one place never changes another.

A value YAML parses but Python cannot hold (a whole number of more than 4,300 digits, a date such as
2026-02-30) is :class:`BadValue`, a ``yaml.YAMLError`` too, that names its line: PyYAML lets the
``ValueError`` out, which no caller expects from a YAML loader.

A key written twice in one mapping is :class:`DuplicateKey`, a ``yaml.YAMLError`` that names the key
and both lines: PyYAML keeps the last value and drops the other without a word (an annotation file
with a sentence's ``labels:`` twice, a label scheme with ``labels:`` twice). YAML itself requires
the keys of a mapping to be unique. A key given by a merge (``<<: *base``) may still be overridden.
"""

from __future__ import annotations

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Values any document may expand to, however small it is written.
BASE_LIMIT = 100_000
#: ... and, beyond that, this many times the values it is written with.
FACTOR = 10


class TooManyAliases(yaml.YAMLError):
    """A document whose aliases expand beyond the bound, or refer to the node that holds them."""

    def __init__(self, problem: str, mark=None):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class BadValue(yaml.YAMLError):
    """A scalar the safe constructors reject with a ``ValueError`` (too many digits, no such date)."""

    def __init__(self, problem: str, mark=None):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class DuplicateKey(yaml.YAMLError):
    """A mapping that has the same key twice: ``key`` as written, ``first`` and ``problem_mark``
    where each was written. The message is one line and shows the key as visible characters."""

    def __init__(self, key: str, first, mark):
        from tagline.core.sanitize import one_line

        self.key = key
        self.first = first
        self.problem_mark = mark
        first_line = f" (first on line {first.line + 1})" if first is not None else ""
        self.problem = f"the key {one_line(repr(key), 40)} is given twice in one mapping{first_line}"
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        super().__init__(f"{where}{self.problem}")


def _refuse_duplicates(loader, node, pairs) -> None:
    """Raise :class:`DuplicateKey` for the first key of ``pairs`` (of the mapping ``node``) that
    repeats an earlier one."""
    seen: dict = {}  # key -> where it was first written
    used: set[int] = set()
    for key_node, value_node in pairs:
        key = loader.construct_object(key_node)  # made once: the constructor keeps what it made
        # An alias is its anchor's node, written elsewhere: an alias as a key is placed by its value,
        # and when that is one too, by the mapping itself.
        mark = next((n.start_mark for n in (key_node, value_node) if id(n) not in used and n.start_mark.index >= node.start_mark.index),
                    node.start_mark)
        used.update((id(key_node), id(value_node)))
        try:
            first = seen.get(key)
        except TypeError:  # an unhashable key: the constructor says so itself
            continue
        if first is not None:
            written = key_node.value if isinstance(key_node, yaml.ScalarNode) else key
            raise DuplicateKey(written, first, mark)
        seen[key] = mark


_checked_loaders: dict[type, type] = {}


def _checked(loader_class: type) -> type:
    """``loader_class`` whose construction of a value turns a ``ValueError`` into :class:`BadValue`."""
    checked = _checked_loaders.get(loader_class)
    if checked is None:

        def construct_object(self, node, deep=False):
            try:
                return loader_class.construct_object(self, node, deep)
            except (ValueError, OverflowError) as error:
                value = str(getattr(node, "value", ""))
                shown = value if len(value) <= 40 else f"{value[:20]}…({len(value):,} characters)"
                reason = " ".join(str(error).split(";")[0].split())[:120]
                raise BadValue(f"the value {shown!r} cannot be read ({reason})", getattr(node, "start_mark", None)) from None

        def flatten_mapping(self, node):
            own = node.value
            loader_class.flatten_mapping(self, node)
            if node.value is not own:  # pairs merged in front (``<<: *base``): the node's own may override them
                _refuse_duplicates(self, node, own)
                self.__dict__.setdefault("_merged", set()).add(id(node))

        def construct_mapping(self, node, deep=False):
            mapping = loader_class.construct_mapping(self, node, deep)
            if len(mapping) < len(node.value) and id(node) not in self.__dict__.get("_merged", ()):
                _refuse_duplicates(self, node, node.value)  # a key lost: the slow look only then
            return mapping

        checked = _checked_loaders[loader_class] = type(
            f"Checked{loader_class.__name__}",
            (loader_class,),
            {"construct_object": construct_object, "flatten_mapping": flatten_mapping, "construct_mapping": construct_mapping},
        )
    return checked


def limit(written: int) -> int:
    """How many values a document written with ``written`` values may expand to."""
    return BASE_LIMIT + FACTOR * written


def load(text: str, loader=None):
    """``yaml.safe_load(text)``, with aliases bounded and unshared, and no key given twice in a
    mapping (see the module's text)."""
    loader_class = _checked(loader or _Loader)
    if "*" not in text:  # no alias can be written without one
        return yaml.load(text, Loader=loader_class)
    parser = loader_class(text)
    try:
        node = parser.get_single_node()
        if node is None:
            return None
        shared = _check(node)
        data = parser.construct_document(node)
    finally:
        parser.dispose()
    return _unshared(data) if shared else data


def _check(root) -> bool:
    """Raise :class:`TooManyAliases` if ``root`` expands beyond the bound; True if any node is
    reached twice (an alias was used)."""
    size: dict[int, int] = {}  # id(node) -> values it expands to, once finished
    open_nodes: set[int] = set()
    shared = False
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            total = 1 + sum(size[id(child)] for child in _children(node))
            size[key] = total
            open_nodes.discard(key)
            continue
        if key in size:
            shared = True
            continue
        if key in open_nodes:
            raise TooManyAliases("a YAML alias refers to the value that holds it (aliases must not loop)", getattr(node, "start_mark", None))
        open_nodes.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in size or id(child) in open_nodes:
                shared = True
            stack.append((child, False))
        # a node reached twice before it is finished (a sibling alias) is counted when finished
    written = len(size)
    expanded = size[id(root)]
    if expanded > limit(written):
        raise TooManyAliases(
            f"YAML aliases expand {written:,} values to {expanded:,} (the limit is {limit(written):,})"
        )
    return shared


def _children(node):
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value


def _unshared(data):
    """A copy of ``data`` in which no list or mapping appears twice (iterative: no recursion limit)."""
    if not isinstance(data, (dict, list)):
        return data
    root = {} if isinstance(data, dict) else []
    stack = [(data, root)]
    while stack:
        source, target = stack.pop()
        pairs = source.items() if isinstance(source, dict) else enumerate(source)
        for key, value in pairs:
            if isinstance(value, (dict, list)):
                copy = {} if isinstance(value, dict) else []
                stack.append((value, copy))
                value = copy
            if isinstance(target, dict):
                target[key] = value
            else:
                target.append(value)
    return root
