"""The console's pure parts: result display and the generated cheat sheet."""

from __future__ import annotations

from bridge import CallResult, Field
from outbound_console.cheatsheet import METHODS, cheatsheet_text
from outbound_console.formatting import format_result

from .helpers import sample


def test_results_show_as_repr_and_long_ones_pretty() -> None:
    assert format_result(None) is None
    assert format_result(CallResult("BUSY", 6)) == "CallResult(name='BUSY', code=6)"
    fields = [Field.from_wwe(f) for f in sample("getRecordFields")]
    text = format_result(fields)
    assert text is not None and text.startswith("[Field(name='GWS_FROM',\n") and text.count("\n") > 10
    assert all(len(line) <= 100 for line in text.splitlines())
    assert format_result("x" * 150) == repr("x" * 150)  # long text is not reflowed


def test_cheatsheet_lists_every_outbound_method_from_the_api() -> None:
    text = cheatsheet_text()
    assert len(METHODS) == 17
    for name in METHODS:
        assert f"await outbound.{name}(" in text
    assert "await outbound.set_call_result(interaction_id, call_result)" in text
    assert "# Update record fields, validated first" in text


def test_text_that_cannot_cross_into_the_page_is_shown_escaped() -> None:
    from outbound_console.formatting import printable
    assert printable("caf\u00e9 \U0001f3a7") == "caf\u00e9 \U0001f3a7"
    assert printable("lone \udc80 surrogate") == "lone \\udc80 surrogate"
