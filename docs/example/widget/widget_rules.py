"""Example rules for the record widget (docs/configuring.md).

Named by ``rules = "widget_rules.py"`` in widget-config.toml and served beside it.
Every rule is a plain function: tests/test_widget_rules.py calls them directly.
"""

import re

from outbound_widget.rules import Rules, Veto

rules = Rules()

E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def digits(phone):
    """A phone number without the spaces, dots and dashes agents type."""
    return re.sub(r"[\s.\-()]", "", phone or "")


@rules.validate("GSW_PHONE")
def phone_in_e164(phone, record):
    if phone and not E164.fullmatch(digits(phone)):
        return "write it in E.164: + then the country code and number, e.g. +14155550123"
    return None


@rules.validate("GSW_UNTIL", "GSW_FROM")
def until_after_from(until, record):
    start = record.get("GSW_FROM")
    if until is not None and start is not None and until <= start:
        return f"must be after {record.label('GSW_FROM')} ({start:%H:%M})"
    return None


@rules.derive("Custom_Character")
def tier(record):
    """The customer's tier, from their balance: a (100 or more), b (above 0), c."""
    balance = record.get("Custom_Float") or 0
    return "a" if balance >= 100 else "b" if balance > 0 else "c"


@rules.default("Notes")
def renewal_note(record):
    plan = record.get("Plan")
    return f"Renewal of plan {plan}" if plan is not None else None


@rules.before_save
def tidy_and_check(changes, record):
    if changes.get("Custom_Appointment") and not record.get("Custom_Consent"):
        raise Veto("an appointment needs the customer's consent: tick Consent to contact first")
    if "GSW_PHONE" in changes:
        return {"GSW_PHONE": digits(changes["GSW_PHONE"])}  # saved as E.164, without spaces
    return None


@rules.on("record")
def preselect_result(interaction_id, reaction):
    notes = (reaction.record or {}).get("Custom_VarChar") or ""
    if "wrong number" in notes.lower():
        reaction.choose_call_result("WRONG_NUMBER")
