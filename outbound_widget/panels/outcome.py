"""The call's outcome: the call result and Do Not Call."""

from __future__ import annotations


from bridge import BridgeError, CallResults
from bridge._numbers import whole_number

from .. import views
from ..sidebar import Sidebar
from ..signals import RECORD_CHANGED, RESULT_CHOSEN
from ..state import Interaction, Status
from .base import MARKED_DONE, READ_FAILED, Panel, describe_error


NOT_CALLED = "Call the record first: WWE takes a call result once the record has been called."
DNC_NOT_CALLED = "Call the record first: WWE sets Do Not Call on a record that has been called."
DNC_SET = "Do Not Call is set: WWE refuses a call result until it is removed."


class OutcomePanel(Panel):
    area = "call-result"

    def __init__(self, sidebar: Sidebar) -> None:
        super().__init__(sidebar)
        self._warned: set[str] = set()
        sidebar.signals.connect(RESULT_CHOSEN, self.choose)

    def choose(self, it: Interaction, code: int) -> None:
        """Preselect the call result *code* (a deployer's rule chose it) if the agent may set it."""
        if self.allowed(it, code):
            it.chosen_result = str(code)
            if self.shown(it):
                self.render(it)

    def blocked(self, it: Interaction) -> str | None:
        """Why WWE would refuse a call result now (None: it would not)."""
        if it.in_preview:
            return NOT_CALLED
        if it.done:
            return MARKED_DONE
        return DNC_SET if it.dnc else None

    def offered(self, it: Interaction) -> CallResults | None:
        """The call results the agent may pick: WWE's list, or the deployer's
        ``outbound.call-result-values`` of it, in that order."""
        results = self.sidebar.session.call_results
        values = self.sidebar.settings(it).call_result_values
        if results is None or values is None:
            return results
        missing = [name for name in values if name not in results and name not in self._warned]
        if missing:
            self._warned.update(missing)  # said once, not at every redraw
            self.browser.warn(f"outbound.call-result-values names {', '.join(missing)}, which WWE's list has not: not offered")
        return CallResults({name: results[name].code for name in values if name in results})

    def allowed(self, it: Interaction, code: int) -> bool:
        """Whether the agent may set the call result *code* (privilege and configured values)."""
        offered = self.offered(it)
        return (self.sidebar.settings(it).allows("can-set-call-result")
                and (offered is None or offered.by_code(code) is not None))

    def chosen(self, it: Interaction) -> str:
        """What the select shows: the agent's pick, else the configured default
        (``outbound.call-result-automatically-selected``), else the record's result."""
        if it.chosen_result:
            return it.chosen_result
        selected, results = self.sidebar.settings(it).call_result_selected, self.sidebar.session.call_results
        if selected is not None and results is not None and selected in results:
            return str(results[selected].code)
        return str(it.call_result.code) if it.call_result else ""

    def render(self, it: Interaction) -> None:
        if not self.shown(it):
            return  # its state is kept; it is drawn when shown
        session, settings = self.sidebar.session, self.sidebar.settings(it)
        can_set, can_dnc = settings.allows("can-set-call-result"), settings.allows("can-mark-do-not-call")
        if not settings.shows("call-result") or not (can_set or can_dnc):
            self.page.render("slot-call-result", "")
            return
        self.page.render("slot-call-result", views.call_result_view(
            it.id, self.offered(it), self.chosen(it), self.blocked(it), it.dnc,
            DNC_NOT_CALLED if it.in_preview else None, session.results_note, it.area(self.area).status,
            can_set=can_set, can_dnc=can_dnc, known=session.call_results))

    async def load(self, it: Interaction) -> None:
        try:
            result = await self.outbound.get_call_result(it.id)
        except BridgeError as exc:
            self.sidebar.noted(exc)
            it.area(self.area).retry = lambda: self.load(it)
            self.set_status(it, Status("error", f"{READ_FAILED} the call result: {describe_error(exc)}", retry=True))
            return
        it.call_result = result
        self.sidebar.touched(it)
        self.clear_read_error(it)
        if self.shown(it):
            self.render(it)

    async def set_call_result(self, it: Interaction, chosen: str) -> None:
        if self.withheld(it, "can-set-call-result"):
            return
        blocked = self.blocked(it)
        if blocked:
            self.set_status(it, Status("error", blocked))
            return
        code = whole_number(chosen)
        if code is None:
            self.set_status(it, Status("error", "Choose a call result first."))
            return
        if not self.allowed(it, code):
            results = self.sidebar.session.call_results
            name = results.describe(code).label if results is not None else str(code)
            self.set_status(it, Status("error", f"{name} is not a call result you may set here: choose one "
                                                "from the list. Nothing was sent."))
            return
        it.chosen_result = chosen

        async def action() -> str:
            result = await self.outbound.set_call_result(it.id, code)
            it.call_result, it.chosen_result = result, ""
            self.sidebar.signals.emit(RECORD_CHANGED, it)  # the chain shows each record's result
            return f"Call result set: {result.label}."

        await self.run(it, "Setting the call result…", action)

    async def toggle_dnc(self, it: Interaction) -> None:
        if self.withheld(it, "can-mark-do-not-call"):
            return
        if it.in_preview:
            self.set_status(it, Status("error", DNC_NOT_CALLED))
            return
        turn_on = not it.dnc

        async def action() -> str:
            await (self.outbound.set_do_not_call(it.id) if turn_on else self.outbound.remove_do_not_call(it.id))
            it.dnc = turn_on
            if self.shown(it):
                self.render(it)  # the result controls follow; the agent's pick is kept in `it`
            self.sidebar.signals.emit(RECORD_CHANGED, it)
            return "Do Not Call set." if turn_on else "Do Not Call removed."

        await self.run(it, "Updating Do Not Call…", action)
