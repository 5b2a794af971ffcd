"""pytest plugin: test WWE custom views and Python scripts against the WWE simulator.

Registered through the ``pytest11`` entry point as ``wwe``. Importing it costs
nothing: Playwright is imported, the site served and Chromium started only when
a test asks for a fixture.

Options
-------
--wwe-dist DIR       the built site (default: $WWE_DIST, else the dist/ of the
                     source checkout this package runs from, built on first use)
--wwe-pages DIR      your own pages, served beside the site under /custom/
--wwe-widget-config FILE
                     a widget-config.toml for the record widget (and the rules
                     module it names, from its folder), checked before serving
--wwe-chromium PATH  the Chromium to launch (default: $CHROMIUM_PATH, /usr/bin/chromium,
                     else Playwright's own)
--wwe-headed         show the browser
--wwe-artifacts DIR  where a failing test's screenshot and message log go
                     (default: ./wwe-artifacts)

Fixtures
--------
wwe_server   (session) the site on 127.0.0.1 (`.url`, `.root`, `.pages`)
wwe_browser  (session) Chromium
wwe          a page with the simulator loaded, and its controller (`Wwe`)
wwe_python   run Python in the framed view's Pyodide and get the result back
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from .locate import SiteError, find_site, widget_config_files

FAULT_KINDS = ("delay", "fail", "never", "twice", "malformed")
READY_TIMEOUT_MS = 90_000
SCENARIO_ROUTE = "**/__wwe_scenario__.json"


def simulator_url(base: str, view: str | None, *, scenario: str | None = None, origins: str | None = None) -> str:
    """The simulator at *base* framing *view* (None: no view), with a scenario URL and
    accepted origins if given (the query web/sim/main.js reads)."""
    query = f"view={quote(view, safe='')}" if view is not None else "sim=1"
    if scenario is not None:
        query += "&scenario=" + quote(scenario, safe="")
    if origins is not None:
        query += "&origins=" + quote(origins, safe="")
    return f"{base}index.html?{query}"


def wait_for_simulator(page: Any) -> str:
    """Until the simulator has started or failed to; returns its state ("ready" or "error")."""
    page.wait_for_function("() => document.documentElement?.dataset.simState !== 'loading'")
    return str(page.evaluate("document.documentElement.dataset.simState"))


class WwePythonError(AssertionError):
    """Python code run in the page raised; the message holds its page-side traceback."""


# -- options and the site --------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("wwe", "WWE simulator (wwe-outbound-bridge)")
    group.addoption("--wwe-dist", default=None, help="the built site to serve (default: $WWE_DIST or the checkout's dist/)")
    group.addoption("--wwe-pages", default=None, help="a folder of your own pages, served under /custom/")
    group.addoption("--wwe-widget-config", default=None,
                    help="a widget-config.toml (and the rules it names) for the record widget (default: its defaults)")
    group.addoption("--wwe-chromium", default=None, help="Chromium executable (default: discovered as by build.py test)")
    group.addoption("--wwe-headed", action="store_true", default=False, help="show the browser")
    group.addoption("--wwe-artifacts", default="wwe-artifacts", help="where failing tests' screenshots and logs go")
    group.addoption("--wwe-trace", action="store_true", default=False,
                    help="record a Playwright trace of each test, saved with a failing test's artefacts")


# Options that take a path: written with a space, pytest reads the path as a test
# path while it picks the rootdir and ini file (before any plugin's options are
# known), so `pytest --wwe-dist ../site` could run with another project's config.
PATH_OPTIONS = ("--wwe-dist", "--wwe-pages", "--wwe-widget-config", "--wwe-chromium", "--wwe-artifacts")


def pytest_configure(config: pytest.Config) -> None:
    """Refuse `--wwe-dist DIR` (with a space): pytest has already chosen the rootdir and ini
    file as if DIR were a test path (a folder of pages with an ini file of its own, or one
    outside the project, changes which configuration runs), and nothing can undo it now."""
    args = [str(a) for a in config.invocation_params.args]
    for i, arg in enumerate(args[:-1]):
        if arg in PATH_OPTIONS and not args[i + 1].startswith("-"):
            raise pytest.UsageError(
                f"write {arg}={args[i + 1]} (with '='): with a space, pytest takes {args[i + 1]} for a test path "
                f"when it picks the rootdir and ini file (it picked {config.rootpath} and "
                f"{config.inipath or 'no ini file'}), so your own pytest.ini or pyproject.toml may be ignored")


def find_dist(config: pytest.Config) -> Path:
    """The built site to serve, building the checkout's on first use."""
    try:
        return find_site(config.getoption("--wwe-dist"), "--wwe-dist", build=True)
    except SiteError as exc:
        raise pytest.UsageError(str(exc)) from None


@dataclass
class WweServer:
    url: str
    root: Path
    pages: Path | None
    requests: list[str]


@pytest.fixture(scope="session")
def wwe_server(request: pytest.FixtureRequest) -> Iterator[WweServer]:
    """The built site (and --wwe-pages under /custom/) on 127.0.0.1, a free port."""
    from .server import serving

    dist = find_dist(request.config)
    pages_option = request.config.getoption("--wwe-pages")
    pages = Path(pages_option).resolve() if pages_option else None
    if pages is not None and not pages.is_dir():
        raise pytest.UsageError(f"--wwe-pages={pages} is not a folder")
    config_option = request.config.getoption("--wwe-widget-config")
    files = {}
    if config_option:
        try:
            files = widget_config_files(config_option, "--wwe-widget-config")
        except SiteError as exc:
            raise pytest.UsageError(str(exc)) from None
    with serving(dist, mounts={"/custom/": pages} if pages else None, files=files) as (server, seen):
        yield WweServer(server.url, dist, pages, seen)


@pytest.fixture(scope="session")
def wwe_browser(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Headless Chromium (headed with --wwe-headed), one per session."""
    from playwright.sync_api import sync_playwright

    from .browser import launch_options

    options = launch_options(request.config.getoption("--wwe-headed"), request.config.getoption("--wwe-chromium"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**options)
        yield browser
        browser.close()


# -- the controller -------------------------------------------------------------------------


def _request(method: str) -> str:
    """A wire request name: outbound's methods bare (``getCampaigns``), the others qualified."""
    return method if "." in method else f"outbound.{method}"


@dataclass(frozen=True)
class MarkDone:
    """What the agent's Done did: the record OCS got, or the views' warnings that refused it."""

    sent: dict[str, Any] | None
    refused: str | None


class Wwe:
    """The simulator in a browser page, driven from a test.

    Attributes
    ----------
    page : playwright Page
        The simulator (the host page).
    errors : list[str]
        Uncaught errors of the page and its frames so far.
    """

    def __init__(self, context: Any, server: WweServer) -> None:
        self.context = context
        self.server = server
        self.page = context.new_page()
        self.page.set_default_timeout(30_000)
        self.errors: list[str] = []
        self.reported = 0  # errors[:reported] already failed the test
        self.tracing = False
        self.trace_saved = False
        self.console: list[dict[str, Any]] = []
        self.page.on("pageerror", self._page_error)
        self.page.on("console", self._console_message)
        self._scenario: str | None = None
        self._view = "sim/panel.html"
        context.route(SCENARIO_ROUTE, self._serve_scenario)
        self._load()

    def _page_error(self, exc: Any) -> None:
        # the page's stack (for a Python view's error, its Python traceback is the message)
        stack = getattr(exc, "stack", None)
        self.errors.append(str(stack) if stack and str(exc) in str(stack) else f"{exc}\n{stack or ''}".rstrip())

    def _console_message(self, message: Any) -> None:
        try:
            location = dict(message.location or {})
        except Exception:  # a message of a page already closed
            location = {}
        self.console.append({"type": message.type, "text": message.text,
                             "url": location.get("url"), "line": location.get("lineNumber")})

    def _serve_scenario(self, route: Any) -> None:
        route.fulfill(status=200, body=self._scenario or "{}", content_type="application/json")

    def _load(self) -> None:
        scenario = "__wwe_scenario__.json" if self._scenario is not None else None
        self.page.goto(simulator_url(self.server.url, self._view, scenario=scenario))
        if wait_for_simulator(self.page) != "ready":
            raise AssertionError(f"the simulator did not start: {self.page.inner_text('[data-sim-error]')}")
        self._wait_view_loaded(self._view)

    def _wait_view_loaded(self, url: str, timeout_ms: int = 30_000) -> None:
        """Until the sidebar holds *url*'s document, fully loaded (not the one before it).
        Asked of Playwright, not of the page: a view of another origin is not readable from it."""
        target = self.page.evaluate("(url) => new URL(url, location.href).href", url)
        waited = 0
        while True:
            frame = self.page.frame(name="view")
            if frame is not None and frame.url == target:
                frame.wait_for_load_state("load", timeout=timeout_ms)
                return
            if waited >= timeout_ms:
                raise AssertionError(f"the sidebar did not load {target} within {timeout_ms / 1000:g} s "
                                     f"(it shows {frame.url if frame else 'nothing'})")
            self.page.wait_for_timeout(50)
            waited += 50

    # -- set up -------------------------------------------------------------------------

    def load_scenario(self, scenario: dict[str, Any] | str | Path) -> None:
        """Restart the simulator with a scenario (a dict, or a path to its JSON)."""
        if isinstance(scenario, dict):
            self._scenario = json.dumps(scenario)
        else:
            self._scenario = Path(scenario).read_text()
        self._load()

    def open_view(self, url: str, *, wait: str | None = None) -> Any:
        """Frame *url* (relative to the site, e.g. "/custom/my_view.html") in the sidebar; returns the Frame.

        *wait*: a JS expression to wait for in the view (our pages wait for themselves).
        """
        self._view = url
        target = self.page.evaluate("(url) => new URL(url, location.href).href", url)
        with self.page.expect_response(lambda r: r.url == target, timeout=READY_TIMEOUT_MS) as answer:
            self.page.evaluate("(url) => { wweSim.frames.view.src = url; }", target)
        if answer.value.status >= 400:  # (a page not found would otherwise fail later, at whatever waits on it)
            raise AssertionError(f"the view {url} could not be opened: the server answered {answer.value.status} for "
                                 f"{target} (is the file in the folder served as /custom/, wwe-bridge serve --pages?)")
        self._wait_view_loaded(url)
        view = self.view
        known = {"widget.html": "widgetState", "console.html": "consoleState"}
        name = url.rsplit("/", 1)[-1].split("?", 1)[0]
        if name in known:
            attr = known[name]
            view.wait_for_function(f"() => ['ready', 'error'].includes(document.documentElement?.dataset.{attr})",
                                   timeout=READY_TIMEOUT_MS)
        if view.evaluate("() => Boolean(document.querySelector('script[type=\"text/python\"], script[src$=\"bridge.js\"]'))"):
            # a Python view (started by /bridge.js): until its scripts' top level ran, or failed
            view.wait_for_function("() => ['ready', 'error'].includes(document.documentElement.dataset.viewState)",
                                   timeout=READY_TIMEOUT_MS)
            if view.evaluate("document.documentElement.dataset.viewState") == "error":
                shown = view.evaluate(
                    "() => [...document.querySelectorAll('[data-wwe-python-error], [data-boot-error]')]"
                    ".map((e) => e.textContent).filter(Boolean).join('\\n')")
                raise AssertionError(f"the view {url} failed to start:\n{shown}")
        if wait:
            # as a function: a page with a CSP that forbids eval cannot evaluate a bare expression
            view.wait_for_function(f"() => ({wait})", timeout=READY_TIMEOUT_MS)
        return view

    @property
    def view(self) -> Any:
        """The framed custom view (a Playwright Frame)."""
        frame = self.page.frame(name="view")
        assert frame is not None
        return frame

    def fault(self, method: str, kind: str | None, **options: Any) -> None:
        """Make the simulator misbehave on an outbound method (``kind=None`` clears it).

        Kinds: ``delay`` (``ms=``), ``fail`` (``message=``), ``never``, ``twice``,
        ``malformed`` (``how="missing-data" | "wrong-type"``).
        """
        fault: dict[str, Any] | None
        if kind is None:
            fault = None
        elif kind == "delay":
            fault = {"delayMs": int(options.get("ms", 1000))}
        elif kind == "fail":
            fault = {"errorMessage": str(options.get("message", "Simulated failure"))}
        elif kind in ("never", "twice"):
            fault = {kind: True}
        elif kind == "malformed":
            fault = {"malformed": options.get("how", "missing-data")}
        else:
            raise ValueError(f"fault kind must be one of {', '.join(FAULT_KINDS)} or None, not {kind!r}")
        self.page.evaluate("([m, f]) => wweSim.setFault(m, f)", [method, fault])

    def accept_origins(self, text: str) -> None:
        """Set WWE's accepted-web-content-origins ("*" or a comma list)."""
        self.page.evaluate("(t) => wweSim.setAcceptedOrigins(t)", text)

    # -- the desktop around outbound ------------------------------------------------------

    def set_state(self, interaction_id: str, state: str) -> None:
        """Move an interaction to one of WWE's interaction states (``"TALKING"``, ``"HELD"``,
        ``"IDLE"``...), announced to the views as WWE does (an ``interaction`` CHANGED event).
        Any text is taken, so a test can also see how a view copes with a state it does not know."""
        self._state_of(interaction_id)
        self.page.evaluate("([id, s]) => wweSim.setState(id, s)", [interaction_id, state])

    def _state_of(self, interaction_id: str) -> str:
        state = self.page.evaluate("(id) => wweSim.service.interactions.get(id)?.state ?? null", interaction_id)
        if state is None:
            known = self.page.evaluate("() => [...wweSim.service.interactions.keys()]")
            raise AssertionError(f"the simulator has no interaction {interaction_id!r} (it has {', '.join(known) or 'none'})")
        return str(state)

    def release(self, interaction_id: str) -> None:
        """The call ends (the agent's Release, or the customer hanging up): the interaction is IDLE."""
        state = self._state_of(interaction_id)
        button = self.page.locator(f'[data-interaction-id="{interaction_id}"] [data-sim-action=release]')
        if button.count() == 0:
            raise AssertionError(f"interaction {interaction_id!r} has no call to release: it is {state}")
        button.click()

    def mark_done(self, interaction_id: str, *, release: bool = True) -> MarkDone:
        """Press WWE's Done for the interaction, as the agent would (releasing a live call
        first unless *release* is False). Returns what happened: ``.sent``, the record as OCS
        got it, or ``.refused``, the warnings of the views that block it (``blockMarkdone``)."""
        state = self._state_of(interaction_id)
        if release and state in ("DIALING", "TALKING", "HELD"):
            self.release(interaction_id)
        before = len(self.sent_to_ocs())
        done = self.page.locator(f'[data-interaction-id="{interaction_id}"] [data-sim-action=done]')
        if done.count() == 0:
            state = self.page.evaluate("(id) => wweSim.service.interactions.get(id)?.state", interaction_id)
            raise AssertionError(f"WWE offers no Done for interaction {interaction_id!r} while it is {state}")
        done.click()
        sent = self.sent_to_ocs()
        if len(sent) > before:
            return MarkDone(sent=sent[-1], refused=None)
        refusal = self.page.evaluate("(id) => wweSim.desktop.lastRefusal?.interactionId === id "
                                     "? wweSim.desktop.lastRefusal.warnings.join(' ') : null", interaction_id)
        return MarkDone(sent=None, refused=refusal)

    def sent_to_ocs(self, interaction_id: str | None = None) -> list[dict[str, Any]]:
        """What mark done handed OCS, in order (each: interactionId, campaignName, recordHandle,
        fields, callResult, doNotCall, schedule, records); only *interaction_id*'s if given."""
        sent: list[dict[str, Any]] = self.page.evaluate("wweSim.sentToOcs()")
        return [s for s in sent if interaction_id is None or s.get("interactionId") == interaction_id]

    def mark_done_blocks(self, interaction_id: str) -> list[str]:
        """The warnings of the views that block mark done on the interaction now."""
        return list(self.page.evaluate("(id) => wweSim.blocks(id)", interaction_id))

    def set_options(self, options: dict[str, Any]) -> None:
        """Set WWE options for this session, as Configuration Server would hold them:
        ``{"privilege.outbound.can-reschedule": False, "outbound.timed-preview-auto-dial": 10,
        "MySection/my-option": "x"}`` (None removes one). Views read them with
        ``configuration.getOption``; a view reads them when it starts (reopen it to apply)."""
        self.page.evaluate("(o) => wweSim.setOptions(o)", options)

    # -- records -----------------------------------------------------------------------

    def _campaign(self, mode: str, campaign: str | None) -> str:
        if campaign:
            return campaign
        name = self.page.evaluate(
            "(mode) => [...wweSim.service.campaigns.values()].find(c => c.mode === mode && c.status === 'Active')?.name ?? null",
            mode)
        if name is None:
            raise AssertionError(f"the scenario has no active {mode} campaign to deliver through")
        return str(name)

    def deliver_preview(self, record: dict[str, Any], *, campaign: str | None = None) -> str:
        """Hand the agent a preview record (a calling-list record dict); returns its interaction ID."""
        return self._deliver("Preview", record, campaign)

    def deliver_push_preview(self, record: dict[str, Any], *, campaign: str | None = None) -> str:
        """Push a record as OCS does for a push preview campaign; returns its interaction ID."""
        return self._deliver("PushPreview", record, campaign)

    def _deliver(self, mode: str, record: dict[str, Any], campaign: str | None) -> str:
        name = self._campaign(mode, campaign)
        return str(self.page.evaluate("([c, r]) => wweSim.deliverRecords(c, [r])", [name, record]))

    def record(self, interaction_id: str) -> dict[str, Any] | None:
        """The host's state of an interaction's record: fields, callResult, doNotCall, schedule, records."""
        result = self.page.evaluate("(id) => wweSim.record(id)", interaction_id)
        return result if isinstance(result, dict) else None

    def messages(self, kind: str | None = None) -> list[dict[str, Any]]:
        """The host's message log: dicts that all have ``kind`` (request | response | event |
        refused | quarantine | fault | note), ``t`` (ms since start), ``origin`` and ``message``
        (None for the simulator's own notes) and ``text`` (its explanation, or None)."""
        entries: list[dict[str, Any]] = self.page.evaluate("JSON.parse(JSON.stringify(wweSim.log.entries))")
        keys = {"kind": None, "t": None, "origin": None, "message": None, "text": None}
        return [{**keys, **e} for e in entries if kind is None or e.get("kind") == kind]

    def take_errors(self, count: int = 1, *, timeout: float = 10.0) -> list[str]:
        """For a test that expects uncaught errors: wait until there are *count* of them,
        return them and forget them (so they do not fail the test)."""
        waited = 0.0
        while len(self.errors) < count and waited < timeout:
            self.page.wait_for_timeout(100)
            waited += 0.1
        if len(self.errors) < count:
            raise AssertionError(f"expected {count} uncaught error(s) within {timeout:g} s, got {self.errors}")
        errors, self.errors[:] = list(self.errors), []
        self.reported = 0
        return errors

    def expect_request(self, method: str, count: int = 1, *, timeout: float = 10.0) -> list[Any]:
        """Wait until the host has received *count* requests of *method* (in all): an outbound
        method by its name (``"setCallResult"``), any other qualified (``"interaction.blockMarkdone"``).
        Returns the parameters of the last of them. Fails after *timeout* seconds with the
        requests it did receive."""
        request = _request(method)
        try:
            self.page.wait_for_function(
                "([request, count]) => wweSim.log.entries.filter((e) => e.kind === 'request' "
                "&& e.message?.request === request).length >= count",
                arg=[request, count], timeout=timeout * 1000)
        except Exception as exc:
            if type(exc).__name__ != "TimeoutError":
                raise
            seen = [e["message"].get("request") for e in self.messages("request")]
            raise AssertionError(f"expected {count} {request} request(s) within {timeout:g} s; "
                                 f"the host received {seen}") from None
        return self.requests(method)[count - 1]

    def requests(self, method: str) -> list[list[Any]]:
        """The parameters of every request of *method* the host received (named as for `expect_request`)."""
        return [e["message"].get("parameters", []) for e in self.messages("request")
                if e["message"].get("request") == _request(method)]

    # -- artefacts ------------------------------------------------------------------------

    def save_artifacts(self, folder: Path, trace: bool = False) -> list[Path]:
        """Save what explains a failure: screenshots of the host and of the framed view, the
        view's DOM, the browser console, page errors, the message log (and the trace)."""
        folder.mkdir(parents=True, exist_ok=True)
        saved: list[Path] = []

        def save(name: str, write: Callable[[Path], object]) -> None:
            path = folder / name
            try:
                write(path)
                saved.append(path)
            except Exception as exc:  # a crashed page still gets the rest saved
                (folder / f"{name}.error.txt").write_text(f"could not save {name}: {exc}")

        save("host.png", lambda p: self.page.screenshot(path=str(p), full_page=True))
        frame = self.page.frame(name="view")
        if frame is not None:
            save("view.png", lambda p: frame.frame_element().screenshot(path=str(p)))
            save("view.html", lambda p: p.write_text(frame.content()))
        save("console.json", lambda p: p.write_text(json.dumps(self.console, indent=2)))
        save("errors.txt", lambda p: p.write_text("\n\n".join(self.errors) or "no uncaught errors\n"))
        save("messages.json", lambda p: p.write_text(json.dumps(self.messages(), indent=2)))
        if trace:
            save("trace.zip", lambda p: self.context.tracing.stop(path=str(p)))
        return saved


@pytest.fixture
def wwe(request: pytest.FixtureRequest, wwe_server: WweServer, wwe_browser: Any) -> Iterator[Wwe]:
    """A fresh simulator (own browser context) with its controller; the view is our API panel until `open_view`.

    An uncaught error in the simulator or the view fails the test, with the page's stack.
    """
    context = wwe_browser.new_context()
    trace = request.config.getoption("--wwe-trace")
    if trace:
        context.tracing.start(screenshots=True, snapshots=True, sources=False)
    controller = Wwe(context, wwe_server)
    controller.tracing = trace
    request.node._wwe = controller
    yield controller
    late = list(controller.errors[controller.reported:])
    if trace and not controller.trace_saved:
        try:
            context.tracing.stop()
        except Exception:
            pass
    context.close()
    if late:
        pytest.fail("uncaught errors in the simulator or the view after the test:\n" + "\n\n".join(late), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """An uncaught error in the page fails the test itself (not its teardown), with the page's stack."""
    controller: Wwe | None = getattr(item, "_wwe", None)
    try:
        result = yield
    except BaseException:
        # failed already: the page's errors are in its artefacts (errors.txt), not a second failure
        if controller is not None:
            controller.reported = len(controller.errors)
        raise
    if controller is not None and controller.errors[controller.reported:]:
        errors = controller.errors[controller.reported:]
        controller.reported = len(controller.errors)
        pytest.fail("uncaught errors in the simulator or the view:\n" + "\n\n".join(errors), pytrace=False)
    return result


# -- Python in the view ------------------------------------------------------------------------

_RUNNER = r"""
async (code) => {
  if (!window.pyodide) throw new Error("the framed view has no Python: open a page of ours (boot.html, widget.html, console.html)");
  if (!window.__wweRun) {
    window.__wweRun = pyodide.runPython(`
import json, traceback, dataclasses, enum, datetime
from pyodide.code import eval_code_async

def _plain(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # every field (a raw copy kept only for reference, repr=False and compare=False, aside)
        # and every public property: ChainedRecord's phone, record_handle... and its data
        out = {f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.repr or f.compare}
        for name in dir(type(value)):
            if not name.startswith("_") and isinstance(getattr(type(value), name, None), property):
                try:
                    out[name] = getattr(value, name)
                except Exception:
                    pass
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "items"):
        return dict(value.items())
    return repr(value)

_namespace = {"__name__": "__wwe_test__"}

async def _run(code):
    if not _namespace.get("_ready"):
        exec("from bridge import *", _namespace)
        exec("import bridge", _namespace)
        for _client in _namespace["bridge"].SERVICES:  # outbound, interaction, configuration, system, ...
            _namespace[_client] = getattr(_namespace["bridge"], _client)
        _namespace["_ready"] = True
    try:
        value = await eval_code_async(code, _namespace, filename="<wwe_python>")
        return json.dumps({"ok": value}, default=_plain)
    except BaseException as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        keep = next((i for i, f in enumerate(frames) if f.filename == "<wwe_python>"), 0)
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-(len(frames) - keep) or None))
        return json.dumps({"error": type(exc).__name__, "traceback": text})
_run
`);
  }
  return await window.__wweRun(code);
}
"""


@pytest.fixture
def wwe_python(wwe: Wwe) -> Callable[[str], Any]:
    """``wwe_python(code)``: run Python (top-level ``await`` allowed) in the framed view's
    Pyodide and return its last expression as Python data (dataclasses become dicts).

    Opens our boot page as the view first if the current view has no Python. A Python
    exception in the page is raised here as `WwePythonError` with the page's traceback.
    """
    def run(code: str) -> Any:
        if not wwe.page.evaluate("() => Boolean(wweSim.frames.view.contentWindow?.pyodide)"):
            wwe.open_view("boot.html")
        answer = json.loads(wwe.view.evaluate(_RUNNER, code))
        if "error" in answer:
            raise WwePythonError(f"Python in the page raised {answer['error']}:\n{answer['traceback']}")
        return answer["ok"]

    return run


# -- failure artefacts ----------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    controller: Wwe | None = getattr(item, "_wwe", None)
    if controller is None or report.when != "call" or not report.failed:
        return report
    base = Path(item.config.getoption("--wwe-artifacts"))
    if not base.is_absolute():
        base = Path(item.config.invocation_params.dir) / base
    folder = base / re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{item.path.stem}.{item.name}").strip("_")
    saved = controller.save_artifacts(folder, trace=controller.tracing)
    controller.trace_saved = controller.tracing
    lines = [f"saved {path}" for path in saved]
    report.sections.append(("wwe artefacts", "\n".join(lines)))
    sys.stderr.write("\n".join(["", "wwe artefacts:", *lines, ""]))
    return report
