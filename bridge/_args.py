"""Argument checks shared by the outbound methods: fail before anything is sent."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .errors import ArgumentTypeError, ArgumentValueError

#: The largest integer a JS number holds exactly: WWE gets larger ones rounded.
MAX_SAFE_INTEGER = 2**53 - 1
#: How deep plain data may nest (deeper is a structure that contains itself, in practice).
MAX_DEPTH = 64


def interaction_id(value: Any) -> str:
    if not isinstance(value, str):
        raise ArgumentTypeError(
            f"interaction_id must be a str (WWE interaction ids are strings), not {type(value).__name__}: {value!r}"
        )
    if not value.strip():
        raise ArgumentValueError("interaction_id is empty: pass the id of the outbound interaction")
    return value


def record_handle(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentTypeError(
            f"record_handle must be an int (GSW_RECORD_HANDLE), not {type(value).__name__}: {value!r}"
        )
    if value < 0:
        raise ArgumentValueError(f"record_handle must not be negative: {value}")
    return value


def campaign_name(value: Any) -> str:
    if not isinstance(value, str):
        raise ArgumentTypeError(f"campaign_name must be a str, not {type(value).__name__}: {value!r}")
    if not value.strip():
        raise ArgumentValueError("campaign_name is empty: pass a name from get_campaigns()")
    return value


def timeout(value: Any, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ArgumentTypeError(f"timeout must be seconds as a number, not {value!r}")
    if not 0 < value <= 3600:
        raise ArgumentValueError(f"timeout must be between 0 and 3600 seconds, not {value}")
    return float(value)


def plain_data(name: str, value: Any) -> Any:
    """*value* if it crosses to WWE as it is: JSON's types (str, int, float, bool, None, lists,
    mappings with str keys), finite numbers, integers JS holds exactly. Else a precise error,
    before anything is sent (a NaN failed in the page as a JSON SyntaxError; 10**400 was sent)."""
    def walk(item: Any, where: str, depth: int = 0) -> None:
        if item is None or isinstance(item, (str, bool)):
            return
        if depth > MAX_DEPTH:
            raise ArgumentValueError(f"{name} is nested more than {MAX_DEPTH} levels deep (or contains itself)")
        if isinstance(item, int):
            if abs(item) > MAX_SAFE_INTEGER:
                raise ArgumentValueError(f"{where} is {item}, beyond what a JS number holds exactly "
                                         f"(±{MAX_SAFE_INTEGER}): send it as text")
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise ArgumentValueError(f"{where} is {item}, which JSON cannot carry: send a finite number or text")
        elif isinstance(item, Mapping):
            for key, inner in item.items():
                if not isinstance(key, str):
                    raise ArgumentTypeError(f"{where} has the key {key!r}: keys must be str")
                walk(inner, f"{where}[{key!r}]", depth + 1)
        elif isinstance(item, (list, tuple)):
            for i, inner in enumerate(item):
                walk(inner, f"{where}[{i}]", depth + 1)
        else:
            raise ArgumentTypeError(f"{where} is a {type(item).__name__}: only plain data (JSON types) reaches WWE")
    walk(value, name)
    return value
