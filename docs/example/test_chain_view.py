"""Tests of the Python view custom/chain_view.html (+ chain_view.py), run as an integrator
runs them: `pytest --wwe-pages=custom`."""
from playwright.sync_api import expect

from wwe_testing.scenario import campaign, interaction, record, scenario


# --8<-- [start:first]
def test_lists_the_chain_and_sets_a_call_result(wwe):
    view = wwe.open_view("/custom/chain_view.html?interaction=1")
    expect(view.locator("#records li")).to_have_count(2)  # the reference's records 283 and 284
    view.locator("button.busy").first.click()
    expect(view.locator("#status")).to_have_text("Record 283: call result set to Busy")
    assert wwe.requests("setCallResult") == [["1", 6]]
# --8<-- [end:first]


def test_a_scenario_of_its_own(wwe):
    sales = campaign("Sales", chains=[[record("+15550100", handle=7), record("+15550101", handle=8)]])
    wwe.load_scenario(scenario([sales], interactions=[interaction("42", sales)]))
    view = wwe.open_view("/custom/chain_view.html?interaction=42")
    expect(view.locator("#records li")).to_have_text(["+15550100 (record 7) Busy", "+15550101 (record 8) Busy"])


def test_refreshes_when_wwe_pushes_a_record(wwe):
    view = wwe.open_view("/custom/chain_view.html?interaction=1")
    expect(view.locator("#records li")).to_have_count(2)
    wwe.deliver_push_preview({"GSW_PHONE": "+15550199"})
    wwe.expect_request("getChainedRecords", count=2)  # the outbound event made it read the chain again


def test_a_wwe_failure_is_shown_with_its_traceback(wwe):
    wwe.fault("setCallResult", "fail", message="OCS is down")
    view = wwe.open_view("/custom/chain_view.html?interaction=1")
    view.locator("button.busy").first.click()
    expect(view.locator("[data-wwe-python-error]")).to_contain_text("OutboundError")
    expect(view.locator("[data-wwe-python-error]")).to_contain_text("OCS is down")
    assert "chain_view.py" in view.locator("[data-wwe-python-error]").text_content()
    # an uncaught error in a view fails the test, unless the test takes it
    assert "OCS is down" in wwe.take_errors()[0]
