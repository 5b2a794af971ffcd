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


def field(name: str, value: object, field_type: str = "var-char", value_type: str = "string", **extra: object) -> Field:
    return Field.from_wwe({"name": name, "value": value, "isEditable": True, "isMandatory": False,
                           "fieldType": field_type, "valueType": value_type, **extra})


@pytest.mark.parametrize(("field_type", "value_type", "value", "shown"), [
    ("time", "string", "24:00", "24:00"), ("char", "string", "ab", "ab"), ("int", "number", "12.5", "12.5"),
    ("bool", "boolean", "maybe", "maybe"), ("float", "number", "1e309", "1e309"),
    ("date", "string", "13/32/2026 10:00", "13/32/2026 10:00"), ("var-char", "string", {"a": 1}, '{"a": 1}'),
    ("var-char", "string", [1, "x"], '[1, "x"]'),
])
def test_a_wwe_value_that_does_not_fit_is_kept_as_sent_flagged_and_not_a_change(
        field_type: str, value_type: str, value: object, shown: str) -> None:
    e = RecordEditor([field("F", value, field_type, value_type)])
    assert e.text("F") == shown and e.original_text("F") == shown
    assert "WWE's value" in (e.baseline_problem("F") or "")
    # the control reports WWE's text back (the agent tabbed through): still no change
    assert e.set_text("F", shown) is None and not e.is_changed("F") and e.changes() == {}
    assert e.set_text("F", "") is None or e.is_changed("F")


def test_duplicate_names_keep_the_first_field() -> None:
    e = RecordEditor([field("N", "first"), field("N", "second")])
    assert e.text("N") == "first" and [f.value for f in e.duplicates] == ["second"] and e.index("N") == 0


def test_an_enum_key_that_cannot_be_sent_as_a_number_is_refused_when_chosen() -> None:
    e = RecordEditor([field("E", "1", "enum", "number", options={"1": "One", "x": "Ex"})])
    assert "cannot be sent as the number" in (e.set_text("E", "Ex") or "")
    assert e.set_text("E", "One") is None and e.changes() == {}


def test_rebase_keeps_edits_and_reports_what_moved() -> None:
    e = RecordEditor([field("A", "a"), field("B", "b"), field("C", "c"), field("D", "d")])
    e.set_text("A", "mine")  # WWE will hold the same: landed
    e.set_text("B", "mine")  # WWE will hold something else: conflict
    e.set_text("D", "mine")  # WWE will not have D any more: dropped
    rebased = e.rebase([field("A", "mine"), field("B", "theirs"), field("C", "new")])
    assert rebased.landed == ("A",) and [c.name for c in rebased.conflicts] == ["B"]
    assert rebased.conflicts[0].wwe == "theirs" and rebased.conflicts[0].mine == "mine" and rebased.conflicts[0].was == "b"
    assert rebased.refreshed == ("C",) and rebased.dropped == ("D",) and rebased.reshaped
    assert e.changes() == {"B": "mine"} and e.text("C") == "new" and e.original_text("B") == "theirs"
    # saving B over WWE's is now a plain save: the next rebase finds nothing new
    assert e.rebase([field("A", "mine"), field("B", "theirs"), field("C", "new")]).conflicts == ()


def test_mark_saved_makes_sent_values_the_baseline_and_keeps_later_typing() -> None:
    e = RecordEditor([field("A", "a"), field("N", "1", "int", "number")])
    e.set_text("A", "sent")
    e.set_text("N", "5")
    sent = {name: e.value(name) for name in e.changed_names()}
    e.set_text("A", "sent and more")  # typed while the save was on its way
    e.mark_saved(sent)
    assert e.changes() == {"A": "sent and more"} and e.original_text("A") == "sent" and e.changed_count() == 1
