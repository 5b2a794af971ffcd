"""The widget's only contact with the browser: the page's DOM layer
(web/ui/dom.js, shared by every Python view), sessionStorage, the console and the clock.

Everything crosses as JSON text, so no Python object is handed to JS per render
or per event; the one event callback lives as long as the widget.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import js
from pyodide.ffi import create_proxy

from bridge import BridgeError, Outbound, RateLimit
from bridge.tree import Node

from .app import Op, Widget
from .drafts import MemoryStorage, Storage


class SessionStorage:
    """The tab's sessionStorage (a full or disabled one fails quietly: drafts are a convenience)."""

    def get(self, key: str) -> str | None:
        try:
            value = js.sessionStorage.getItem(key)
        except Exception:
            return None
        return value if isinstance(value, str) else None

    def set(self, key: str, value: str) -> None:
        try:
            js.sessionStorage.setItem(key, value)
        except Exception:
            js.console.warn("could not keep the unsaved edits in sessionStorage")

    def remove(self, key: str) -> None:
        try:
            js.sessionStorage.removeItem(key)
        except Exception:
            pass


class PageDom:
    def __init__(self, layer: Any) -> None:
        self.layer = layer
        try:
            js.sessionStorage.length
            self.storage: Storage = SessionStorage()
        except Exception:
            self.storage = MemoryStorage()

    def render(self, target: str, tree: Node) -> None:
        self.layer.render(target, json.dumps(tree))

    def patch(self, ops: list[Op]) -> None:
        if ops:
            self.layer.patch(json.dumps(ops))

    def warn(self, message: str) -> None:
        js.console.warn(message)

    def error(self, message: str) -> None:
        js.console.error(message)

    def local_time(self, utc: datetime) -> tuple[str, str]:
        text, zone = self.layer.localTime(utc.timestamp() * 1000).to_py()
        return str(text), str(zone)


def _rate_limit() -> RateLimit | None:
    """WWE's rate limit as the deployer wrote it on the page: `<html data-wwe-rate-limit="5"
    data-wwe-rate-limit-quarantine-delay="30" data-wwe-rate-limit-pace="off">` (pacing is on by default)."""
    data = js.document.documentElement.dataset
    per_second = getattr(data, "wweRateLimit", None)
    if not per_second:
        return None
    try:
        return RateLimit(int(per_second), float(getattr(data, "wweRateLimitQuarantineDelay", None) or 30),
                         pace=getattr(data, "wweRateLimitPace", None) != "off")
    except (ValueError, BridgeError) as exc:
        js.console.warn(f"ignoring data-wwe-rate-limit={per_second!r}: {exc}")
        return None


def _outbound(timeout: str | None) -> Outbound:
    """The page's client, or one with another per-call timeout (seconds, from ?timeout=) or
    WWE's rate limit (from the page)."""
    limit = _rate_limit()
    if timeout:
        try:
            return Outbound(timeout=float(timeout), rate_limit=limit)
        except (ValueError, TypeError) as exc:
            js.console.warn(f"ignoring ?timeout={timeout!r}: {exc}")
    if limit is not None:
        return Outbound(rate_limit=limit)
    import bridge
    page_outbound: Outbound = bridge.outbound
    return page_outbound


async def mount(layer: Any = None, interaction_id: str | None = None, timeout: str | None = None,
                root_id: str = "widget") -> Widget:
    """Start the widget in the page. *layer*: the DOM layer module (default: the one the
    view loader installed, web/ui/dom.js)."""
    layer = layer if layer is not None else js.wweBridgeUI
    outbound = _outbound(timeout)
    widget = Widget(PageDom(layer), outbound, interaction_id or None)
    handler = create_proxy(lambda payload: widget.handle(json.loads(payload)))
    layer.listen(root_id, handler)
    await widget.start()
    return widget


async def start_page() -> Widget:
    """The widget page's script (outbound_widget/web/widget.py): mount in #widget, with
    ?interaction=<id> shown first and ?timeout=<seconds> per call; says on
    `<html data-widget-state>` when it is ready or failed."""
    root = js.document.documentElement
    params = js.URLSearchParams.new(js.location.search)

    def param(name: str) -> str | None:
        value = params.get(name)
        return value if isinstance(value, str) else None  # JS null: absent
    try:
        js.document.getElementById("boot").hidden = True
        js.document.getElementById("widget").hidden = False
        widget = await mount(None, param("interaction"), param("timeout"))
    except BaseException:
        root.dataset.widgetState = "error"
        raise  # the loader shows the traceback in the page
    js.window.widget = widget
    root.dataset.widgetState = "ready"
    js.performance.mark("widget-ready")  # the record is shown and editable (bench/boot.py reads this)
    return widget
