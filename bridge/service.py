"""`Service`: what every namespace client shares — its host, one pending-call table
per host, the timeout, WWE's rate limit for the view, and event subscription.

`Outbound`, `InteractionService`, `ConfigurationService` and the others each add their
namespace's methods on top; all of them reach WWE through the same `Host`.
"""

from __future__ import annotations

import asyncio
import contextvars
import traceback
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

from . import _args
from ._calls import STEP_GUARD, WRITES, Calls
from .errors import ArgumentTypeError, ArgumentValueError, MalformedResponseError
from .events import Event
from .host import Host
from .rate_limit import Limiter, RateLimit

EventHandler = TypeVar("EventHandler", bound=Callable[..., Any])

DEFAULT_TIMEOUT = 10.0  # seconds; the vendor client's own request timeout


def data_of(method: str, payload: Any) -> Any:
    """Unwrap WWE's envelope: the client passes the whole message; results are in `data`."""
    if isinstance(payload, Mapping) and "data" in payload:
        return payload["data"]
    raise MalformedResponseError(method, "the answer has no `data`", payload)


def default_host() -> Host:
    """The page's host (in Pyodide): `genesys.wwe.service` through web/bridge/host.js."""
    from ._pyodide import PyodideHost  # the one module that touches js/pyodide

    return PyodideHost()


class Service:
    """Base of the namespace clients.

    Parameters
    ----------
    host : Host | None
        How to reach WWE. None: the page's `genesys.wwe.service` (in Pyodide).
        In CPython pass a `bridge.testing.FakeHost`. Clients given the same host
        share its pending calls.
    timeout : float
        Default seconds to wait for each answer (per call: ``timeout=``).
    rate_limit : RateLimit, optional
        WWE's rate limit for this view (see `bridge.rate_limit`): one budget for the
        view, whichever namespace sends.
    """

    #: WWE's name of the namespace (``"outbound"``, ``"interaction"``...).
    NAMESPACE: ClassVar[str] = ""

    def __init__(self, host: Host | None = None, *, timeout: float = DEFAULT_TIMEOUT,
                 rate_limit: RateLimit | None = None) -> None:
        self._host = host if host is not None else default_host()
        self._timeout = _args.timeout(timeout, DEFAULT_TIMEOUT)
        # one budget per view: in a page every PyodideHost is the same view (its `view` key)
        view = getattr(self._host, "view", self._host)
        self._limiter = Limiter.for_view(view, rate_limit) if rate_limit is not None else None
        self._calls = Calls.of(self._host)

    def _method(self, name: str) -> str:
        # outbound methods keep their bare names (FakeHost replies and host.js speak them)
        return name if self.NAMESPACE == "outbound" else f"{self.NAMESPACE}.{name}"

    async def _call(self, method: str, args: Sequence[Any] = (), timeout: float | None = None) -> Any:
        """Send *method* (WWE's name, within this namespace) and return WWE's whole answer."""
        waited = _args.timeout(timeout, self._timeout)
        qualified = self._method(method)
        if self._limiter is not None:
            await self._limiter.acquire(qualified)  # may wait (pacing) or raise QuarantinedError
        return await self._calls.call(qualified, list(args), waited)

    async def _fetch(self, method: str, args: Sequence[Any] = (), timeout: float | None = None) -> Any:
        """Call a getter and return the `data` of its answer."""
        return data_of(self._method(method), await self._call(method, args, timeout))

    # -- events ---------------------------------------------------------------

    def subscribe(self, events: str | Sequence[str], handler: Callable[[Event], Any]) -> Callable[[], None]:
        """Call *handler* with each WWE event of the named kinds (e.g. ``"outbound"``).

        Several handlers may listen to the same events. Returns the function that
        unsubscribes. An async handler is scheduled as a task.
        """
        names = [events] if isinstance(events, str) else list(events)
        if not names or not all(isinstance(n, str) and n for n in names):
            raise ArgumentValueError(f"events must be event names such as 'outbound', not {events!r}")
        if not callable(handler):  # (else the first event would fail, far from here)
            raise ArgumentTypeError(f"handler must be a function taking the event, not {type(handler).__name__}: "
                                    f"{handler!r}")

        # Subscribed by code held to a write policy (a deployer's rule, or the rules
        # module's top level): each event is handled under that policy too, and within
        # that code's time budget (its step guard), not as the page's own code.
        held = contextvars.copy_context() if WRITES.get() is not None else None

        def deliver(message: Any) -> None:
            if held is not None:
                held.copy().run(handle, message)
            else:
                handle(message)

        def handle(message: Any) -> None:
            # A handler that raises must not stop delivery to the others (the host
            # calls each listener in turn): its error goes where asyncio reports
            # errors, the loop's exception handler, as a failed task's would.
            try:
                guard = STEP_GUARD.get()
                event = Event.from_wwe(message)
                result = guard(handler, event) if guard is not None else handler(event)
                if asyncio.iscoroutine(result):
                    # the loop keeps only a weak reference to a task: keep it until it is done
                    task = asyncio.ensure_future(result)
                    _HANDLER_TASKS.add(task)
                    task.add_done_callback(_HANDLER_TASKS.discard)
                    task.add_done_callback(_report_failure)
            except Exception as exc:
                _report(exc, f"WWE event handler {getattr(handler, '__qualname__', repr(handler))}() failed")

        return self._host.listen(names, deliver)

    def on(self, events: str | Sequence[str] | None = None) -> Callable[[EventHandler], EventHandler]:
        """Decorator: `subscribe` the function to WWE events of the named kinds, for the
        life of the page. Returns the function unchanged (its ``unsubscribe`` attribute
        stops it).

        Examples
        --------
        >>> from bridge import outbound
        >>> @outbound.on("outbound")
        ... async def pushed(event):
        ...     print(event.event_type, event.interaction_id)
        >>> pushed.unsubscribe()  # (or leave it for the life of the page)
        """
        events = self.NAMESPACE if events is None else events
        if callable(events):  # @outbound.on without parentheses
            raise ArgumentTypeError('write @outbound.on("outbound") (with the event names), not @outbound.on')

        def register(handler: EventHandler) -> EventHandler:
            if not callable(handler):
                raise ArgumentTypeError(f"@outbound.on(...) decorates a function, not {handler!r}")
            stop = self.subscribe(events, handler)
            try:
                handler.unsubscribe = stop  # type: ignore[attr-defined]
            except AttributeError:  # a bound method or builtin: no attribute to set
                pass
            return handler

        return register

    def events(self, events: str | Sequence[str] | None = None) -> EventStream:
        """WWE events as an async stream; closing it (or leaving ``async with``) unsubscribes.

        Examples
        --------
        >>> from bridge import Outbound
        >>> from bridge.testing import FakeHost
        >>> host = FakeHost()
        >>> outbound = Outbound(host)
        >>> async with outbound.events("outbound") as stream:
        ...     _ = host.emit("outbound", {"eventType": "PreviewRecord", "interactionId": "7"})
        ...     async for event in stream:
        ...         print(event.event_type, event.interaction_id)
        ...         break
        PreviewRecord 7
        """
        return EventStream(self, self.NAMESPACE if events is None else events)




def _report(exc: BaseException, message: str) -> None:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no loop to report to (a host delivering outside one)
        traceback.print_exception(exc)
        return
    loop.call_exception_handler({"message": message, "exception": exc})


def _report_failure(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        _report(task.exception(), "async WWE event handler failed")  # type: ignore[arg-type]


#: Tasks of async event handlers still running (see `Service.subscribe`).
_HANDLER_TASKS: set[asyncio.Future[Any]] = set()

_CLOSED: Any = object()  # wakes a consumer waiting in `async for` when the stream closes


class EventStream:
    """Async iterator over events, subscribed from creation until `close`."""

    def __init__(self, service: Service, events: str | Sequence[str]) -> None:
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self._stop: Callable[[], None] | None = service.subscribe(events, self._queue.put_nowait)

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> Event:
        if self._stop is None:
            raise StopAsyncIteration
        event = await self._queue.get()
        if event is _CLOSED:
            raise StopAsyncIteration
        return event

    async def __aenter__(self) -> EventStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Unsubscribe; iteration then ends. Safe to call twice."""
        if self._stop is not None:
            self._stop()
            self._stop = None
            self._queue.put_nowait(_CLOSED)

    def __del__(self) -> None:
        # A loop left with `break` drops the stream: unsubscribe then at the latest.
        self.close()
