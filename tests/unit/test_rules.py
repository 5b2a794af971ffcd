"""The deployer's rules module: registering hooks, loading it, and what a broken one says."""

from __future__ import annotations

from datetime import time

import pytest

from bridge import Field
from outbound_widget.rules import Record, Rules, RulesLoadError, load_rules

GOOD = '''
from outbound_widget.rules import Rules

rules = Rules()

@rules.validate("A", "B")
def a_before_b(a, record):
    return "A must come first" if a is not None and record["B"] is not None and a > record["B"] else None
'''


def test_a_module_is_loaded_and_its_functions_stay_plain_functions() -> None:
    rules = load_rules(GOOD, "rules_ok_module.py")
    validator = rules.validators[0]
    assert validator.fields == ("A", "B") and validator.name == "a_before_b"
    assert validator.function(2, Record({"A": 2, "B": 1})) == "A must come first"
    import rules_ok_module  # registered as a module: its own imports of itself work
    assert rules_ok_module.rules is rules


@pytest.mark.parametrize(("source", "name", "expected"), [
    ("x = 1", "json.py", "json.py: rename it: a module named 'json' exists already"),
    ("x = 1", "bridge.py", "a module named 'bridge' exists already"),
    ("x = 1/0", "rules_bad_import.py", "rules_bad_import.py could not be loaded: ZeroDivisionError: division by zero"),
    ("def f(:\n", "rules_bad_syntax.py", "rules_bad_syntax.py could not be loaded: SyntaxError"),
    ("rules = 3", "rules_not_rules.py", "must define `rules = Rules()`"),
    ("x = 1", "rules_nothing.py", "it defines rules = None"),
    ("import sys\nsys.exit(3)", "rules_exits.py", "rules_exits.py could not be loaded: SystemExit: 3"),
    ("raise KeyboardInterrupt", "rules_interrupts.py", "rules_interrupts.py could not be loaded: KeyboardInterrupt"),
    ("import asyncio\nraise asyncio.CancelledError()", "rules_cancels.py",
     "rules_cancels.py could not be loaded: CancelledError"),
    ("class E(Exception):\n    def __str__(self):\n        raise RuntimeError('no')\nraise E()", "rules_unprintable.py",
     "rules_unprintable.py could not be loaded: E: <a E that cannot be shown as text>"),
    ("from outbound_widget.rules import Rules\nrules = Rules()\n@rules.before_save\nasync def s(c, r): pass",
     "rules_async.py", "'s' must be a plain function (def, not async def)"),
])
def test_a_broken_module_says_what_and_where(source: str, name: str, expected: str) -> None:
    with pytest.raises(RulesLoadError) as caught:
        load_rules(source, name)
    assert expected in str(caught.value)
    if "ZeroDivisionError" in expected:
        assert "line 1" in caught.value.detail and "x = 1/0" in caught.value.detail


def test_two_rules_of_one_name_are_refused_at_load() -> None:
    rules = Rules()

    @rules.validate("A")
    @rules.validate("B")  # (one function for two fields: one rule)
    def check(value: object, record: Record) -> None:
        return None

    with pytest.raises(ValueError, match="two rules are named 'check': give each function its own name"):
        @rules.derive("C")
        def check(record: Record) -> None:  # noqa: F811 (the point)
            return None


def test_hooks_refuse_what_they_cannot_mean() -> None:
    rules = Rules()
    with pytest.raises(ValueError, match="unknown event 'record-loaded'"):
        rules.on("record-loaded")
    with pytest.raises(ValueError, match="field names are WWE's field names"):
        rules.validate("")
    with pytest.raises(ValueError, match="field names are WWE's field names"):
        rules.default(3)  # type: ignore[arg-type]

    async def slow(value: object, record: Record) -> None: ...

    with pytest.raises(TypeError, match=r"'slow' must be a plain function \(def, not async def\)"):
        rules.validate("A")(slow)


def test_a_record_reads_typed_values_with_the_agents_edits() -> None:
    fields = [Field.from_wwe({"name": "UNTIL", "displayName": "Call Until", "value": "21:00", "isEditable": True,
                              "fieldType": "time", "valueType": "string"}),
              Field.from_wwe({"name": "N", "value": "x", "isEditable": True, "fieldType": "int", "valueType": "number"})]
    record = Record.of(fields, interaction_id="7", campaign="Sales")
    assert record["UNTIL"] == time(21, 0) and record["N"] is None  # WWE's "x" is no int: None, its own message shows
    assert record.label("UNTIL") == "Call Until" and (record.interaction_id, record.campaign) == ("7", "Sales")
    with pytest.raises(KeyError, match="the record has no field 'NOPE' \\(it has UNTIL, N\\)"):
        record["NOPE"]
    assert dict(record) == {"UNTIL": time(21, 0), "N": None} and record.changed == frozenset()
