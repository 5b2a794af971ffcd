"""`FakeHost`: an in-process stand-in for WWE, for tests and offline scripting.

It records every call and answers the way WWE can: at once, later, twice,
never, with an ``errorMessage``, with a bare string, or with malformed data.

Examples
--------
>>> from bridge import Outbound
>>> host = FakeHost({"getCallResult": 6})
>>> outbound = Outbound(host)
>>> (await outbound.get_call_result("1")).name
'BUSY'
>>> host.sent("getCallResult")
[['1']]

A view's module written for the page (``from bridge import outbound`` at its top)
runs in CPython against a fake with `page_clients`:

>>> with page_clients(FakeHost({"getCallResult": 7})):
...     from bridge import outbound
>>> (await outbound.get_call_result("1")).name
'NO_ANSWER'
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .errors import request_name
from .host import Deliver, Host, Settle, SettleKind

# How the host answers a method: "now" (on the next loop turn, like postMessage),
# "hold" (not until the test says so), "twice" (the same answer two times).
Mode = str


def envelope(method: str, **body: Any) -> dict[str, Any]:
    """A WWE response as the client passes it on: the message minus referenceId."""
    return {"request": request_name(method), **body, "userAgent": "WWE Server", "protocolVersion": 2}


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


class FakePage:
    """A stand-in page for `bridge.ui.Page`, for testing a Python view in CPython.

    It keeps what the view rendered (by element id) and the patches it sent, and
    fires events at the handlers the view registered.

    Examples
    --------
    >>> from bridge.ui import Page
    >>> fake = FakePage(query={"interaction": "1"})
    >>> page = Page(fake)
    >>> page.text("#status", "ready")
    >>> fake.texts["status"]
    'ready'
    """

    def __init__(self, query: Mapping[str, str] | None = None) -> None:
        self._query = dict(query or {})
        self.rendered: dict[str, list[Any]] = {}
        self.texts: dict[str, str] = {}
        self.patches: list[list[Any]] = []
        self.handlers: list[tuple[str, str, int, Callable[[int, str], None]]] = []

    # -- PagePort ----------------------------------------------------------------------

    def render(self, target: str, children_json: str) -> None:
        import json

        self.rendered[target] = json.loads(children_json)

    def patch(self, ops_json: str) -> None:
        import json

        for op in json.loads(ops_json):
            self.patches.append(op)
            if op[0] == "text":
                self.texts[op[1]] = op[2]

    def when(self, event_type: str, selector: str, handler_id: int, dispatch: Callable[[int, str], None]) -> None:
        self.handlers.append((event_type, selector, handler_id, dispatch))

    def query(self) -> dict[str, str]:
        return dict(self._query)

    # -- for tests -----------------------------------------------------------------------

    def text_of(self, target: str) -> str:
        """The text a person would read in element *target* (rendered trees or set text)."""
        from .tree import text_of

        if target in self.texts:
            return self.texts[target]
        return "".join(text_of(node) for node in self.rendered.get(target, []))

    async def fire(self, event_type: str, selector: str, **event: Any) -> None:
        """Dispatch an event to the handlers registered for exactly (*event_type*, *selector*),
        then let the tasks they started run to completion. *event*: `bridge.ui.UIEvent`
        fields (``value=``, ``data=``, ``values=``...)."""
        import json

        matched = [h for h in self.handlers if h[0] == event_type and h[1] == selector]
        if not matched:
            raise AssertionError(f"no handler for {event_type!r} on {selector!r}: registered "
                                 f"{[(t, s) for t, s, _, _ in self.handlers]}")
        before = asyncio.all_tasks()
        for _, _, handler_id, dispatch in matched:
            dispatch(handler_id, json.dumps({"type": event_type, **event}))
        started = asyncio.all_tasks() - before
        if started:
            await asyncio.gather(*started)


@contextmanager
def page_clients(host: Host, page: FakePage | None = None) -> Iterator[Host]:
    """Within the block, the page's clients (``bridge.outbound``, ``bridge.interaction``...)
    are made on *host* (a `FakeHost`), as they are on WWE's in a view, and `bridge.ui.page`
    draws on *page* when given: code written for the page (``from bridge import outbound``,
    ``@when(...)``) runs in CPython tests. A client taken in the block keeps its host; the
    page's own come back after it.
    """
    import bridge
    from bridge import ui

    saved_host, saved, saved_port = bridge._host, dict(bridge._defaults), ui.page._port
    bridge._host = host
    bridge._defaults.clear()
    if page is not None:
        ui.page._port = page
    try:
        yield host
    finally:
        bridge._host = saved_host
        bridge._defaults.clear()
        bridge._defaults.update(saved)
        ui.page._port = saved_port
