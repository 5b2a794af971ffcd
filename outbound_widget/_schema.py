"""A small schema language for the widget's configuration: each node checks a value
(naming every problem by its key, with a "did you mean" for a misspelt one) and
writes its own JSON Schema, so the file's checks and the published schema cannot
drift apart.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any


class Problems:
    """Problems found so far, each ``"<key path>: <what is wrong>"``."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path or '(the file)'}: {message}")

    def __bool__(self) -> bool:
        return bool(self.items)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a table"
    return type(value).__name__  # TOML dates and times


def toml_key(key: str) -> str:
    """A key as TOML writes it in a dotted path (quoted unless bare)."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _join(path: str, key: str) -> str:
    return f"{path}.{toml_key(key)}" if path else toml_key(key)


class Node:
    """One value of the file: `check` returns it (None when wrong), `schema` describes it."""

    def __init__(self, description: str) -> None:
        self.description = description

    def check(self, value: Any, path: str, problems: Problems) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def _described(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {"description": self.description, **schema} if self.description else schema


class Bool(Node):
    def check(self, value: Any, path: str, problems: Problems) -> Any:
        if isinstance(value, bool):
            return value
        problems.add(path, f"expected true or false, got {_kind(value)}")
        return None

    def schema(self) -> dict[str, Any]:
        return self._described({"type": "boolean"})


class Int(Node):
    def __init__(self, description: str, *, minimum: int, maximum: int) -> None:
        super().__init__(description)
        self.minimum, self.maximum = minimum, maximum

    def check(self, value: Any, path: str, problems: Problems) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            problems.add(path, f"expected a whole number, got {_kind(value)}")
            return None
        if not self.minimum <= value <= self.maximum:
            problems.add(path, f"{value} is out of range: use {self.minimum} to {self.maximum}")
            return None
        return value

    def schema(self) -> dict[str, Any]:
        return self._described({"type": "integer", "minimum": self.minimum, "maximum": self.maximum})


class Text(Node):
    def __init__(self, description: str, *, pattern: str | None = None, pattern_hint: str = "",
                 enum: tuple[str, ...] | None = None, required: bool = False) -> None:
        super().__init__(description)
        self.pattern, self.pattern_hint, self.enum, self.required = pattern, pattern_hint, enum, required

    def check(self, value: Any, path: str, problems: Problems) -> Any:
        if not isinstance(value, str):
            problems.add(path, f"expected text, got {_kind(value)}")
            return None
        if self.required and not value.strip():
            problems.add(path, "must not be empty")
            return None
        # re.search, as JSON Schema validators apply "pattern" (write the end as (?![\s\S]), not $: Python's
        # "$" also matches before a final newline, ECMAScript's does not)
        if self.pattern is not None and not re.search(self.pattern, value):
            problems.add(path, f"{value!r} is not {self.pattern_hint or 'of the form ' + self.pattern}")
            return None
        return value

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string"}
        if self.pattern:
            schema["pattern"] = self.pattern
        if self.required:
            schema["minLength"] = 1
            if not self.pattern:
                schema["pattern"] = "\\S"  # not only spaces
        return self._described(schema)


class Unsupported(Node):
    """A WWE option this widget cannot honour: setting it is an error that says why."""

    def check(self, value: Any, path: str, problems: Problems) -> Any:
        problems.add(path, self.description)
        return None

    def schema(self) -> dict[str, Any]:
        return {"description": f"Not supported: {self.description}.", "not": {}}


class Array(Node):
    def __init__(self, description: str, items: Node, *, unique: bool = False, min_items: int = 0) -> None:
        super().__init__(description)
        self.items, self.unique, self.min_items = items, unique, min_items

    def check(self, value: Any, path: str, problems: Problems) -> Any:
        if not isinstance(value, list):
            problems.add(path, f"expected a list, got {_kind(value)}")
            return None
        if len(value) < self.min_items:
            problems.add(path, f"must list at least {self.min_items}")
            return None
        checked = [self.items.check(item, f"{path}[{i}]", problems) for i, item in enumerate(value)]
        if self.unique:
            first: dict[Any, int] = {}
            for i, item in enumerate(checked):
                if not isinstance(item, (str, int)):
                    continue
                if item in first:
                    j = first[item]
                    same = "listed twice" if value[j] == value[i] else f"the same as {value[j]!r}"
                    problems.add(f"{path}[{i}]", f"{value[i]!r} is {same} ({path}[{j}])")
                else:
                    first[item] = i
        return checked

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.items.schema()}
        if self.unique:
            schema["uniqueItems"] = True
        if self.min_items:
            schema["minItems"] = self.min_items
        return self._described(schema)


class Table(Node):
    """Known keys only: an unknown one (a typo would otherwise be silently ignored) is a problem."""

    def __init__(self, description: str, fields: Mapping[str, Node], required: tuple[str, ...] = ()) -> None:
        super().__init__(description)
        self.fields, self.required = dict(fields), required

    def check(self, value: Any, path: str, problems: Problems) -> Any:
        if not isinstance(value, Mapping):
            problems.add(path, f"expected a table, got {_kind(value)}")
            return None
        checked: dict[str, Any] = {}
        for key, item in value.items():
            node = self.fields.get(key)
            if node is None:
                close = difflib.get_close_matches(key, list(self.fields), n=1, cutoff=0.7)
                known = f"did you mean {close[0]!r}?" if close else "known keys: " + ", ".join(self.fields)
                problems.add(_join(path, key), f"unknown key ({known})")
                continue
            result = node.check(item, _join(path, key), problems)
            if result is not None:
                checked[key] = result
        for key in self.required:
            if key not in value:
                problems.add(_join(path, key), "is required")
        return checked

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "object", "properties": {k: n.schema() for k, n in self.fields.items()},
                                  "additionalProperties": False}
        if self.required:
            schema["required"] = list(self.required)
        return self._described(schema)


class TextMap(Node):
    """A table of free keys (field or campaign names) → values (text by default)."""

    def __init__(self, description: str, values: Node | None = None) -> None:
        super().__init__(description)
        self.values = values or Text("")

    def check(self, value: Any, path: str, problems: Problems) -> Any:
        if not isinstance(value, Mapping):
            problems.add(path, f"expected a table, got {_kind(value)}")
            return None
        checked = {}
        for key, item in value.items():
            result = self.values.check(item, _join(path, key), problems)
            if result is not None:
                checked[key] = result
        return checked

    def schema(self) -> dict[str, Any]:
        return self._described({"type": "object", "additionalProperties": self.values.schema()})
