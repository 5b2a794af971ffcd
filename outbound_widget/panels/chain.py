"""The chain: the record's numbers, and dialling one of them."""

from __future__ import annotations

from bridge import BridgeError

from .. import views
from ..sidebar import Sidebar
from ..signals import CHAIN_LOADED, DIAL, RECORD_CHANGED
from ..state import DIALING, Interaction, Status
from .base import NOT_ALLOWED, READ_FAILED, Panel, describe_error

CALLED = "This record has been called: its numbers can be dialled while it is a preview."


class ChainPanel(Panel):
    area = "chain"

    def __init__(self, sidebar: Sidebar) -> None:
        super().__init__(sidebar)
        sidebar.signals.connect(RECORD_CHANGED, self.reload)  # it shows each record's values and results
        sidebar.signals.answer(DIAL, self.call)  # every dial goes through its guards

    @staticmethod
    def blocked(it: Interaction) -> str | None:
        """Why dialling is not possible now (None: WWE would take it, as far as we know)."""
        if it.in_call:
            return CALLED
        return "Dialling…" if it.dialing else None

    def may_dial(self, it: Interaction, handle: int) -> bool:
        """The chain's first record is the number OCS chose; another needs
        ``privilege.outbound.can-dial-alternative-chained-record``."""
        first = it.record.record_handle if it.record else None
        return handle == first or self.sidebar.settings(it).allows("can-dial-alternative-chained-record")

    def render(self, it: Interaction) -> None:
        if not self.shown(it):
            return  # its state is kept; it is drawn when shown
        if not self.sidebar.settings(it).shows("chain"):
            self.page.render("slot-chain", "")
            return
        dialable = {r.record_handle for r in it.chain or () if r.record_handle is not None and self.may_dial(it, r.record_handle)}
        self.page.render("slot-chain", views.chain_view(it.id, it.chain, self.sidebar.session.call_results, self.blocked(it),
                                                       it.area(self.area).status, dialable))

    async def load(self, it: Interaction) -> None:
        """Read the chain; a newer read makes this one's answer stale."""
        it.chain_generation += 1
        generation = it.chain_generation
        try:
            chain = await self.outbound.get_chained_records(it.id)
        except BridgeError as exc:
            self.sidebar.noted(exc)
            if generation == it.chain_generation:
                it.area(self.area).retry = lambda: self.load(it)
                self.set_status(it, Status("error", f"{READ_FAILED} the chained records: {describe_error(exc)}", retry=True))
            return
        if generation != it.chain_generation:
            return
        it.chain = chain
        name = chain[0].data.get("GSW_CAMPAIGN_NAME") if chain else None
        if it.campaign is None and isinstance(name, str) and name:
            # Opened on an interaction WWE has sent no event for: OCS writes the campaign
            # into every record (GSW_CAMPAIGN_NAME), so its configuration applies all the same.
            self.sidebar.remember(it.id, campaign=name)
        self.clear_read_error(it)
        if self.shown(it):
            self.render(it)
            self.sidebar.signals.emit(CHAIN_LOADED, it)  # (the reschedule panel's callback is for its first record)

    def reload(self, it: Interaction) -> None:
        """Re-read the chain after a write that changes what it shows."""
        self.sidebar.spawn(self.load(it), it, self.area)

    async def call(self, it: Interaction, handle: int, area: str) -> None:
        """Dial record *handle* of a preview (from the chain table or the preview's Call)."""
        if not self.may_dial(it, handle):
            self.set_status(it, Status("error", NOT_ALLOWED.format("can-dial-alternative-chained-record")), area)
            return
        blocked = self.blocked(it)
        if blocked:
            if not it.dialing:
                self.set_status(it, Status("error", blocked), area)
            return  # a second click while dialling does nothing
        it.dialing = True

        async def action() -> str:
            await self.outbound.call_preview_record(it.id, handle)
            # WWE's interaction event says so too; we know it now.
            if not it.in_call:
                it.state = DIALING
            return f"Calling record {handle}."

        try:
            await self.run(it, "Dialling…", action, area)
        finally:
            it.dialing = False
            if self.shown(it):
                self.sidebar.render_state(it)
        if it.in_call:
            self.reload(it)
