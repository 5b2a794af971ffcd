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
import re
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


# What the page's DOM layer accepts in element trees (web/ui/dom.js, TAGS and ATTRIBUTE; a
# build test keeps the two the same): FakePage refuses the rest, as the page would.
TAGS = frozenset({
    "a", "button", "div", "form", "h2", "h3", "input", "label", "li", "ol", "option", "output", "p", "section",
    "select", "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul", "code", "small", "em",
    "h1", "h4", "pre", "textarea", "fieldset", "legend", "header", "footer", "nav", "article", "aside",
    "details", "summary", "dl", "dt", "dd", "caption", "br", "hr", "b", "i", "abbr", "time", "kbd", "mark",
    "meter", "progress", "optgroup", "tfoot",
})
ATTRIBUTE = re.compile(
    r"(id|class|name|type|value|for|role|title|placeholder|inputmode|autocomplete|spellcheck|step|min|max|"
    r"maxlength|minlength|pattern|scope|tabindex|hidden|disabled|readonly|required|checked|selected|multiple|"
    r"size|rows|cols|open|colspan|rowspan|datetime|low|high|lang|dir|label|novalidate|href|(aria|data)-[a-z-]+)")
_IN_PAGE_LINK = re.compile(r"#[A-Za-z0-9_-]*")


def _check_attribute(tag: str, name: str, value: Any) -> None:
    """Refuse an attribute as the DOM layer's setAttribute does (same messages)."""
    from .errors import ArgumentValueError

    if not isinstance(name, str) or not ATTRIBUTE.fullmatch(name):
        raise ArgumentValueError(f"attribute {name} is not allowed in element trees")
    if name == "href" and not _IN_PAGE_LINK.fullmatch(str(value)):
        raise ArgumentValueError("only in-page links are allowed")


def _check_tree(node: Any) -> None:
    from .errors import ArgumentValueError

    if isinstance(node, str):
        return
    if node[0] not in TAGS:
        raise ArgumentValueError(f"element {node[0]} is not allowed in element trees")
    for name, value in node[1].items():
        if value is not None and value is not False:
            _check_attribute(node[0], name, value)
    for child in node[2:]:
        _check_tree(child)


def _plain(node: Any) -> list[Any]:
    """A tree as the page's DOM layer builds it: stamps expanded, fresh lists."""
    from .tree import STAMP, expand

    if isinstance(node, str):
        return [node]
    if node and node[0] == STAMP:
        return [tree for row in expand(node) for tree in _plain(row)]
    children: list[Any] = []
    for child in node[2:]:
        children += _plain(child)
    return [[node[0], dict(node[1]), *children]]


class FakePage:
    """A stand-in page (`bridge.ui.PagePort`) for testing a Python view in CPython.

    It keeps the trees the view rendered and applies its patches to them as the page's
    DOM layer (web/ui/dom.js) does (tests/e2e/test_ui_contract.py holds the two to the same
    result), so a test reads what a person would see: an element's text, attributes,
    value, whether it is disabled. It also fires events at the handlers the view
    registered. The record widget is tested on it too.

    Attributes
    ----------
    rendered : dict[str, list]
        Element id → the children last rendered into it, as sent.
    texts : dict[str, str]
        Element id → the text a ``text`` patch set (also for elements of the page's own HTML).
    patches : list[list]
        Every patch, in order.
    focused : str or None
        The id of the element a ``focus`` patch last moved the focus to.

    Examples
    --------
    >>> from bridge.ui import Page, h
    >>> fake = FakePage(query={"interaction": "1"})
    >>> page = Page(fake)
    >>> page.text("#status", "ready")
    >>> fake.text_of("status")
    'ready'
    >>> page.render("records", h("li", {"id": "r1"}, "283"))
    >>> page.disable("r1")
    >>> fake.text_of("records"), fake.disabled("r1")
    ('283', True)
    """

    def __init__(self, query: Mapping[str, str] | None = None) -> None:
        self._query = dict(query or {})
        self.rendered: dict[str, list[Any]] = {}
        self.texts: dict[str, str] = {}
        self.patches: list[list[Any]] = []
        self.handlers: list[tuple[str, str, int, Callable[[int, str], None]]] = []
        self.listeners: list[tuple[str, Callable[[str], None]]] = []
        self.focused: str | None = None
        self.renders = 0
        # element id -> the element of the page's own HTML it names ("#page"), with what was
        # rendered into it; patches and later renders apply to these trees
        self.roots: dict[str, list[Any]] = {}
        # a control's value a patch set, as the DOM keeps it apart from the element's
        # attributes and text: id(element) -> (element, value) (the element kept, so that an
        # id Python reuses for a new list never finds an old value)
        self._values: dict[int, tuple[list[Any], str]] = {}

    # -- PagePort ----------------------------------------------------------------------

    def render(self, target: str, children_json: str) -> None:
        import copy
        import json

        children = json.loads(children_json)
        plain = [tree for child in children for tree in _plain(copy.deepcopy(child))]
        for tree in plain:
            _check_tree(tree)
        self.renders += 1
        self.rendered[target] = children
        self.texts.pop(target, None)
        found = self._find(target)
        if found is None:  # (a fake knows no HTML: an id not drawn yet is one of the page's own)
            element: list[Any] = ["#page", {"id": target}]
            self.roots[target] = element
        else:
            element = found[0]
        focused = self.focused if self.focused and self._inside(element, self.focused) else None
        element[2:] = plain
        self._values.pop(id(element), None)  # (a select's or textarea's value follows its new children)
        if focused is not None:  # the control of the same id gets the focus back (dom.js renderChildren)
            again = self._find(focused)
            self.focused = focused if again is not None and self._focusable(focused) else None

    def patch(self, ops_json: str) -> None:
        import copy
        import json

        from .errors import ArgumentValueError

        for op in json.loads(ops_json):
            self.patches.append(op)
            name, element_id, *args = op
            found = self._find(element_id)
            if found is None:
                if name == "text":
                    self.texts[element_id] = args[0]  # an element of the page's HTML (or gone: skipped there)
                continue
            element, parent = found
            if name == "text":
                self.texts.pop(element_id, None)
                if self.focused and self._inside(element, self.focused):
                    self.focused = None  # (the focused control went with the old children)
                element[2:] = [args[0]] if args[0] else []
                self._values.pop(id(element), None)
            elif name == "attr":
                if args[0] is None or args[1] is None:
                    element[1].pop(args[0] or "", None)
                else:
                    _check_attribute(element[0], args[0], args[1])
                    element[1][args[0]] = args[1]
            elif name in ("hidden", "disabled", "checked"):
                had_focus = self.focused is not None and (self.focused == element_id or self._inside(element, self.focused))
                if args[0]:
                    element[1][name] = ""
                else:
                    element[1].pop(name, None)
                if name == "disabled" and args[0] and self.focused == element_id:
                    self.focused = self._status_near(element_id)  # as dom.js moves it to the area's status
                elif name == "hidden" and args[0] and had_focus:
                    self.focused = None  # a hidden control loses the focus
            elif name == "class":
                token, on = args[0], args[1]
                if not token or any(c.isspace() for c in token):
                    raise ArgumentValueError(f"class {token!r} is not one token (the page's classList refuses it)")
                classes = element[1].get("class", "").split()
                if (token in classes) != bool(on):  # (no change leaves the attribute as written)
                    unique = list(dict.fromkeys(classes))  # the page's classList rewrites it as a set
                    classes = [*unique, token] if on else [c for c in unique if c != token]
                    element[1]["class"] = " ".join(classes)
            elif name == "value" and element[0] == "select":
                matched = False
                for option in self._options(element):
                    option[1].pop("selected", None)
                    if not matched and self._option_value(option) == args[0]:
                        option[1]["selected"] = ""
                        matched = True
                self._values[id(element)] = (element, args[0] if matched else "")
            elif name == "value":
                self._values[id(element)] = (element, self._sanitized(element, str(args[0])))
            elif name == "focus":
                if self._focusable(element_id):  # (focus() on anything else leaves it where it was)
                    self.focused = element_id
            elif name == "replace":
                replacement = _plain(copy.deepcopy(args[0]))
                for tree in replacement:
                    _check_tree(tree)
                had_focus = self.focused == element_id
                if self.focused is not None and self._inside(element, self.focused):
                    self.focused = None  # (a control inside went with it)
                if parent is None:  # an element of the page's HTML: its new trees stand in its place
                    del self.roots[element_id]
                    for tree in replacement:
                        if isinstance(tree, list) and tree[1].get("id"):
                            self.roots[tree[1]["id"]] = tree
                else:
                    position = next(i for i, child in enumerate(parent) if child is element)
                    parent[position:position + 1] = replacement
                if had_focus:  # dom.js gives it back to the new element of that id, if it can have it
                    self.focused = element_id if self._find(element_id) and self._focusable(element_id) else None
            else:
                raise ArgumentValueError(f"unknown patch {name}")

    def when(self, event_type: str, selector: str, handler_id: int, dispatch: Callable[[int, str], None]) -> None:
        self.handlers.append((event_type, selector, handler_id, dispatch))

    def query(self) -> dict[str, str]:
        return dict(self._query)

    def listen(self, root_id: str, dispatch: Callable[[str], None]) -> None:
        self.listeners.append((root_id, dispatch))

    # -- the model ---------------------------------------------------------------------------

    def _path(self, element_id: str) -> list[list[Any]] | None:
        """The elements from a root down to the one with this id (drawn elements first: a
        page element rendered over by its parent is gone, as in the page)."""
        def visit(node: list[Any], path: list[list[Any]]) -> list[list[Any]] | None:
            for child in node[2:]:
                if isinstance(child, list):
                    if child[1].get("id") == element_id:
                        return [*path, child]
                    hit = visit(child, [*path, child])
                    if hit:
                        return hit
            return None

        for root in self.roots.values():
            hit = visit(root, [root])
            if hit:
                return hit
        own = self.roots.get(element_id)
        return [own] if own is not None else None

    def _find(self, element_id: str) -> tuple[list[Any], list[Any] | None] | None:
        """The element with this id and its parent (None for an element of the page's HTML)."""
        path = self._path(element_id)
        if path is None:
            return None
        return path[-1], (path[-2] if len(path) > 1 else None)

    def _inside(self, element: list[Any], element_id: str) -> bool:
        path = self._path(element_id)
        return path is not None and any(node is element for node in path[:-1])

    @staticmethod
    def _is_disabled(element: list[Any]) -> bool:
        return element[1].get("disabled") not in (None, False)

    def _focusable(self, element_id: str) -> bool:
        """Whether focus() moves the focus there: a control (not disabled), a link, or an
        element with a tabindex, none of it hidden."""
        path = self._path(element_id)
        if not path:
            return False
        element = path[-1]
        if any(node[1].get("hidden") not in (None, False) for node in path):
            return False
        if element[0] in ("input", "select", "textarea", "button"):
            return not self._is_disabled(element)
        return "tabindex" in element[1] or (element[0] == "a" and "href" in element[1])

    def _status_near(self, element_id: str) -> str | None:
        """Where dom.js moves the focus from a control it disables: the first ``role=status``
        of the form or section around it, if that can have the focus (None: nowhere, or an
        element without an id)."""
        path = self._path(element_id) or []
        for ancestor in reversed(path[:-1]):
            if ancestor[0] in ("form", "section"):
                status = next((n for n in self._descendants(ancestor) if n[1].get("role") == "status"), None)
                status_id = status[1].get("id") if status is not None else None
                return str(status_id) if status_id and self._focusable(str(status_id)) else None
        return None

    def _option_value(self, option: list[Any]) -> str:
        """An option's value: its ``value``, else its text with the spaces collapsed."""
        value = option[1].get("value")
        return str(value) if value is not None else " ".join(self._text(option).split())

    @staticmethod
    def _sanitized(element: list[Any], value: str) -> str:
        """A value as the browser keeps it for this kind of input (HTML's value sanitization)."""
        kind = element[1].get("type", "text") if element[0] == "input" else element[0]
        if kind in ("text", "search", "tel", "url", "email", "password"):
            return value.replace("\r", "").replace("\n", "")
        if kind == "number":
            try:
                float(value)
            except ValueError:
                return ""
        return value

    def _descendants(self, element: list[Any]) -> list[list[Any]]:
        found: list[list[Any]] = []
        for child in element[2:]:
            if isinstance(child, list):
                found.append(child)
                found += self._descendants(child)
        return found

    def _options(self, select: list[Any]) -> list[list[Any]]:
        return [node for node in self._descendants(select) if node[0] == "option"]

    @staticmethod
    def _text(element: list[Any]) -> str:
        from .tree import text_of

        return "".join(text_of(child) for child in element[2:])

    # -- what a person sees ----------------------------------------------------------------

    def element(self, element_id: str) -> list[Any] | None:
        """The element with this id as a tree (``[tag, attrs, *children]``), or None."""
        found = self._find(element_id)
        return found[0] if found else None

    def has(self, element_id: str) -> bool:
        return self._find(element_id) is not None

    def text_of(self, target: str) -> str:
        """The text a person would read in element *target*: what was rendered into it, or
        the text a patch set on an element of the page's own HTML."""
        element = self.element(target)
        if element is None:
            return self.texts.get(target, "")
        return self._text(element)

    def attr(self, element_id: str, name: str) -> str | None:
        element = self.element(element_id)
        value = element[1].get(name) if element else None
        return None if value is None or value is False else "" if value is True else str(value)

    def disabled(self, element_id: str) -> bool:
        return self.attr(element_id, "disabled") is not None

    def value(self, element_id: str) -> str | None:
        """A control's value as the page has it (a select's: the chosen option's, else its
        first's; a textarea's: its text until a patch sets it), or None for no such element."""
        element = self.element(element_id)
        if element is None:
            return None
        entry = self._values.get(id(element))
        if entry is not None and entry[0] is element:
            return entry[1]
        if element[0] == "select":
            options = self._options(element)
            chosen = [o for o in options if o[1].get("selected") not in (None, False)]
            if chosen:
                return self._option_value(chosen[-1])  # (two marked selected: the last one is)
            if element[1].get("multiple") not in (None, False):
                return ""
            enabled = [o for o in options if not self._is_disabled(o)]
            return self._option_value(enabled[0]) if enabled else ""
        if element[0] == "textarea":
            return self._text(element)
        if element[1].get("type") in ("checkbox", "radio"):
            return str(element[1].get("value", "on"))
        return self._sanitized(element, str(element[1].get("value", "")))

    # -- events ----------------------------------------------------------------------------

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
