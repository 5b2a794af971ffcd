"""Hostile getRecordFields payloads: the widget never crashes, renders only what
its DOM layer accepts (text, allowed tags and attributes), and says what it could
not show."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge import Outbound
from bridge.testing import FakeHost
from outbound_widget.app import Widget
from bridge.tree import STAMP, expand, text_of, walk

from .helpers import run
from .fake_dom import FakeDom

DOM_JS = (Path(__file__).resolve().parents[2] / "web" / "ui" / "dom.js").read_text()
# The DOM layer's own allow-lists, read from it so that this test checks what it enforces.
TAGS = set(re.findall(r'"([a-z0-9]+)"', re.search(r"const TAGS = new Set\(\[(.*?)\]\)", DOM_JS, re.S).group(1)))  # type: ignore[union-attr]
ATTRIBUTE = re.compile(re.search(r"const ATTRIBUTE = /(.*?)/;", DOM_JS).group(1))  # type: ignore[union-attr]

HOSTILE = st.sampled_from([
    "\x010\x02", "\x0314",  # our own slot markers, which must stay text
    "<img src=x onerror=alert(1)>", "<script>alert(1)</script>", '"><svg onload=alert(1)>', "javascript:alert(1)",
    "\u202eevil", "x" * 20_000, "", " ", "\x00", "{{ASSETS}}", "Ελληνικά 漢字 🎧",
])
TEXT = HOSTILE | st.text(max_size=30)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
FIELD_TYPES = st.sampled_from(["int", "float", "char", "var-char", "date", "time", "bool", "enum", "money", ""])
FIELD = st.fixed_dictionaries({}, optional={
    "name": TEXT | JSON,
    "displayName": TEXT | JSON,
    "value": TEXT | JSON,
    "isEditable": st.booleans() | JSON,
    "isMandatory": st.booleans() | JSON,
    "options": st.dictionaries(TEXT, TEXT, max_size=4) | JSON,
    "fieldType": FIELD_TYPES | JSON,
    "type": FIELD_TYPES,
    "valueType": st.sampled_from(["string", "number", "boolean"]) | JSON,
})
PAYLOAD = st.lists(FIELD, max_size=8) | JSON


def check_tree(node: Any) -> None:
    """What dom.js would accept: strings, and [allowed tag, {allowed attr: str}, ...children]."""
    if isinstance(node, str):
        return
    if node[0] == STAMP:  # rows stamped from templates: check what the DOM layer makes of them
        for tree in expand(node):
            check_tree(tree)
        return
    assert isinstance(node, list) and node[0] in TAGS, node[:2]
    assert all(isinstance(k, str) and ATTRIBUTE.fullmatch(k) and isinstance(v, str) for k, v in node[1].items()), node[1]
    if "href" in node[1]:
        assert re.fullmatch(r"#[A-Za-z0-9_-]*", node[1]["href"])
    for child in node[2:]:
        check_tree(child)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(PAYLOAD)
def test_hostile_record_fields_never_break_the_widget(payload: Any) -> None:
    async def scenario() -> FakeDom:
        dom = FakeDom()
        host = FakeHost({"getRecordFields": payload, "getCallResult": 6, "getChainedRecords": [{"records": []}],
                         "getListOfCallResults": {"OK": 0}, "getCampaigns": []})
        widget = Widget(dom.page, dom, Outbound(host), "1")
        await widget.start()
        await widget.idle()
        # and the agent types into every control the widget made, and saves
        fields = widget.shown.fields if widget.shown else []
        for index in range(len(fields)):
            widget.handle({"type": "change", "field": str(index), "id": f"f{index}", "value": "<b>typed</b>"})
        widget.handle({"type": "click", "action": "save"})
        await widget.idle()  # re-raises anything unexpected
        return dom

    dom = run(scenario())
    for tree in dom.roots.values():
        for child in tree[2:]:
            check_tree(child)
    for op in dom.patches:
        if op[0] == "attr" and op[3] is not None:
            assert ATTRIBUTE.fullmatch(op[2])
        if op[0] == "replace":
            check_tree(op[2])
    record = dom.roots["slot-record"]
    usable = isinstance(payload, list) and all(
        isinstance(f, dict) and isinstance(f.get("name"), str) and f["name"] for f in payload)
    if usable:
        assert any(el[1].get("id") == "w-form" for el in walk(record))
    else:
        assert "Could not load the record" in text_of(record)
