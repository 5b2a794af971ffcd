"""wwe-outbound-bridge: a typed async Python API over Genesys WWE outbound, and the
rest of WWE's Service Client API around it.

Nothing runs on import. ``bridge.outbound`` is the page's outbound client, and
``bridge.interaction``, ``bridge.configuration``, ``bridge.system``, ``bridge.agent``,
``bridge.voice``, ``bridge.media``, ``bridge.messenger``, ``bridge.email``,
``bridge.sip_endpoint`` and ``bridge.auth`` the other namespaces' clients: each is
created on first use (in Pyodide, inside a WWE custom view booted by our pages), all
of them on one host, so they share the view's pending calls. They are not in
``__all__``: ``from bridge import *`` works anywhere, also outside WWE.

Examples
--------
>>> from bridge import outbound
>>> [f.label for f in await outbound.get_record_fields(iid)][:3]
['Call From', 'GSW_CUSTOM_STRING', 'Phone Type']
"""

from __future__ import annotations

from typing import Any

from .host import Host
from .service import Service, default_host

from .agents import Agent, AgentService, AgentState
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
    ServiceError,
    UnknownKeyError,
    UnsupportedPyodideError,
    WriteRefusedError,
)
from .channels import EmailService, MediaService, SipEndpointService, VoiceService
from .desktop import AuthService, SystemService
from .interactions import Interaction, InteractionService
from .messaging import MessengerService
from .options import ConfigurationService, Options, Section
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
    "Agent",
    "AgentService",
    "AgentState",
    "AuthService",
    "ConfigurationService",
    "EmailService",
    "Interaction",
    "InteractionService",
    "MediaService",
    "MessengerService",
    "Options",
    "Section",
    "ServiceError",
    "SipEndpointService",
    "SystemService",
    "VoiceService",
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
    "SERVICES",
    "UnknownKeyError",
    "UnsupportedPyodideError",
    "WriteRefusedError",
    "ValueType",
    "__version__",
    "allow_run_sync",
    "format_reschedule",
    "to_record_time",
]

#: The page's clients, created on first use (see the module's docstring).
_CLIENTS: dict[str, type[Service]] = {
    "outbound": Outbound, "interaction": InteractionService, "configuration": ConfigurationService,
    "system": SystemService, "agent": AgentService, "voice": VoiceService, "media": MediaService,
    "messenger": MessengerService, "email": EmailService, "sip_endpoint": SipEndpointService, "auth": AuthService,
}
#: The names of the page's clients, one per WWE namespace (``bridge.<name>``).
SERVICES: tuple[str, ...] = tuple(_CLIENTS)
_defaults: dict[str, Service] = {}
_host: Host | None = None


def __getattr__(name: str) -> Any:
    # Made on first access, not on import: importing bridge must work anywhere
    # (CPython tests, a page without WWE).
    global _host
    kind = _CLIENTS.get(name)
    if kind is None:
        raise AttributeError(f"module 'bridge' has no attribute {name!r}")
    client = _defaults.get(name)
    if client is None:
        if _host is None:
            _host = default_host()
        client = _defaults[name] = kind(_host)
    return client
