"""The widget's only contact with the browser beyond drawing: sessionStorage, the site's
Web Locks and the local time (through the page's DOM layer, web/ui/dom.js), the console,
the page's attributes, URL and deployment files. It draws as every Python view does,
through `bridge.ui.page`; what it reads here is decided in page_settings.py (plain Python).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from collections.abc import Callable
from typing import Any

import js
from pyodide.ffi import create_proxy, jsnull, to_js

import bridge
from bridge import BridgeError, Outbound
from bridge.service import default_host
from bridge.ui import Page, page

from .app import Widget
from .config import ConfigError, WidgetConfig, parse_config
from .desktop import Desktop
from .drafts import FULL, Storage
from .page_settings import CONFIG_FILE, call_timeout, config_error_view, decode_file, http_failure, rate_limit
from .rules import Rules, RulesLoadError, load_rules


class SessionStorage:
    """The tab's sessionStorage. A write it refuses is answered with why (drafts.py keeps
    the value in memory and says so); reads and removals that fail are nothing kept."""

    def get(self, key: str) -> str | None:
        try:
            value = js.sessionStorage.getItem(key)
        except Exception:
            return None
        return value if isinstance(value, str) else None

    def set(self, key: str, value: str) -> str | None:
        try:
            js.sessionStorage.setItem(key, value)
        except Exception as exc:
            # QuotaExceededError: this site's pages in the tab filled it (their share is one quota)
            if getattr(exc, "name", "") == "QuotaExceededError" or "quota" in str(exc).lower():
                return FULL
            return f"the browser refused to keep them ({getattr(exc, 'name', '') or type(exc).__name__})"
        return None

    def remove(self, key: str) -> None:
        try:
            js.sessionStorage.removeItem(key)
        except Exception:
            pass


class NoStorage:
    """A page the browser gives no sessionStorage (storage blocked for framed sites):
    nothing is kept across a reload, and the agent is told when it matters."""

    def get(self, key: str) -> str | None:
        return None

    def set(self, key: str, value: str) -> str | None:
        return "the browser does not let this page keep anything (its storage is blocked for this site)"

    def remove(self, key: str) -> None:
        pass


class PageBrowser:
    """`app.Browser` in the page: the tab's storage, the site's locks and the local time
    (the DOM layer's `lock`, `abandon`, `localTime`), the console."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        try:
            js.sessionStorage.length
            self.storage: Storage = SessionStorage()
        except Exception:
            self.storage = NoStorage()

    def warn(self, message: str) -> None:
        js.console.warn(message)

    def error(self, message: str) -> None:
        js.console.error(message)

    async def acquire(self, name: str, timeout_s: float) -> Callable[[], None]:
        locking = self.layer.lock(name, int(timeout_s * 1000))
        try:
            release = await locking
        except asyncio.CancelledError:
            self.layer.abandon(locking)  # (granted later, it must not stay held by nobody)
            raise
        if release is None or release is jsnull:
            raise TimeoutError(f"{name} stayed held for {timeout_s:g} s")
        return lambda: release()  # (called once: the lock's promise settles)

    def local_time(self, utc: datetime) -> tuple[str, str]:
        text, zone = self.layer.localTime(utc.timestamp() * 1000).to_py()
        return str(text), str(zone)


def _clients(timeout: str | None) -> tuple[Outbound, Desktop]:
    """The widget's clients of WWE on one host: the page's, with another per-call timeout
    (seconds, from ?timeout=) or WWE's rate limit (from the page) when those are set."""
    data = js.document.documentElement.dataset
    limit, problem = rate_limit({name: getattr(data, name, None) for name in (
        "wweRateLimit", "wweRateLimitQuarantineDelay", "wweRateLimitPace")})
    seconds, timeout_problem = call_timeout(timeout)
    for warning in (problem, timeout_problem):
        if warning:
            js.console.warn(warning)
    if seconds is None and limit is None:
        return bridge.outbound, Desktop(bridge.interaction, bridge.configuration, bridge.system)
    host = default_host()
    outbound = Outbound(host, rate_limit=limit) if seconds is None else Outbound(host, timeout=seconds, rate_limit=limit)
    return outbound, Desktop.on(host, timeout=seconds, rate_limit=limit)


def release_on_pagehide(widget: Widget) -> None:
    """When the page goes (closed, reloaded, navigated away), WWE's mark-done blocks go with
    it: a block must not outlive the view that protects the edits. Sent at once, from the
    event itself: nothing awaited would run any more. (A reload restores the drafts and
    blocks again as soon as the widget is back.)"""
    # the answers come after the page is gone, if at all: one JS callback for them all
    ignore = create_proxy(lambda *_: None)

    def on_pagehide(event: Any) -> None:
        service = getattr(getattr(getattr(js, "genesys", None), "wwe", None), "service", None)
        interaction = getattr(service, "interaction", None)
        if interaction is None or widget.guard is None:
            return
        for iid in widget.guard.blocked():
            try:
                interaction.unblockMarkdone(iid, ignore, ignore)
            except Exception as exc:  # the page is going: say it, do not stop the others
                js.console.warn(f"outbound widget: could not release the mark-done block of {iid}: {exc}")

    js.window.addEventListener("pagehide", create_proxy(on_pagehide))


async def _fetch_text(url: str, what: str, source: str, missing: str = "") -> str:
    """A file of the deployment, fresh (revalidated), from this site only."""
    try:
        response = await js.fetch(url, to_js({"cache": "no-cache", "credentials": "same-origin", "redirect": "error"},
                                             dict_converter=js.Object.fromEntries))
    except Exception as exc:
        raise ConfigError([f"{what} could not be read: {exc}"], source) from None
    if not response.ok:
        raise http_failure(what, int(response.status), source, missing)
    return decode_file((await response.arrayBuffer()).to_bytes(), what, source)


async def load_settings() -> tuple[WidgetConfig, Rules | None]:
    """The deployer's configuration and rules, beside this page.

    Raises
    ------
    ConfigError, RulesLoadError
        Shown instead of the widget (`show_config_error`): never a half-configured widget.
    """
    url = js.URL.new(CONFIG_FILE, js.location.href)
    source = str(url.pathname)
    config = parse_config(await _fetch_text(str(url.href), CONFIG_FILE, source, "build.py writes the defaults there; "
                                            "a deployment serves it beside widget.html"), source)
    rules = None
    if config.rules:
        # the schema allows a bare file name only: the rules come from the config's own folder
        rules_url = js.URL.new(config.rules, url)
        rules = load_rules(await _fetch_text(str(rules_url.href), f"rules = {config.rules!r}", source,
                                             f"serve {config.rules} beside {CONFIG_FILE}"), config.rules)
    return config, rules


def show_config_error(view: Page, exc: BridgeError) -> None:
    """Instead of the widget: what is wrong with the deployment, as text."""
    js.console.error(f"outbound widget: not started: {exc}")
    for slot, tree in config_error_view(exc).items():
        view.render(slot, tree)


async def mount(view: Page | None = None, interaction_id: str | None = None, timeout: str | None = None,
                root_id: str = "widget", config: WidgetConfig | None = None, rules: Rules | None = None) -> Widget:
    """Start the widget in the page. *view*: the page to draw on (default: this page,
    `bridge.ui.page`, on the DOM layer the view loader installed, web/ui/dom.js);
    *config*, *rules*: the deployer's (`load_settings`)."""
    view = view if view is not None else page
    outbound, desktop = _clients(timeout)
    widget = Widget(view, PageBrowser(js.wweBridgeUI), outbound, interaction_id or None, config=config, rules=rules,
                    desktop=desktop)
    view.listen(root_id, widget.handle)
    release_on_pagehide(widget)
    await widget.start()
    return widget


async def start_page() -> Widget | None:
    """The widget page's script (outbound_widget/web/widget.py): read the deployer's
    configuration, mount in #widget, with ?interaction=<id> shown first and
    ?timeout=<seconds> per call; says on `<html data-widget-state>` when it is ready or
    failed (a broken configuration: its problems shown instead of the widget, None)."""
    root = js.document.documentElement
    params = js.URLSearchParams.new(js.location.search)

    def param(name: str) -> str | None:
        value = params.get(name)
        return value if isinstance(value, str) else None  # JS null: absent
    try:
        js.document.getElementById("boot").hidden = True
        js.document.getElementById("widget").hidden = False
        try:
            config, rules = await load_settings()
        except (ConfigError, RulesLoadError) as exc:
            show_config_error(page, exc)
            root.dataset.widgetState = "error"
            return None
        widget = await mount(None, param("interaction"), param("timeout"), config=config, rules=rules)
    except BaseException:
        root.dataset.widgetState = "error"
        raise  # the loader shows the traceback in the page
    js.window.widget = widget
    root.dataset.widgetState = "ready"
    js.performance.mark("widget-ready")  # the record is shown and editable (bench/boot.py reads this)
    return widget
