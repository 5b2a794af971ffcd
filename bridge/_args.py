"""Argument checks shared by the outbound methods: fail before anything is sent."""

from __future__ import annotations

from typing import Any

from .errors import ArgumentTypeError, ArgumentValueError


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
