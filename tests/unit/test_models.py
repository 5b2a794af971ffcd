"""Field, chained records, call results and campaigns built from WWE data."""

from __future__ import annotations

from datetime import time

import pytest

from bridge import DEFAULT_CALL_RESULTS, CallResult, CallResults, Field, FieldType, MalformedResponseError
from bridge.campaigns import Campaign, PreviewRecord
from bridge.chained import chained_from_wwe
from bridge.fields import fields_from_wwe

from .helpers import sample


def test_reference_record_fields_sample() -> None:
    fields = fields_from_wwe(sample("getRecordFields"))
    call_from, custom, phone_type = fields
    # The sample says "type" where the Field type says "fieldType": both are read.
    assert call_from.kind is FieldType.TIME and call_from.label == "Call From"
    assert call_from.is_mandatory and not call_from.is_editable
    assert custom.display_name is None and custom.label == "GSW_CUSTOM_STRING"
    assert phone_type.value is None and phone_type.options is not None and phone_type.options["9"] == "Pin Pager"
    assert phone_type.value_type == "number"
    assert phone_type.raw["fieldType"] == "enum"


@pytest.mark.parametrize("bad", [None, "x", [], {}, {"name": ""}, {"name": 5}])
def test_not_a_field(bad: object) -> None:
    with pytest.raises(MalformedResponseError):
        Field.from_wwe(bad)


def test_unknown_field_type_is_kept() -> None:
    f = Field.from_wwe({"name": "X", "fieldType": "geo-point"})
    assert f.kind is None and f.field_type == "geo-point"


def test_reference_chained_records_sample() -> None:
    first, second = chained_from_wwe(sample("getChainedRecords"))
    assert (first.record_handle, first.chain_id, first.phone, first.phone_type) == (283, 3, "+33647005", 1)
    assert first.phone_type_label == "Home Phone"
    assert (first.tz_name, first.tz_offset, first.call_result) == ("ACT", 34200, 28)
    assert first.call_from == time(0, 0) and first.call_until == time(23, 59, 59)
    assert first.custom_fields["Custom_Float"] == "16.64"
    assert "GSW_PHONE" not in first.custom_fields and "IW_CaseUid" not in first.custom_fields
    assert second.record_handle == 284 and second.phone == "+33647004"


@pytest.mark.parametrize("bad", [None, {}, [{"records": None}], [5]])
def test_malformed_chains(bad: object) -> None:
    with pytest.raises(MalformedResponseError):
        chained_from_wwe(bad)


def test_call_results_both_ways() -> None:
    results = CallResults.default()
    assert len(results) == len(DEFAULT_CALL_RESULTS) == 39
    assert results["WRONG_NUMBER"].code == 53 and results.by_code(53) == CallResult("WRONG_NUMBER", 53)
    assert results.describe(999) == CallResult("999", 999)
    assert results.resolve(" answering_machine ").code == 9
    assert CallResult("SIT_INVALID_NUM", 11).label == "Sit invalid num"


def test_call_results_from_wwe_rejects_non_integer_codes() -> None:
    with pytest.raises(MalformedResponseError, match="'BUSY' has a non-integer code"):
        CallResults.from_wwe({"BUSY": "six"})
    with pytest.raises(MalformedResponseError):
        CallResults.from_wwe([])


def test_campaigns_and_preview_records() -> None:
    assert Campaign.from_wwe("Sales").name == "Sales"
    with pytest.raises(MalformedResponseError):
        Campaign.from_wwe({"mode": "Preview"})
    preview = PreviewRecord.from_wwe({"interactionId": "p-1", "records": sample("getChainedRecords")[0]["records"]})
    assert preview.record_handle == 283
    assert PreviewRecord.from_wwe({}).record_handle is None
