"""What every panel shares: its area's status line, and running an action in it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bridge import BridgeError, BridgeTimeoutError, MalformedResponseError, OutboundError, QuarantinedError
from bridge.ui import Op

from .. import views
from ..controls import DONE_REASON
from ..sidebar import Sidebar
from ..state import Area, Interaction, Status



#: How a failed read's status starts ("Could not read the chained records: …").
READ_FAILED = "Could not read"
#: What the agent is told when a privilege the deployer withheld is asked for anyway
#: (the controls are not shown; this answers a click that came regardless).
NOT_ALLOWED = "Not allowed for you (privilege.outbound.{}): nothing was sent."
#: Why nothing of a record marked done can change, and the answer to an action tried anyway.
MARKED_DONE = DONE_REASON
NOTHING_SENT = f"{DONE_REASON} Nothing was sent."


def describe_error(exc: BaseException) -> str:
    """What to tell the agent about a failed call."""
    if isinstance(exc, OutboundError):
        return f"WWE refused it: {exc.error_message}"
    if isinstance(exc, QuarantinedError):  # the notice above says why, once
        return "Not sent: WWE is ignoring this view for now (its rate limit)."
    if isinstance(exc, BridgeError):
        return str(exc)
    return f"Unexpected error: {exc!r}"


def retryable(exc: BaseException) -> bool:
    """Whether trying again may work: WWE refused, did not answer, or answered nonsense.

    A bad argument (a date in the wrong format) fails the same way every time.
    """
    return isinstance(exc, (OutboundError, BridgeTimeoutError, MalformedResponseError, QuarantinedError))


class Panel:
    """One area of the sidebar (``area`` names its status line, ``#<area>-status``)."""

    area = ""

    def __init__(self, sidebar: Sidebar) -> None:
        self.sidebar = sidebar
        self.page = sidebar.page
        self.browser = sidebar.browser
        self.outbound = sidebar.outbound

    def shown(self, it: Interaction) -> bool:
        return self.sidebar.shown is it

    def render(self, it: Interaction) -> None:
        """Draw the panel's section from *it*'s state (only called while it is shown)."""
        raise NotImplementedError

    def patch(self, it: Interaction, ops: list[Op]) -> None:
        """Patch the page for *it*, if it is what the page shows (else its state alone changed)."""
        self.sidebar.touched(it)  # (an edit, a revert, a rebase: what mark done waits for may change)
        if ops and self.shown(it):
            self.page.patch(ops)

    def set_status(self, it: Interaction, status: Status, area: str | None = None) -> None:
        """Store *it*'s status for the area and, if it is shown, patch its status line only:
        the controls around it keep what the agent entered."""
        name = area or self.area
        it.area(name).status = status
        self.sidebar.touched(it)  # (a write started or ended)
        if self.shown(it):
            self.page.patch([("replace", f"{name}-status", views.status_view(name, status))])

    def withheld(self, it: Interaction, privilege: str, area: str | None = None) -> bool:
        """Whether the deployer withholds ``privilege.outbound.<privilege>`` for *it*; if so the
        area says so, and the caller sends nothing."""
        if self.sidebar.settings(it).allows(privilege):
            return False
        self.set_status(it, Status("error", NOT_ALLOWED.format(privilege)), area)
        return True

    def clear_read_error(self, it: Interaction) -> None:
        """A read that failed has now worked: its error and Retry go (an action's stay)."""
        area = it.area(self.area)
        if area.status.state == "error" and area.status.message.startswith(READ_FAILED):
            area.retry = None
            self.set_status(it, Status())

    async def run(self, it: Interaction, busy: str, action: Callable[[], Awaitable[str | None]],
                  area: str | None = None) -> bool:
        """Run *action* for *it* with progress in the area; on failure show why, with a Retry.

        One action per area at a time: while one runs, another click does nothing
        (the busy status says why). Returns whether the action succeeded.
        """
        name = area or self.area
        return await guarded_run(self.sidebar, it.area(name), lambda status: self.set_status(it, status, name),
                                 busy, action, it, name)


async def guarded_run(sidebar: Sidebar, state: Area, show: Callable[[Status], None], busy: str,
                      action: Callable[[], Awaitable[str | None]], it: Interaction | None, name: str) -> bool:
    """Run *action* in an area (*state*, drawn by *show*): busy, then done or the error with a
    Retry; one at a time; a bug ends the busy state and is reported (`Widget.unexpected`)."""
    if state.busy:
        return False

    async def attempt() -> bool:
        if state.busy:
            return False
        if it is not None and it.done:  # (a Retry pressed after WWE marked it done, too)
            show(Status("error", NOTHING_SENT))
            return False
        settings = sidebar.settings(it) if it is not None else sidebar.session_settings()
        if not settings.allows("can-use"):  # WWE's privilege.outbound.can-use: nothing outbound
            show(Status("error", NOT_ALLOWED.format("can-use")))
            return False
        state.busy = True
        show(Status("busy", busy))
        try:
            done = await action()
        except BridgeError as exc:
            sidebar.noted(exc)
            show(Status("error", describe_error(exc), retry=retryable(exc)))
            return False
        except Exception as exc:  # a bug: end the busy state, say so, and let tests see it
            sidebar.unexpected(exc, it, name)
            return False
        finally:
            state.busy = False
        show(Status("done", done or ""))
        return True

    async def retry() -> None:
        await attempt()

    state.retry = retry
    return await attempt()
