"""What the client needs from its host: the protocol the Pyodide boundary and the
`FakeHost` both implement.

Answers come back through one `Settle` function bound once, keyed by call id,
so a call never hands a callback object to JS: nothing per call can leak, and a
late or duplicate answer for a finished call is simply not found.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol

# "oversize": the answer was larger than a view takes (host.js MAX_MESSAGE_CHARS);
# the payload says how large.
SettleKind = Literal["ok", "fail", "timeout", "oversize"]
Settle = Callable[[int, SettleKind, Any], None]
Deliver = Callable[[Any], None]


class Host(Protocol):
    """A way to reach `genesys.wwe.service.outbound`.

    A host whose own timer always settles a call as "timeout" may say so with a
    class attribute ``settles_timeouts = True``; the client then sets no timer of
    its own. Otherwise the client enforces the timeout itself.
    """

    def bind(self, settle: Settle) -> None:
        """Called once: every answer is passed to *settle* (call id, kind, payload)."""

    def start(self, call_id: int, method: str, args: Sequence[Any], timeout: float) -> None:
        """Call ``outbound.<method>(*args, succeeded, failed)``.

        The host settles the call at most once: "ok" with the payload passed to
        ``succeeded``, "fail" with the one passed to ``failed``, or "timeout" when
        nothing came within *timeout* seconds. Raises `NotInWWEError` if there is
        no service to call.
        """

    def cancel(self, call_id: int) -> None:
        """Forget a call that has not settled: its answer, if any, is dropped."""

    def listen(self, events: Sequence[str], deliver: Deliver) -> Callable[[], None]:
        """Deliver each WWE event of the named kinds; returns the function that stops it."""
