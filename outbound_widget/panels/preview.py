"""Getting records: campaigns, "Get record", direct push (session-wide), and the
shown preview's Call / Reject / Cancel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bridge import BridgeError

from .. import views
from ..state import PREVIEW, Interaction, Status
from .base import Panel, describe_error, guarded_run

CALLED = "This record has been called: it can no longer be called, rejected or cancelled as a preview."


class PreviewPanel(Panel):
    area = "preview"
    session_area = "campaign"

    def blocked(self, it: Interaction) -> str | None:
        if it.in_call:
            return CALLED
        return "Dialling…" if it.dialing else None

    def render(self, it: Interaction | None) -> None:
        session = self.widget.session
        preview = it if it is not None and (it.was_preview or it.state == PREVIEW) else None
        self.dom.render("slot-preview", views.preview_view(
            session.campaigns, session.campaign, session.direct_push, session.area.status,
            preview.id if preview else None, self.blocked(preview) if preview else None,
            preview.area(self.area).status if preview else Status()))

    def set_session_status(self, status: Status) -> None:
        self.widget.session.area.status = status
        self.dom.patch([("replace", f"{self.session_area}-status", views.status_view(self.session_area, status))])

    async def run_session(self, busy: str, action: Callable[[], Awaitable[str]]) -> None:
        """Like `Panel.run`, for what is not about one customer (its status is the session's)."""
        await guarded_run(self.widget, self.widget.session.area, self.set_session_status, busy, action,
                          None, self.session_area)

    # -- session-wide ----------------------------------------------------------------

    async def load_campaigns(self) -> None:
        session = self.widget.session
        try:
            session.campaigns = await self.outbound.get_campaigns()
        except BridgeError as exc:
            self.widget.noted(exc)
            session.area.retry = self.load_campaigns
            self.set_session_status(Status("error", f"Could not load campaigns: {describe_error(exc)}", retry=True))
            return
        preview = [c for c in session.campaigns if c.mode in (None, "Preview") and c.status in (None, "Active")]
        choices = preview or session.campaigns
        if session.campaign not in {c.name for c in session.campaigns}:
            session.campaign = choices[0].name if choices else None
        if session.area.status.state == "error":
            session.area.status = Status()
        self.render(self.widget.shown)

    async def get_preview(self, campaign: str | None) -> None:
        session = self.widget.session
        campaign = campaign or session.campaign
        if not campaign:
            return
        session.campaign = campaign

        async def action() -> str:
            preview = await self.outbound.get_preview_record(campaign)
            if preview.interaction_id:
                it = self.widget.remember(preview.interaction_id, PREVIEW, preview.campaign_name or campaign)
                it.was_preview = True
                self.widget.spawn(self.widget.show(it.id))
            return f"Preview record from {campaign}."

        await self.run_session("Getting a preview record…", action)

    async def toggle_direct_push(self) -> None:
        session = self.widget.session
        turn_on = not session.direct_push

        async def action() -> str:
            await (self.outbound.start_direct_push_preview() if turn_on else self.outbound.stop_direct_push_preview())
            session.direct_push = turn_on
            self.render(self.widget.shown)
            return "Direct push preview started: records arrive as WWE pushes them." if turn_on else "Direct push preview stopped."

        await self.run_session("Starting direct push…" if turn_on else "Stopping direct push…", action)

    # -- the shown preview -----------------------------------------------------------------

    async def call(self, it: Interaction) -> None:
        handle = it.record.record_handle if it.record else None
        if handle is None:
            self.set_status(it, Status("error", "The record's chain is not loaded yet: wait for it, or Retry it below."))
            return
        await self.widget.chain.call(it, handle, self.area)

    async def drop(self, it: Interaction, kind: str) -> None:
        """Reject (back to the campaign) or cancel (not called in this campaign) the preview."""
        blocked = self.blocked(it)
        if blocked:
            self.set_status(it, Status("error", blocked))
            return
        done = f"Record {it.id} rejected: it goes back to the campaign." if kind == "reject" else f"Record {it.id} cancelled."

        async def action() -> str:
            await (self.outbound.reject_preview_record(it.id) if kind == "reject" else self.outbound.cancel_preview_record(it.id))
            return done

        if await self.run(it, "Rejecting…" if kind == "reject" else "Cancelling the record…", action):
            self.widget.forget(it.id)
            self.set_session_status(Status("done", done))
