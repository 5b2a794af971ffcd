"""Chaos: a seeded run of several hundred widget actions, fired without waiting
for the previous ones to finish, on two interactions the agent switches
between, against a misbehaving simulator (late answers, failures, silence,
duplicate and malformed answers).

What must hold throughout: no uncaught page error; no edit is ever lost (every
control shows what the agent last typed); actions reach WWE for the interaction
they were made on and their failures show there; and at the end what the widget
says WWE holds is what WWE holds, and one last save makes WWE equal what the
agent typed.
"""

from __future__ import annotations

import random
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import PageLog, Site
from .sim import log_entries, open_sim, wait_for_widget, widget_url

SEED = 20261202
ACTIONS = 300
TIMEOUT_S = 1.5  # the widget's per-call timeout here, so silence costs little

# label -> (record field name, valid values, invalid values), per field set
REFERENCE: dict[str, tuple[str, list[str], list[str]]] = {
    "Notes": ("Custom_VarChar", ["call back", "VIP <b>x</b>", "", "spoke to Ann"], []),
    "Visits": ("Custom_Integer", ["0", "7", "42", "999"], ["1.5"]),
    "Tier": ("Custom_Character", ["a", "z", "Q"], []),
    "Call Until": ("GSW_UNTIL", ["17:30", "20:00", "23:45"], ["25:61", "7pm"]),
    "Appointment": ("Custom_Appointment", ["12/24/2026 09:30", "01/05/2027 16:00", ""], ["02/30/2027 10:00"]),
    "Balance": ("Custom_Float", ["12.5", "3.25", "0"], []),
    "GSW_CUSTOM_STRING": ("GSW_CUSTOM_STRING", ["Custom message", "hello", "x"], []),
}
RENEWALS: dict[str, tuple[str, list[str], list[str]]] = {
    "Notes": ("Notes", ["two: renewal agreed", "two: call Monday", ""], []),
    "Call Until": ("GSW_UNTIL", ["18:15", "19:45"], ["24:00"]),
    "Renewal date": ("RenewalDate", ["03/01/2027 10:00", "04/15/2027 12:30"], ["13/01/2027 10:00"]),
}
FAULTY = ["updateRecordFields", "getRecordFields", "setCallResult", "setDoNotCall", "removeDoNotCall",
          "getChainedRecords"]
RESULTS = ["Busy", "No answer", "Answering machine", "Answer", "Wrong party"]


def random_fault(rng: random.Random) -> dict[str, Any] | None:
    roll = rng.random()
    if roll < 0.55:
        return None
    if roll < 0.72:
        return {"delayMs": rng.randint(20, 400)}
    if roll < 0.84:
        return {"errorMessage": rng.choice(["OCS is down", "Record locked", "<i>bad</i>"])}
    if roll < 0.91:
        return {"twice": True}
    if roll < 0.97:
        return {"malformed": rng.choice(["missing-data", "wrong-type"])}
    return {"never": True}


def test_widget_survives_concurrent_chaos(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(SEED)
    log = PageLog()
    context, page = open_sim(browser, site, log, view=widget_url("1", timeout=TIMEOUT_S))
    try:
        view = page.frame(name="view")
        wait_for_widget(view)
        second = page.evaluate("wweSim.deliver('Renewals')")
        view.wait_for_function(f"() => document.querySelector('#w-iid')?.textContent === '{second}'")
        wait_for_widget(view)
        sets = {"1": REFERENCE, second: RENEWALS}

        def control(label: str):  # type: ignore[no-untyped-def]
            return view.get_by_label(label, exact=True)

        def show(iid: str) -> None:
            view.locator("#w-switch").select_option(iid)
            view.wait_for_function(f"() => document.querySelector('#w-iid')?.textContent === '{iid}'")
            # The record shows at once (the widget keeps it); a widget that read it again on
            # every switch could meet a fault here: the agent would press Retry until it loads.
            for _ in range(20):
                view.wait_for_function("() => document.querySelector('#w-form, #record-status button')")
                if view.locator("#w-form").count():
                    return
                view.locator("#record-status").get_by_role("button", name="Retry").click()
            raise AssertionError(f"interaction {iid}'s record did not show after a switch: "
                                 f"{view.locator('#slot-record').inner_text()}")

        # what the agent last typed, per interaction; None: reverted (it then shows WWE's value)
        typed: dict[str, dict[str, str | None]] = {second: {label: control(label).input_value() for label in RENEWALS}}
        show("1")
        typed["1"] = {label: control(label).input_value() for label in REFERENCE}
        shown = "1"
        failures_seen = 0

        for i in range(ACTIONS):
            note = f"seed {SEED}, action {i}"
            faults = {method: random_fault(rng) for method in FAULTY}
            page.evaluate("(faults) => { for (const [m, f] of Object.entries(faults)) wweSim.setFault(m, f); }", faults)
            fields = sets[shown]
            action = rng.choices(["edit", "edit", "edit", "edit", "revert", "save", "save", "switch", "result", "dnc"])[0]
            if action == "edit":
                label = rng.choice(list(fields))
                _, valid, invalid = fields[label]
                text = rng.choice(invalid) if invalid and rng.random() < 0.2 else rng.choice(valid)
                control(label).fill(text)
                control(label).blur()
                typed[shown][label] = text
            elif action == "revert":
                label = rng.choice(list(fields))
                button = view.get_by_role("button", name=f"Revert {label}")
                if button.is_visible():
                    try:  # a save landing right now hides it (the field is no longer changed): then no revert
                        button.click(timeout=2000)
                        typed[shown][label] = None
                    except PlaywrightTimeoutError:
                        pass
            elif action == "save":
                view.locator("#w-save").click(force=True)  # a disabled or busy Save must simply do nothing
            elif action == "switch":
                shown = second if shown == "1" else "1"
                show(shown)
            elif action == "result" and shown == "1":
                # the area can turn busy (a reply or an event redraws it) between the check
                # and the click: the agent's click then does nothing, as here
                try:
                    if not view.locator("#w-set-call-result").is_disabled():
                        view.locator("#w-call-result").select_option(label=rng.choice(RESULTS), timeout=2000)
                        view.locator("#w-set-call-result").click(timeout=2000)
                except PlaywrightTimeoutError:
                    pass
            elif action == "dnc" and shown == "1":
                try:
                    view.locator("#w-dnc").click(timeout=2000)
                except PlaywrightTimeoutError:
                    pass
            # No edit is ever lost, whatever is still in flight.
            for label in sets[shown]:
                if typed[shown][label] is not None:
                    assert control(label).input_value() == typed[shown][label], (note, shown, label)
            if view.locator("[data-status=error]").count():
                failures_seen += 1

        page.evaluate("() => wweSim.wire.faults.clear()")
        view.wait_for_function("() => !window.widget.busy()", timeout=30_000)

        # Every request was about the interaction it was made on.
        for entry in log_entries(page, "request"):
            request, parameters = entry["message"].get("request"), entry["message"].get("parameters", [])
            if request in ("outbound.setCallResult", "outbound.setDoNotCall", "outbound.removeDoNotCall"):
                assert parameters[0] == "1", entry
            if request == "outbound.updateRecordFields":
                names = {name for name, _, _ in sets[parameters[0]].values()}
                assert set(parameters[1]) <= names, entry
        # The renewal was never given a call result, so its call-result line never showed one.
        show(second)
        assert view.locator("#call-result-status").get_attribute("data-status") == "idle"

        for iid, fields in sets.items():
            show(iid)
            held = {f["name"]: f.get("value", "") for f in page.evaluate(f"() => wweSim.record('{iid}')")["fields"]}
            for label, (name, _, _) in fields.items():
                if typed[iid][label] is not None:
                    assert control(label).input_value() == typed[iid][label], (iid, label)
                # What the widget says WWE holds is what WWE holds.
                row = view.locator(".field").filter(has=control(label))
                if row.get_attribute("data-changed") == "true":
                    assert row.locator(".was").inner_text() == f"was: {held[name] or '(empty)'}", (iid, label, held[name])
                else:
                    assert control(label).input_value() == held[name], (iid, label, held[name])
            # One last save with a well-behaved WWE (retried as an agent would, should a call
            # time out on a loaded machine): WWE then holds what the agent typed.
            status = view.locator("#record-status")
            saved_now = False
            for _ in range(3):
                if view.locator(".error-summary").count() or view.locator("#w-save").is_disabled():
                    break
                saved_now = True
                view.locator("#w-save").click()
                view.wait_for_function("() => !window.widget.busy()", timeout=30_000)
                if status.get_attribute("data-status") != "error":
                    break
            bad = [label for label in fields if typed[iid][label] in fields[label][2]]
            if not bad:
                if saved_now:
                    # (with nothing left to save, the line may still tell of an earlier failed save
                    # whose edits were reverted since: what WWE holds is checked below either way)
                    assert status.get_attribute("data-status") in ("done", "idle", None), (iid, status.inner_text())
                held = {f["name"]: f.get("value", "") for f in page.evaluate(f"() => wweSim.record('{iid}')")["fields"]}
                for label, (name, _, _) in fields.items():
                    if typed[iid][label] is not None:
                        assert held[name] == typed[iid][label], (iid, label, held[name], typed[iid][label])
        assert failures_seen >= 10, failures_seen  # the run did meet faults
    finally:
        context.close()
    assert not log.errors, f"uncaught page errors: {log.errors}"
