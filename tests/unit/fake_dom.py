"""A page for the widget's controller in CPython: it keeps the rendered trees and
applies patches to them the way web/ui/dom.js does, so tests read what the
agent would see (an element's text, whether a button is disabled) by id."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from datetime import datetime
from typing import Any

from outbound_widget.drafts import MemoryStorage
from bridge.tree import STAMP, expand, text_of


def _plain(node: Any) -> list[Any]:
    """Trees with stamps expanded (as the DOM layer builds them), as fresh lists."""
    if isinstance(node, str):
        return [node]
    if node and node[0] == STAMP:
        return [tree for row in expand(node) for tree in _plain(row)]
    children: list[Any] = []
    for child in node[2:]:
        children += _plain(child)
    return [[node[0], dict(node[1]), *children]]


class FakeDom:
    """*locks*: the site's Web Locks, shared by the FakeDoms that stand for two views."""

    def __init__(self, storage: MemoryStorage | None = None, locks: dict[str, asyncio.Lock] | None = None) -> None:
        self.storage = storage or MemoryStorage()
        self.locks = locks if locks is not None else {}
        self.slots: dict[str, list[Any]] = {}
        self.ops: list[tuple[Any, ...]] = []
        self.warnings: list[str] = []
        self.errors: list[str] = []
        self.focused: str | None = None
        self.renders = 0

    # -- the Dom protocol -------------------------------------------------------

    async def acquire(self, name: str, timeout_s: float) -> Callable[[], None]:
        lock = self.locks.setdefault(name, asyncio.Lock())
        async with asyncio.timeout(timeout_s):
            await lock.acquire()
        return lock.release

    def render(self, target: str, tree: Any) -> None:
        self.renders += 1
        self.slots[target] = ["#slot", {}, *([] if tree == "" else _plain(copy.deepcopy(tree)))]

    def patch(self, ops: list[tuple[Any, ...]]) -> None:
        self.ops += ops
        for op, element_id, *args in ops:
            found = self._find(element_id)
            if found is None:
                continue
            element, parent = found
            if op == "text":
                element[2:] = [args[0]] if args[0] else []
            elif op == "attr":
                if args[1] is None:
                    element[1].pop(args[0], None)
                else:
                    element[1][args[0]] = args[1]
            elif op in ("hidden", "disabled", "checked"):
                if args[0]:
                    element[1][op] = ""
                else:
                    element[1].pop(op, None)
            elif op == "class":
                classes = set(element[1].get("class", "").split())
                classes.add(args[0]) if args[1] else classes.discard(args[0])
                element[1]["class"] = " ".join(sorted(classes))
            elif op == "value" and element[0] == "select":
                for option in element[2:]:
                    if isinstance(option, list):
                        option[1].pop("selected", None)
                        if option[1].get("value") == args[0]:
                            option[1]["selected"] = ""
            elif op == "value":
                element[1]["value"] = args[0]
            elif op == "focus":
                self.focused = element_id
            elif op == "replace":
                position = parent.index(element)
                parent[position:position + 1] = _plain(copy.deepcopy(args[0]))
            else:
                raise AssertionError(f"unknown patch {op}")

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def error(self, message: str) -> None:
        self.errors.append(message)

    def local_time(self, utc: datetime) -> tuple[str, str]:
        return utc.strftime("%m/%d/%Y %H:%M"), "UTC"

    # -- what the agent sees ------------------------------------------------------

    def _find(self, element_id: str) -> tuple[list[Any], list[Any]] | None:
        """The element with this id and its parent (each slot is a root element)."""
        def visit(node: list[Any]) -> tuple[list[Any], list[Any]] | None:
            for child in node[2:]:
                if isinstance(child, list):
                    if child[1].get("id") == element_id:
                        return child, node
                    hit = visit(child)
                    if hit:
                        return hit
            return None

        for root in self.slots.values():
            hit = visit(root)
            if hit:
                return hit
        return None

    def element(self, element_id: str) -> list[Any] | None:
        found = self._find(element_id)
        return found[0] if found else None

    def has(self, element_id: str) -> bool:
        return self.element(element_id) is not None

    def text(self, element_id: str) -> str:
        """The text of an element (by id), or of a whole slot (``slot-record``)."""
        if element_id in self.slots:
            return text_of(self.slots[element_id])
        element = self.element(element_id)
        return text_of(element) if element else ""

    def attr(self, element_id: str, name: str) -> str | None:
        element = self.element(element_id)
        return element[1].get(name) if element else None

    def status(self, area: str) -> tuple[str | None, str]:
        """(data-status, text) of an area's status line."""
        return self.attr(f"{area}-status", "data-status"), self.text(f"{area}-status")

    def disabled(self, element_id: str) -> bool:
        return self.attr(element_id, "disabled") is not None

    def value(self, element_id: str) -> str | None:
        element = self.element(element_id)
        if element is None:
            return None
        if element[0] == "select":
            chosen = [o for o in element[2:] if isinstance(o, list) and "selected" in o[1]]
            return chosen[0][1].get("value") if chosen else None
        return element[1].get("value", "")
