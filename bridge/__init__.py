"""wwe-outbound-bridge: a typed async Python API over Genesys WWE outbound.

Nothing runs on import. ``bridge.outbound`` is the page's client, created on
first use (in Pyodide, inside a WWE custom view booted by our pages).

Examples
--------
>>> from bridge import outbound                                   # doctest: +SKIP
>>> [f.label for f in await outbound.get_record_fields(iid)]      # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from .call_results import DEFAULT_CALL_RESULTS, CallResult, CallResults
from .campaigns import Campaign, PreviewRecord
from .chained import ChainedRecord
from .errors import (
    ArgumentTypeError,
    ArgumentValueError,
    BridgeError,
    BridgeTimeoutError,
    FieldProblem,
    FieldValidationError,
    MalformedResponseError,
    NotInWWEError,
    OutboundError,
    UnknownKeyError,
)
from .events import Event
from .fields import Field, FieldType, ValueType
from .client import DEFAULT_TIMEOUT, Outbound
from ._pyodide import allow_run_sync  # the event loop's opt-in to stack switching
from .rate_limit import QuarantinedError, RateLimit
from .record import RecordEditor
from .schedule import CallbackTimeError, CallbackType, CallingWindow, format_reschedule, to_record_time
from .zones import RecordZone

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_CALL_RESULTS",
    "DEFAULT_TIMEOUT",
    "ArgumentTypeError",
    "ArgumentValueError",
    "BridgeError",
    "BridgeTimeoutError",
    "CallResult",
    "CallResults",
    "CallbackTimeError",
    "CallbackType",
    "CallingWindow",
    "Campaign",
    "ChainedRecord",
    "Event",
    "Field",
    "FieldProblem",
    "FieldType",
    "FieldValidationError",
    "MalformedResponseError",
    "NotInWWEError",
    "Outbound",
    "OutboundError",
    "PreviewRecord",
    "QuarantinedError",
    "RateLimit",
    "RecordEditor",
    "RecordZone",
    "UnknownKeyError",
    "ValueType",
    "__version__",
    "allow_run_sync",
    "format_reschedule",
    "outbound",
    "to_record_time",
]

_default: Outbound | None = None


def __getattr__(name: str) -> Any:
    # `bridge.outbound` is made on first access, not on import: importing bridge
    # must work anywhere (CPython tests, a page without WWE).
    global _default
    if name == "outbound":
        if _default is None:
            _default = Outbound()
        return _default
    raise AttributeError(f"module 'bridge' has no attribute {name!r}")
