"""The example rules (widget/widget_rules.py) as plain functions, in CPython: no browser.
The record is built from fields as WWE's getRecordFields sends them."""
import sys
from datetime import time
from pathlib import Path

import pytest

from bridge import Field
from outbound_widget.rules import Record, Veto

sys.path.insert(0, str(Path(__file__).parent / "widget"))
import widget_rules  # noqa: E402  (the deployer's module, beside widget-config.toml)

FIELDS = [
    {"name": "GSW_PHONE", "displayName": "Phone", "value": "+33 6 47 00 50 05", "isEditable": True,
     "isMandatory": True, "fieldType": "var-char", "valueType": "string"},
    {"name": "GSW_FROM", "displayName": "Call From", "value": "09:00", "isEditable": True, "isMandatory": False,
     "fieldType": "time", "valueType": "string"},
    {"name": "GSW_UNTIL", "displayName": "Call Until", "value": "08:00", "isEditable": True, "isMandatory": False,
     "fieldType": "time", "valueType": "string"},
    {"name": "Custom_Float", "displayName": "Balance", "value": "120.5", "isEditable": True, "isMandatory": False,
     "fieldType": "float", "valueType": "string"},
]


def wwe_record() -> Record:
    return Record.of([Field.from_wwe(f) for f in FIELDS])


def test_phone_numbers_are_checked_in_e164_spaces_allowed():
    record = wwe_record()
    assert widget_rules.phone_in_e164("+33 6 47 00 50 05", record) is None
    assert "E.164" in widget_rules.phone_in_e164("0647005005", record)


def test_call_until_must_come_after_call_from():
    record = wwe_record()
    assert record["GSW_UNTIL"] == time(8, 0)
    assert widget_rules.until_after_from(record["GSW_UNTIL"], record) == "must be after Call From (09:00)"
    assert widget_rules.until_after_from(time(21, 0), record) is None


def test_the_tier_follows_the_balance():
    assert widget_rules.tier(wwe_record()) == "a"
    assert widget_rules.tier(Record({"Custom_Float": 0.0})) == "c"


def test_before_save_tidies_the_phone_and_vetoes_an_appointment_without_consent():
    record = wwe_record()
    assert widget_rules.tidy_and_check({"GSW_PHONE": "+33 6 47"}, record) == {"GSW_PHONE": "+33647"}
    with pytest.raises(Veto, match="consent"):
        widget_rules.tidy_and_check({"Custom_Appointment": "x"}, Record({"Custom_Consent": False}))
