"""An integrator's tests of their own custom view (custom/my_view.html) and a
Python script, against the WWE simulator. Run:

    pytest --wwe-dist /path/to/wwe-outbound-bridge/dist --wwe-pages custom test_my_view.py
"""

from playwright.sync_api import expect


# --8<-- [start:tests]
def test_busy_button_sets_the_call_result(wwe):
    view = wwe.open_view("/custom/my_view.html")
    view.click("#busy")
    expect(view.locator("#result")).to_have_text("saved")
    assert wwe.requests("setCallResult") == [["1", 6]]
    assert wwe.record("1")["callResult"] == 6


def test_a_wwe_failure_is_shown(wwe):
    wwe.fault("setCallResult", "fail", message="OCS is down")
    view = wwe.open_view("/custom/my_view.html")
    view.click("#busy")
    expect(view.locator("#result")).to_have_text("failed: OCS is down")


def test_a_python_script(wwe, wwe_python):
    iid = wwe.deliver_push_preview({"GSW_PHONE": "+15550100", "GSW_TZ_OFFSET": -18000})
    fields = wwe_python(f"await outbound.get_record_fields({iid!r})")
    assert "GSW_PHONE" in [field["name"] for field in fields]
    assert wwe_python(f"[r.phone for r in await outbound.get_chained_records({iid!r})]") == ["+15550100"]
# --8<-- [end:tests]


# --8<-- [start:done]
def test_done_waits_for_my_edits(wwe):
    view = wwe.open_view("/custom/my_editor.html")
    view.fill("#notes", "call back at 5")
    expect(view.locator("#status")).to_have_text("unsaved")
    assert "1 unsaved change in Notes" in wwe.mark_done("1").refused
    view.click("#save")
    expect(view.locator("#status")).to_have_text("saved")
    fields = {field["name"]: field["value"] for field in wwe.record("1")["fields"]}
    assert fields["GSW_CUSTOM_STRING"] == "call back at 5"
    assert wwe.mark_done("1").sent
# --8<-- [end:done]
