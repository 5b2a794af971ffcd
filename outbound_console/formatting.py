"""How the console shows a result: `repr`, pretty-printed when it is long."""

from __future__ import annotations

import dataclasses
import pprint
from typing import Any

WIDTH = 100


def format_result(value: Any) -> str | None:
    """The text for an expression's value (None: show nothing, as Python's REPL)."""
    if value is None:
        return None
    text = repr(value)
    if len(text) <= WIDTH:
        return text
    if isinstance(value, (list, tuple, dict, set, frozenset)) or dataclasses.is_dataclass(value):
        return pprint.pformat(value, width=WIDTH, sort_dicts=False)
    return text


def printable(text: str) -> str:
    """*text* as the page can show it: a lone surrogate (``print("\\udc80")``) cannot
    cross into JavaScript as text, so it is shown escaped instead of failing the print."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text
