"""The WWE contract (bridge/wwe_contract.json) against the vendor's script and our Python API."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

import bridge
from bridge import contract
from bridge.call_results import DEFAULT_CALL_RESULTS
from bridge.fields import Field, FieldType, ValueType
from bridge.schedule import CallbackType
from bridge.values import FieldValueError, parse, to_wire

VENDOR = json.loads((Path(__file__).parent.parent / "data" / "vendor_scapi_methods.json").read_text())

#: Our Python methods that are not WWE requests (helpers built on them), per namespace.
EXTRAS = {
    "outbound": {"dial_preview_record"},
    "configuration": {"options"},
    "messenger": {"listen", "messages"},
}
SERVICE_METHODS = {"subscribe", "on", "events"}


def client_class(namespace: str) -> type:
    return bridge._CLIENTS[contract.python_name(namespace)]


def test_contract_cites_the_vendor_commit_it_was_read_at() -> None:
    source = contract.contract()["source"]
    assert (source["repository"], source["path"], source["commit"]) == (
        VENDOR["repository"], VENDOR["path"], VENDOR["commit"])


def test_every_vendor_namespace_method_and_parameter_order_is_in_the_contract() -> None:
    assert set(contract.namespaces()) == set(VENDOR["namespaces"])
    for namespace, methods in VENDOR["namespaces"].items():
        ours = {m.name: m for m in contract.methods(namespace)}
        assert set(ours) == set(methods), namespace
        for name, vendor in methods.items():
            assert ours[name].request == vendor["request"], (namespace, name)
            assert list(ours[name].params) == vendor["parameters"], (namespace, name)


@pytest.mark.parametrize("namespace", contract.namespaces())
def test_every_method_is_a_typed_async_python_method(namespace: str) -> None:
    cls = client_class(namespace)
    assert cls.NAMESPACE == namespace
    for method in contract.methods(namespace):
        function = getattr(cls, method.python, None)
        assert function is not None, f"{cls.__name__} has no {method.python} for {method.request}"
        assert inspect.iscoroutinefunction(function), method.request
        signature = inspect.signature(function)
        positional = [p for p in signature.parameters.values()
                      if p.name != "self" and p.kind is p.POSITIONAL_OR_KEYWORD]
        assert len(positional) == len(method.params), (method.request, [p.name for p in positional])
        assert "timeout" in signature.parameters, method.request
        hints = inspect.get_annotations(function)
        assert set(hints) >= {p.name for p in positional} | {"return"}, method.request
        assert inspect.getdoc(function), method.request


@pytest.mark.parametrize("namespace", contract.namespaces())
def test_no_python_method_is_missing_from_the_contract(namespace: str) -> None:
    cls = client_class(namespace)
    public = {name for name, value in vars(cls).items() if not name.startswith("_") and callable(value)}
    assert public - SERVICE_METHODS - EXTRAS.get(namespace, set()) == {m.python for m in contract.methods(namespace)}


def test_each_namespace_is_a_lazy_attribute_of_bridge_and_not_in_all() -> None:
    for namespace in contract.namespaces():
        assert contract.python_name(namespace) in bridge._CLIENTS
        assert contract.python_name(namespace) not in bridge.__all__


def test_star_import_works_outside_wwe() -> None:
    scope: dict[str, object] = {}
    exec("from bridge import *", scope)  # noqa: S102 - the point of the test
    assert "Outbound" in scope and "outbound" not in scope


def test_call_results_callback_types_and_field_types_are_the_contracts() -> None:
    data = contract.contract()
    assert data["callResults"] == dict(DEFAULT_CALL_RESULTS)
    assert data["callbackTypes"] == [t.value for t in CallbackType]
    assert set(data["fieldTypes"]) == {t.value for t in FieldType}
    assert set(data["valueTypes"]) == {t.value for t in ValueType}


@pytest.mark.parametrize("field_type", [t.value for t in FieldType if t is not FieldType.ENUM])
def test_the_bridge_sends_the_contracts_valid_values_unchanged_and_never_an_invalid_one(field_type: str) -> None:
    rules = contract.contract()["fieldTypes"][field_type]
    field = Field.from_wwe({"name": "F", "fieldType": field_type, "valueType": "string", "isEditable": True})
    for valid in rules["valid"]:
        value = parse(field, valid)
        assert (to_wire(field, value) if value is not None else "") == valid, (field_type, valid)
    for invalid in rules["invalid"]:
        try:
            value = parse(field, invalid)
        except FieldValueError:
            continue
        assert value is None or to_wire(field, value) != invalid, (field_type, invalid)


@pytest.mark.parametrize(("state", "phase"), [
    ("PREVIEW", "preview"), ("preview", "preview"), (" Dialing ", "call"), ("TALKING", "call"), ("held", "call"),
    ("IDLE", "after-call"), ("COMPLETED", "done"), ("RINGING", "call"), ("SOMETHING_NEW", "unknown"),
    ("", "unknown"), (None, "unknown"), (7, "unknown"),
])
def test_phase_of_each_state_ignores_case_and_knows_what_it_does_not_know(state: object, phase: str) -> None:
    assert contract.phase(state) == phase
    assert contract.is_known_state(state) == (phase != "unknown" or state == "UNKNOWN")


def test_effects_name_what_changes_wwe() -> None:
    assert contract.effect_of("setCallResult") == "write"
    assert contract.effect_of("outbound.getRecordFields") == "read"
    assert contract.effect_of("interaction.blockMarkdone") == "write"
    assert contract.effect_of("system.popupToast") == "ui"
    assert contract.effect_of("nope.nothing") is None


def test_every_assumption_has_an_id_a_text_and_where_it_shows() -> None:
    assumptions = contract.assumptions()
    assert assumptions, "the simulator assumes things: the contract must list them"
    ids = [a["id"] for a in assumptions]
    assert len(ids) == len(set(ids))
    for assumption in assumptions:
        assert assumption["text"].strip() and assumption["where"].strip(), assumption


def test_the_docs_list_every_assumption_for_deployers_to_check() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "simulator.md").read_text(encoding="utf-8")
    section = guide.split("## Check these on your WWE", 1)[1].split("\n# ", 1)[0]
    for assumption in contract.assumptions():
        assert f"- `{assumption['id']}`: {assumption['text']}" in section, assumption["id"]
