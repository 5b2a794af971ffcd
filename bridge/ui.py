"""A custom view's UI from Python: element trees in, DOM events out, no HTML.

A Python view (an HTML page with ``<script type="module" src="/bridge.js">``
and ``<script type="text/python" src="my_view.py">``) builds its UI with `h`
and puts it in the page with `page`; handlers, plain or ``async``, are
attached with `when`, as with PyScript's ``@when``:

>>> from bridge import outbound
>>> from bridge.ui import h, page, when
>>> @when("click", "#busy")
... async def busy(event):
...     await outbound.set_call_result(page.query.get("interaction", "1"), "BUSY")
...     page.text("#status", "Saved: Busy")

Trees are data (`bridge.tree`): a string is always text, never markup, and
the page's DOM layer (``web/ui/dom.js``) creates only allow-listed elements
and attributes, so no value from WWE or a customer can become HTML or script.
The same layer draws our record widget.

Pure Python: the page is reached through a `PagePort` (in Pyodide, the one in
`bridge._pyodide`; in tests, `bridge.testing.FakePage`).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from .errors import ArgumentTypeError, ArgumentValueError
from .tree import AttrValue, Element, Node, h, stamp, text_of

__all__ = ["Op", "Page", "PagePort", "UIEvent", "h", "page", "stamp", "text_of", "when"]

Handler = TypeVar("Handler", bound=Callable[..., Any])

#: One change to one element, ``(op, element_id, *args)``, as the page's DOM layer
#: (web/ui/dom.js, ``patch``) applies it: ``("text", id, text)``, ``("attr", id, name,
#: value or None)``, ``("hidden" | "disabled" | "checked", id, bool)``, ``("value", id,
#: text)``, ``("class", id, name, on)``, ``("focus", id)``, ``("replace", id, tree)``.
#: An element that is gone is skipped. `Page.patch` sends a list of them at once.
Op = tuple[Any, ...]


class PagePort(Protocol):
    """What `Page` needs from a page (the Pyodide boundary and the fake both implement it)."""

    def render(self, target: str, children_json: str) -> None:
        """Replace the children of the element with id *target* with a JSON list of trees."""

    def patch(self, ops_json: str) -> None:
        """Apply a JSON list of `Op` patches, in order."""

    def when(self, event_type: str, selector: str, handler_id: int,
             dispatch: Callable[[int, str], None]) -> None:
        """Call ``dispatch(handler_id, event_json)`` for each *event_type* event on an element
        matching the CSS *selector* (or inside one). Raises ValueError for a bad selector."""

    def query(self) -> dict[str, str]:
        """The page URL's query parameters (the first value of each)."""

    def listen(self, root_id: str, dispatch: Callable[[str], None]) -> None:
        """Call ``dispatch(event_json)`` for the page's events (click, input, change, blur,
        keydown, submit) inside element *root_id*, described as the DOM layer's ``listen``
        describes them: one listener for a whole view that reads its own ``data-*`` marks."""


@dataclass(frozen=True)
class UIEvent:
    """A DOM event as plain data, as a handler gets it.

    Attributes
    ----------
    type : str
        ``"click"``, ``"input"``, ``"change"``, ``"submit"``, ...
    id : str or None
        The id of the element the selector matched.
    value : str or None
        That element's ``value`` (inputs, selects, buttons), as text.
    checked : bool or None
        For a checkbox or radio button.
    data : Mapping[str, str]
        That element's ``data-*`` attributes (``data-handle="283"`` → ``{"handle": "283"}``).
    values : Mapping[str, str]
        The values of the controls with an id in the element's ``<form>`` or
        ``<section>`` (checkboxes as ``"true"``/``"false"``): what a button's form holds.
    key : str or None
        For keyboard events.
    """

    type: str
    id: str | None = None
    value: str | None = None
    checked: bool | None = None
    data: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, str] = field(default_factory=dict)
    key: str | None = None

    @classmethod
    def from_page(cls, payload: Mapping[str, Any]) -> UIEvent:
        def text(value: Any) -> str | None:
            return None if value is None else str(value)

        return cls(
            type=str(payload.get("type", "")),
            id=text(payload.get("id")),
            value=text(payload.get("value")),
            checked=payload.get("checked") if isinstance(payload.get("checked"), bool) else None,
            data={str(k): str(v) for k, v in (payload.get("data") or {}).items()},
            values={str(k): str(v) for k, v in (payload.get("values") or {}).items()},
            key=text(payload.get("key")),
        )


def _element_id(target: str) -> str:
    if not isinstance(target, str):
        raise ArgumentTypeError(f"an element is named by its id, e.g. 'status' or '#status', not {target!r}")
    name = target[1:] if target.startswith("#") else target
    if not name or any(c.isspace() for c in name) or any(c in name for c in ".[]>:,"):
        raise ArgumentValueError(
            f"{target!r} is not an element id: render/text/... take one id ('status' or '#status'), "
            "not a CSS selector")
    return name


class Page:
    """The page a Python view runs in: put trees in it, change elements, handle events.

    Elements are named by id (``"status"`` or ``"#status"``). Every change is
    sent to the page at once; nothing is read back from it (a handler gets the
    values it needs with its event).
    """

    def __init__(self, port: PagePort | None = None) -> None:
        self._port = port
        self._handlers: dict[int, Callable[..., Any]] = {}
        self._tasks: set[asyncio.Future[Any]] = set()

    @property
    def port(self) -> PagePort:
        if self._port is None:
            from ._pyodide import PyodidePagePort

            self._port = PyodidePagePort()
        return self._port

    @property
    def query(self) -> dict[str, str]:
        """The page URL's query parameters, e.g. ``{"interaction": "1"}`` for ``?interaction=1``."""
        return self.port.query()

    # -- drawing -----------------------------------------------------------------------

    def render(self, target: str, *children: Node | tuple[Node, ...] | list[Node] | None) -> None:
        """Replace the children of element *target* with *children* (trees, strings, or lists of them).

        Nothing given (or only empty strings) empties it. A list of trees is a list of
        children (``page.render("records", [h("li", {}, r.phone) for r in chain])``). The
        element that has the keyboard focus inside *target* keeps it (and its caret) when
        the new children have an element of its id.
        """
        flat: list[Any] = []

        def add(child: Any) -> None:
            if _is_element(child) or (isinstance(child, str) and child):
                flat.append(child)
            elif isinstance(child, str):
                pass
            elif isinstance(child, (list, tuple)):
                for item in child:  # a list of children (data shaped like a tree stays text)
                    add(item)
            elif child is not None and child is not False:
                raise ArgumentTypeError(f"render takes trees (h(...)), strings or lists of them, not {child!r}")

        for child in children:
            add(child)
        self.port.render(_element_id(target), json.dumps(flat))

    def text(self, target: str, text: object) -> None:
        """Set element *target*'s text (always text: ``"<b>"`` shows as ``<b>``)."""
        self._patch("text", target, str(text))

    def attr(self, target: str, name: str, value: AttrValue) -> None:
        """Set (or, with None/False, remove) an allow-listed attribute of element *target*."""
        if value is None or value is False:
            self._patch("attr", target, name, None)
        else:
            self._patch("attr", target, name, "" if value is True else str(value))

    def show(self, target: str, visible: bool = True) -> None:
        """Show (or hide) element *target*."""
        self._patch("hidden", target, not visible)

    def hide(self, target: str) -> None:
        """Hide element *target*."""
        self.show(target, False)

    def enable(self, target: str, enabled: bool = True) -> None:
        """Enable (or disable) control *target*."""
        self._patch("disabled", target, not enabled)

    def disable(self, target: str) -> None:
        """Disable control *target*."""
        self.enable(target, False)

    def set_value(self, target: str, value: object) -> None:
        """Set the value of input/select/textarea *target*."""
        self._patch("value", target, str(value))

    def focus(self, target: str) -> None:
        """Move the keyboard focus to element *target*."""
        self._patch("focus", target)

    def patch(self, ops: Sequence[Op]) -> None:
        """Apply several `Op` patches at once (one crossing to the page, in order); nothing
        is sent for none. The named methods (`text`, `attr`, `show`...) are one each."""
        if ops:
            self.port.patch(json.dumps(ops))

    def _patch(self, op: str, target: str, *args: Any) -> None:
        self.port.patch(json.dumps([[op, _element_id(target), *args]]))

    def listen(self, root_id: str, handler: Callable[[Mapping[str, Any]], None]) -> None:
        """Give *handler* every event inside element *root_id* (`PagePort.listen`), as a
        mapping: for a view that dispatches its events itself, as the record widget does,
        instead of one `when` per selector. *handler* must not raise."""
        self.port.listen(_element_id(root_id), lambda payload: handler(json.loads(payload)))

    # -- events --------------------------------------------------------------------------

    def when(self, event_type: str, selector: str) -> Callable[[Handler], Handler]:
        """Decorator: call the function for each *event_type* event on elements matching
        the CSS *selector* (also for elements added later, and for events inside them).

        The function takes a `UIEvent` or nothing, and may be ``async`` (it then runs
        as a task). An exception it raises is reported the way asyncio reports a
        failed task: in a view started by ``bridge.js``, shown in the page with its
        traceback. Returns the function unchanged.
        """
        if not isinstance(event_type, str) or not event_type.isalpha():
            raise ArgumentValueError(f"event type must be a DOM event name such as 'click', not {event_type!r}")
        if not isinstance(selector, str) or not selector.strip():
            raise ArgumentValueError(f"selector must be a CSS selector such as '#busy', not {selector!r}")

        def register(handler: Handler) -> Handler:
            if not callable(handler):
                raise ArgumentTypeError(f"@when(...) decorates a function, not {handler!r}")
            handler_id = len(self._handlers) + 1
            wants_event = _takes_an_argument(handler)
            self._handlers[handler_id] = handler if wants_event else _without_event(handler)
            try:
                self.port.when(event_type, selector, handler_id, self._dispatch)
            except ValueError as exc:
                del self._handlers[handler_id]
                raise ArgumentValueError(f"{selector!r} is not a CSS selector the page accepts: {exc}") from None
            return handler

        return register

    def _dispatch(self, handler_id: int, payload_json: str) -> None:
        handler = self._handlers.get(int(handler_id))
        if handler is None:
            return
        try:
            result = handler(UIEvent.from_page(json.loads(payload_json)))
            if inspect.isawaitable(result):
                task = asyncio.ensure_future(result)
                self._tasks.add(task)  # a running handler is not collected
                task.add_done_callback(self._finished)
        except BaseException as exc:  # SystemExit too: nothing a handler raises may reach the page's JS
            _report(exc, f"handler {getattr(handler, '__qualname__', handler)}() failed")

    def _finished(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            assert exc is not None
            _report(exc, "an event handler failed")


def _without_event(handler: Callable[[], Any]) -> Callable[[UIEvent], Any]:
    @functools.wraps(handler)
    def call(_event: UIEvent) -> Any:
        return handler()

    return call


def _is_element(node: object) -> bool:
    return isinstance(node, Element)  # made by h(): a list that only looks like one is data


def _takes_an_argument(handler: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(handler).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: give it the event
        return True
    return any(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL) for p in params)


def _report(exc: BaseException, message: str) -> None:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    loop.call_exception_handler({"message": message, "exception": exc})


#: The page this code runs in (bound to it on first use).
page = Page()
#: ``@when("click", "#busy")``: `Page.when` of `page`.
when = page.when
