"""Element trees as plain data: what the widget renders, built without the DOM.

An element is a list ``[tag, attrs, *children]``; a child is an element or a
string, and a string is always text (the JS renderer makes a text node of it,
never markup). A tuple of children is a fragment, flattened in place. Building
trees in pure Python keeps the views testable in CPython and keeps WWE's
untrusted strings out of any HTML parser.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Union

Node = Union[list[Any], str]
AttrValue = Union[str, int, float, bool, None]


def h(tag: str, attrs: Mapping[str, AttrValue] | None = None, *children: Any) -> list[Any]:
    """An element. Attribute values: True → present, False/None → absent, else text."""
    clean: dict[str, str] = {}
    for name, value in (attrs or {}).items():
        if value is None or value is False:
            continue
        clean[name] = "" if value is True else str(value)
    node: list[Any] = [tag, clean]
    _extend(node, children)
    return node


def _extend(node: list[Any], children: Any) -> None:
    for child in children:
        if child is None or child is False:
            continue
        if isinstance(child, tuple):
            _extend(node, child)
        elif isinstance(child, (list, str)):
            node.append(child)
        else:
            node.append(str(child))


def walk(node: Node) -> Iterator[list[Any]]:
    """Every element of the tree, depth first."""
    if isinstance(node, list):
        yield node
        for child in node[2:]:
            yield from walk(child)


def find(node: Node, element_id: str) -> list[Any] | None:
    """The element with this id, or None."""
    return next((el for el in walk(node) if el[1].get("id") == element_id), None)


def text_of(node: Node) -> str:
    """The text a person would read (for tests and accessibility checks)."""
    if isinstance(node, str):
        return node
    return "".join(text_of(child) for child in node[2:])
