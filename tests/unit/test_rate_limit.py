"""Keeping under WWE's rate limit, or knowing at once that WWE ignores the view."""

from __future__ import annotations

import asyncio

import pytest

from bridge import ArgumentValueError, Outbound, QuarantinedError, RateLimit
from bridge.testing import FakeHost

from .helpers import run


def host() -> FakeHost:
    return FakeHost({"getCampaigns": [{"name": "Sales"}], "getCallResult": 6})


def test_pacing_keeps_the_view_under_the_limit() -> None:
    async def main() -> None:
        fake = host()
        outbound = Outbound(fake, rate_limit=RateLimit(3, 30))
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.gather(*(outbound.get_campaigns() for _ in range(7)))
        assert len(fake.calls) == 7 and loop.time() - started >= 2.0  # 3 + 3 + 1: two waits of a second

    run(main())


def test_without_pacing_the_call_over_the_limit_and_those_after_fail_fast_until_the_quarantine_ends() -> None:
    async def main() -> None:
        fake = host()
        outbound = Outbound(fake, rate_limit=RateLimit(3, 0.3, pace=False))
        for _ in range(3):
            await outbound.get_campaigns()
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(QuarantinedError, match=r"went over WWE's rate limit \(3 requests a second\).*0 s more") as first:
            await outbound.get_call_result("1")
        with pytest.raises(QuarantinedError) as second:
            await outbound.get_campaigns()
        assert loop.time() - started < 0.1  # no waiting for a timeout
        assert first.value.method == "getCallResult" and 0 < second.value.remaining_s <= 0.3
        assert len(fake.calls) == 3  # nothing was sent during the quarantine
        await asyncio.sleep(0.35)
        assert (await outbound.get_call_result("1")) is not None and len(fake.calls) == 4

    run(main())


def test_a_rate_limit_says_what_is_wrong_with_it() -> None:
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ArgumentValueError, match="per_second"):
            RateLimit(bad)  # type: ignore[arg-type]
    with pytest.raises(ArgumentValueError, match="quarantine_s"):
        RateLimit(5, -1)


def test_every_client_of_a_view_shares_its_budget() -> None:
    class PageHost(FakeHost):
        view = "a page"  # as every PyodideHost of a page is

    async def main() -> None:
        first, second = PageHost({"getCallResult": 6}), PageHost({"getCallResult": 6})
        a = Outbound(first, rate_limit=RateLimit(2, 30, pace=False))
        b = Outbound(second, rate_limit=RateLimit(2, 30, pace=False))
        await a.get_call_result("1")
        await b.get_call_result("1")
        with pytest.raises(QuarantinedError):
            await b.get_call_result("1")  # the view's third request this second, whichever client sends it
        with pytest.raises(QuarantinedError):
            await a.get_call_result("1")

    run(main())
