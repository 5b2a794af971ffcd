"""The JS boundary: the only module of `bridge` that imports `js` or `pyodide`.

It speaks to `web/bridge/host.js` (installed by the boot sequence as
`globalThis.wweBridgeHost`) through one channel per client: two persistent
proxies, created here and destroyed by `close()`, and JSON both ways. No Python
object is handed to JS per call, and only plain data comes back.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .errors import NotInWWEError
from .host import Deliver, Settle

IN_PYODIDE = "_pyodide_core" in sys.modules or sys.platform == "emscripten"

LAYER_HINT = (
    "the bridge's JS layer (web/bridge/host.js) is not loaded in this page: "
    "boot the page with web/boot/boot.js, which installs it"
)


class PyodideHost:
    """`Host` over the page's `genesys.wwe.service`, for code running in Pyodide."""

    # host.js starts a JS timer with every call and settles it as "timeout".
    settles_timeouts = True

    def __init__(self) -> None:
        if not IN_PYODIDE:
            raise NotInWWEError(
                "not running in Pyodide, so there is no WWE to talk to: "
                "pass a host, e.g. Outbound(bridge.testing.FakeHost({...}))"
            )
        import js
        from pyodide.ffi import create_proxy

        layer = getattr(js, "wweBridgeHost", None)
        if layer is None:
            raise NotInWWEError(LAYER_HINT)
        self._create_proxy = create_proxy
        self._layer = layer
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

    def start(self, call_id: int, method: str, args: Sequence[Any], timeout: float) -> None:
        problem = self._channel.start(call_id, method, json.dumps(list(args)), timeout * 1000)
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
        for proxy in self._proxies:
            proxy.destroy()
        self._proxies = []
        self._listeners.clear()
