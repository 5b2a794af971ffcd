"""Element trees as plain data: what Python views (the widget, `bridge.ui`) render, built without the DOM.

An element is a list ``[tag, attrs, *children]``; a child is an element or a
string, and a string is always text (the JS renderer makes a text node of it,
never markup). A tuple of children is a fragment, flattened in place. Building
trees in pure Python keeps the views testable in CPython and keeps WWE's
untrusted strings out of any HTML parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Union

Node = Union[list[Any], str]
AttrValue = Union[str, int, float, bool, None]


class Element(list):  # type: ignore[type-arg]
    """An element made by `h` or `stamp`: only these are structure. Any other list a view
    passes as a child (say, a record value WWE sent as a JSON array shaped like a tree)
    is a list of children whose items are text: data can never become an element."""

    __slots__ = ()


def h(tag: str, attrs: Mapping[str, AttrValue] | None = None, *children: Any) -> list[Any]:
    """An element. Attribute values: True → present, False/None → absent, else text.

    Children: elements (from `h`), strings (always text), None/False (skipped), and
    lists or tuples of them (flattened); anything else is shown as its ``str()``.
    """
    clean: dict[str, str] = {}
    for name, value in (attrs or {}).items():
        if value is None or value is False:
            continue
        clean[name] = "" if value is True else str(value)
    node = Element([tag, clean])
    _extend(node, children)
    return node


def _extend(node: list[Any], children: Any) -> None:
    for child in children:
        if child is None or child is False:
            continue
        if isinstance(child, Element) or isinstance(child, str):
            node.append(child)
        elif isinstance(child, (list, tuple)):
            _extend(node, child)  # a list of children: its items, never an element itself
        else:
            node.append(str(child))


def walk(node: Node) -> Iterator[list[Any]]:
    """Every element of the tree, depth first (stamps expanded)."""
    if isinstance(node, list) and node and node[0] == STAMP:
        for tree in expand(node):
            yield from walk(tree)
    elif isinstance(node, list):
        yield node
        for child in node[2:]:
            yield from walk(child)


def text_of(node: Node) -> str:
    """The text a person would read (for tests and accessibility checks)."""
    if isinstance(node, str):
        return node
    if node and node[0] == STAMP:
        return "".join(text_of(tree) for tree in expand(node))
    return "".join(text_of(child) for child in node[2:])


# -- stamps: many rows of the same shape ------------------------------------------------
#
# A stamp is ``["#stamp", {}, templates, rows]``: each row is ``[template index,
# values]``. In a template, "\x01<n>\x02" inside an attribute value or a text is
# replaced by the row's value n (an attribute whose whole value is one slot is
# removed for None/False and present for True), and a child that is exactly
# "\x03<n>" is replaced by the trees in value n. The DOM layer builds each
# template once and clones it per row, so a thousand rows cost a thousand
# clones plus the values that differ, not every element and attribute again.

STAMP = "#stamp"
_SLOT = re.compile("\x01(\\d+)\x02")


def slot(n: int) -> str:
    """The marker for value *n* of a stamped row."""
    return f"\x01{n}\x02"


def children_slot(n: int) -> str:
    """A child replaced by the list of trees in value *n*."""
    return f"\x03{n}"


def stamp(rows: list[tuple[Node, list[Any]]]) -> list[Any]:
    """A stamp node from (template, values) pairs.

    Rows that pass the same template object share it (build templates once per
    shape, e.g. with a cache); equal templates built separately are merely sent twice.
    """
    templates: list[Node] = []
    index: dict[int, int] = {}
    packed = []
    for template, values in rows:
        key = id(template)
        if key not in index:
            index[key] = len(templates)
            templates.append(template)
        packed.append([index[key], values])
    return Element([STAMP, {}, templates, packed])


def _as_page_text(value: Any) -> str:
    """A row value as the page's DOM layer writes it into text (JavaScript's ``String()`` of
    the value after JSON): ``true``, ``null``, ``1`` for 1.0. Pass strings to show what you mean."""
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _fill_text(text: str, values: list[Any]) -> str:
    return _SLOT.sub(lambda m: _as_page_text(values[int(m.group(1))]), text)


def _fill(node: Node, values: list[Any]) -> list[Node]:
    if isinstance(node, str):
        if node.startswith("\x03"):
            return list(values[int(node[1:])])
        return [_fill_text(node, values)]
    attrs: dict[str, str] = {}
    for name, value in node[1].items():
        whole = _SLOT.fullmatch(value)
        if whole:
            filled = values[int(whole.group(1))]
            if filled is None or filled is False:
                continue
            attrs[name] = "" if filled is True else str(filled)
        else:
            attrs[name] = _fill_text(value, values)
    children: list[Node] = []
    for child in node[2:]:
        children += _fill(child, values)
    return [[node[0], attrs, *children]]


def expand(node: Node) -> list[Node]:
    """A stamp's rows as plain trees (what the DOM layer makes of it); other nodes as is."""
    if isinstance(node, list) and node and node[0] == STAMP:
        templates, rows = node[2], node[3]
        return [tree for index, values in rows for tree in _fill(templates[index], values)]
    return [node]
