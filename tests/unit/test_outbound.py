"""All 17 outbound methods: what goes on the wire, what comes back, what is refused."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from bridge import (
    BridgeTimeoutError,
    ArgumentTypeError,
    ArgumentValueError,
    BridgeError,
    CallResult,
    Campaign,
    Event,
    FieldValidationError,
    NotInWWEError,
    Outbound,
    RecordEditor,
)
from bridge._pyodide import IN_PYODIDE
from bridge.testing import FakeFailure, FakeHost

from .helpers import run, sample

CALL_RESULTS = {"OK": 0, "BUSY": 6, "NO_ANSWER": 7, "CUSTOM_CALLBACK_LATER": 90}


def make(**replies: Any) -> tuple[FakeHost, Outbound]:
    defaults: dict[str, Any] = {
        "getCampaigns": [{"name": "Sales", "mode": "Preview", "status": "Running"}],
        "getPreviewRecord": {"interactionId": "p-1", "campaignName": "Sales", "records": sample("getChainedRecords")[0]["records"]},
        "getListOfCallResults": CALL_RESULTS,
        "getCallResult": 6,
        "getChainedRecords": sample("getChainedRecords"),
        "getRecordFields": sample("getRecordFields"),
    }
    for action in ("callPreviewRecord", "rejectPreviewRecord", "cancelPreviewRecord", "startDirectPushPreview",
                   "stopDirectPushPreview", "setCallResult", "setDoNotCall", "removeDoNotCall", "rescheduleRecord",
                   "cancelReschedule", "updateRecordFields"):
        defaults[action] = None
    defaults.update(replies)
    host = FakeHost(defaults)
    # "now" for the reschedule checks: before the reference's 2021 dates
    return host, Outbound(host, clock=lambda: datetime(2021, 1, 1, tzinfo=timezone.utc))


def test_getters_return_typed_results() -> None:
    async def main() -> None:
        host, outbound = make()
        campaigns = await outbound.get_campaigns()
        assert campaigns == [Campaign("Sales", mode="Preview", status="Running")]
        preview = await outbound.get_preview_record("Sales")
        assert preview.interaction_id == "p-1" and preview.record_handle == 283 and len(preview.records) == 2
        assert (await outbound.get_call_result("1")) == CallResult("BUSY", 6)
        records = await outbound.get_chained_records("1")
        assert [r.record_handle for r in records] == [283, 284]
        fields = await outbound.get_record_fields("1")
        assert [f.name for f in fields] == ["GWS_FROM", "GSW_CUSTOM_STRING", "GSW_PHONE_TYPE"]
        results = await outbound.get_list_of_call_results()
        assert results["CUSTOM_CALLBACK_LATER"].code == 90
        assert [c.method for c in host.calls] == [
            "getCampaigns", "getPreviewRecord", "getCallResult", "getChainedRecords", "getRecordFields", "getListOfCallResults"]
        assert host.sent("getPreviewRecord") == [["Sales"]]
        assert host.sent("getCampaigns") == [[]]

    run(main())


def test_actions_send_the_vendor_argument_order() -> None:
    async def main() -> None:
        host, outbound = make()
        await outbound.call_preview_record("p-1", 283)
        await outbound.reject_preview_record("p-1")
        await outbound.cancel_preview_record("p-2")
        await outbound.start_direct_push_preview()
        await outbound.stop_direct_push_preview()
        await outbound.set_do_not_call("1")
        await outbound.remove_do_not_call("1")
        await outbound.cancel_reschedule("1")
        assert [(c.method, c.args) for c in host.calls] == [
            ("callPreviewRecord", ["p-1", 283]),
            ("rejectPreviewRecord", ["p-1"]),
            ("cancelPreviewRecord", ["p-2"]),
            ("startDirectPushPreview", []),
            ("stopDirectPushPreview", []),
            ("setDoNotCall", ["1"]),
            ("removeDoNotCall", ["1"]),
            ("cancelReschedule", ["1"]),
        ]

    run(main())


def test_set_call_result_checks_against_the_live_list() -> None:
    async def main() -> None:
        host, outbound = make()
        assert await outbound.set_call_result("1", "no_answer") == CallResult("NO_ANSWER", 7)
        await outbound.set_call_result("1", 90)  # only in the live list
        await outbound.set_call_result("1", "6")
        assert host.sent("setCallResult") == [["1", 7], ["1", 90], ["1", 6]]
        assert len(host.sent("getListOfCallResults")) == 1  # fetched once, then cached
        with pytest.raises(ArgumentValueError, match="unknown call result 'ANSWERING_MACHINE'"):
            await outbound.set_call_result("1", "ANSWERING_MACHINE")  # not in this deployment's list
        with pytest.raises(ArgumentTypeError):
            await outbound.set_call_result("1", 7.0)  # type: ignore[arg-type]
        assert len(host.sent("setCallResult")) == 3

    run(main())


def test_set_call_result_falls_back_to_reference_list() -> None:
    async def main() -> None:
        def broken(args: list[Any]) -> None:
            raise FakeFailure("not now")

        host, outbound = make(getListOfCallResults=broken)
        assert (await outbound.set_call_result("1", "ANSWERING_MACHINE")).code == 9
        with pytest.raises(ArgumentValueError):
            await outbound.set_call_result("1", 1234)

    run(main())


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda o: o.get_record_fields(1), ArgumentTypeError, "interaction_id must be a str"),
        (lambda o: o.get_record_fields(""), ArgumentValueError, "interaction_id is empty"),
        (lambda o: o.call_preview_record("1", "283"), ArgumentTypeError, "record_handle must be an int"),
        (lambda o: o.call_preview_record("1", True), ArgumentTypeError, "record_handle must be an int"),
        (lambda o: o.call_preview_record("1", -1), ArgumentValueError, "must not be negative"),
        (lambda o: o.get_preview_record(None), ArgumentTypeError, "campaign_name must be a str"),
        (lambda o: o.reschedule_record("1", 283, "05/27/2021 10:55", "LATER"), ArgumentValueError, "CAMPAIGN' or 'PERSONAL"),
        (lambda o: o.reschedule_record("1", 283, "02/30/2021 10:55", "PERSONAL"), ArgumentValueError, "not a date in the calendar"),
        (lambda o: o.reschedule_record("1", 283, "2021-05-27 10:55", "PERSONAL"), ArgumentValueError, "MM/DD/YYYY HH:MM"),
        (lambda o: o.reschedule_record("1", 283, 1622112900, "PERSONAL"), ArgumentTypeError, "when must be a datetime"),
        (lambda o: o.update_record_fields("1", {}), ArgumentValueError, "record_data is empty"),
        (lambda o: o.update_record_fields("1", [("a", 1)]), ArgumentTypeError, "mapping or a RecordEditor"),
        (lambda o: o.get_campaigns(timeout=0), ArgumentValueError, "timeout must be between"),
    ],
)
def test_bad_arguments_fail_before_anything_is_sent(call: Any, error: type[Exception], message: str) -> None:
    async def main() -> None:
        host, outbound = make()
        with pytest.raises(error, match=message) as info:
            await call(outbound)
        assert isinstance(info.value, BridgeError)
        assert host.calls == []

    run(main())


def test_reschedule_reference_example_bst_agent_edt_customer() -> None:
    # Agent in BST at 14:30, customer in EDT (09:30 there), callback in one hour:
    # the reference says to send 10:30, not 15:30.
    async def main() -> None:
        host, outbound = make()
        bst = timezone(timedelta(hours=1), "BST")
        agent_now = datetime(2021, 5, 27, 14, 30, tzinfo=bst)
        sent = await outbound.reschedule_record(
            "1", 283, agent_now + timedelta(hours=1), "personal", tz_offset=-4 * 3600)
        assert sent == "05/27/2021 10:30"
        assert host.sent("rescheduleRecord") == [["1", 283, "05/27/2021 10:30", "PERSONAL"]]

    run(main())


def test_reschedule_reads_the_record_offset_from_the_chain() -> None:
    async def main() -> None:
        host, outbound = make()
        utc_noon = datetime(2021, 3, 17, 12, 0, tzinfo=timezone.utc)
        sent = await outbound.reschedule_record("1", 284, utc_noon, "CAMPAIGN")
        assert sent == "03/17/2021 21:30"  # ACT is UTC+09:30 (GSW_TZ_OFFSET 34200)
        assert [c.method for c in host.calls] == ["getChainedRecords", "rescheduleRecord"]
        with pytest.raises(ArgumentValueError, match="record handle 999 is not in the chain"):
            await outbound.reschedule_record("1", 999, utc_noon, "CAMPAIGN")
        with pytest.raises(ArgumentTypeError, match="naive datetime has no time zone"):
            await outbound.reschedule_record("1", 283, datetime(2021, 5, 27, 10, 55), "PERSONAL")
        naive = await outbound.reschedule_record("1", 283, datetime(2021, 5, 27, 10, 55), "PERSONAL",
                                                 naive_is_record_time=True)
        assert naive == "05/27/2021 10:55"  # said to be record time, as the sample request

    run(main())


def test_update_record_fields_validates_then_sends_wire_types() -> None:
    async def main() -> None:
        host, outbound = make()
        fields = await outbound.get_record_fields("1")
        sent = await outbound.update_record_fields("1", {"GSW_PHONE_TYPE": "Mobile", "GSW_CUSTOM_STRING": "hi"}, fields=fields)
        assert sent == {"GSW_PHONE_TYPE": 4, "GSW_CUSTOM_STRING": "hi"}
        assert host.sent("updateRecordFields") == [["1", {"GSW_PHONE_TYPE": 4, "GSW_CUSTOM_STRING": "hi"}]]
        with pytest.raises(FieldValidationError) as info:
            await outbound.update_record_fields("1", {"GWS_FROM": "11:00", "GSW_PHONE_TYPE": 42, "NOPE": 1})
        assert [(p.name, p.message) for p in info.value.problems] == [
            ("GWS_FROM", "read-only in WWE, it cannot be changed"),
            ("GSW_PHONE_TYPE", "choose one of: Business With Extension, Direct Business Phone, Email Address, "
                               "Home Phone, Instant Messaging, Mobile, Modem, None, Pager, Pin Pager, Vacation Phone, Voice Mail"),
            ("NOPE", "is not a field of this record"),
        ]
        assert len(host.sent("updateRecordFields")) == 1  # the bad update was never sent

    run(main())


def test_update_from_an_editor_sends_only_changes() -> None:
    async def main() -> None:
        host, outbound = make()
        editor = RecordEditor(await outbound.get_record_fields("1"))
        assert await outbound.update_record_fields("1", editor) == {}
        assert host.sent("updateRecordFields") == []  # nothing changed, nothing sent
        editor.set("GSW_PHONE_TYPE", 9)
        assert await outbound.update_record_fields("1", editor) == {"GSW_PHONE_TYPE": 9}

    run(main())


def test_events_fan_out_and_unsubscribe() -> None:
    async def main() -> None:
        host, outbound = make()
        seen_a: list[Event] = []
        seen_b: list[Event] = []
        stop_a = outbound.subscribe("outbound", seen_a.append)
        outbound.subscribe(["outbound", "interaction"], seen_b.append)
        assert host.emit("outbound", {"eventType": "PreviewRecord", "interactionId": "p-9"}) == 2
        stop_a()
        stop_a()  # idempotent
        host.emit("outbound", {"eventType": "ChainedRecord"})
        host.emit("interaction", {"interaction": {"interactionId": "x"}})
        assert [e.event_type for e in seen_a] == ["PreviewRecord"]
        assert [e.event_type for e in seen_b] == ["PreviewRecord", "ChainedRecord", None]
        assert seen_a[0].interaction_id == "p-9" and seen_b[2].interaction_id == "x"
        with pytest.raises(ArgumentValueError):
            outbound.subscribe([], seen_a.append)

    run(main())


def test_async_iteration_over_events() -> None:
    async def main() -> None:
        host, outbound = make()
        got: list[str | None] = []

        async def consume() -> None:
            async with outbound.events("outbound") as stream:
                async for event in stream:
                    got.append(event.event_type)
                    if len(got) == 2:
                        break

        task = asyncio.ensure_future(consume())
        await asyncio.sleep(0)
        host.emit("outbound", {"eventType": "A"})
        host.emit("outbound", {"eventType": "B"})
        await task
        assert got == ["A", "B"] and host.listeners == {}

    run(main())


def test_closing_a_stream_ends_a_consumer_already_waiting() -> None:
    async def main() -> None:
        host, outbound = make()
        stream = outbound.events("outbound")
        got: list[str | None] = []

        async def consume() -> None:
            async for event in stream:
                got.append(event.event_type)

        task = asyncio.ensure_future(consume())
        await asyncio.sleep(0)
        host.emit("outbound", {"eventType": "A"})
        await asyncio.sleep(0)
        stream.close()
        await asyncio.wait_for(task, 1)
        assert got == ["A"] and host.listeners == {}

    run(main())


def test_default_client_without_wwe_says_what_to_do() -> None:
    if IN_PYODIDE:
        # Inside Pyodide on a page with no WWE service client: the call says which script to load.
        outbound = Outbound()
        with pytest.raises(NotInWWEError, match="genesys.wwe.service is not in this page: load WWE's service client"):
            run(outbound.get_campaigns())
        assert outbound._calls.pending == 0
    else:
        with pytest.raises(NotInWWEError, match="FakeHost"):
            Outbound()


def test_dialling_a_preview_returns_the_calls_interaction_id() -> None:
    chain = [{"records": [{"GSW_RECORD_HANDLE": 5, "GSW_CHAIN_ID": 9, "GSW_PHONE": "+1"}]}]

    async def main() -> None:
        host = FakeHost({"getChainedRecords": chain, "callPreviewRecord": None})
        outbound = Outbound(host)
        host.hold("callPreviewRecord")
        task = asyncio.ensure_future(outbound.dial_preview_record("P1", 5, timeout=1))
        for _ in range(5):
            await asyncio.sleep(0)
        host.last("callPreviewRecord").answer(None)
        host.emit("interaction", {"eventType": "REMOVED", "interaction": {"interactionId": "P1"}})
        host.emit("interaction", {"eventType": "ADDED", "interaction": {"interactionId": "C7", "previousInteractionId": "P1"}})
        assert await task == "C7" and host.listeners == {}
        # matched by its record when WWE does not name the preview
        host.modes.clear()
        task = asyncio.ensure_future(outbound.dial_preview_record("P2", 5, timeout=1))
        for _ in range(5):
            await asyncio.sleep(0)
        host.emit("interaction", {"eventType": "ADDED", "interaction": {"interactionId": "C8", "userData": {
            "GSW_RECORD_HANDLE": 5, "GSW_CHAIN_ID": 9}}})
        assert await task == "C8"
        # a WWE that keeps the ID says so with a CHANGED event
        task = asyncio.ensure_future(outbound.dial_preview_record("P3", 5, timeout=1))
        for _ in range(5):
            await asyncio.sleep(0)
        host.emit("interaction", {"eventType": "CHANGED", "interaction": {"interactionId": "P3", "state": "TALKING"}})
        assert await task == "P3"
        with pytest.raises(BridgeTimeoutError, match="the interaction event of the call"):
            await outbound.dial_preview_record("P4", 5, timeout=0.05)
        assert host.listeners == {}

    run(main())
