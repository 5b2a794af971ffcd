"""Whole numbers as WWE sends them: an int, an integral float or decimal text.

`str.isdigit` is not the test: it is true for "²" and "٣", which `int()` then
refuses or reads, and `"--5".lstrip("-")` passes it too. Every parse of a number
from WWE goes through here so that a bad one is None (and the caller raises a
`BridgeError` that names it), never a bare `ValueError`.
"""

from __future__ import annotations

import math
import re
from typing import Any

_DECIMAL = re.compile(r"\s*[+-]?[0-9]+\s*", re.ASCII)


def whole_number(value: Any) -> int | None:
    """*value* as an int, or None when it is not a whole number (bool is not one)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return int(value)
    return None
