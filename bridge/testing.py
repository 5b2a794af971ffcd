"""`FakeHost`: an in-process stand-in for WWE, for tests and offline scripting.

It records every call and answers the way WWE can: at once, later, twice,
never, with an ``errorMessage``, with a bare string, or with malformed data.

Examples
--------
>>> host = FakeHost({"getCallResult": 6})
>>> outbound = Outbound(host)                                  # doctest: +SKIP
>>> (await outbound.get_call_result("1")).name                 # doctest: +SKIP
'BUSY'
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .host import Deliver, Settle, SettleKind

# How the host answers a method: "now" (on the next loop turn, like postMessage),
# "hold" (not until the test says so), "twice" (the same answer two times).
Mode = str


def envelope(method: str, **body: Any) -> dict[str, Any]:
    """A WWE response as the client passes it on: the message minus referenceId."""
    return {"request": f"outbound.{method}", **body, "userAgent": "WWE Server", "protocolVersion": 2}


@dataclass
class FakeCall:
    """One call the host received; settle it by hand when its method is held."""

    host: FakeHost
    call_id: int
    method: str
    args: list[Any]
    timeout: float
    cancelled: bool = False
    answers: int = field(default=0)

    def answer(self, data: Any = None) -> None:
        """Succeed with ``data`` in the WWE envelope."""
        self.settle("ok", envelope(self.method, data=data))

    def fail(self, error_message: str) -> None:
        """Fail the way WWE does: a message with an ``errorMessage``."""
        self.settle("fail", envelope(self.method, errorMessage=error_message))

    def settle(self, kind: SettleKind, payload: Any) -> None:
        """Pass anything to the client's callback (a bare string, malformed data...)."""
        self.answers += 1
        self.host._settle(self.call_id, kind, payload)


class FakeHost:
    """A scripted WWE.

    Parameters
    ----------
    replies : Mapping[str, Any]
        Method → ``data`` to answer with, or a callable ``(args) -> data`` that may
        raise `FakeFailure` to fail with an ``errorMessage``.
    """

    def __init__(self, replies: Mapping[str, Any] | None = None) -> None:
        self.replies: dict[str, Any] = dict(replies or {})
        self.modes: dict[str, Mode] = {}
        self.calls: list[FakeCall] = []
        self.listeners: dict[int, tuple[list[str], Deliver]] = {}
        self._settle: Settle = lambda *_: None
        self._next_listener = 0

    # -- Host protocol --------------------------------------------------------

    def bind(self, settle: Settle) -> None:
        self._settle = settle

    def start(self, call_id: int, method: str, args: Sequence[Any], timeout: float) -> None:
        call = FakeCall(self, call_id, method, list(args), timeout)
        self.calls.append(call)
        mode = self.modes.get(method, "now")
        if mode == "hold" or method not in self.replies:
            return  # like a WWE that never answers; settle it with last(method)
        loop = asyncio.get_running_loop()
        loop.call_soon(self._reply, call)
        if mode == "twice":
            loop.call_soon(self._reply, call)

    def cancel(self, call_id: int) -> None:
        for call in self.calls:
            if call.call_id == call_id:
                call.cancelled = True

    def listen(self, events: Sequence[str], deliver: Deliver) -> Callable[[], None]:
        self._next_listener += 1
        key = self._next_listener
        self.listeners[key] = (list(events), deliver)

        def stop() -> None:
            self.listeners.pop(key, None)

        return stop

    # -- scripting ------------------------------------------------------------

    def hold(self, method: str) -> None:
        """Do not answer *method* until the test settles the call itself (or never)."""
        self.modes[method] = "hold"

    def twice(self, method: str) -> None:
        """Answer *method* two times, as a buggy host might."""
        self.modes[method] = "twice"

    def emit(self, event: str, data: Any) -> int:
        """Deliver ``{event, data}`` to every listener of *event*; returns how many got it."""
        message = {"event": event, "data": data, "userAgent": "WWE Server", "protocolVersion": 2}
        targets = [deliver for names, deliver in list(self.listeners.values()) if event in names]
        for deliver in targets:
            deliver(message)
        return len(targets)

    def last(self, method: str) -> FakeCall:
        """The most recent call of *method*."""
        for call in reversed(self.calls):
            if call.method == method:
                return call
        raise LookupError(f"{method} was not called; calls: {[c.method for c in self.calls]}")

    def sent(self, method: str) -> list[list[Any]]:
        """The arguments of every call of *method*, in order."""
        return [c.args for c in self.calls if c.method == method]

    def _reply(self, call: FakeCall) -> None:
        reply = self.replies.get(call.method)
        try:
            data = reply(call.args) if callable(reply) else reply
        except FakeFailure as failure:
            call.fail(failure.error_message)
            return
        call.answer(data)


class FakeFailure(Exception):
    """Raise from a reply callable to fail the call with this ``errorMessage``."""

    def __init__(self, error_message: str) -> None:
        self.error_message = error_message
        super().__init__(error_message)
