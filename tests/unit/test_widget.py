"""The widget's pure parts and its controller, with a fake page and a fake WWE."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from bridge import Field, Outbound, RecordEditor
from bridge.testing import FakeFailure, FakeHost
from outbound_widget.app import Widget
from outbound_widget.controls import ControlKind, control_for
from outbound_widget.drafts import PREFIX, Drafts, MemoryStorage
from bridge.tree import expand, h, slot, stamp, text_of, walk

from .fake_dom import FakeDom
from .helpers import run, sample


def make_field(**overrides: Any) -> Field:
    raw = {"name": "F", "isEditable": True, "isMandatory": False, "fieldType": "var-char", "valueType": "string", **overrides}
    return Field.from_wwe(raw)


# -- controls ------------------------------------------------------------------------


@pytest.mark.parametrize(("field_type", "kind", "extra"), [
    ("int", ControlKind.NUMBER, {"step": "1"}),
    ("float", ControlKind.NUMBER, {"step": "any"}),
    ("char", ControlKind.TEXT, {"max_length": 1}),
    ("var-char", ControlKind.TEXT, {}),
    ("date", ControlKind.TEXT, {"placeholder": "MM/DD/YYYY HH:MM"}),
    ("time", ControlKind.TEXT, {"placeholder": "HH:MM"}),
    ("bool", ControlKind.CHECKBOX, {}),
    ("enum", ControlKind.SELECT, {}),
])
def test_control_per_field_type(field_type: str, kind: ControlKind, extra: dict[str, Any]) -> None:
    control = control_for(make_field(fieldType=field_type, options={"1": "One"}))
    assert control.kind is kind and control.warning is None
    for name, value in extra.items():
        assert getattr(control, name) == value


def test_read_only_and_unknown_field_types() -> None:
    assert control_for(make_field(fieldType="int", isEditable=False)).kind is ControlKind.READONLY
    unknown = control_for(make_field(fieldType="money"))
    assert unknown.kind is ControlKind.READONLY and "'money'" in (unknown.warning or "")
    assert "not one this widget knows" in (unknown.readonly_reason or "")


def test_enum_options_keep_keys_and_offer_empty_only_when_allowed() -> None:
    options = {"3": "Business", "1": "Home"}
    assert control_for(make_field(fieldType="enum", options=options)).options == (("", "(none)"), ("3", "Business"), ("1", "Home"))
    mandatory = make_field(fieldType="enum", options=options, isMandatory=True, value="1")
    assert control_for(mandatory).options == (("3", "Business"), ("1", "Home"))
    unset = make_field(fieldType="enum", options=options, isMandatory=True)
    assert control_for(unset).options[0] == ("", "Choose…")


# -- trees, drafts, zones ----------------------------------------------------------------


def test_trees_hold_text_as_text() -> None:
    payload = "<img src=x onerror=alert(1)>"
    tree = h("div", {"id": "a", "hidden": False, "required": True, "title": None}, payload, None, ("x", h("b", {"id": "b"}, 1)))
    assert tree[1] == {"id": "a", "required": ""}
    assert text_of(tree) == payload + "x1"
    assert [el for el in walk(tree) if el[1].get("id") == "b"] == [["b", {"id": "b"}, "1"]]
    assert [el[0] for el in walk(tree)] == ["div", "b"]


def test_stamped_rows_share_a_template_and_keep_values_literal() -> None:
    template = h("p", {"id": f"r{slot(0)}", "hidden": slot(1)}, "says: ", slot(2))
    node = stamp([(template, [1, False, "<b>hi</b>"]), (template, [2, True, slot(0)])])
    assert len(node[2]) == 1  # one template for both rows
    assert expand(node) == [["p", {"id": "r1"}, "says: ", "<b>hi</b>"],
                            ["p", {"id": "r2", "hidden": ""}, "says: ", "\x010\x02"]]


def test_drafts_round_trip_and_skip_what_no_longer_fits() -> None:
    fields = [make_field(name="A"), make_field(name="B", fieldType="int", valueType="number"),
              make_field(name="RO", isEditable=False)]
    storage = MemoryStorage()
    drafts = Drafts(storage)
    editor = RecordEditor(fields)
    editor.set_text("A", "typed")
    editor.set_text("B", "x1")  # bad text is kept as typed
    drafts.save("7", editor)
    assert json.loads(storage.items[PREFIX + "7"]) == {"A": "typed", "B": "x1"}
    storage.items[PREFIX + "7"] = json.dumps({"A": "typed", "B": "x1", "RO": "no", "Gone": "1"})
    fresh = RecordEditor(fields)
    assert drafts.restore("7", fresh) == ["A", "B"]
    assert fresh.text("B") == "x1" and fresh.problem("B")
    drafts.clear("7")
    assert drafts.load("7") == {}
    storage.items[PREFIX + "8"] = "{not json"
    assert drafts.load("8") == {}


# -- the controller ----------------------------------------------------------------------
# (interleavings, conflicts and per-interaction state: test_widget_state.py)


CHAIN = sample("getChainedRecords")
FIELDS = sample("getRecordFields")


def wwe(**overrides: Any) -> FakeHost:
    replies: dict[str, Any] = {
        "getListOfCallResults": {"OK": 0, "BUSY": 6}, "getCampaigns": [{"name": "Sales", "mode": "Preview", "status": "Active"}],
        "getRecordFields": FIELDS, "getCallResult": 6, "getChainedRecords": CHAIN, "updateRecordFields": None,
    }
    replies.update(overrides)
    return FakeHost(replies)


async def started(host: FakeHost, dom: FakeDom, iid: str | None = "1") -> Widget:
    widget = Widget(dom.page, dom, Outbound(host), iid)
    await widget.start()
    await widget.idle()
    return widget


def test_shows_the_record_and_saves_only_changes() -> None:
    held = json.loads(json.dumps(FIELDS))

    def update(args: list[Any]) -> None:
        for field in held:
            field["value"] = args[1].get(field["name"], field.get("value"))

    async def scenario() -> None:
        host, dom = wwe(getRecordFields=lambda args: held, updateRecordFields=update), FakeDom()
        widget = await started(host, dom)
        assert "GSW_CUSTOM_STRING" in dom.text("slot-record") and "Busy" in dom.text("slot-call-result")
        widget.handle({"type": "input", "field": "1", "id": "f1", "value": "New text"})
        widget.handle({"type": "change", "field": "2", "id": "f2", "value": "4"})
        assert dom.text("w-save") == "Save 2 changes"
        widget.handle({"type": "click", "action": "save"})
        await widget.idle()
        assert host.sent("updateRecordFields") == [["1", {"GSW_CUSTOM_STRING": "New text", "GSW_PHONE_TYPE": 4}]]
        assert not [key for key in dom.storage.items if key.startswith(PREFIX)]
    run(scenario())


def test_bad_fields_block_the_save_and_focus_the_first() -> None:
    async def scenario() -> None:
        host, dom = wwe(), FakeDom()
        widget = await started(host, dom)
        widget.handle({"type": "input", "field": "1", "id": "f1", "value": ""})  # optional: fine
        widget.handle({"type": "change", "field": "2", "id": "f2", "value": "99"})  # not an option
        widget.handle({"type": "click", "action": "save"})
        await widget.idle()
        assert "Phone Type" in dom.text("slot-summary") and dom.focused == "f2"
        assert host.sent("updateRecordFields") == []
        # The Revert button's own events never edit the field (it shares data-field).
        widget.handle({"type": "blur", "field": "2", "id": "f2-revert", "value": ""})
        assert widget.shown is not None and widget.shown.editor is not None
        assert widget.shown.editor.text("GSW_PHONE_TYPE") == "99"
    run(scenario())


def test_failed_save_keeps_the_edits_and_the_draft() -> None:
    def refuse(args: list[Any]) -> None:
        raise FakeFailure("OCS is down")

    async def scenario() -> None:
        host, dom = wwe(updateRecordFields=refuse), FakeDom()
        widget = await started(host, dom)
        widget.handle({"type": "input", "field": "1", "id": "f1", "value": "Keep me"})
        widget.handle({"type": "click", "action": "save"})
        await widget.idle()
        assert widget.shown is not None and widget.shown.editor is not None
        assert widget.shown.editor.text("GSW_CUSTOM_STRING") == "Keep me"
        assert dom.status("record")[0] == "error" and "OCS is down" in dom.status("record")[1]
        assert json.loads(dom.storage.items[PREFIX + "1"]) == {"GSW_CUSTOM_STRING": "Keep me"}
    run(scenario())


def test_a_pushed_preview_record_is_shown() -> None:
    async def scenario() -> None:
        host, dom = wwe(), FakeDom()
        widget = await started(host, dom, None)
        host.emit("outbound", {"eventType": "PreviewRecord", "interactionId": "P1", "campaignName": "Sales", "records": []})
        for _ in range(5):
            await asyncio.sleep(0)
        await widget.idle()
        assert widget.interaction_id == "P1" and widget.interactions["P1"].state == "PREVIEW"
        assert "P1" in dom.text("slot-header") and "Sales" in dom.text("slot-header")
    run(scenario())
