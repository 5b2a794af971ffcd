"""Chaos: a seeded run of several hundred widget actions against a misbehaving
simulator (random delays, failures, silence, duplicate and malformed answers).

What must hold throughout: no uncaught page error; every failure is shown to the
agent; no edit is ever lost; and at the end the record in the simulator equals
what the agent last saved successfully.
"""

from __future__ import annotations

import random
from typing import Any

from .conftest import PageLog, Site
from .sim import open_sim, wait_for_widget, widget_url

SEED = 20261127
ACTIONS = 300
TIMEOUT_S = 1.5  # the widget's per-call timeout here, so silence costs little

# label -> (record field name, valid values, invalid values)
FIELDS: dict[str, tuple[str, list[str], list[str]]] = {
    "Notes": ("Custom_VarChar", ["call back", "VIP <b>x</b>", "", "spoke to Ann"], []),
    "Visits": ("Custom_Integer", ["0", "7", "42", "999"], ["1.5"]),
    "Tier": ("Custom_Character", ["a", "z", "Q"], []),
    "Call Until": ("GSW_UNTIL", ["17:30", "20:00", "23:45"], ["25:61", "7pm"]),
    "Appointment": ("Custom_Appointment", ["12/24/2026 09:30", "01/05/2027 16:00", ""], ["02/30/2027 10:00"]),
    "Balance": ("Custom_Float", ["12.5", "3.25", "0"], []),
    "GSW_CUSTOM_STRING": ("GSW_CUSTOM_STRING", ["Custom message", "hello", "x"], []),
}
FAULTY = ["updateRecordFields", "getRecordFields", "setCallResult", "setDoNotCall", "removeDoNotCall"]
RESULTS = ["Busy", "No answer", "Answering machine", "Answer", "Wrong party"]
CODES = {"Busy": 6, "No answer": 7, "Answering machine": 9, "Answer": 33, "Wrong party": 40}


def random_fault(rng: random.Random) -> dict[str, Any] | None:
    roll = rng.random()
    if roll < 0.55:
        return None
    if roll < 0.70:
        return {"delayMs": rng.randint(20, 300)}
    if roll < 0.82:
        return {"errorMessage": rng.choice(["OCS is down", "Record locked", "<i>bad</i>"])}
    if roll < 0.90:
        return {"twice": True}
    if roll < 0.97:
        return {"malformed": rng.choice(["missing-data", "wrong-type"])}
    return {"never": True}


def test_widget_survives_chaos(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(SEED)
    log = PageLog()
    context, page = open_sim(browser, site, log, view=widget_url("1", timeout=TIMEOUT_S))
    try:
        view = page.frame(name="view")
        wait_for_widget(view)

        def settle() -> None:
            view.wait_for_function("() => window.widget && !window.widget.busy()", timeout=30_000)

        def control(label: str):  # type: ignore[no-untyped-def]
            return view.get_by_label(label, exact=True)

        baseline = {label: control(label).input_value() for label in FIELDS}
        typed = dict(baseline)
        saved_in_wwe: dict[str, str] = {}
        call_result: int | None = None
        dnc = False
        failures_shown = 0
        context_note = lambda i: f"seed {SEED}, action {i}"  # noqa: E731

        for i in range(ACTIONS):
            faults = {method: random_fault(rng) for method in FAULTY}
            page.evaluate("(faults) => { for (const [m, f] of Object.entries(faults)) wweSim.setFault(m, f); }", faults)
            action = rng.choices(["edit", "edit", "edit", "revert", "save", "save", "result", "dnc"])[0]
            if action == "edit":
                label = rng.choice(list(FIELDS))
                _, valid, invalid = FIELDS[label]
                text = rng.choice(invalid) if invalid and rng.random() < 0.2 else rng.choice(valid)
                control(label).fill(text)
                control(label).blur()
                typed[label] = text
            elif action == "revert":
                label = rng.choice(list(FIELDS))
                button = view.get_by_role("button", name=f"Revert {label}")
                if button.is_visible():
                    button.click()
                    typed[label] = baseline[label]
            elif action == "save":
                if typed == baseline:
                    continue
                view.locator("#w-save").click()
                settle()
                bad = view.locator(".error-summary")
                status = view.locator("#record-status")
                if bad.is_visible():
                    assert any(FIELDS[label][2] and typed[label] in FIELDS[label][2] for label in FIELDS), context_note(i)
                elif status.get_attribute("data-status") == "done":
                    for label in FIELDS:
                        if typed[label] != baseline[label]:
                            saved_in_wwe[label] = typed[label]
                    baseline = dict(typed)
                    if faults["getRecordFields"] and not faults["getRecordFields"].get("delayMs") \
                            and not faults["getRecordFields"].get("twice"):
                        assert "could not read the record back" in status.inner_text(), context_note(i)
                else:
                    assert status.get_attribute("data-status") == "error", context_note(i)
                    assert "Not saved" in status.inner_text() and status.get_by_role("button", name="Retry").is_visible()
                    fault = faults["updateRecordFields"] or {}
                    assert "errorMessage" in fault or "never" in fault, (context_note(i), fault)
                    failures_shown += 1
            elif action == "result":
                if dnc:
                    assert view.locator("#w-set-callresult").is_disabled(), context_note(i)
                    continue
                label = rng.choice(RESULTS)
                view.locator("#w-callresult").select_option(label=label)
                view.locator("#w-set-callresult").click()
                settle()
                status = view.locator("#callresult-status")
                fault = faults["setCallResult"] or {}
                if "errorMessage" in fault or "never" in fault:
                    assert status.get_attribute("data-status") == "error", (context_note(i), fault)
                    failures_shown += 1
                else:
                    assert status.get_attribute("data-status") == "done", (context_note(i), fault)
                    call_result = CODES[label]
            else:  # Do Not Call
                view.locator("#w-dnc").click()
                settle()
                fault = faults["removeDoNotCall" if dnc else "setDoNotCall"] or {}
                if "errorMessage" in fault or "never" in fault:
                    assert view.locator("#callresult-status").get_attribute("data-status") == "error", context_note(i)
                    failures_shown += 1
                else:
                    dnc = not dnc
                assert view.locator("#w-dnc").get_attribute("aria-pressed") == ("true" if dnc else "false"), context_note(i)
            settle()
            # No edit is ever lost: every control shows what the agent last typed.
            for label in FIELDS:
                assert control(label).input_value() == typed[label], (context_note(i), label)

        page.evaluate("() => wweSim.wire.faults.clear()")
        record = page.evaluate("() => wweSim.record('1')")
        wwe_values = {f["name"]: f.get("value", "") for f in record["fields"]}
        for label, text in saved_in_wwe.items():
            assert wwe_values[FIELDS[label][0]] == text, (label, wwe_values[FIELDS[label][0]], text)
        if call_result is not None:
            assert record["callResult"] == call_result
        assert record["doNotCall"] is dnc
        assert failures_shown >= 5 and len(saved_in_wwe) >= 3, (failures_shown, saved_in_wwe)  # the run did meet faults
    finally:
        context.close()
    assert not log.errors, f"uncaught page errors: {log.errors}"
