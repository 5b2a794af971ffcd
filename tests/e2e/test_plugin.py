"""The pytest plugin we ship (wwe_testing/pytest_plugin.py), used as an integrator would."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from wwe_testing.pytest_plugin import Wwe, WwePythonError

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example"


def test_controller_and_python_in_the_view(wwe: Wwe, wwe_python) -> None:  # type: ignore[no-untyped-def]
    assert wwe_python("(await outbound.get_call_result('1')).name") == "BUSY"
    fields = wwe_python("await outbound.get_record_fields('1')")
    assert fields[1].items() >= {"name": "GSW_CUSTOM_STRING", "display_name": None, "value": "Custom message",
                                 "is_editable": True, "is_mandatory": False, "options": None,
                                 "field_type": "var-char", "value_type": "string"}.items()
    # complete data: every field and public property (a chained record is all `data`)
    chain = wwe_python("await outbound.get_chained_records('1')")
    assert [r["record_handle"] for r in chain] == [283, 284]
    assert chain[0]["data"]["GSW_RECORD_HANDLE"] == 283 and chain[0]["phone"] == chain[0]["data"]["GSW_PHONE"]
    wwe.fault("getCampaigns", "fail", message="nope")
    with pytest.raises(WwePythonError, match=r"(?s)OutboundError.*<wwe_python>.*nope"):
        wwe_python("await outbound.get_campaigns()")
    wwe.fault("getCampaigns", None)
    iid = wwe.deliver_preview({"GSW_PHONE": "+15550123", "Custom_VarChar": "delivered"})
    record = wwe.record(iid)
    assert record is not None and record["state"] == "PREVIEW" and record["records"][0]["GSW_PHONE"] == "+15550123"
    assert wwe_python(f"await outbound.update_record_fields({iid!r}, {{'Custom_VarChar': 'x'}})") == {"Custom_VarChar": "x"}
    assert wwe.requests("updateRecordFields") == [[iid, {"Custom_VarChar": "x"}]]
    kinds = {m["kind"] for m in wwe.messages()}
    assert {"request", "response", "event"} <= kinds
    assert all({"kind", "t", "origin", "message", "text"} <= m.keys() for m in wwe.messages())
    assert wwe.expect_request("updateRecordFields") == [iid, {"Custom_VarChar": "x"}]
    with pytest.raises(AssertionError, match=r"expected 2 outbound.updateRecordFields request\(s\) within 0.5 s"):
        wwe.expect_request("updateRecordFields", count=2, timeout=0.5)


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


def integrator_folder(pytester: pytest.Pytester) -> None:
    """An integrator's project: the example pages and tests, and a pytest.ini of its own."""
    shutil.copytree(EXAMPLE / "custom", pytester.path / "custom")
    for test in EXAMPLE.glob("test_*.py"):
        shutil.copy(test, pytester.path / test.name)
    (pytester.path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\nmarkers =\n    mine: ours\n")


def test_an_integrators_suite_passes_and_a_failure_saves_artefacts(pytester: pytest.Pytester, site) -> None:  # type: ignore[no-untyped-def]
    integrator_folder(pytester)
    args = [f"--wwe-dist={site.root}", "--wwe-pages=custom"]
    result = pytester.runpytest_subprocess(*args, "test_my_view.py", "test_chain_view.py")
    result.assert_outcomes(passed=8)
    result.stdout.fnmatch_lines([f"rootdir: {pytester.path}", "configfile: pytest.ini"])

    pytester.makepyfile(test_wrong="""
        def test_wrong_expectation(wwe):
            view = wwe.open_view("/custom/my_view.html")
            view.click("#busy")
            view.wait_for_function("() => document.getElementById('result').textContent !== ''")
            assert wwe.requests("setCallResult") == [["1", 7]], "the view sent another call result"
    """)
    result = pytester.runpytest_subprocess(*args, "--wwe-trace", "test_wrong.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the view sent another call result*", "*wwe artefacts*", "*saved *host.png*"])
    folder = pytester.path / "wwe-artifacts" / "test_wrong.test_wrong_expectation"
    assert (folder / "host.png").stat().st_size > 1000 and (folder / "view.png").stat().st_size > 500
    assert 'id="busy"' in (folder / "view.html").read_text()
    assert '"outbound.setCallResult"' in (folder / "messages.json").read_text()
    assert isinstance(json.loads((folder / "console.json").read_text()), list)
    assert (folder / "errors.txt").read_text() == "no uncaught errors\n"
    assert zipfile.is_zipfile(folder / "trace.zip")


def test_an_uncaught_error_in_a_python_view_fails_the_test_with_its_traceback(pytester: pytest.Pytester, site) -> None:  # type: ignore[no-untyped-def]
    integrator_folder(pytester)
    (pytester.path / "custom" / "broken.py").write_text(
        "from bridge.ui import when\n\n@when('click', 'button.busy')\ndef explode(event):\n    raise ValueError('no such customer')\n")
    html = (pytester.path / "custom" / "chain_view.html").read_text()
    (pytester.path / "custom" / "broken.html").write_text(
        html.replace('<script type="text/python" src="chain_view.py"></script>',
                     '<script type="text/python" src="chain_view.py"></script>\n'
                     '  <script type="text/python" src="broken.py"></script>'))
    (pytester.path / "custom" / "fails_to_start.py").write_text("import no_such_module\n")
    (pytester.path / "custom" / "fails_to_start.html").write_text(
        html.replace('src="chain_view.py"', 'src="fails_to_start.py"'))
    pytester.makepyfile(test_errors="""
        def test_click(wwe):
            view = wwe.open_view("/custom/broken.html")
            view.locator("button.busy").first.click()
            view.wait_for_selector("[data-wwe-python-error]")  # shown and reported in the same task

        def test_start(wwe):
            wwe.open_view("/custom/fails_to_start.html")
    """)
    result = pytester.runpytest_subprocess(f"--wwe-dist={site.root}", "--wwe-pages=custom", "test_errors.py")
    result.assert_outcomes(failed=2)  # failed, not "passed" with an error at teardown
    result.stdout.fnmatch_lines(["*uncaught errors in the simulator or the view*", "*broken.py*line 5, in explode*",
                                 "*ValueError: no such customer*"])
    result.stdout.fnmatch_lines(["*the view /custom/fails_to_start.html failed to start*",
                                 "*ModuleNotFoundError: No module named 'no_such_module'*"])
    errors = pytester.path / "wwe-artifacts" / "test_errors.test_click" / "errors.txt"
    assert "no such customer" in errors.read_text()


def test_a_path_option_with_a_space_is_refused_before_it_picks_another_projects_config(  # type: ignore[no-untyped-def]
        pytester: pytest.Pytester, site) -> None:
    integrator_folder(pytester)
    result = pytester.runpytest_subprocess("--wwe-dist", str(site.root), "--wwe-pages=custom", "test_my_view.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*write --wwe-dist={site.root} (with '=')*"])
    # a folder inside the project with an ini file of its own would take over too: refused as well
    (pytester.path / "custom" / "pytest.ini").write_text("[pytest]\naddopts = -k never_matches\n")
    result = pytester.runpytest_subprocess(f"--wwe-dist={site.root}", "--wwe-pages", "custom", "test_my_view.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*write --wwe-pages=custom (with '=')*"])
    result = pytester.runpytest_subprocess(f"--wwe-dist={site.root}", "--wwe-pages=custom", "test_my_view.py",
                                           "-k", "busy")
    result.assert_outcomes(passed=1)
