"""The one exception hierarchy of the bridge.

Every error raised by `bridge` is a `BridgeError`; bad arguments are also
`TypeError`/`ValueError`, a timeout is also a `TimeoutError`, so callers can
catch what they know.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class BridgeError(Exception):
    """Root of every error raised by `bridge`."""


class ArgumentTypeError(BridgeError, TypeError):
    """An argument has the wrong type; nothing was sent to WWE."""


class ArgumentValueError(BridgeError, ValueError):
    """An argument has a value WWE would reject; nothing was sent to WWE."""


class UnknownKeyError(BridgeError, KeyError):
    """A lookup by a key the collection does not have (``results[7]``), with what to use instead."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0]) if self.args else ""


class NotInWWEError(BridgeError):
    """The page has no `genesys.wwe.service`: it is not running as a WWE custom view."""


def request_name(method: str) -> str:
    """WWE's request name of *method*: outbound methods are named bare (``"setCallResult"``,
    as the bridge has always named them), every other namespace's qualified
    (``"interaction.markdone"``)."""
    return method if "." in method else f"outbound.{method}"


class UnsupportedPyodideError(BridgeError):
    """The page runs a Pyodide whose private parts the bridge was not checked against
    (bridge/_compat.py): serve the runtime the build ships."""

    def __init__(self, version: str, supported: tuple[str, ...]) -> None:
        self.version = version
        self.supported = supported
        super().__init__(f"this page runs Pyodide {version}, but wwe-outbound-bridge supports only Pyodide "
                         f"{', '.join(supported)}: serve the runtime the build ships (python3 build.py), not another one")


class ServiceError(BridgeError):
    """WWE answered a request with a failure.

    Attributes
    ----------
    method : str
        The method: bare for outbound (``"setCallResult"``), qualified for the other
        namespaces (``"interaction.setUserData"``).
    error_message : str
        WWE's ``errorMessage`` (or the bare string the client passed to ``failed``).
    payload : Any
        Everything WWE sent, as plain Python data.
    """

    def __init__(self, method: str, error_message: str, payload: Any = None) -> None:
        self.method = method
        self.error_message = error_message
        self.payload = payload
        super().__init__(f"{request_name(method)} failed: {error_message}")

    @classmethod
    def from_payload(cls, method: str, payload: Any) -> ServiceError:
        """Build the error from what the client passed to ``failed``.

        WWE's failure message carries ``errorMessage``; the vendor client passes a
        bare string for its own failures (``"Request timeout"``).
        """
        if isinstance(payload, str):
            message = payload
        elif isinstance(payload, dict) and payload.get("errorMessage") is not None:
            message = str(payload["errorMessage"])
        else:
            message = f"WWE reported a failure without an errorMessage: {payload!r}"
        kind = OutboundError if "." not in method else ServiceError
        return kind(method, message, payload)


class OutboundError(ServiceError):
    """WWE answered an outbound request with a failure (a `ServiceError`)."""


class BridgeTimeoutError(BridgeError, TimeoutError):
    """No answer from WWE in time.

    Attributes
    ----------
    method : str
        The method that was not answered (see `ServiceError.method`).
    timeout : float | None
        Our timeout in seconds, or None when WWE's client timed out first
        (it fails with ``"Request timeout"`` after 10 s).
    """

    def __init__(self, method: str, timeout: float | None) -> None:
        self.method = method
        self.timeout = timeout
        waited = f"within {timeout:g} s" if timeout is not None else "before the WWE client timed out"
        super().__init__(
            f"{request_name(method)}: WWE did not answer {waited}. Is WWE still connected? "
            "Retry, or pass a longer timeout=."
        )


#: Why a deployer's rule may not change WWE (the default reason of `WriteRefusedError`).
READS_ONLY = "rules check and transform the record, the widget's own actions write it (reads are allowed)"


class WriteRefusedError(BridgeError):
    """A request that changes WWE was made from code that may not make it: a deployer's
    rule while it runs (or a task it started), which may only read, or an after_save rule
    asking for what the widget's privileges withhold.

    Attributes
    ----------
    method : str
        The refused request.
    who : str
        The code that made it (``"the rule phone_in_e164"``).
    why : str
        Why it is refused.
    """

    def __init__(self, method: str, who: str, why: str = "") -> None:
        self.method, self.who = method, who
        self.why = why or READS_ONLY
        super().__init__(f"{request_name(method)} changes WWE, which {who} may not do: {self.why}. Nothing was sent.")


class MalformedResponseError(BridgeError):
    """WWE answered, but not with data of the documented shape.

    Attributes
    ----------
    method : str
    payload : Any
        What arrived.
    """

    def __init__(self, method: str, problem: str, payload: Any = None) -> None:
        self.method = method
        self.payload = payload
        super().__init__(f"{request_name(method)} returned unexpected data: {problem}")


@dataclass(frozen=True)
class FieldProblem:
    """One field that cannot be sent as it is, and why."""

    name: str
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.label}: {self.message}"


class FieldValidationError(BridgeError, ValueError):
    """Record fields that WWE would reject; nothing was sent.

    Attributes
    ----------
    problems : tuple[FieldProblem, ...]
        Every bad field with the reason, in field order.
    """

    def __init__(self, problems: list[FieldProblem] | tuple[FieldProblem, ...]) -> None:
        self.problems = tuple(problems)
        lines = "; ".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} field(s) cannot be saved: {lines}")
