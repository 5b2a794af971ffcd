"""The record widget under the example configuration and rules, in the simulator:
`pytest --wwe-widget-config=widget/widget-config.toml`."""
from playwright.sync_api import expect


def open_widget(wwe):
    view = wwe.open_view("/widget.html?interaction=1")
    expect(view.locator("#w-form")).to_be_visible()
    return view


def test_the_layout_groups_orders_hides_and_relabels(wwe):
    view = open_widget(wwe)
    expect(view.locator("fieldset legend")).to_have_text(["Contact", "Account", "Other fields"])
    contact = view.locator("fieldset").first.locator(".field")
    expect(contact).to_have_count(5)
    expect(contact.first).to_have_attribute("data-name", "GSW_PHONE")
    expect(view.locator("[data-name=GSW_CUSTOM_STRING]")).to_have_count(0)  # hidden
    expect(view.get_by_label("Agent notes", exact=True)).to_be_visible()
    expect(view.locator("[data-name=Custom_Character] output")).to_have_text("b")  # derived from Balance 16.64
    # this agent dials the number OCS chose only, and sets only the listed call results
    expect(view.locator("[data-action=call-record]")).to_have_count(1)
    expect(view.locator("#w-call-result option")).to_have_text(
        ["Choose a call result…", "Answer", "Answering machine", "Busy", "No answer", "Wrong number"])


def test_a_rule_blocks_a_save_on_its_field_and_before_save_tidies_the_phone(wwe):
    view = open_widget(wwe)
    phone = view.get_by_label("Phone", exact=True)
    phone.fill("0647005005")
    phone.blur()
    expect(view.locator("[data-name=GSW_PHONE] .field-error")).to_contain_text("write it in E.164")
    view.locator("#w-save").click()
    expect(view.locator("#w-summary-box")).to_contain_text("write it in E.164")
    assert wwe.requests("updateRecordFields") == []
    phone.fill("+33 6 47 00 50 99")
    phone.blur()
    view.locator("#w-save").click()
    expect(view.locator("#record-status")).to_contain_text("Saved 2 change(s)")
    # the phone as before_save tidied it, and the tier the rules derived (WWE had "c")
    assert wwe.requests("updateRecordFields") == [["1", {"GSW_PHONE": "+33647005099", "Custom_Character": "b"}]]
