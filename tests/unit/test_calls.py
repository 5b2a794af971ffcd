"""The callback → awaitable adapter: first answer wins, nothing pinned, real exceptions."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bridge import BridgeTimeoutError, MalformedResponseError, Outbound, OutboundError
from bridge._calls import Calls
from bridge.host import SettleKind
from bridge.testing import FakeHost, envelope

from .helpers import run


def settled(method: str, start: Callable[[Outbound], Awaitable[Any]], kind: SettleKind, payload: Any) -> Any:
    """Start a call with *start*, let the host answer it with (*kind*, *payload*), return the outcome.

    Returns the result, or the exception raised, so each test asserts on it.
    """

    async def main() -> Any:
        host = FakeHost()
        host.hold(method)
        outbound = Outbound(host)
        task = asyncio.ensure_future(start(outbound))
        await asyncio.sleep(0)
        host.last(method).settle(kind, payload)
        try:
            return await task
        except Exception as exc:  # noqa: BLE001 (handed to the test to check)
            return exc

    return run(main())



def test_first_answer_wins_and_duplicates_are_ignored() -> None:
    async def main() -> None:
        host = FakeHost()
        host.hold("getCallResult")
        outbound = Outbound(host)
        task = asyncio.ensure_future(outbound.get_call_result("1"))
        await asyncio.sleep(0)
        call = host.last("getCallResult")
        call.answer(6)
        call.answer(7)
        call.fail("too late")
        assert (await task).code == 6
        assert outbound._calls.pending == 0
        assert not call.cancelled  # settled normally: nothing to cancel in the host

    run(main())


def test_twice_answering_host() -> None:
    async def main() -> None:
        host = FakeHost({"getCallResult": 9})
        host.twice("getCallResult")
        outbound = Outbound(host)
        assert (await outbound.get_call_result("1")).name == "ANSWERING_MACHINE"
        await asyncio.sleep(0)
        assert host.last("getCallResult").answers == 2

    run(main())


def test_timeout_releases_the_call_and_ignores_a_late_answer() -> None:
    async def main() -> None:
        host = FakeHost()
        outbound = Outbound(host)
        with pytest.raises(BridgeTimeoutError) as info:
            await outbound.get_call_result("1", timeout=0.01)
        assert isinstance(info.value, TimeoutError)
        assert info.value.method == "getCallResult" and info.value.timeout == 0.01
        assert "did not answer within 0.01 s" in str(info.value)
        call = host.last("getCallResult")
        assert call.cancelled and outbound._calls.pending == 0
        call.answer(6)  # nothing happens: no error, no stray future

    run(main())


def test_cancellation_releases_the_call() -> None:
    async def main() -> None:
        host = FakeHost()
        outbound = Outbound(host)
        task = asyncio.ensure_future(outbound.get_record_fields("1"))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert host.last("getRecordFields").cancelled
        assert outbound._calls.pending == 0

    run(main())


def test_futures_are_collectable_after_timeout() -> None:
    refs: list[weakref.ref[asyncio.Future[object]]] = []

    async def main() -> None:
        host = FakeHost()
        calls = Calls(host)
        original = calls._new_future

        def tracking_future() -> asyncio.Future[object]:
            fut = original()
            refs.append(weakref.ref(fut))
            return fut

        calls._new_future = tracking_future  # type: ignore[method-assign]
        for _ in range(20):
            with pytest.raises(BridgeTimeoutError):
                await calls.call("getCampaigns", [], 0.001)

    run(main())
    gc.collect()
    assert refs and all(r() is None for r in refs)


def test_failure_with_error_message() -> None:
    message = "Interaction 1 has no active or completed call"
    error = settled("setDoNotCall", lambda o: o.set_do_not_call("1"), "fail",
                    envelope("setDoNotCall", errorMessage=message))
    assert isinstance(error, OutboundError)
    assert (error.method, error.error_message) == ("setDoNotCall", message)
    assert error.payload["errorMessage"] == message
    assert str(error) == f"outbound.setDoNotCall failed: {message}"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("Something broke", "Something broke"),
        ({"request": "outbound.setDoNotCall"}, "WWE reported a failure without an errorMessage"),
        (None, "WWE reported a failure without an errorMessage: None"),
    ],
)
def test_failure_payload_shapes(payload: object, message: str) -> None:
    error = settled("setDoNotCall", lambda o: o.set_do_not_call("1"), "fail", payload)
    assert isinstance(error, OutboundError) and message in str(error)


def test_wwe_client_request_timeout_string_is_a_timeout() -> None:
    error = settled("getCampaigns", lambda o: o.get_campaigns(), "fail", "Request timeout")
    assert isinstance(error, BridgeTimeoutError) and error.timeout is None
    assert "before the WWE client timed out" in str(error)


def test_host_side_timeout_kind() -> None:
    error = settled("getCampaigns", lambda o: o.get_campaigns(timeout=5), "timeout", None)
    assert isinstance(error, BridgeTimeoutError) and "within 5 s" in str(error)


@pytest.mark.parametrize("payload", [None, "x", {"request": "outbound.getRecordFields"}, {"data": "nope"}])
def test_malformed_success_payload(payload: object) -> None:
    error = settled("getRecordFields", lambda o: o.get_record_fields("1"), "ok", payload)
    assert isinstance(error, MalformedResponseError) and error.method == "getRecordFields"


def test_envelope_is_unwrapped() -> None:
    assert envelope("getCallResult", data=6) == {
        "request": "outbound.getCallResult", "data": 6, "userAgent": "WWE Server", "protocolVersion": 2,
    }


def test_an_answer_too_large_to_take_is_a_malformed_response_with_its_size() -> None:
    outcome = settled("getRecordFields", lambda o: o.get_record_fields("1"), "oversize",
                      "WWE sent 52.4 MB; a view takes at most 4 MiB")
    assert isinstance(outcome, MalformedResponseError)
    assert "too large to take: WWE sent 52.4 MB; a view takes at most 4 MiB" in str(outcome)
