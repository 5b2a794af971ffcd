"""RecordEditor: changed-only saves, read-only and mandatory rules, nothing lost."""

from __future__ import annotations

from datetime import time

import pytest

from bridge import ArgumentValueError, Field, FieldValidationError, RecordEditor

from .helpers import sample


def editor() -> RecordEditor:
    extra = [
        {"name": "GSW_PHONE", "displayName": "Phone", "value": "+33647005", "isEditable": True,
         "isMandatory": True, "fieldType": "var-char", "valueType": "string"},
        {"name": "GSW_UNTIL", "displayName": "Call Until", "value": "23:45", "isEditable": True,
         "isMandatory": False, "fieldType": "time", "valueType": "string"},
        {"name": "Custom_Float", "displayName": "Amount", "value": "16.64", "isEditable": True,
         "isMandatory": False, "fieldType": "float", "valueType": "number"},
    ]
    return RecordEditor(Field.from_wwe(f) for f in sample("getRecordFields") + extra)


def test_untouched_record_has_no_changes() -> None:
    e = editor()
    assert not e.has_changes() and e.changes() == {}
    assert e.value("GWS_FROM") == time(10, 15)
    assert e.text("GWS_FROM") == "10:15"


def test_only_changed_fields_are_sent_as_their_value_type() -> None:
    e = editor()
    e.set("GSW_PHONE_TYPE", "Pin Pager")
    e.set("Custom_Float", "16.640")  # same number: not a change
    e.set("GSW_UNTIL", "23:30")
    assert e.changed_names() == ["GSW_PHONE_TYPE", "GSW_UNTIL"]
    assert e.changes() == {"GSW_PHONE_TYPE": 9, "GSW_UNTIL": "23:30"}
    assert e.original_text("GSW_UNTIL") == "23:45"


def test_setting_back_to_the_original_is_not_a_change() -> None:
    e = editor()
    e.set("GSW_UNTIL", "22:00")
    e.set("GSW_UNTIL", "23:45")
    assert not e.is_changed("GSW_UNTIL")


def test_read_only_field_cannot_be_changed() -> None:
    e = editor()
    with pytest.raises(ArgumentValueError, match="Call From: read-only in WWE"):
        e.set("GWS_FROM", "11:00")
    assert e.set_text("GWS_FROM", "11:00") == "read-only in WWE, it cannot be changed"
    assert e.changes() == {}


def test_mandatory_field_cannot_be_emptied() -> None:
    e = editor()
    assert e.set_text("GSW_PHONE", "") == "required: enter a value"
    with pytest.raises(FieldValidationError) as info:
        e.changes()
    assert str(info.value.problems[0]) == "Phone: required: enter a value"


def test_bad_text_is_kept_and_reported_not_lost() -> None:
    e = editor()
    assert e.set_text("GSW_UNTIL", "25:00") == "use HH:MM, 00:00–23:59"
    e.set_text("Custom_Float", "abc")
    assert e.text("GSW_UNTIL") == "25:00"  # what the agent typed is still there
    assert e.is_changed("GSW_UNTIL")
    with pytest.raises(FieldValidationError) as info:
        e.changes()
    assert [str(p) for p in info.value.problems] == [
        "Call Until: use HH:MM, 00:00–23:59", "Amount: enter a number, e.g. 16.64"]
    assert "2 field(s) cannot be saved" in str(info.value)


def test_set_raises_and_keeps_last_good_value() -> None:
    e = editor()
    e.set("GSW_UNTIL", "20:00")
    with pytest.raises(ArgumentValueError, match="Call Until: use HH:MM"):
        e.set("GSW_UNTIL", "8pm")
    assert e.value("GSW_UNTIL") == time(20, 0) and e.problem("GSW_UNTIL") is None


def test_revert_and_revert_all() -> None:
    e = editor()
    e.set("GSW_UNTIL", "20:00")
    e.set_text("Custom_Float", "x")
    e.revert("GSW_UNTIL")
    assert e.changed_names() == ["Custom_Float"]
    e.revert_all()
    assert not e.has_changes() and e.problems() == []


def test_unknown_field_names_the_known_ones() -> None:
    with pytest.raises(ArgumentValueError, match="'GSW_NOPE' is not a field of this record; fields are: GWS_FROM"):
        editor().set("GSW_NOPE", 1)


def test_invalid_baseline_from_wwe_does_not_block_other_fields() -> None:
    e = RecordEditor([Field.from_wwe({"name": "T", "value": "99:99", "isEditable": True, "fieldType": "time"}),
                      Field.from_wwe({"name": "S", "value": "a", "isEditable": True, "fieldType": "var-char"})])
    assert e.text("T") == "99:99"
    e.set("S", "b")
    assert e.changes() == {"S": "b"}
    e.set("T", "09:00")
    assert e.changes() == {"T": "09:00", "S": "b"}
