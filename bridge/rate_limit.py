"""WWE's rate limit on a custom view's requests, kept on our side.

WWE can limit how many requests a view sends (`service-client-api.rate-limit`,
requests a second) and, when a view goes over it, ignore all its requests for a
while (`service-client-api.rate-limit-quarantine-delay`, 30 s by default). WWE says
nothing: every call then waits out its timeout, and a console loop or a burst of
reads can silence a view without anyone knowing why. Given the same numbers as
WWE's options, the bridge either paces its requests to stay under the limit (the
default), or sends at once and, the moment it goes over, fails every call until
the quarantine ends with `QuarantinedError`, which says so and when it ends.

(The options' definitions as we read them; their text is not in this project's
stored copies of WWE's option reference.)
"""

from __future__ import annotations

import asyncio
import collections
from dataclasses import dataclass

from .errors import ArgumentValueError, BridgeError, request_name


@dataclass(frozen=True)
class RateLimit:
    """WWE's limit, as configured in WWE for this view.

    Parameters
    ----------
    per_second : int
        ``service-client-api.rate-limit``: requests a second.
    quarantine_s : float
        ``service-client-api.rate-limit-quarantine-delay``: seconds WWE ignores the view after.
    pace : bool
        True (default): wait as needed to stay under the limit. False: send at once, and
        fail fast during a quarantine the bridge knows it caused.

    Examples
    --------
    >>> from bridge import Outbound
    >>> from bridge.testing import FakeHost
    >>> limit = RateLimit(5, 30)
    >>> limit
    RateLimit(per_second=5, quarantine_s=30, pace=True)
    >>> outbound = Outbound(FakeHost(), rate_limit=limit)  # in a page: Outbound(rate_limit=limit)
    """

    per_second: int
    quarantine_s: float = 30.0
    pace: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.per_second, bool) or not isinstance(self.per_second, int) or self.per_second < 1:
            raise ArgumentValueError(f"per_second must be a whole number of requests, at least 1, not {self.per_second!r}")
        if not isinstance(self.quarantine_s, (int, float)) or self.quarantine_s < 0:
            raise ArgumentValueError(f"quarantine_s must be seconds, not {self.quarantine_s!r}")


class QuarantinedError(BridgeError):
    """WWE ignores this view's requests for a while: it went over WWE's rate limit.

    Attributes
    ----------
    method : str
        The call that was not sent.
    remaining_s : float
        Seconds until WWE listens again.
    """

    def __init__(self, method: str, remaining_s: float, limit: RateLimit) -> None:
        self.method = method
        self.remaining_s = remaining_s
        super().__init__(
            f"{request_name(method)} was not sent: this view went over WWE's rate limit ({limit.per_second} "
            f"requests a second), and WWE ignores its requests for {remaining_s:.0f} s more. "
            "Send fewer requests, or let the bridge pace them (RateLimit(..., pace=True))."
        )


#: WWE counts a second as its requests arrive, and a request can take longer on its way
#: than the one before it: pacing leaves this much more than a second.
PACING_MARGIN_S = 0.15


class Limiter:
    """Counts this view's requests in the last second, as WWE does."""

    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self._sent: collections.deque[float] = collections.deque()
        self._quarantined_until: float | None = None

    @classmethod
    def for_view(cls, view: object, limit: RateLimit) -> Limiter:
        """The one limiter of a view: WWE counts the view's requests, whichever client sends
        them, so every client of the page given the limit shares this one budget."""
        limiter = _VIEWS.get(view)
        if limiter is None or limiter.limit != limit:
            limiter = _VIEWS[view] = cls(limit)
        return limiter

    async def acquire(self, method: str) -> None:
        """Wait for room under the limit (pacing), or raise `QuarantinedError`."""
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            if self._quarantined_until is not None:
                if now < self._quarantined_until:
                    # (clamped: `until - now` in floats can come out a hair over the delay itself)
                    remaining = min(self._quarantined_until - now, self.limit.quarantine_s)
                    raise QuarantinedError(method, remaining, self.limit)
                self._quarantined_until = None
            window = 1.0 + (PACING_MARGIN_S if self.limit.pace else 0.0)
            while self._sent and now - self._sent[0] >= window:
                self._sent.popleft()
            if len(self._sent) < self.limit.per_second:
                self._sent.append(now)
                return
            if not self.limit.pace:
                # This request would be the one over the limit: WWE would ignore it and every
                # request after it for the quarantine delay. Not sending it is all we can do.
                self._quarantined_until = now + self.limit.quarantine_s
                self._sent.clear()  # counting starts again when the quarantine ends (as the simulator models it)
                raise QuarantinedError(method, self.limit.quarantine_s, self.limit)
            await asyncio.sleep(self._sent[0] + window - now)


#: The limiter of each view (a page's clients share one: see `Limiter.for_view`).
_VIEWS: dict[object, Limiter] = {}
