"""Whatever WWE answers, the bridge gives typed results or a `BridgeError` that
says what was wrong: never a bare `ValueError`, `KeyError` or `TypeError`.

Every getter's `data`, every event, and every accessor of what they return.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bridge import BridgeError, Event, MalformedResponseError, Outbound
from bridge.testing import FakeHost

from .helpers import run

NUMBERISH = st.sampled_from(["--5", "²", "٣", "1e309", "-0", " 7 ", "0x10", "1_000", "", "NaN", "inf", "12.5", "+3"])
SCALAR = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
          | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12) | NUMBERISH)
JSON = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                    max_leaves=8)
GSW = st.sampled_from(["GSW_RECORD_HANDLE", "GSW_CHAIN_ID", "GSW_PHONE", "GSW_PHONE_TYPE", "GSW_TZ_NAME", "GSW_TZ_OFFSET",
                       "GSW_CALL_RESULT", "GSW_FROM", "GSW_UNTIL", "Custom", "IW_x"])
RECORD = st.dictionaries(GSW, SCALAR | JSON, max_size=8)
CHAINS = st.lists(st.fixed_dictionaries({"records": st.lists(RECORD | JSON, max_size=3)}) | JSON, max_size=3) | JSON
CALL_RESULTS = st.dictionaries(st.text(max_size=8), SCALAR, max_size=5) | JSON
CAMPAIGNS = st.lists(st.fixed_dictionaries({}, optional={"name": SCALAR, "mode": SCALAR, "status": SCALAR,
                                                         "description": SCALAR}) | JSON, max_size=3) | JSON
PREVIEW = st.fixed_dictionaries({}, optional={"interactionId": SCALAR, "campaignName": SCALAR,
                                              "records": st.lists(RECORD | JSON, max_size=2) | JSON}) | JSON
CALL_RESULT = SCALAR | JSON
EVENT = st.fixed_dictionaries({}, optional={"event": SCALAR, "data": st.fixed_dictionaries(
    {}, optional={"eventType": SCALAR, "interactionId": SCALAR, "id": SCALAR, "interaction": JSON}) | JSON}) | JSON


def touch(value: Any) -> None:
    """Read everything a result offers, as a script would."""
    if isinstance(value, (list, tuple)):
        for item in value:
            touch(item)
        return
    if dataclasses.is_dataclass(value):
        repr(value)
        for name in dir(type(value)):
            if not name.startswith("_") and isinstance(getattr(type(value), name, None), property):
                touch(getattr(value, name))
        for item in dataclasses.fields(value):
            touch(getattr(value, item.name))
    elif hasattr(value, "by_code"):  # CallResults
        for name in value:
            touch(value[name])
            value[name].label


def answer_with(method: str, data: Any, call: Any) -> None:
    """What WWE answered becomes typed values, or a `MalformedResponseError` naming the
    request and what was wrong with the answer (never another error)."""
    async def scenario() -> None:
        outbound = Outbound(FakeHost({method: data}))
        try:
            touch(await call(outbound))
        except MalformedResponseError as exc:
            assert str(exc).startswith(f"outbound.{method} returned unexpected data: "), exc

    run(scenario())


ANSWERS = [
    ("getCallResult", "--5", lambda o: o.get_call_result("1"),
     "MalformedResponseError: outbound.getCallResult returned unexpected data: the call result is not a code: '--5'"),
    ("getCallResult", "²", lambda o: o.get_call_result("1"),
     "MalformedResponseError: outbound.getCallResult returned unexpected data: the call result is not a code: '²'"),
    ("getCallResult", " 7 ", lambda o: o.get_call_result("1"), "CallResult(name='NO_ANSWER', code=7)"),
    ("getCallResult", None, lambda o: o.get_call_result("1"), "None"),  # no result set yet
    ("getCallResult", 999, lambda o: o.get_call_result("1"), "CallResult(name='999', code=999)"),  # not in the list
    ("getListOfCallResults", {"BUSY": float("nan")}, lambda o: o.get_list_of_call_results(),
     "MalformedResponseError: outbound.getListOfCallResults returned unexpected data: call result 'BUSY' has a "
     "non-integer code nan"),
    ("getListOfCallResults", ["BUSY"], lambda o: o.get_list_of_call_results(),
     "MalformedResponseError: outbound.getListOfCallResults returned unexpected data: expected an object of name → "
     "code, got list"),
    ("getChainedRecords", [{"records": [{"GSW_RECORD_HANDLE": "--5"}]}], lambda o: o.get_chained_records("1"),
     "[ChainedRecord(record_handle=None, phone=None, phone_type='', call_result=None)]"),  # the handle unreadable
    ("getChainedRecords", {"records": []}, lambda o: o.get_chained_records("1"),
     "MalformedResponseError: outbound.getChainedRecords returned unexpected data: expected a list of chains, got dict"),
    ("getCampaigns", [{"name": 5}], lambda o: o.get_campaigns(),
     "MalformedResponseError: outbound.getCampaigns returned unexpected data: a campaign has no name"),
    ("getCampaigns", "Sales", lambda o: o.get_campaigns(),
     "MalformedResponseError: outbound.getCampaigns returned unexpected data: expected a list of campaigns, got str"),
    ("getPreviewRecord", {"campaignName": "S"}, lambda o: o.get_preview_record("S"),
     "PreviewRecord(interaction_id=None, campaign_name='S', records=())"),  # no record: nothing to show
    ("getRecordFields", [{"value": "x"}], lambda o: o.get_record_fields("1"),
     "MalformedResponseError: outbound.getRecordFields returned unexpected data: a field has no name"),
    ("getRecordFields", {"name": "A"}, lambda o: o.get_record_fields("1"),
     "MalformedResponseError: outbound.getRecordFields returned unexpected data: expected a list of fields, got dict"),
]


@pytest.mark.parametrize(("method", "data", "call", "becomes"), ANSWERS)
def test_what_each_malformed_answer_becomes(method: str, data: Any, call: Any, becomes: str) -> None:
    async def scenario() -> str:
        try:
            return repr(await call(Outbound(FakeHost({method: data}))))
        except BridgeError as exc:
            return f"{type(exc).__name__}: {exc}"

    assert run(scenario()) == becomes


SETTINGS = settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow], deadline=None)


@SETTINGS
@given(CHAINS)
@example([{"records": [{"GSW_RECORD_HANDLE": "--5", "GSW_TZ_OFFSET": "²", "GSW_FROM": 10**30}]}])
def test_chained_records(data: Any) -> None:
    answer_with("getChainedRecords", data, lambda o: o.get_chained_records("1"))


@SETTINGS
@given(CALL_RESULTS)
@example({"BUSY": float("inf")})
@example({"BUSY": float("nan")})
def test_list_of_call_results(data: Any) -> None:
    answer_with("getListOfCallResults", data, lambda o: o.get_list_of_call_results())


@SETTINGS
@given(CALL_RESULT)
@example("--5")
@example("²")
def test_call_result(data: Any) -> None:
    answer_with("getCallResult", data, lambda o: o.get_call_result("1"))


@SETTINGS
@given(CAMPAIGNS)
def test_campaigns(data: Any) -> None:
    answer_with("getCampaigns", data, lambda o: o.get_campaigns())


@SETTINGS
@given(PREVIEW)
def test_preview_record(data: Any) -> None:
    answer_with("getPreviewRecord", data, lambda o: o.get_preview_record("Sales"))


@SETTINGS
@given(JSON | st.lists(st.dictionaries(st.sampled_from(["name", "value", "fieldType", "valueType", "options",
                                                          "isEditable", "isMandatory", "displayName"]), JSON), max_size=3))
def test_record_fields(data: Any) -> None:
    answer_with("getRecordFields", data, lambda o: o.get_record_fields("1"))


@SETTINGS
@given(EVENT)
def test_events(message: Any) -> None:
    event = Event.from_wwe(message)
    repr(event)
    event.interaction_id  # noqa: B018 (the property must not raise)
