"""How the console shows a result: `repr`, pretty-printed when it is long."""

from __future__ import annotations

import dataclasses
import pprint
from collections.abc import Mapping
from typing import Any

WIDTH = 60  # the sidebar's width in characters (as the cheat sheet)


def format_result(value: Any) -> str | None:
    """The text for an expression's value (None: show nothing, as Python's REPL)."""
    if value is None:
        return None
    text = repr(value)
    if len(text) <= WIDTH:
        return text
    if isinstance(value, (list, tuple, dict, set, frozenset)) or dataclasses.is_dataclass(value):
        return pprint.pformat(value, width=WIDTH, sort_dicts=False)
    if isinstance(value, Mapping):  # a mapping of ours (CallResults): its type, then its items one per line
        as_dict = getattr(value, "as_dict", None)
        plain = as_dict() if callable(as_dict) else dict(value.items())
        items = pprint.pformat(plain, width=WIDTH, sort_dicts=False)
        return f"{type(value).__name__}({items})"
    return text


def printable(text: str) -> str:
    """*text* as the page can show it: a lone surrogate (``print("\\udc80")``) cannot
    cross into JavaScript as text, so it is shown escaped instead of failing the print."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text
