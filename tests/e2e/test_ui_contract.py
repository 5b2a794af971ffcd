"""One page, two implementations: the same renders and patches through `bridge.testing.FakePage`
(CPython, what views' and the widget's unit tests read) and through the page's DOM layer
(web/ui/dom.js, in Chromium) must leave the same elements, attributes, text and control state.

The sequence is recorded from `bridge.ui.Page` itself (the calls it makes on its port), so
both sides get the very JSON a view sends; it covers every `bridge.ui.Op`, stamped rows,
a render into an element an earlier render made, and a patch of an element that is gone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from bridge.errors import ArgumentValueError
from bridge.testing import FakePage
from bridge.tree import slot, stamp
from bridge.ui import Page, h


pytestmark = pytest.mark.e2e

ROOT_ID = "contract-root"


class Recording(FakePage):
    """A FakePage that also keeps the port calls, to replay them in the browser."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, list[Any]]] = []

    def render(self, target: str, children_json: str) -> None:
        self.calls.append(("renderChildren", [target, children_json]))
        super().render(target, children_json)

    def patch(self, ops_json: str) -> None:
        self.calls.append(("patch", [ops_json]))
        super().patch(ops_json)


def sequence(page: Page) -> None:
    row = h("li", {"class": "row", "data-handle": slot(0)}, "record ", slot(1))
    page.render(ROOT_ID, h(
        "section", {"id": "form", "class": "record"},
        h("h2", {"id": "title"}, "Record ", h("span", {"id": "handle"}, "283")),
        h("label", {"for": "phone"}, "Phone"),
        h("input", {"id": "phone", "type": "text", "value": "+33 6 47 00 50 05", "aria-invalid": "false"}),
        h("select", {"id": "kind"}, h("option", {"value": "home", "selected": True}, "Home"),
          h("option", {"value": "mobile"}, "Mobile")),
        h("input", {"id": "consent", "type": "checkbox"}),
        h("textarea", {"id": "note"}, ""),
        h("p", {"id": "status", "role": "status", "data-status": "idle"}, "Nothing to save"),
        h("button", {"id": "save", "type": "button", "disabled": True}, "Save"),
        h("ul", {"id": "chain"}, stamp([(row, [283, "one"]), (row, [284, "two"])])),
        h("div", {"id": "later"}),
    ))
    page.text("title", "Record <b>284</b>")            # text, always text
    page.attr("phone", "aria-invalid", "true")
    page.attr("phone", "title", "write it in E.164")
    page.attr("status", "data-status", None)           # removed
    page.set_value("phone", "+14155550123")
    page.set_value("kind", "mobile")
    page.patch([("checked", "consent", True), ("class", "form", "dirty", True), ("class", "form", "record", False),
                ("disabled", "save", False), ("hidden", "note", True), ("hidden", "note", False), ("hidden", "chain", True)])
    page.patch([("replace", "status", h("p", {"id": "status", "role": "status", "data-status": "saved"}, "Saved"))])
    page.render("later", [h("em", {"id": "inner"}, "drawn later")], "and text")
    page.text("inner", "changed")
    page.patch([("text", "gone", "nobody"), ("attr", "gone", "title", "x")])  # no such element: skipped
    page.disable("phone")
    page.focus("consent")


# What each side's state is, the same way: tag, attributes (booleans as True), the state of
# controls as the agent sees it (value, checked), children (adjacent text joined).
SNAPSHOT_JS = """(rootId) => {
  const BOOLEAN = new Set(["hidden", "disabled", "checked", "selected"]);
  const walk = (el) => {
    const attrs = {};
    for (const {name, value} of el.attributes) {
      if (name === "value" || name === "selected" || name === "checked") continue;  // as state, below
      attrs[name] = BOOLEAN.has(name) ? true : value;
    }
    if (el.hidden) attrs.hidden = true; else delete attrs.hidden;
    if ("disabled" in el) { if (el.disabled) attrs.disabled = true; else delete attrs.disabled; }
    if (el.tagName === "INPUT" && el.type === "checkbox") attrs.checked = el.checked;
    else if (["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName)) attrs.value = el.value;
    const children = [];
    for (const node of el.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        if (!node.data || el.tagName === "TEXTAREA") continue;  // a textarea's text is its value
        if (typeof children.at(-1) === "string") children[children.length - 1] += node.data;
        else children.push(node.data);
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        children.push(walk(node));
      }
    }
    return [el.tagName.toLowerCase(), attrs, ...children];
  };
  return walk(document.getElementById(rootId)).slice(2);
}"""


def snapshot_of_fake(fake: FakePage) -> list[Any]:
    boolean = {"hidden", "disabled", "checked", "selected"}

    def walk(node: list[Any]) -> list[Any]:
        tag, raw = node[0], node[1]
        attrs = {k: True if k in boolean else v for k, v in raw.items() if k not in ("value", "selected", "checked")}
        if raw.get("hidden") is None or raw.get("hidden") is False:
            attrs.pop("hidden", None)
        if tag in ("input", "select", "textarea", "button"):
            attrs.pop("disabled", None)
            if raw.get("disabled") not in (None, False):
                attrs["disabled"] = True
        if tag == "input" and raw.get("type") == "checkbox":
            attrs["checked"] = raw.get("checked") not in (None, False)
        elif tag in ("input", "select", "textarea"):
            attrs["value"] = fake.value(raw["id"])  # (the sequence gives every control an id)
        children: list[Any] = []
        for child in node[2:]:
            if isinstance(child, str):
                if not child or tag == "textarea":
                    continue
                if children and isinstance(children[-1], str):
                    children[-1] += child
                else:
                    children.append(child)
            else:
                children.append(walk(child))
        return [tag, attrs, *children]

    root = fake.element(ROOT_ID)
    assert root is not None
    return [walk(child) if isinstance(child, list) else child for child in root[2:]]


def replay(booted: Any, calls: list[tuple[str, list[Any]]]) -> None:
    booted.evaluate("""async ({rootId, calls}) => {
      const ui = await import(document.querySelector('link[href*="ui/dom.js"]').href);
      document.getElementById(rootId)?.remove();
      const root = document.createElement("div");
      root.id = rootId;
      document.body.append(root);
      for (const [method, args] of calls) ui[method](...args);
    }""", {"rootId": ROOT_ID, "calls": calls})


def test_the_fake_page_and_the_dom_layer_end_in_the_same_page(booted) -> None:  # type: ignore[no-untyped-def]
    fake = Recording()
    sequence(Page(fake))
    assert {method for method, _ in fake.calls} == {"renderChildren", "patch"}
    ops = {op[0] for method, args in fake.calls if method == "patch" for op in json.loads(args[0])}
    assert ops == {"text", "attr", "value", "checked", "class", "disabled", "hidden", "replace", "focus"}
    replay(booted, fake.calls)
    in_browser = booted.evaluate(SNAPSHOT_JS, ROOT_ID)
    assert snapshot_of_fake(fake) == in_browser
    assert fake.focused == booted.evaluate("() => document.activeElement?.id") == "consent"
    # and what the fake's readers say agrees with it
    assert fake.text_of("title") == "Record <b>284</b>" and fake.text_of("status") == "Saved"
    assert fake.value("kind") == "mobile" and fake.value("phone") == "+14155550123" and fake.disabled("phone")
    assert fake.text_of("chain") == "record onerecord two" and fake.attr("chain", "hidden") is not None


def test_focus_stays_in_a_control_a_render_draws_again(booted) -> None:  # type: ignore[no-untyped-def]
    """renderChildren gives the focus (and caret) back to the control of the same id."""
    fake = Recording()
    page = Page(fake)
    page.render(ROOT_ID, h("input", {"id": "typing", "type": "text", "value": "abcdef"}))
    replay(booted, fake.calls)
    booted.evaluate("() => { const el = document.getElementById('typing'); el.focus(); el.setSelectionRange(2, 3); }")
    fake.calls.clear()
    page.render(ROOT_ID, h("input", {"id": "typing", "type": "text", "value": "abcdef"}), "redrawn")
    booted.evaluate("""({calls}) => import(document.querySelector('link[href*="ui/dom.js"]').href)
      .then((ui) => { for (const [method, args] of calls) ui[method](...args); })""", {"calls": fake.calls})
    assert booted.evaluate("() => [document.activeElement?.id, document.activeElement?.selectionStart]") == ["typing", 2]



PROBE_JS = """(ids) => Object.fromEntries(ids.map((id) => {
  const el = document.getElementById(id);
  if (!el) return [id, null];
  const value = ["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName) ? el.value : null;
  return [id, [el.textContent, value, el.disabled === true, el.getAttribute("class")]];
}))"""


def probe_fake(fake: FakePage, ids: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for element_id in ids:
        element = fake.element(element_id)
        if element is None:
            out[element_id] = None
            continue
        value = fake.value(element_id) if element[0] in ("input", "select", "textarea") else None
        out[element_id] = [fake.text_of(element_id) if element[0] != "textarea" else fake._text(element),
                           value, fake.disabled(element_id), fake.attr(element_id, "class")]
    return out


def edge_cases(page: Page) -> None:
    page.render(ROOT_ID, h(
        "section", {"id": "area"},
        h("div", {"id": "host"}, h("ul", {"id": "list"})),
        h("select", {"id": "plain"}, h("option", {"value": "a"}, "A"), h("option", {"value": "b"}, "B")),
        h("select", {"id": "grouped"}, h("optgroup", {"label": "G"}, h("option", {"value": "a"}, "A"),
                                          h("option", {"value": "b"}, "B"))),
        h("select", {"id": "missing"}, h("option", {"value": "a"}, "A")),
        h("textarea", {"id": "note"}, "hello"),
        h("textarea", {"id": "typed"}, "before"),
        h("span", {"id": "twice", "class": "a a b"}, "x"),
        h("span", {"id": "bare"}, "y"),
        h("p", {"id": "area-status", "role": "status", "tabindex": "-1"}, "idle"),
        h("button", {"id": "go", "type": "button"}, "Go"),
        h("button", {"id": "off", "type": "button", "disabled": True}, "Off"),
        h("div", {"id": "parent"}, h("span", {"id": "child"}, "old")),
        h("div", {"id": "more"}),
    ))
    page.render("list", h("li", {}, "x"))
    page.render("host", h("ul", {"id": "list"}))                 # the list drawn before is gone with its parent
    page.set_value("grouped", "b")
    page.set_value("missing", "zzz")                             # no such option: nothing chosen
    page.set_value("typed", "after")
    page.patch([("class", "twice", "a", False), ("class", "bare", "z", False)])
    page.text("child", "new")
    page.render("parent", h("em", {"id": "other"}, "other"))     # the text set on #child went with it
    page.focus("off")                                            # disabled: the focus does not move
    page.focus("go")
    page.disable("go")                                           # the focus goes to the area's status
    # what the re-check found (each a difference the fake had)
    page.render("plain", h("option", {"value": "c"}, "C"), h("option", {"value": "d"}, "D"))  # a value set before goes
    page.render("more", h(
        "div", {},
        h("select", {"id": "first-off"}, h("option", {"value": "w", "disabled": True}, "W"), h("option", {"value": "x"}, "X")),
        h("select", {"id": "two"}, h("option", {"value": "a", "selected": True}, "A"),
          h("option", {"value": "b", "selected": True}, "B")),
        h("select", {"id": "many", "multiple": True}, h("option", {"value": "a"}, "A")),
        h("select", {"id": "spaces"}, h("option", {}, "  Home  office ")),
        h("input", {"id": "typed-then-attr", "type": "text", "value": "a"}),
        h("input", {"id": "number", "type": "number", "value": "abc"}),
        h("input", {"id": "oneline", "type": "text"}),
        h("input", {"id": "box", "type": "checkbox"}),
        h("span", {"id": "dup", "class": "a a b"}, "d"),
        h("span", {"id": "spaced", "class": " a  b "}, "s"),
        h("ul", {"id": "stamped"}, stamp([(h("li", {"title": slot(1)}, slot(0)), [True, None]), (h("li", {}, slot(0)), [1.0])])),
        h("div", {"id": "plain-div"}, "not focusable"),
    ))
    page.set_value("typed-then-attr", "typed")
    page.attr("typed-then-attr", "value", "other")               # the value set by script wins
    page.set_value("oneline", "line1\nline2")
    page.patch([("class", "dup", "c", True), ("class", "spaced", "zz", False)])
    page.focus("plain-div")                                      # not focusable: the focus stays on the status


EDGE_IDS = ["list", "plain", "grouped", "missing", "note", "typed", "twice", "bare", "child", "other", "go",
            "first-off", "two", "many", "spaces", "typed-then-attr", "number", "oneline", "box", "dup", "spaced",
            "stamped"]


def test_the_fake_and_the_dom_layer_agree_on_edge_cases(booted) -> None:  # type: ignore[no-untyped-def]
    fake = Recording()
    edge_cases(Page(fake))
    replay(booted, fake.calls)
    assert probe_fake(fake, EDGE_IDS) == booted.evaluate(PROBE_JS, EDGE_IDS)
    assert fake.focused == booted.evaluate("() => document.activeElement?.id") == "area-status"
    assert fake.value("plain") == "c" and fake.value("missing") == "" and fake.text_of("list") == ""
    assert fake.value("first-off") == "x" and fake.value("two") == "b" and fake.text_of("stamped") == "true1"


def test_an_element_of_the_pages_html_replaced(booted) -> None:  # type: ignore[no-untyped-def]
    fake = Recording()
    page = Page(fake)
    page.render("host-element", "drawn into the page's own element")
    page.patch([("replace", "host-element", h("div", {"id": "successor"}, "in its place"))])
    booted.evaluate("""() => { document.getElementById("host-element")?.remove(); document.getElementById("successor")?.remove();
      const el = document.createElement("div"); el.id = "host-element"; document.body.append(el); }""")
    replay_only(booted, fake.calls)
    ids = ["host-element", "successor"]
    assert probe_fake(fake, ids) == booted.evaluate(PROBE_JS, ids) == {"host-element": None,
                                                                       "successor": ["in its place", None, False, None]}


@pytest.mark.parametrize("op", [("attr", "go", "onclick", "alert(1)"), ("attr", "go", "href", "https://example.com"),
                                ("class", "go", "two words", True)])
def test_what_the_page_refuses_the_fake_refuses(booted, op: tuple[Any, ...]) -> None:  # type: ignore[no-untyped-def]
    fake = Recording()
    page = Page(fake)
    page.render(ROOT_ID, h("button", {"id": "go", "type": "button"}, "Go"))
    replay(booted, fake.calls)
    with pytest.raises(ArgumentValueError):
        page.patch([op])
    refused = booted.evaluate("""async (ops) => {
      const ui = await import(document.querySelector('link[href*="ui/dom.js"]').href);
      try { ui.patch(ops); return null; } catch (err) { return String(err); }
    }""", json.dumps([list(op)]))
    assert refused is not None


def replay_only(booted: Any, calls: list[tuple[str, list[Any]]]) -> None:
    booted.evaluate("""async (calls) => {
      const ui = await import(document.querySelector('link[href*="ui/dom.js"]').href);
      for (const [method, args] of calls) ui[method](...args);
    }""", calls)


FOCUS_STEPS: list[tuple[str, Callable[[Page], None]]] = [
    ("a control", lambda page: page.focus("b1")),
    ("hidden while focused", lambda page: page.hide("b1")),
    ("focused again", lambda page: (page.show("b1"), page.focus("b1"))),  # type: ignore[func-returns-value]
    ("its parent's text replaced", lambda page: page.text("box1", "gone")),
    ("a control in another box", lambda page: page.focus("b2")),
    ("its parent replaced, a control of its id inside", lambda page: page.patch(
        [("replace", "box2", h("div", {"id": "box2"}, h("button", {"id": "b2", "type": "button"}, "B2")))])),
    ("a third control", lambda page: page.focus("b3")),
    ("replaced by a span of its id", lambda page: page.patch([("replace", "b3", h("span", {"id": "b3"}, "B3"))])),
    ("a fourth control", lambda page: page.focus("b4")),
    ("disabled, its status not focusable", lambda page: page.disable("b4")),
]


def test_the_focus_goes_where_the_page_sends_it(booted) -> None:  # type: ignore[no-untyped-def]
    fake = Recording()
    page = Page(fake)
    page.render(ROOT_ID, h("section", {"id": "s"},
                           h("div", {"id": "box1"}, h("button", {"id": "b1", "type": "button"}, "B1")),
                           h("div", {"id": "box2"}, h("button", {"id": "b2", "type": "button"}, "B2")),
                           h("button", {"id": "b3", "type": "button"}, "B3"),
                           h("button", {"id": "b4", "type": "button"}, "B4"),
                           h("p", {"id": "st", "role": "status"}, "no tabindex")))
    replay(booted, fake.calls)
    for label, step in FOCUS_STEPS:
        fake.calls.clear()
        step(page)
        replay_only(booted, fake.calls)
        in_browser = booted.evaluate("() => document.activeElement?.id || null")
        assert fake.focused == in_browser, label
