"""The Python console as a custom view in the simulator: one booted console per module."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import BOOT_TIMEOUT_MS, PageLog, Site
from .sim import open_sim


def wait_for_console(frame) -> None:  # type: ignore[no-untyped-def]
    frame.wait_for_function("() => ['ready', 'error'].includes(document.documentElement?.dataset.consoleState)",
                            timeout=BOOT_TIMEOUT_MS)
    assert frame.evaluate("document.documentElement.dataset.consoleState") == "ready", frame.inner_text("body")


@pytest.fixture(scope="module")
def simulated(browser, site: Site) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    log = PageLog()
    context, page = open_sim(browser, site, log, view="console.html")
    frame = page.frame(name="view")
    wait_for_console(frame)
    yield page, frame
    context.close()
    assert not log.errors, f"uncaught page errors: {log.errors}"


@pytest.fixture
def host(simulated):  # type: ignore[no-untyped-def]
    page = simulated[0]
    yield page
    page.evaluate("wweSim.wire.faults.clear()")


@pytest.fixture
def view(simulated):  # type: ignore[no-untyped-def]
    frame = simulated[1]
    frame.evaluate("document.getElementById('c-output').replaceChildren()")
    return frame


def runs(frame) -> int:  # type: ignore[no-untyped-def]
    return int(frame.evaluate("Number(document.documentElement.dataset.consoleRuns ?? 0)"))


def type_line(frame, text: str, *, wait: bool = True) -> None:  # type: ignore[no-untyped-def]
    before = runs(frame)
    box = frame.locator("#c-input")
    box.fill(text)
    box.press("Enter")
    if wait:
        frame.wait_for_function(f"() => Number(document.documentElement?.dataset.consoleRuns ?? 0) > {before}")


def output(frame) -> str:  # type: ignore[no-untyped-def]
    return frame.inner_text("#c-output")  # type: ignore[no-any-return]


def test_ready_with_a_banner_and_the_namespace(view, site: Site) -> None:  # type: ignore[no-untyped-def]
    view.goto(view.url)
    wait_for_console(view)
    banner = output(view)
    assert "bridge 0.1.0" in banner and f"connected to WWE ({site.url.rstrip('/')})" in banner
    assert "cheatsheet()" in banner and "help(outbound)" in banner
    type_line(view, "[name in globals() for name in ('outbound', 'Field', 'RecordEditor', 'OutboundError', 'micropip')]")
    assert "[True, True, True, True, True]" in output(view)


def test_top_level_await_of_outbound_methods(view) -> None:  # type: ignore[no-untyped-def]
    type_line(view, "[c.name for c in await outbound.get_campaigns()][:2]")
    type_line(view, "await outbound.get_call_result('1')")
    type_line(view, "fields = await outbound.get_record_fields('1')")
    type_line(view, "fields[1]")
    text = output(view)
    assert "['Outbound Campaign Custom', 'Renewals']" in text
    assert "CallResult(name='BUSY', code=6)" in text
    assert "Field(name='GSW_CUSTOM_STRING'" in text and "value='Custom message'" in text


def test_a_multi_line_block_with_a_continuation_prompt(view) -> None:  # type: ignore[no-untyped-def]
    type_line(view, "for record in await outbound.get_chained_records('1'):")
    assert view.inner_text("#c-prompt") == "..."
    type_line(view, "    print(record.record_handle, record.phone, record.tz_name)")
    type_line(view, "")
    assert view.inner_text("#c-prompt") == ">>>"
    text = output(view)
    assert "... " in text and "283 +33647005 ACT\n284 +33647004 ACT" in text


def test_a_pasted_block_runs_as_a_whole(view) -> None:  # type: ignore[no-untyped-def]
    type_line(view, "total = 0\nfor r in await outbound.get_chained_records('1'):\n    total += r.record_handle\nprint('sum', total)")
    assert "sum 567" in output(view)


def test_history_survives_a_reload(view) -> None:  # type: ignore[no-untyped-def]
    type_line(view, "answer = 41 + 1")
    view.goto(view.url)
    wait_for_console(view)
    box = view.locator("#c-input")
    box.press("ArrowUp")
    assert box.input_value() == "answer = 41 + 1"
    box.press("ArrowDown")
    assert box.input_value() == ""
    stored = view.evaluate("JSON.parse(localStorage.getItem('wwe-outbound-console:history'))")
    assert stored[-1] == "answer = 41 + 1" and len(stored) <= 200


def test_tab_completion(view) -> None:  # type: ignore[no-untyped-def]
    box = view.locator("#c-input")
    box.fill("outbound.get_")
    box.press("Tab")
    listed = view.locator("#c-completions li").all_inner_texts()
    assert {"outbound.get_record_fields(", "outbound.get_campaigns(", "outbound.get_chained_records("} <= set(listed)
    box.fill("cheatsh")
    box.press("Tab")
    assert box.input_value() == "cheatsheet("  # it takes a namespace (default: outbound)


def test_tracebacks_show_only_the_users_code(view) -> None:  # type: ignore[no-untyped-def]
    type_line(view, "await outbound.get_record_fields('no-such-id')")
    text = output(view)
    assert 'File "<console>", line 1' in text
    assert "OutboundError" in text and 'Interaction "no-such-id" not found' in text
    assert "session.py" not in text and "pyodide" not in text.split("Traceback")[1]
    # a BridgeError shows the user's frames and the error, not the bridge's internals
    assert "bridge/" not in text and "_calls.py" not in text and "client.py" not in text


def test_console_helps_where_python_would_not(view) -> None:  # type: ignore[no-untyped-def]
    type_line(view, "results = await outbound.get_list_of_call_results()")
    type_line(view, "results")
    assert "CallResults({'OK': 0," in output(view) and "object at 0x" not in output(view)
    assert max(len(line) for line in output(view).splitlines()) <= 60  # one result a line, in the sidebar
    type_line(view, "results[7]")
    assert "results.by_code(7) (that code is 'NO_ANSWER')" in output(view)
    view.evaluate("document.getElementById('c-output').replaceChildren()")
    type_line(view, "await outbound.set_call_result('1', 'No answer')")
    type_line(view, "(await outbound.get_call_result('1')).name")
    assert "'NO_ANSWER'" in output(view)
    type_line(view, "await outbound.set_call_result('1', 'Busyy')")
    assert "did you mean 'BUSY'?" in output(view)
    type_line(view, "outbound.get_campaigns()")
    assert "is a coroutine: nothing ran. Put await before it: await Outbound.get_campaigns(...)" in output(view)
    type_line(view, "campaigns = outbound.get_campaigns()")
    assert "campaigns is a coroutine: Outbound.get_campaigns(...) did not run. Write campaigns = await" in output(view)


def test_the_cheat_sheet_fits_the_sidebar(view) -> None:  # type: ignore[no-untyped-def]
    type_line(view, "cheatsheet()")
    text = output(view)
    assert "await outbound.update_record_fields(" in text
    fits = view.evaluate("() => { const o = document.getElementById('c-output'); return o.scrollWidth <= o.clientWidth; }")
    assert fits and max(len(line) for line in text.splitlines()) <= 60


def test_history_can_be_cleared_and_turned_off(view) -> None:  # type: ignore[no-untyped-def]
    type_line(view, "secret = '+15550100'")
    assert "secret = '+15550100'" in view.evaluate("localStorage.getItem('wwe-outbound-console:history')")
    view.click("#c-clear-history")
    assert view.evaluate("JSON.parse(localStorage.getItem('wwe-outbound-console:history'))") == []
    view.locator("#c-input").press("ArrowUp")
    assert view.locator("#c-input").input_value() == ""
    view.uncheck("#c-keep-history")
    type_line(view, "another = 1")
    assert view.evaluate("localStorage.getItem('wwe-outbound-console:history')") is None
    view.locator("#c-input").press("ArrowUp")  # still there for this page
    assert view.locator("#c-input").input_value() == "another = 1"
    view.goto(view.url)
    wait_for_console(view)
    assert not view.locator("#c-keep-history").is_checked()
    view.locator("#c-input").press("ArrowUp")
    assert view.locator("#c-input").input_value() == ""
    view.check("#c-keep-history")


def test_interrupt_a_call_that_never_answers(host, view) -> None:  # type: ignore[no-untyped-def]
    host.evaluate("wweSim.setFault('getCampaigns', {never: true})")
    type_line(view, "await outbound.get_campaigns(timeout=120)", wait=False)
    view.wait_for_function("() => document.documentElement?.dataset.consoleBusy === 'true'")
    assert view.locator("#c-stop").is_enabled()
    before = runs(view)
    view.locator("#c-input").press("Control+c")
    view.wait_for_function(f"() => Number(document.documentElement?.dataset.consoleRuns) > {before}")
    assert "KeyboardInterrupt: stopped (Ctrl+C)" in output(view) and "outbound_console" not in output(view)
    # Usable again, and the stop button works too.
    type_line(view, "6 * 7")
    assert "42" in output(view)
    type_line(view, "await outbound.get_campaigns(timeout=120)", wait=False)
    view.wait_for_function("() => document.documentElement?.dataset.consoleBusy === 'true'")
    before = runs(view)
    view.locator("#c-stop").click()
    view.wait_for_function(f"() => Number(document.documentElement?.dataset.consoleRuns) > {before}")
    assert output(view).count("KeyboardInterrupt: stopped") == 2
    assert view.evaluate("consoleSession.busy") is False


def test_printed_html_stays_text(view) -> None:  # type: ignore[no-untyped-def]
    type_line(view, "print('<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>')")
    type_line(view, "'<b>not bold</b>'")
    assert view.locator("#c-output img, #c-output script, #c-output b").count() == 0
    assert '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>' in output(view)
    assert "'<b>not bold</b>'" in output(view)
    assert view.evaluate("window.__xss") is None


def test_printing_a_lone_surrogate_shows_it_escaped(view) -> None:  # type: ignore[no-untyped-def]
    type_line(view, "print('lone \\udc80 surrogate')")
    view.wait_for_function("() => document.querySelector('#c-output').textContent.includes('surrogate')")
    assert "lone \\udc80 surrogate" in output(view) and "UnicodeEncodeError" not in output(view)


def test_help_and_cheatsheet(view) -> None:  # type: ignore[no-untyped-def]
    type_line(view, "cheatsheet()")
    text = output(view)
    assert text.count("await outbound.") >= 17
    assert " ".join(text.split()).count("reschedule_record(interaction_id, record_handle, when, callback_type)") == 1
    type_line(view, "help(outbound.update_record_fields)")
    assert "Update record fields, validated first" in output(view)


def test_run_a_python_file(view, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    script = tmp_path / "report.py"
    script.write_text("import asyncio\nresults = await outbound.get_list_of_call_results()\n"
                      "print('results:', len(results))\nraise ValueError('on purpose')\n")
    before = runs(view)
    view.locator("#c-file").set_input_files(str(script))
    view.wait_for_function(f"() => Number(document.documentElement?.dataset.consoleRuns) > {before}")
    text = output(view)
    assert "# running report.py (5 lines)" in text and "results: 39" in text
    assert 'File "report.py", line 4' in text and "ValueError: on purpose" in text


def test_commands_and_scripts_may_block_on_awaitables(view, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # What Pyodide's own console allows, although the page runs the bridge's loop.
    type_line(view, "import time, js; from pyodide.ffi import run_sync")
    type_line(view, "asyncio.run(asyncio.sleep(0.01, result=41)) + run_sync(js.Promise.resolve(1))")
    assert "42" in output(view)
    view.evaluate("() => { window.__ticks = 0; window.__ticker = setInterval(() => window.__ticks++, 5); }")
    try:
        type_line(view, "time.sleep(0.3); js.__ticks > 10")  # suspends: the page's timer keeps firing
    finally:
        view.evaluate("clearInterval(window.__ticker)")
    assert "True" in output(view)
    script = tmp_path / "blocking.py"
    script.write_text("import js\nfrom pyodide.ffi import run_sync\nprint('sync:', run_sync(js.Promise.resolve(7)))\n")
    before = runs(view)
    view.locator("#c-file").set_input_files(str(script))
    view.wait_for_function(f"() => Number(document.documentElement?.dataset.consoleRuns) > {before}")
    assert "sync: 7" in output(view)


def test_ctrl_l_clears(view) -> None:  # type: ignore[no-untyped-def]
    type_line(view, "'something'")
    view.locator("#c-input").press("Control+l")
    assert output(view) == ""


def test_micropip_installs_a_wheel_the_site_serves(view, site: Site) -> None:  # type: ignore[no-untyped-def]
    wheel = site.root / "wheels" / "hello_wwe-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("hello_wwe.py", "GREETING = 'hello from wheels/'\n")
        zf.writestr("hello_wwe-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: hello-wwe\nVersion: 1.0\n")
        zf.writestr("hello_wwe-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        zf.writestr("hello_wwe-1.0.dist-info/RECORD", "")
    try:
        type_line(view, "import js; await micropip.install(js.location.origin + '/wheels/hello_wwe-1.0-py3-none-any.whl', deps=False)")
        type_line(view, "import hello_wwe; hello_wwe.GREETING")
        expect(view.locator("#c-output")).to_contain_text("'hello from wheels/'")
    finally:
        wheel.unlink()
