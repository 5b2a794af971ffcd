"""Mark done: what is left before the record can go to OCS, and WWE's Mark done itself
when nothing is (markdone.py holds WWE's block meanwhile)."""

from __future__ import annotations

from .. import views
from ..state import Interaction, Status
from .base import Panel

#: Why Mark done is not offered on a clean record whose call is still on.
CALL_ON = "Mark done comes once the call is released."


class DonePanel(Panel):
    area = "done"

    def left(self, it: Interaction) -> str | None:
        """What mark done would lose now (None: the record is clean)."""
        return self.widget.left_to_do(it)

    def offered(self, it: Interaction) -> bool:
        """The widget offers Mark done: the deployment lets it, WWE can be asked, and the
        call is over (WWE refuses a live call's mark done, and a preview is called,
        rejected or cancelled instead)."""
        return (self.widget.desktop is not None and self.widget.settings(it).mark_done
                and it.phase == "after-call")

    def render(self, it: Interaction) -> None:
        if self.widget.desktop is None or it.phase in ("preview", "offered"):
            self.dom.render("slot-done", "")
            return
        if it.done:  # only what the Mark done said, if anything
            self.dom.render("slot-done", views.mark_done_view(it.id, None, it.area(self.area).status, offered=False))
            return
        left = self.left(it)
        waiting = CALL_ON if it.phase == "call" and self.widget.settings(it).mark_done else None
        guard = self.widget.guard
        refused = guard.failures.get(it.id) if guard is not None and left is not None else None
        self.dom.render("slot-done", views.mark_done_view(it.id, left, it.area(self.area).status,
                                                          offered=self.offered(it), waiting=waiting,
                                                          unprotected=refused))

    async def mark_done(self, it: Interaction) -> None:
        """The agent's Mark done: only on a clean record (nothing is saved silently)."""
        desktop = self.widget.desktop
        if desktop is None or not self.offered(it):
            return
        left = self.left(it)
        if left is not None:
            self.set_status(it, Status("error", f"Not marked done: {left}"))
            return

        async def action() -> str:
            await desktop.interaction.mark_done(it.id)
            it.state = "COMPLETED"  # WWE's interaction event says so too
            return "Marked done: WWE sent the record to OCS."

        await self.run(it, "Marking done…", action)
        if self.shown(it):
            self.widget.render_state(it)
