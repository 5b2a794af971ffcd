"""The JS boundary: the only module of `bridge` that imports `js` or `pyodide` (what it
needs of Pyodide's private parts, it takes from `_compat`, the compatibility layer).

It speaks to `web/bridge/host.js` (installed by the boot sequence as
`globalThis.wweBridgeHost`) through one channel per client: two persistent
proxies, created here and destroyed by `close()`, and JSON both ways. No Python
object is handed to JS per call, and only plain data comes back.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from . import _compat
from ._calls import STEP_GUARD, BudgetStop
from .errors import NotInWWEError
from .host import Deliver, Settle

IN_PYODIDE = "_pyodide_core" in sys.modules or sys.platform == "emscripten"

LAYER_HINT = (
    "the bridge's JS layer (web/bridge/host.js) is not loaded in this page: "
    "boot the page with web/boot/boot.js, which installs it"
)


def _js_layer(name: str, missing: str, outside: str) -> tuple[Any, Callable[..., Any]]:
    """The page's JS layer `globalThis[name]` and Pyodide's `create_proxy`; `NotInWWEError`
    with *outside* when not in Pyodide, with *missing* when the page did not install it."""
    if not IN_PYODIDE:
        raise NotInWWEError(outside)
    import js
    from pyodide.ffi import create_proxy

    layer = getattr(js, name, None)
    if layer is None:
        raise NotInWWEError(missing)
    return layer, create_proxy


class PyodideHost:
    """`Host` over the page's `genesys.wwe.service`, for code running in Pyodide."""

    # host.js starts a JS timer with every call and settles it as "timeout".
    settles_timeouts = True
    # Every client in the page speaks for the same view (WWE's rate limit counts them together).
    view = "page"

    def __init__(self) -> None:
        self._layer, self._create_proxy = _js_layer(
            "wweBridgeHost", LAYER_HINT,
            "not running in Pyodide, so there is no WWE to talk to: "
            "pass a host, e.g. Outbound(bridge.testing.FakeHost({...}))")
        self._channel: Any = None
        self._proxies: list[Any] = []
        self._listeners: dict[int, Deliver] = {}
        self._next_listener = 0

    def bind(self, settle: Settle) -> None:
        def on_settle(call_id: int, kind: Any, payload_json: str) -> None:
            settle(int(call_id), kind, json.loads(payload_json))

        def on_event(listener_id: int, message_json: str) -> None:
            deliver = self._listeners.get(int(listener_id))
            if deliver is not None:
                deliver(json.loads(message_json))

        self._proxies = [self._create_proxy(on_settle), self._create_proxy(on_event)]
        self._channel = self._layer.connect(*self._proxies)
        self._start = self._channel.start  # looked up once: every call goes through it

    def start(self, call_id: int, method: str, args: Sequence[Any], timeout: float) -> None:
        problem = self._start(call_id, method, json.dumps(list(args)), timeout * 1000)
        if problem:
            raise NotInWWEError(str(problem))

    def cancel(self, call_id: int) -> None:
        self._channel.cancel(call_id)

    def listen(self, events: Sequence[str], deliver: Deliver) -> Callable[[], None]:
        self._next_listener += 1
        listener_id = self._next_listener
        self._listeners[listener_id] = deliver
        problem = self._channel.listen(listener_id, json.dumps(list(events)))
        if problem:
            del self._listeners[listener_id]
            raise NotInWWEError(str(problem))

        def stop() -> None:
            if self._listeners.pop(listener_id, None) is not None:
                self._channel.unlisten(listener_id)

        return stop

    def close(self) -> None:
        """Stop every call and listener and free the two proxies."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
            self._start = None
        for proxy in self._proxies:
            proxy.destroy()
        self._proxies = []
        self._listeners.clear()


# -- the event loop --------------------------------------------------------------------

#: True in the context of code that needs Pyodide's stack switching (JSPI):
#: callbacks scheduled from such a context run the way Pyodide's own loop runs
#: them. Set through `allow_run_sync`.
RUN_SYNC: contextvars.ContextVar[bool] = contextvars.ContextVar("bridge_run_sync", default=False)

RUN_SYNC_HINT = (
    "{what} needs Pyodide's stack switching, which code on the bridge's event loop "
    "does not have (its callbacks run from microtasks, to make each await cheap): "
    "create the task that calls it inside `with bridge.allow_run_sync():`, or boot "
    "the page with eventLoop: \"pyodide\""
)


@contextlib.contextmanager
def allow_run_sync() -> Iterator[None]:
    """Let tasks created inside this block block on awaitables.

    Under the bridge's event loop (`BridgeLoop`, installed by the boot
    sequence) ready callbacks run from microtasks, where Pyodide cannot switch
    stacks, so `pyodide.ffi.run_sync`, `asyncio.run` and a non-blocking
    `time.sleep` are unavailable. Tasks created in this block, and the tasks
    they create, run through Pyodide's own path instead, where they work
    (each wake-up then costs ~0.1-0.3 ms instead of ~5 µs). The console runs
    every command this way. Outside Pyodide this does nothing.

    Examples
    --------
    In Pyodide (outside it this does nothing)::

        with bridge.allow_run_sync():
            task = asyncio.ensure_future(uses_run_sync())
        await task
    """
    token = RUN_SYNC.set(True)
    try:
        yield
    finally:
        RUN_SYNC.reset(token)


def _bridge_loop_class() -> type:
    import pyodide
    from pyodide.webloop import WebLoop

    _compat.check_pyodide_version(pyodide.__version__)

    class BridgeLoop(WebLoop):
        """Pyodide's WebLoop with a ready queue run from microtasks.

        WebLoop turns every `call_soon` into a macrotask of its own, reached
        through two MessageChannel hops and a stack switch: each `await` that
        resumes costs 25-300 µs, and a bridge call several of them. Here ready
        callbacks wait in one FIFO queue that host.js's waker empties in a
        microtask, within a time budget after which the browser gets a turn
        (see `createWaker` in web/bridge/host.js). Timers (`call_later` with a
        delay), tasks, futures and exception handling are WebLoop's.
        """

        def __init__(self, layer: Any) -> None:
            super().__init__()  # type: ignore[no-untyped-call]  # (Pyodide's __init__ is unannotated)
            from pyodide.ffi import create_proxy

            self._ready: collections.deque[asyncio.Handle] = collections.deque()
            self._run_proxy = create_proxy(self._run_ready)
            self._waker = layer.waker(self._run_proxy)
            self._wake = self._waker.wake  # looked up once: called on every wake-up

        def call_soon(self, callback: Callable[..., object], *args: Any,  # type: ignore[override]
                      context: contextvars.Context | None = None) -> asyncio.Handle:
            guard = STEP_GUARD.get() if context is None else context.get(STEP_GUARD)
            if guard is not None:  # scheduled by a deployer's rule, or a task it started: bounded
                callback, args = guard, (callback, *args)
            run_sync = RUN_SYNC.get() if context is None else context.get(RUN_SYNC, False)
            if run_sync:  # WebLoop's own path (its call_soon would come back here)
                return super().call_later(0, callback, *args, context=context)
            handle = asyncio.Handle(callback, args, self, context=context)
            self._ready.append(handle)
            if len(self._ready) == 1:
                self._wake()
            return handle

        # (a Handle, not a TimerHandle, as WebLoop's own: Pyodide's contract, which asyncio's
        # stubs type otherwise)
        def call_later(self, delay: float, callback: Callable[..., object], *args: Any,  # type: ignore[override]
                       context: contextvars.Context | None = None) -> asyncio.Handle:
            if delay == 0:
                return self.call_soon(callback, *args, context=context)
            guard = STEP_GUARD.get() if context is None else context.get(STEP_GUARD)
            if guard is not None:  # (a rule's timer: bounded as its call_soon is)
                callback, args = guard, (callback, *args)
            return super().call_later(delay, callback, *args, context=context)

        def run_until_complete(self, future: Any) -> Any:
            """As WebLoop (blocks through `run_sync`), with a precise error where it cannot."""
            from pyodide.ffi import can_run_sync

            if not can_run_sync():
                if asyncio.iscoroutine(future):
                    future.close()  # never started: no "was never awaited" warning
                raise RuntimeError(RUN_SYNC_HINT.format(what="asyncio.run() (run_until_complete)"))
            return super().run_until_complete(future)  # type: ignore[no-untyped-call]

        def _run_ready(self) -> None:
            _compat.install_running_loop(self)
            _compat.install_asyncgen_hooks(self)
            # Only what was ready when this run began: callbacks they schedule
            # wait for the next run, as in asyncio's own loop.
            count = len(self._ready)
            run = _compat.run_handle
            try:
                for _ in range(count):
                    handle = self._ready.popleft()
                    if handle.cancelled():
                        continue
                    try:
                        run(handle)  # exceptions go to the loop's exception handler
                    except SystemExit as exc:
                        on_exit = _compat.exit_handlers(self)[0]
                        if on_exit is None:
                            raise
                        on_exit(exc.code)
                    except KeyboardInterrupt:
                        on_interrupt = _compat.exit_handlers(self)[1]
                        if on_interrupt is None:
                            raise
                        on_interrupt()
            finally:
                if self._ready:
                    self._wake()

    return BridgeLoop


def install_event_loop() -> asyncio.AbstractEventLoop:
    """Make a `BridgeLoop` the page's event loop; returns it.

    Called by the boot sequence (web/boot/boot.js) before any of our code runs.
    Tasks already created keep running on the loop they were created on.
    """
    if not IN_PYODIDE:
        raise NotInWWEError("install_event_loop() is for Pyodide pages: CPython keeps its own loop")
    import js

    layer = getattr(js, "wweBridgeHost", None)
    if layer is None:
        raise NotInWWEError(LAYER_HINT)
    loop: asyncio.AbstractEventLoop = _bridge_loop_class()(layer)
    asyncio.set_event_loop(loop)
    asyncio._set_running_loop(loop)  # as WebLoop does: in a page the loop is always running
    return loop


# -- Python views (bridge.ui, the page's scripts) ---------------------------------------

UI_HINT = (
    "the page's DOM layer (web/ui/dom.js) is not loaded: start the view with "
    '<script type="module" src="/bridge.js">, which installs it'
)


class PyodidePagePort:
    """`bridge.ui.PagePort` over the page's DOM layer (web/ui/dom.js, `globalThis.wweBridgeUI`).

    Trees and patches cross as JSON text; events come back through one persistent
    proxy per `Page` (made on its first handler, alive as long as the page).
    """

    def __init__(self) -> None:
        self._layer, self._create_proxy = _js_layer(
            "wweBridgeUI", UI_HINT,
            "not running in a browser page: test a view in CPython with bridge.ui.Page(bridge.testing.FakePage())")
        self._dispatchers: dict[int, Any] = {}

    def render(self, target: str, children_json: str) -> None:
        with _refusals():
            self._layer.renderChildren(target, children_json)

    def patch(self, ops_json: str) -> None:
        with _refusals():
            self._layer.patch(ops_json)

    def when(self, event_type: str, selector: str, handler_id: int, dispatch: Callable[[int, str], None]) -> None:
        from pyodide.ffi import JsException

        proxy = self._dispatchers.get(id(dispatch))
        if proxy is None:
            proxy = self._dispatchers[id(dispatch)] = self._create_proxy(dispatch)
        try:
            self._layer.when(event_type, selector, handler_id, proxy)
        except JsException as exc:  # a selector the browser does not parse
            raise ValueError(str(exc)) from None

    def query(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in json.loads(str(self._layer.queryJSON())).items()}

    def listen(self, root_id: str, dispatch: Callable[[str], None]) -> None:
        # one proxy per listener, alive as long as the page (the view listens once)
        self._layer.listen(root_id, self._create_proxy(dispatch))


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    """What the DOM layer refuses (a tag or attribute not allowed, no such element) as the
    bridge's `ArgumentValueError`: the caller's mistake, shown from the caller's line."""
    from pyodide.ffi import JsException

    from .errors import ArgumentValueError

    try:
        yield
    except JsException as exc:
        message = str(exc).removeprefix("Error: ")
        raise ArgumentValueError(message) from None


def report_errors_to_page(show: Callable[[str], None]) -> None:
    """Send what the event loop's exception handler gets (a failed handler or task) to
    *show* (the loader's, which puts it in the page as text and reports it as an
    uncaught error), with the user's frames (`bridge._traceback.user_traceback`)."""
    from ._traceback import user_traceback

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, BudgetStop):  # (a rule's leftover task, stopped at its budget: not a crash)
            import js

            js.console.warn(f"a task a deployer's rule started was stopped: {exc}")
            return
        message = str(context.get("message") or "an error nothing caught (in a task or a callback)")
        show(f"{message}\n{user_traceback(exc)}" if isinstance(exc, BaseException) else message)

    asyncio.get_event_loop().set_exception_handler(handler)


async def run_view_script(source: str, filename: str) -> str | None:
    """Run a page's ``<script type="text/python">`` in ``__main__`` (top-level ``await``
    allowed); None when it finished, else its traceback from its own first frame."""
    from pyodide.code import eval_code_async

    from ._traceback import user_traceback

    namespace = sys.modules["__main__"].__dict__
    try:
        await eval_code_async(source, namespace, filename=filename)
    except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt are shown too
        return user_traceback(exc, filename)
    return None


# -- time zones ------------------------------------------------------------------------


def browser_offset(zone: str, instant: Any) -> int | None:
    """The offset (seconds east of UTC) of IANA *zone* at *instant* from the browser's
    time-zone database (`Intl`): Pyodide has no tz database for `zoneinfo`.

    None when the browser does not know the zone.
    """
    import js

    try:
        formatter = js.Intl.DateTimeFormat.new("en-US", js.JSON.parse(json.dumps({
            "timeZone": zone, "timeZoneName": "longOffset", "year": "numeric"})))
        parts = formatter.formatToParts(instant.timestamp() * 1000).to_py()
    except Exception:  # RangeError: an unknown time zone
        return None
    text = next((part["value"] for part in parts if part["type"] == "timeZoneName"), "")
    return parse_gmt_offset(text)


def parse_gmt_offset(text: str) -> int | None:
    """``GMT-07:00`` → −25200, ``GMT`` → 0 (Intl's "longOffset" names)."""
    if text in ("GMT", "UTC"):
        return 0
    if len(text) == 9 and text.startswith("GMT") and text[3] in "+-" and text[6] == ":":
        try:
            hours, minutes = int(text[4:6]), int(text[7:9])
        except ValueError:
            return None
        seconds = hours * 3600 + minutes * 60
        return seconds if text[3] == "+" else -seconds
    return None
