"""The pytest plugin we ship (wwe_testing/pytest_plugin.py), used as an integrator would."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wwe_testing.pytest_plugin import Wwe, WwePythonError

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example"


def test_controller_and_python_in_the_view(wwe: Wwe, wwe_python) -> None:  # type: ignore[no-untyped-def]
    assert wwe_python("(await outbound.get_call_result('1')).name") == "BUSY"
    fields = wwe_python("await outbound.get_record_fields('1')")
    assert fields[1] == {"name": "GSW_CUSTOM_STRING", "display_name": None, "value": "Custom message",
                         "is_editable": True, "is_mandatory": False, "options": None,
                         "field_type": "var-char", "value_type": "string"}
    wwe.fault("getCampaigns", "fail", message="nope")
    with pytest.raises(WwePythonError, match=r"(?s)OutboundError.*<wwe_python>.*nope"):
        wwe_python("await outbound.get_campaigns()")
    wwe.fault("getCampaigns", None)
    iid = wwe.deliver_preview({"GSW_PHONE": "+15550123", "Custom_VarChar": "delivered"})
    record = wwe.record(iid)
    assert record is not None and record["state"] == "preview" and record["records"][0]["GSW_PHONE"] == "+15550123"
    assert wwe_python(f"await outbound.update_record_fields({iid!r}, {{'Custom_VarChar': 'x'}})") == {"Custom_VarChar": "x"}
    assert wwe.requests("updateRecordFields") == [[iid, {"Custom_VarChar": "x"}]]
    kinds = {m["kind"] for m in wwe.messages()}
    assert {"request", "response", "event"} <= kinds


def test_scenario_and_fault_kinds(wwe: Wwe) -> None:
    scenario = {"campaigns": [{"name": "Only", "mode": "PushPreview", "status": "Active", "chains": [
        {"chainId": 1, "records": [{"GSW_RECORD_HANDLE": 1, "GSW_PHONE": "+1", "GSW_TZ_OFFSET": 0}]}]}],
        "interactions": [{"interactionId": "X", "campaign": "Only", "chainId": 1}]}
    wwe.load_scenario(scenario)
    view = wwe.view
    view.wait_for_function("() => document.documentElement?.dataset.panelState === 'ready'")
    for kind, options in [("delay", {"ms": 10}), ("never", {}), ("twice", {}), ("malformed", {"how": "wrong-type"}),
                          ("fail", {"message": "m"})]:
        wwe.fault("getCallResult", kind, **options)
    assert wwe.page.evaluate("wweSim.wire.faults.get('getCallResult')") == {"errorMessage": "m"}
    with pytest.raises(ValueError, match="fault kind"):
        wwe.fault("getCallResult", "explode")
    assert wwe.record("X")["campaignName"] == "Only"  # type: ignore[index]


def test_an_integrators_suite_passes_and_a_failure_saves_artefacts(pytester: pytest.Pytester, site) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(EXAMPLE / "custom", pytester.path / "custom")
    shutil.copy(EXAMPLE / "test_my_view.py", pytester.path / "test_my_view.py")
    args = ["--rootdir", str(pytester.path), "--wwe-dist", str(site.root), "--wwe-pages", "custom", "-p", "no:cacheprovider"]
    result = pytester.runpytest_subprocess(*args, "test_my_view.py")
    result.assert_outcomes(passed=3)

    pytester.makepyfile(test_wrong="""
        def test_wrong_expectation(wwe):
            view = wwe.open_view("/custom/my_view.html")
            view.click("#busy")
            view.wait_for_function("() => document.getElementById('result').textContent !== ''")
            assert wwe.requests("setCallResult") == [["1", 7]], "the view sent another call result"
    """)
    result = pytester.runpytest_subprocess(*args, "test_wrong.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the view sent another call result*", "*wwe artefacts*", "*saved *host.png*"])
    folder = pytester.path / "wwe-artifacts" / "test_wrong.test_wrong_expectation"
    assert (folder / "host.png").stat().st_size > 1000
    assert '"outbound.setCallResult"' in (folder / "messages.json").read_text()
