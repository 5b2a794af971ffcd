"""The one callback → awaitable adapter every WWE request goes through."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from .contract import effect_of
from .errors import BridgeTimeoutError, MalformedResponseError, ServiceError, WriteRefusedError
from .host import Host, SettleKind

@dataclass(frozen=True)
class WritePolicy:
    """Which requests that change WWE (or act on the desktop) code in a context may make.

    Attributes
    ----------
    who : str
        The code it applies to, as errors name it (``"the rule phone_in_e164"``).
    refuse : Callable[[str], str | None]
        A request that does not only read (``"outbound.setDoNotCall"``) → why it is
        refused, or None when it is allowed.
    """

    who: str
    refuse: Callable[[str], str | None]


#: The write policy in this context (None: every request goes). Set while a deployer's
#: rule runs (reads only) or an after_save rule (the widget's privileges); tasks started
#: there copy the context, so their requests are held to it too.
WRITES: ContextVar[WritePolicy | None] = ContextVar("wwe_bridge_writes", default=None)

class BudgetStop(BaseException):
    """Code stopped at its time budget (a deployer's rule, or what it left behind): said
    where it happened, so a task that ends with it is not an uncaught error of the page."""


#: How the page's event loop runs a callback scheduled in this context (None: as is).
#: A deployer's rule sets it, so the tasks and callbacks it leaves behind run within the
#: rule's time budget (``guard(callback, *args)``); tasks it starts copy the context.
STEP_GUARD: ContextVar[Callable[..., Any] | None] = ContextVar("wwe_bridge_step_guard", default=None)

# What the vendor client passes to `failed` when WWE does not answer in 10 s.
WWE_CLIENT_TIMEOUT = "Request timeout"


class Calls:
    """Pending calls by id; resolves each future once, whatever the host does.

    Guarantees: the first answer wins and later or duplicate ones are ignored;
    a call that times out or is cancelled is removed here and cancelled in the
    host, so nothing keeps its future alive.
    """

    @classmethod
    def of(cls, host: Host) -> Calls:
        """The one `Calls` of *host*: a host has one settle function, so every client on it
        (outbound, interaction, configuration...) shares its pending calls."""
        calls = getattr(host, "_bridge_calls", None)
        if not isinstance(calls, Calls):
            calls = cls(host)
            try:
                host._bridge_calls = calls  # type: ignore[attr-defined]
            except AttributeError:  # a host with __slots__: its clients cannot share (each binds anew)
                pass
        return calls

    def __init__(self, host: Host) -> None:
        self._host = host
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[str, asyncio.Future[Any], float]] = {}
        host.bind(self._settle)

    @property
    def pending(self) -> int:
        """How many calls are waiting for an answer."""
        return len(self._pending)

    async def call(self, method: str, args: Sequence[Any], timeout: float) -> Any:
        """Call *method* and return the payload WWE passed to ``succeeded``."""
        policy = WRITES.get()
        if policy is not None and effect_of(method) != "read":
            why = policy.refuse(method)
            if why is not None:
                raise WriteRefusedError(method, policy.who, why)
        call_id = next(self._ids)
        future = self._new_future()
        self._pending[call_id] = (method, future, timeout)
        try:
            self._host.start(call_id, method, args, timeout)
            if getattr(self._host, "settles_timeouts", False):
                # The host's own timer settles the call as "timeout" (host.js does):
                # a second, Python-side timer would only cost a JS timer per call.
                return await future
            try:
                async with asyncio.timeout(timeout):
                    return await future
            except TimeoutError as exc:
                if isinstance(exc, BridgeTimeoutError):
                    raise
                raise BridgeTimeoutError(method, timeout) from None
        finally:
            if self._pending.pop(call_id, None) is not None:
                self._host.cancel(call_id)

    @staticmethod
    def _new_future() -> asyncio.Future[Any]:
        # A plain Future, not loop.create_future(): Pyodide's loop gives each of
        # those a bookkeeping callback (idle detection, for Node), which would cost
        # every call a second trip through the ready queue. Ours are private and
        # always awaited, so they need none of it.
        return asyncio.Future(loop=asyncio.get_running_loop())

    def _settle(self, call_id: int, kind: SettleKind, payload: Any) -> None:
        entry = self._pending.pop(call_id, None)
        if entry is None:
            return  # late, duplicate, or for a call we gave up on
        method, future, timeout = entry
        if future.done():
            return
        if kind == "ok":
            future.set_result(payload)
        elif kind == "timeout":
            future.set_exception(BridgeTimeoutError(method, timeout))
        elif kind == "oversize":
            future.set_exception(MalformedResponseError(method, f"the answer is too large to take: {payload}"))
        elif payload == WWE_CLIENT_TIMEOUT:
            future.set_exception(BridgeTimeoutError(method, None))
        else:
            future.set_exception(ServiceError.from_payload(method, payload))
