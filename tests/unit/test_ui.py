"""bridge.ui (a Python view's page), @outbound.on, user tracebacks and the plugin's
scenario builders, in CPython with the fakes integrators use."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from bridge import ArgumentTypeError, ArgumentValueError, Event, OutboundError, Outbound
from bridge._traceback import user_traceback
from bridge.testing import FakeFailure, FakeHost, FakePage
from bridge.ui import Page, UIEvent, h
from wwe_testing.scenario import campaign, field, interaction, record, scenario

from .helpers import run

DOM_JS = (Path(__file__).resolve().parents[2] / "web" / "ui" / "dom.js").read_text()


def test_render_text_and_patches_reach_the_page_as_data() -> None:
    fake = FakePage(query={"interaction": "7"})
    page = Page(fake)
    assert page.query == {"interaction": "7"}
    page.render("#records", [h("li", {}, "<b>not markup</b>"), h("li", {"data-handle": 283}, "second")])
    assert fake.rendered["records"] == [["li", {}, "<b>not markup</b>"], ["li", {"data-handle": "283"}, "second"]]
    assert fake.text_of("records") == "<b>not markup</b>second"
    page.render("records", "just text", None, h("hr"))
    assert fake.rendered["records"] == ["just text", ["hr", {}]]
    page.render("records")
    assert fake.rendered["records"] == []
    page.text("status", 42)
    page.show("panel", False)
    page.disable("save")
    page.attr("save", "title", None)
    page.set_value("name", "Ada")
    page.focus("#name")
    assert fake.patches == [["text", "status", "42"], ["hidden", "panel", True], ["disabled", "save", True],
                            ["attr", "save", "title", None], ["value", "name", "Ada"], ["focus", "name"]]


def test_bad_targets_and_trees_are_refused_with_what_to_do() -> None:
    page = Page(FakePage())
    with pytest.raises(ArgumentValueError, match="not a CSS selector"):
        page.text("#list li", "x")
    with pytest.raises(ArgumentTypeError, match="by its id"):
        page.text(3, "x")  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="render takes trees"):
        page.render("x", {"tag": "div"})  # type: ignore[arg-type]
    with pytest.raises(ArgumentValueError, match="DOM event name"):
        page.when("on-click", "#x")
    with pytest.raises(ArgumentValueError, match="CSS selector"):
        page.when("click", " ")


def test_handlers_plain_and_async_get_the_event_and_failures_are_reported() -> None:
    async def main() -> None:
        fake = FakePage()
        page = Page(fake)
        seen: list[Any] = []
        reported: list[dict[str, Any]] = []
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: reported.append(context))

        @page.when("click", "button.busy")
        async def busy(event: UIEvent) -> None:
            await asyncio.sleep(0)
            seen.append(("busy", event.data["handle"], event.values))

        @page.when("input", "#name")
        def typed(event: UIEvent) -> None:
            seen.append(("typed", event.value))

        @page.when("click", "#reset")
        def reset() -> None:  # no parameter: called without the event
            seen.append("reset")

        @page.when("click", "#broken")
        async def broken(event: UIEvent) -> None:
            raise RuntimeError("boom")

        assert busy.__name__ == "busy"  # the decorator returns the function
        await fake.fire("click", "button.busy", data={"handle": "283"}, values={"note": "x"})
        await fake.fire("input", "#name", value="Ada")
        await fake.fire("click", "#reset")
        with pytest.raises(RuntimeError):
            await fake.fire("click", "#broken")
        await asyncio.sleep(0)
        assert seen == [("busy", "283", {"note": "x"}), ("typed", "Ada"), "reset"]
        assert [str(c["exception"]) for c in reported] == ["boom"]
        with pytest.raises(AssertionError, match="no handler"):
            await fake.fire("click", "#nothing")

    run(main())


def test_outbound_on_subscribes_for_the_page() -> None:
    async def main() -> None:
        host = FakeHost({})
        outbound = Outbound(host)
        seen: list[Event] = []

        @outbound.on("outbound")
        async def pushed(event: Event) -> None:
            seen.append(event)

        host.emit("outbound", {"eventType": "PreviewRecord", "interactionId": "p-1"})
        await asyncio.sleep(0)
        assert [e.interaction_id for e in seen] == ["p-1"]
        pushed.unsubscribe()  # type: ignore[attr-defined]
        assert host.emit("outbound", {"eventType": "PreviewRecord"}) == 0
        with pytest.raises(ArgumentTypeError, match=r'@outbound.on\("outbound"\)'):
            outbound.on(pushed)  # type: ignore[arg-type]

    run(main())


def test_a_bridge_error_traceback_shows_the_users_frames_not_the_bridges() -> None:
    async def main() -> str:
        def refuse(*args: Any) -> None:
            raise FakeFailure("OCS is down")

        host = FakeHost({"setCallResult": refuse, "getListOfCallResults": {"BUSY": 6}})
        outbound = Outbound(host)
        namespace: dict[str, Any] = {"outbound": outbound}
        code = compile("async def script():\n    await outbound.set_call_result('1', 6)\n", "<console>", "exec")
        exec(code, namespace)
        try:
            await namespace["script"]()
        except OutboundError as exc:
            return user_traceback(exc, "<console>")
        raise AssertionError("no error")

    text = run(main())
    assert 'File "<console>", line 2, in script' in text
    assert text.rstrip().splitlines()[-1].startswith("bridge.errors.OutboundError")
    assert "bridge/client.py" not in text and "bridge/_calls.py" not in text


def test_other_errors_keep_every_frame() -> None:
    def inner() -> None:
        raise ZeroDivisionError("a bug")

    try:
        inner()
    except ZeroDivisionError as exc:
        text = user_traceback(exc)
    assert "in inner" in text and "ZeroDivisionError: a bug" in text


def test_dom_layer_offers_what_bridge_ui_sends() -> None:
    exports = set(re.findall(r"^export function (\w+)", DOM_JS, re.MULTILINE))
    assert {"renderChildren", "patch", "when", "queryJSON", "listen"} <= exports
    # every op of bridge.ui.Op is handled (the contract test compares what they do: tests/e2e/test_ui_contract.py)
    for op in ("text", "attr", "hidden", "disabled", "value", "checked", "class", "focus", "replace"):
        assert f'case "{op}"' in DOM_JS


def test_scenario_builders_write_the_simulators_format() -> None:
    sales = campaign("Sales", mode="PushPreview", records=[record("+15550100", handle=5, Note="VIP", Calls=3)])
    s = scenario([sales], interactions=[interaction("9", sales, call_result=6)], call_results={"OK": 0, "BUSY": 6},
                 options={"service-client-api.rate-limit": 5})
    assert s["campaigns"] == [{"name": "Sales", "mode": "PushPreview", "status": "Active", "fieldSet": "Sales",
                               "chains": [{"chainId": sales["chains"][0]["chainId"], "records": [
                                   {"GSW_RECORD_HANDLE": 5, "GSW_PHONE": "+15550100", "GSW_TZ_OFFSET": 0,
                                    "Note": "VIP", "Calls": 3}]}]}]
    assert [(f["name"], f["fieldType"], f["valueType"]) for f in s["fieldSets"]["Sales"]] == [
        ("Note", "var-char", "string"), ("Calls", "int", "number")]
    assert s["interactions"] == [{"interactionId": "9", "campaign": "Sales", "chainId": sales["chains"][0]["chainId"],
                                  "state": "TALKING", "callResult": 6}]
    json.dumps(s)  # plain data
    custom = campaign("C", records=[record("+1")], fields=[field("X", "1", field_type="int", value_type="number")])
    assert scenario([custom])["fieldSets"]["C"][0]["fieldType"] == "int"
    with pytest.raises(ValueError, match="phone"):
        record("")
    with pytest.raises(ValueError, match="mode must be"):
        campaign("C", mode="Progressive", records=[record("+1")])
    with pytest.raises(ValueError, match="at least one record"):
        campaign("C")
    with pytest.raises(ValueError, match="chain 3"):
        interaction("1", sales, chain=3)


def test_data_shaped_like_a_tree_stays_text() -> None:
    # a record value WWE sent as a JSON array: structure only if h() made it
    value = ["form", {"id": "phish"}, ["input", {"type": "password"}], ["button", {"type": "submit"}, "Click me"]]
    tree = h("li", {}, value)
    assert all(isinstance(child, str) for child in tree[2:]), tree
    assert "form" in tree and not any(isinstance(c, list) for c in tree[2:])
    fake = FakePage()
    Page(fake).render("records", value[:1] + [h("b", {}, "bold")])
    assert fake.rendered["records"] == ["form", ["b", {}, "bold"]]
    with pytest.raises(ArgumentTypeError, match="render takes trees"):
        Page(fake).render("records", value)  # its dict is neither a tree nor text


def test_a_bridge_error_from_a_lookup_shows_the_users_line_only() -> None:
    from bridge import CallResults, UnknownKeyError

    results = CallResults.default()
    namespace: dict[str, Any] = {"results": results}
    try:
        exec(compile("results[7]\n", "<console>", "exec"), namespace)
    except UnknownKeyError as exc:
        text = user_traceback(exc, "<console>")
    assert 'File "<console>", line 1' in text and "call_results.py" not in text
    assert text.rstrip().endswith("results.by_code(7) (that code is 'NO_ANSWER')")


def test_a_syntax_error_shows_no_frame_of_the_runner() -> None:
    # as bridge._pyodide.run_view_script catches what Pyodide's runner raised compiling a
    # page's script: every frame is the machinery's
    import os

    import bridge

    runner: dict[str, Any] = {"user_traceback": user_traceback}
    exec(compile("def compile_it(source, name):\n    return compile(source, name, 'exec')\n",
                 "/lib/python3.14/site-packages/_pyodide/_base.py", "exec"), runner)
    exec(compile("def run(source, name):\n    try:\n        compile_it(source, name)\n"
                 "    except SyntaxError as exc:\n        return user_traceback(exc, name)\n",
                 os.path.join(os.path.dirname(bridge.__file__), "_pyodide.py"), "exec"), runner)
    text = runner["run"]("def broken(:\n", "/custom/view.py")
    assert "Traceback" not in text and 'File "/custom/view.py", line 1' in text and "SyntaxError" in text


def test_the_fake_page_refuses_what_the_dom_layer_refuses() -> None:
    """bridge.testing.FakePage's allow-lists are dom.js's (the e2e contract test compares the two
    pages; this keeps the lists from drifting)."""
    from bridge import testing

    tags = set(re.findall(r'"([a-z0-9]+)"', re.search(r"const TAGS = new Set\(\[(.*?)\]\)", DOM_JS, re.S).group(1)))  # type: ignore[union-attr]
    attribute = re.search(r"const ATTRIBUTE = /\^\((.*?)\)\$/;", DOM_JS).group(1)  # type: ignore[union-attr]
    assert testing.TAGS == tags
    assert testing.ATTRIBUTE.pattern == f"({attribute})"
