"""Getting records: campaigns, "Get record", direct push (session-wide), and the
shown preview's Call / Reject / Cancel."""

from __future__ import annotations

import asyncio
import difflib
import math
from collections.abc import Awaitable, Callable

from bridge import BridgeError

from .. import views
from ..signals import DIAL
from ..state import PREVIEW, Interaction, Status
from .base import NOT_ALLOWED, Panel, describe_error, guarded_run

CALLED = "This record has been called: it can no longer be called, rejected or cancelled as a preview."


#: How often a timed preview that came due while the widget was out of view asks WWE
#: whether it is back (WWE sends no event for it).
VISIBLE_POLL_S = 2.0


class PreviewPanel(Panel):
    area = "preview"
    session_area = "campaign"

    def blocked(self, it: Interaction) -> str | None:
        if it.in_call:
            return CALLED
        return "Dialling…" if it.dialing else None

    def held(self) -> int:
        """Preview records the agent holds now (shown or not, not yet called)."""
        return sum(1 for it in self.sidebar.interactions.values() if it.in_preview)

    def get_blocked(self) -> str | None:
        """Why Get record is not possible now: ``outbound.preview.max-simultaneous-preview-record``."""
        limit = self.sidebar.session_settings().max_previews
        held = self.held() if limit > 0 else 0
        if limit > 0 and held >= limit:
            return (f"You hold {held} preview record(s), the most allowed at once ({limit}): "
                    "call, reject or cancel one first.")
        return None

    def render(self, it: Interaction | None) -> None:
        session, settings = self.sidebar.session, self.sidebar.session_settings()
        preview = it if it is not None and (it.was_preview or it.in_preview) else None
        mine = self.sidebar.settings(it)  # the shown interaction's campaign decides, preview or not
        if not mine.shows("preview"):
            self.page.render("slot-preview", "")
            return
        self.page.render("slot-preview", views.preview_view(
            session.campaigns, session.campaign, session.direct_push, session.area.status,
            preview.id if preview else None, self.blocked(preview) if preview else None,
            preview.area(self.area).status if preview else Status(),
            can=views.PreviewRights(get=settings.allows("can-get-next-preview-record"), direct_push=settings.direct_push,
                                    reject=mine.allows("can-reject-record"), cancel=mine.allows("can-cancel-record")),
            get_blocked=self.get_blocked(), auto_dial=self.countdown_text(preview) if preview else None))

    # -- timed preview: outbound.timed-preview-auto-dial ----------------------------

    def countdown_text(self, it: Interaction) -> str | None:
        if it.auto_dial_at is None:
            return None
        left = max(0, math.ceil(it.auto_dial_at - asyncio.get_running_loop().time()))
        settings = self.sidebar.settings(it)
        ways = [name for name, privilege in (("Reject", "can-reject-record"), ("Cancel record", "can-cancel-record"))
                if settings.allows(privilege)]
        stop = f": {' or '.join(ways)} to stop it" if ways else ""
        return f"Dialling in {left} s (timed preview){stop}."

    def arm(self, it: Interaction) -> None:
        """A preview is shown: with ``outbound.timed-preview-auto-dial`` set, dial it after
        that many seconds, as WWE's timed preview does. The countdown shows; it stops if
        the agent acts on the preview or shows another interaction (it starts again when
        this one is shown again): nothing is dialled that the agent is not looking at."""
        settings = self.sidebar.settings(it)
        delay = settings.auto_dial_s
        if delay < 0 or not settings.shows("preview") or not it.in_preview or it.dialing or it.auto_dial_at is not None:
            return  # (with the preview panel hidden there is no countdown to see: nothing is dialled)
        it.auto_dial_at = asyncio.get_running_loop().time() + delay
        self.sidebar.spawn(self._auto_dial(it), it, self.area)
        if delay > 0:  # (the widget not visible in WWE: its countdown is not seen, WWE's toast is)
            self.sidebar.alert(it, "Preview record about to be dialled",
                              f"Interaction {it.id} is dialled in {delay} s if the outbound widget is in view then "
                              "(outbound.timed-preview-auto-dial).")

    def _still_due(self, it: Interaction) -> bool:
        settings = self.sidebar.settings(it)  # (its campaign, hence its settings, may be learnt meanwhile)
        return (self.sidebar.shown is it and it.in_preview and not it.dialing
                and settings.auto_dial_s >= 0 and settings.shows("preview")
                and not it.area(self.area).busy and self.sidebar.interactions.get(it.id) is it)

    async def _auto_dial(self, it: Interaction) -> None:
        loop = asyncio.get_running_loop()
        try:
            while it.auto_dial_at is not None and self._still_due(it):
                left = it.auto_dial_at - loop.time()
                if left <= 0 and it.record is not None:
                    break
                self.patch(it, [("text", "w-auto-dial", self.countdown_text(it) or ""), ("hidden", "w-auto-dial", False)])
                await asyncio.sleep(min(1.0, left) if left > 0 else 0.1)  # (past due: the chain is loading)
            else:
                return
        finally:
            due = it.auto_dial_at is not None and self._still_due(it)
            it.auto_dial_at = None
            self.patch(it, [("hidden", "w-auto-dial", True)])
        desktop = self.sidebar.desktop
        if due and desktop is not None and not await desktop.visible():
            # WWE shows another view: nothing is dialled the agent is not looking at. The
            # countdown starts again once the widget is back in view.
            await desktop.toast("Preview record not dialled", f"Interaction {it.id} waits for you: it is dialled "
                                f"{self.sidebar.settings(it).auto_dial_s} s after the outbound widget is back in view.")
            while self._still_due(it):
                await asyncio.sleep(VISIBLE_POLL_S)
                if self._still_due(it) and await desktop.visible():
                    self.arm(it)
                    return
            return
        if due:
            await self.call(it)

    def set_session_status(self, status: Status) -> None:
        self.sidebar.session.area.status = status
        self.page.patch([("replace", f"{self.session_area}-status", views.status_view(self.session_area, status))])

    async def run_session(self, busy: str, action: Callable[[], Awaitable[str]]) -> None:
        """Like `Panel.run`, for what is not about one customer (its status is the session's)."""
        await guarded_run(self.sidebar, self.sidebar.session.area, self.set_session_status, busy, action,
                          None, self.session_area)

    # -- session-wide ----------------------------------------------------------------

    async def load_campaigns(self) -> None:
        session = self.sidebar.session
        try:
            session.campaigns = await self.outbound.get_campaigns()
        except BridgeError as exc:
            self.sidebar.noted(exc)
            session.area.retry = self.load_campaigns
            self.set_session_status(Status("error", f"Could not load campaigns: {describe_error(exc)}", retry=True))
            return
        self.check_sections([c.name for c in session.campaigns])
        preview = [c for c in session.campaigns if c.mode in (None, "Preview") and c.status in (None, "Active")]
        choices = preview or session.campaigns
        if session.campaign not in {c.name for c in session.campaigns}:
            session.campaign = choices[0].name if choices else None
        if session.area.status.state == "error":
            session.area.status = Status()
        self.render(self.sidebar.shown)

    def check_sections(self, names: list[str]) -> None:
        """A configuration section for a campaign WWE does not have (a typo) would never apply: say so."""
        for section in self.sidebar.config.campaigns:
            if section not in names:
                close = difflib.get_close_matches(section, names, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"WWE's campaigns: {', '.join(names) or 'none'}"
                self.browser.warn(f"{self.sidebar.config.source}: [campaign.{section!r}] matches none of WWE's campaigns "
                              f"({hint}): it applies to no interaction")

    async def get_preview(self, campaign: str | None) -> None:
        session = self.sidebar.session
        campaign = campaign or session.campaign
        if not campaign:
            return
        session.campaign = campaign
        if not self.sidebar.session_settings().allows("can-get-next-preview-record"):
            self.set_session_status(Status("error", NOT_ALLOWED.format("can-get-next-preview-record")))
            return
        blocked = self.get_blocked()
        if blocked:
            self.set_session_status(Status("error", blocked))
            return

        async def action() -> str:
            preview = await self.outbound.get_preview_record(campaign)
            if preview.interaction_id:
                it = self.sidebar.remember(preview.interaction_id, PREVIEW, preview.campaign_name or campaign)
                it.was_preview = True
                self.sidebar.spawn(self.sidebar.show(it.id))
            return f"Preview record from {campaign}."

        await self.run_session("Getting a preview record…", action)

    async def toggle_direct_push(self) -> None:
        session = self.sidebar.session
        turn_on = not session.direct_push
        if turn_on and not self.sidebar.session_settings().direct_push:
            self.set_session_status(Status("error", "Direct push preview is turned off here (widget.direct-push): "
                                                    "nothing was sent."))
            return

        async def action() -> str:
            await (self.outbound.start_direct_push_preview() if turn_on else self.outbound.stop_direct_push_preview())
            session.direct_push = turn_on
            self.render(self.sidebar.shown)
            return "Direct push preview started: records arrive as WWE pushes them." if turn_on else "Direct push preview stopped."

        await self.run_session("Starting direct push…" if turn_on else "Stopping direct push…", action)

    # -- the shown preview -----------------------------------------------------------------

    async def call(self, it: Interaction) -> None:
        handle = it.record.record_handle if it.record else None
        if handle is None:
            self.set_status(it, Status("error", "The record's chain is not loaded yet: wait for it, or Retry it below."))
            return
        await self.sidebar.signals.ask(DIAL, it, handle, self.area)

    async def drop(self, it: Interaction, kind: str) -> None:
        """Reject (back to the campaign) or cancel (not called in this campaign) the preview."""
        if self.withheld(it, "can-reject-record" if kind == "reject" else "can-cancel-record"):
            return
        blocked = self.blocked(it)
        if blocked:
            self.set_status(it, Status("error", blocked))
            return
        done = f"Record {it.id} rejected: it goes back to the campaign." if kind == "reject" else f"Record {it.id} cancelled."

        async def action() -> str:
            await (self.outbound.reject_preview_record(it.id) if kind == "reject" else self.outbound.cancel_preview_record(it.id))
            return done

        if await self.run(it, "Rejecting…" if kind == "reject" else "Cancelling the record…", action):
            self.sidebar.forget(it.id)
            self.set_session_status(Status("done", done))
