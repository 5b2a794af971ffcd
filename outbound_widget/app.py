"""The widget: which interaction is shown, and what WWE's and the page's events change
(gathered in wwe_events.py and page_events.py).

It draws through `bridge.ui` like any Python view (a `Page`: render trees into the
page's containers, patch a few attributes), reaches the rest of the browser through a
`Browser` (storage, a lock shared by the site's pages, the console, the local time) and
WWE only through `bridge`'s clients, so it runs the same in CPython with a fake of each
(`bridge.testing.FakePage`, `FakeHost`).

Rules it keeps:
- one `Interaction` per customer (state.py) holds everything shown about it;
  an action acts on the interaction that was shown when the agent clicked and
  writes only to it, so nothing of one customer appears on, or is retried
  against, another;
- one action per area at a time; a failed or timed-out call shows the error
  with a Retry and changes no edit;
- any unexpected exception ends the busy state, says "Unexpected error" where
  it happened, logs the traceback, and is re-raised by `idle()` for tests.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from bridge import BridgeError, CallResults, Event, NotInWWEError, Outbound, QuarantinedError
from bridge.contract import is_known_state
from bridge.ui import Page

from . import views
from .browser import Browser
from .config import Settings, WidgetConfig
from .desktop import Desktop
from .drafts import FULL, SENDING, Drafts
from .markdone import MarkDoneGuard, left_to_do
from .page_events import PageEvents
from .panels.base import describe_error
from .panels.chain import ChainPanel
from .panels.done import DonePanel
from .panels.outcome import OutcomePanel
from .panels.preview import PreviewPanel
from .panels.record import RecordPanel
from .panels.reschedule import ReschedulePanel
from .rule_runner import RuleRunner
from .rules import Rules
from .signals import Signals
from .state import Interaction, Session, Status
from .wwe_events import COALESCE_S, MAX_INTERACTIONS, WweEvents
from .wwe_options import apply_wwe_options

#: How often edits the tab's storage refused are offered to it again (another page may free space).
RETRY_STORAGE_S = 2.0



def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Widget:
    """The record-editing sidebar for one agent.

    Parameters
    ----------
    page : Page
        The page to draw on (`bridge.ui.page` in the browser).
    browser : Browser
        The tab's storage, the site's locks, the console and the local time.
    outbound : Outbound
        WWE's outbound service.
    interaction_id : str | None
        The interaction to show first (WWE events switch it later).
    clock : Callable[[], datetime] | None
        The current time, aware (tests pass their own).
    config : WidgetConfig | None
        The deployer's configuration (config.py); None: WWE's defaults, everything allowed.
    rules : Rules | None
        The deployer's Python rules (rules.py).
    desktop : Desktop | None
        WWE's interaction, configuration and system namespaces (desktop.py): the state of
        an interaction opened mid-call, WWE's own options, the mark-done block, toasts.
        None (a host with outbound alone): the widget does without them.
    """

    def __init__(self, page: Page, browser: Browser, outbound: Outbound, interaction_id: str | None = None,
                 *, clock: Callable[[], datetime] | None = None, config: WidgetConfig | None = None,
                 rules: Rules | None = None, desktop: Desktop | None = None) -> None:
        self.page = page
        self.browser = browser
        self.outbound = outbound
        self.desktop = desktop
        self.clock = clock or _utc_now
        self.config = config or WidgetConfig()
        self.config_notice = ""  # where WWE's options and the file disagree, or WWE's could not be read
        self.rules = RuleRunner(self, rules)
        self.drafts = Drafts(browser.storage, self.storage_changed)
        self._storage_retry: asyncio.TimerHandle | None = None
        self.session = Session()
        self.signals = Signals()  # how the panels tell each other (they hold none of each other)
        self.interactions: dict[str, Interaction] = {}
        self.shown: Interaction | None = None
        self.first_interaction = interaction_id
        self.message = ""  # what the notice says when no interaction is shown
        self.tasks: set[asyncio.Task[Any]] = set()
        self.errors: list[BaseException] = []
        self.stop_events: Callable[[], None] | None = None
        self.events = WweEvents(self)
        self.page_events = PageEvents(self)
        self._known_dirty = False
        self._unknown_states: set[str] = set()
        self._quarantine_notice_until = 0.0
        self.record = RecordPanel(self)
        self.outcome = OutcomePanel(self)
        self.reschedule = ReschedulePanel(self)
        self.chain = ChainPanel(self)
        self.preview = PreviewPanel(self)
        self.done = DonePanel(self)
        self.guard = (MarkDoneGuard(desktop.interaction, self.left_to_do, self.spawn, browser.warn, self._block_changed)
                      if desktop is not None else None)
        self._touched: set[str] = set()

    def settings(self, it: Interaction | None) -> Settings:
        """What the deployer configured for *it*'s campaign (the defaults for none)."""
        return self.config.for_campaign(it.campaign if it is not None else None)

    def session_settings(self) -> Settings:
        """For what is not about one customer: the campaign chosen in the picker's."""
        return self.config.for_campaign(self.session.campaign)

    # What the shown interaction holds (for tests, benchmarks and the console).
    @property
    def interaction_id(self) -> str | None:
        return self.shown.id if self.shown else None

    # -- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        """Listen to WWE, load the session-wide lists, show the first interaction."""
        try:
            self.stop_events = self.outbound.subscribe(["outbound", "interaction"], self.on_event)
        except NotInWWEError as exc:
            self.message = f"Not connected to WWE: {exc}"
            self.render_notice()
            self.page.render("slot-record", views.status_view("record", Status(
                "error", "Open this page as a WWE custom view (or in the simulator, index.html).")))
            return
        if self.desktop is not None:
            await self._read_wwe_options()
        self.restore_known()
        self.render_all()
        if self.guard is not None:
            # what WWE holds from before (a reload) is not known: each known interaction is
            # blocked or released as it stands now
            self.guard.resync(self.interactions.values())
        # The record is what the agent waits for: fetch it alongside the lists.
        await asyncio.gather(self._load_call_results(), self.preview.load_campaigns(),
                             *([self.show(self.first_interaction)] if self.first_interaction else []))

    async def _read_wwe_options(self) -> None:
        """WWE's own outbound options and privileges, under the file (wwe_options.py); before
        anything is drawn, so no action WWE withholds is offered even for a moment."""
        assert self.desktop is not None
        read = await self.desktop.read_options()
        if read.options is None:
            self.config_notice = f"{read.problem}: the widget follows {self.config.source} alone."
            self.browser.warn(f"outbound widget: {self.config_notice}")
            return
        self.config, notes = apply_wwe_options(self.config, read.options)
        if notes:
            self.config_notice = ("WWE's options and " + self.config.source + " differ: " + "; ".join(notes) + ".")
            self.browser.warn(f"outbound widget: {self.config_notice}")

    def left_to_do(self, it: Interaction) -> str | None:
        """What mark done would lose of *it* now (markdone.py), None when the record is clean."""
        return left_to_do(it, unsaved_elsewhere=it.editor is None and self.drafts.has_unsaved(it.id),
                          needs_call_result=self.settings(it).mark_done_needs_call_result)

    def touched(self, it: Interaction) -> None:
        """Something of *it* changed that mark done depends on: WWE's block follows, and the
        Mark done line is redrawn (once per turn of the loop however many changes)."""
        if self.guard is None:
            return
        self.guard.touch(it)
        if it.id in self._touched:
            return
        self._touched.add(it.id)

        def redraw() -> None:
            self._touched.discard(it.id)
            self.done.refresh(it)
        try:
            asyncio.get_running_loop().call_soon(redraw)
        except RuntimeError:
            self._touched.discard(it.id)

    def _block_changed(self, interaction_id: str) -> None:
        """WWE refused (or took again) the guard's block: the Mark done line says so."""
        if self.shown is not None and self.shown.id == interaction_id:
            self.done.render(self.shown)

    def alert(self, it: Interaction, title: str, message: str) -> None:
        """What the agent must not miss about *it*: a WWE toast when the widget is not in
        front of them (another interaction shown, or the widget not visible in WWE)."""
        desktop = self.desktop
        if desktop is None:
            return

        async def maybe_toast() -> None:
            if self.shown is not it or not await desktop.visible():
                await desktop.toast(title, message)
        self.spawn(maybe_toast())

    def close(self) -> None:
        if self.stop_events:
            self.stop_events()
            self.stop_events = None
        self.events.close()
        for task in self.tasks:
            task.cancel()
        if self._storage_retry is not None:
            self._storage_retry.cancel()
            self._storage_retry = None

    def spawn(self, coro: Awaitable[Any], it: Interaction | None = None, area: str | None = None) -> None:
        """Run *coro* as a task whose unexpected failure is shown in *it*'s *area*."""
        async def guarded() -> None:
            try:
                await coro
            except Exception as exc:
                self.unexpected(exc, it, area)

        task = asyncio.ensure_future(guarded())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def unexpected(self, exc: BaseException, it: Interaction | None, area: str | None) -> None:
        """A bug, not a WWE failure: end the busy state, say so, log it, keep it for `idle()`."""
        self.errors.append(exc)
        self.browser.error("outbound widget: unexpected error\n" + "".join(traceback.format_exception(exc)))
        status = Status("error", f"Unexpected error: {exc!r}. Your edits are kept; details are in the browser console.")
        if area == self.preview.session_area:
            self.session.area.busy = False
            self.preview.set_session_status(status)
        elif it is not None and area is not None:
            it.area(area).busy = False
            it.area(area).status = status
            if self.shown is it:
                self.page.patch([("replace", f"{area}-status", views.status_view(area, status))])
        else:
            self.message = status.message
            if self.shown is not None:
                self.shown.notice = status.message
            self.render_notice()

    def noted(self, exc: BridgeError) -> None:
        """A failed call: one that WWE's rate limit stopped is said once, in the notice."""
        if isinstance(exc, QuarantinedError):
            self.quarantined(exc)

    def quarantined(self, exc: QuarantinedError) -> None:
        """WWE ignores this view for a while (its rate limit): said once, not per call."""
        loop = asyncio.get_running_loop()
        if loop.time() < self._quarantine_notice_until:
            return
        self._quarantine_notice_until = loop.time() + exc.remaining_s
        ends = (self.clock() + timedelta(seconds=exc.remaining_s)).astimezone().strftime("%H:%M:%S")
        self.message = (f"WWE is ignoring this view's requests until about {ends}: it went over WWE's rate limit. "
                        "Nothing was sent; Retry once that time has passed.")
        if self.shown is not None:
            self.shown.notice = self.message
        self.render_notice()

    def busy(self) -> bool:
        """Whether an action, a load or WWE's events are still being handled (for tests and the page)."""
        return self.events.pending or any(not task.done() for task in self.tasks)

    async def idle(self) -> None:
        """Wait until every action started so far is finished; re-raise the first unexpected error."""
        while self.busy():
            while self.events.pending:
                await asyncio.sleep(COALESCE_S)
            await asyncio.gather(*list(self.tasks), return_exceptions=True)
        if self.errors:
            first, self.errors = self.errors[0], []
            raise first

    async def _load_call_results(self) -> None:
        try:
            self.session.call_results = await self.outbound.get_list_of_call_results()
        except BridgeError as exc:
            self.noted(exc)
            self.session.call_results = CallResults.default()
            self.session.results_note = f"Using the standard call results: {describe_error(exc)}"
        if self.shown is not None:
            self.outcome.render(self.shown)
            self.chain.render(self.shown)

    # -- which interaction ----------------------------------------------------------------

    def remember(self, interaction_id: str, state: str | None = None, campaign: str | None = None) -> Interaction:
        it = self.interactions.get(interaction_id)
        if it is None:
            it = self.interactions[interaction_id] = Interaction(interaction_id)
            self.known_changed()
        if state and state.strip().upper() != it.state:
            was_done = it.done
            it.state = state.strip().upper()
            if not is_known_state(state) and state not in self._unknown_states:
                # a newer WWE's state, or a bug: said once, and WWE decides what it allows
                self._unknown_states.add(state)
                self.browser.warn(f"outbound widget: WWE says interaction {interaction_id} is {state!r}, a state this "
                              "widget does not know: it offers what the privileges allow and lets WWE decide")
            it.was_preview = it.was_preview or it.in_preview
            self.known_changed()
            self.touched(it)
            if it.done != was_done:
                self.record.finished(it)
            if self.shown is it:
                self.preview.arm(it)  # (a view opened on a preview learns it is one from WWE: its countdown starts)
        if campaign and campaign != it.campaign:
            before = self.settings(it)
            it.campaign = campaign
            self.known_changed()
            if self.settings(it) != before:
                self.record.relayout(it)  # its campaign's layout, labels and locks
                if self.shown is it:
                    self.preview.arm(it)  # and its timed-preview option
        return it

    def known_changed(self) -> None:
        """Keep the known interactions in the tab's storage (once per turn of the loop)."""
        if not self._known_dirty:
            self._known_dirty = True
            try:
                asyncio.get_running_loop().call_soon(self._save_known)
            except RuntimeError:  # no loop (a test building state by hand): now
                self._save_known()

    def _save_known(self) -> None:
        self._known_dirty = False
        self.drafts.save_known([{"id": it.id, "state": it.state, "campaign": it.campaign, "preview": it.was_preview,
                                 "dnc": it.dnc} for it in self.interactions.values()])

    def restore_known(self) -> None:
        """After a reload: the interactions known before, with what WWE's events had said of them.

        The outbound API cannot read an interaction's state; WWE's events tell it, and
        this keeps what they told across a reload.
        """
        for item in self.drafts.load_known()[-MAX_INTERACTIONS:]:
            state, campaign = item.get("state"), item.get("campaign")
            it = self.remember(str(item["id"]), state if isinstance(state, str) else None,
                               campaign if isinstance(campaign, str) else None)
            it.was_preview = it.was_preview or item.get("preview") is True
            it.dnc = item.get("dnc") is True
        self.drafts.size_known(self.interactions)
        waiting = [iid for iid in self.interactions if iid != self.first_interaction and self.drafts.has_unsaved(iid)]
        if waiting:
            self.message = (f"Unsaved changes are kept for interaction(s) {', '.join(waiting)}: "
                            "switch to them to save or revert them.")

    async def show(self, interaction_id: str) -> None:
        """Show an interaction: what the widget holds of it at once, then its first reads."""
        it = self.remember(interaction_id)
        if self.shown is not it:
            self.shown = it
            self.drafts.shown = it.id
            self.render_all()
        self.preview.arm(it)
        if not it.fetched:
            it.fetched = True
            # The reads go out together: the agent waits for one round trip, not three.
            await asyncio.gather(self._guarded(self.record.load(it), it, "record"),
                                 self._guarded(self.outcome.load(it), it, "call-result"),
                                 self._guarded(self.chain.load(it), it, "chain"),
                                 *([self._guarded(self._read_state(it), it, "done")] if self.desktop else []))

    async def _read_state(self, it: Interaction) -> None:
        """WWE's state of *it* (a view opened mid-call, or reloaded, gates its actions on
        what WWE says now, not on what it last heard)."""
        assert self.desktop is not None
        try:
            found = await self.desktop.state_of(it.id)
        except BridgeError as exc:
            self.browser.warn(f"outbound widget: the state of interaction {it.id} could not be read: {exc}")
            return
        if found is None or self.interactions.get(it.id) is not it:
            return
        self.remember(it.id, found.state, found.campaign_name)
        if self.shown is it:
            self.render_state(it)

    async def _guarded(self, coro: Awaitable[None], it: Interaction, area: str) -> None:
        try:
            await coro
        except Exception as exc:
            self.unexpected(exc, it, area)

    def forget(self, interaction_id: str, *, draw: bool = True) -> None:
        """WWE removed the interaction (or the agent rejected or cancelled it)."""
        self.drafts.clear(interaction_id)
        it = self.interactions.pop(interaction_id, None)
        if it is None:
            return
        it.generation += 1
        it.chain_generation += 1
        self.known_changed()
        if self.guard is not None:
            self.guard.forget(interaction_id)
        if self.shown is it:
            self.shown = None
            self.drafts.shown = None
            self.message = f"Interaction {interaction_id} is gone."
            self.render_all()
        elif draw:
            self.render_header()

    # -- drawing ------------------------------------------------------------------------------

    def render_header(self) -> None:
        it = self.shown
        self.page.render("slot-header", views.header(it.id if it else None, it.state if it else None,
                                                    it.campaign if it else None, list(self.interactions)))

    def render_notice(self) -> None:
        shown = self.shown
        message = " ".join(filter(None, [shown.notice or self.message, shown.rule_notice] if shown else [self.message]))
        message = " ".join(filter(None, [message, self.config_notice]))
        storage = self.storage_notice()
        self.page.render("slot-notice", views.h("div", {}, *(
            [views.h("p", {"class": "notice storage", "role": "alert", "id": "w-storage-notice"}, storage)] if storage else []),
            *([views.h("p", {"class": "notice"}, message)] if message else [])) if storage or message else "")

    # -- the tab's storage (drafts.py) --------------------------------------------------------

    def storage_notice(self) -> str:
        """What the agent must know about edits the tab's storage does not keep (a reload
        would lose them): the shown record's first, then the others'."""
        shown = self.shown.id if self.shown is not None else None
        parts = []
        if shown is not None and (why := self.drafts.unkept_of(shown)):
            parts.append(f"Unsaved edits will not survive a reload: {'; '.join(why)}. They are kept while this page "
                         "stays open: save them" + (", or free space (close other pages of this site in this tab)"
                                                    if FULL in why else "") + ".")
            if SENDING + shown in self.drafts.unkept:
                parts.append("A reload before WWE confirms the save could not tell whether it reached WWE.")
        others = [iid for iid in self.drafts.unkept_interactions() if iid != shown]
        if others:
            parts.append(f"Unsaved edits of interaction(s) {', '.join(others)} will not survive a reload either: "
                         f"{'; '.join(sorted({w for iid in others for w in self.drafts.unkept_of(iid)}))}.")
        return " ".join(parts)

    def storage_changed(self) -> None:
        """What the storage keeps changed: the notice says it, and while something is not
        kept the widget tries again every RETRY_STORAGE_S (space freed by another page)."""
        self.render_notice()
        if self.drafts.retryable and self._storage_retry is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return
            self._storage_retry = loop.call_later(RETRY_STORAGE_S, self._retry_storage)

    def _retry_storage(self) -> None:
        self._storage_retry = None
        self.drafts.retry()
        if self.drafts.retryable:
            self._storage_retry = asyncio.get_running_loop().call_later(RETRY_STORAGE_S, self._retry_storage)

    def render_state(self, it: Interaction) -> None:
        """What depends on the interaction's state (preview, in a call, Do Not Call)."""
        self.render_header()
        self.outcome.render(it)
        self.done.render(it)
        self.chain.render(it)
        self.preview.render(it)

    def render_all(self) -> None:
        it = self.shown
        self.render_header()
        self.render_notice()
        if it is None:
            self.page.render("slot-summary", views.error_summary([]))
            placeholder = "Choose an interaction above." if self.interactions else "No interaction yet."
            self.page.render("slot-record", views.status_view("record", Status("idle", placeholder)))
            for target in ("slot-call-result", "slot-reschedule", "slot-done", "slot-chain"):
                self.page.render(target, "")
            self.done.drawn = None
        else:
            self.record.render(it)
            self.outcome.render(it)
            self.reschedule.render(it)
            self.done.render(it)
            self.chain.render(it)
        self.preview.render(it)

    # -- WWE events (wwe_events.py gathers them; what they change is done here) -------------

    def on_event(self, event: Event) -> None:
        self.events.receive(event)

    def rekey(self, old: str, new: str) -> None:
        """Interaction *old* is now *new*: its state, drafts, statuses and Retries go with it."""
        it = self.interactions.pop(old, None)
        if it is None:
            return
        it.id = new
        self.interactions[new] = it
        if self.shown is it:
            self.drafts.shown = new
        self.drafts.move(old, new)
        self.known_changed()
        if self.guard is not None:
            self.guard.rekey(old, new)
            self.touched(it)
        if self.shown is it:
            it.notice = f"The call is interaction {new} (the preview was {old}): this is the same record."
            self.render_all()  # everything drawn for the old ID says the new one
            self.chain.reload(it)

    # -- page events (page_events.py) --------------------------------------------------------

    def handle(self, event: Mapping[str, Any]) -> None:
        """One DOM event, as the JS layer reports it (plain data)."""
        self.page_events.handle(event)
