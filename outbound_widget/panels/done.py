"""Mark done: what is left before the record can go to OCS, and WWE's Mark done itself
when nothing is (markdone.py holds WWE's block meanwhile)."""

from __future__ import annotations

from typing import NamedTuple

from .. import views
from ..sidebar import Sidebar
from ..state import Interaction, Status
from .base import Panel


#: Why Mark done is not offered on a clean record whose call is still on.
CALL_ON = "Mark done comes once the call is released."


class Line(NamedTuple):
    """What the Mark done line says of one interaction (views.mark_done_view's arguments)."""

    iid: str
    shown: bool = True
    status: Status = Status()
    left: str | None = None
    offered: bool = False
    waiting: str | None = None
    refused: str | None = None


class DonePanel(Panel):
    area = "done"

    def __init__(self, sidebar: Sidebar) -> None:
        super().__init__(sidebar)
        # what slot-done shows now: redrawing it unchanged on each keystroke cost the page a
        # style and layout pass of the whole form (5.6 -> 11.2 ms a key at 5,000 fields)
        self.drawn: Line | None = None

    def refresh(self, it: Interaction) -> None:
        """Redraw the line if what it says of *it* changed (after an edit, a save, a state)."""
        if self.shown(it):
            line = self._content(it)
            if line != self.drawn:
                self._draw(line)

    def left(self, it: Interaction) -> str | None:
        """What mark done would lose now (None: the record is clean)."""
        return self.sidebar.left_to_do(it)

    def offered(self, it: Interaction) -> bool:
        """The widget offers Mark done: the deployment lets it, WWE can be asked, and the
        call is over (WWE refuses a live call's mark done, and a preview is called,
        rejected or cancelled instead)."""
        return (self.sidebar.desktop is not None and self.sidebar.settings(it).mark_done
                and it.phase == "after-call")

    def _content(self, it: Interaction) -> Line:
        """What the line shows of *it* (what `render` draws, and `refresh` compares)."""
        status = it.area(self.area).status
        if self.sidebar.desktop is None or it.phase in ("preview", "offered"):
            return Line(it.id, shown=False)
        if it.done:  # only what the Mark done said, if anything
            return Line(it.id, status=status)
        left = self.left(it)
        guard = self.sidebar.guard
        return Line(it.id, status=status, left=left, offered=self.offered(it),
                    waiting=CALL_ON if it.phase == "call" and self.sidebar.settings(it).mark_done else None,
                    refused=guard.failures.get(it.id) if guard is not None and left is not None else None)

    def render(self, it: Interaction) -> None:
        self._draw(self._content(it))

    def _draw(self, line: Line) -> None:
        self.drawn = line
        self.page.render("slot-done", views.mark_done_view(line.iid, line.left, line.status, offered=line.offered,
                                                          waiting=line.waiting, unprotected=line.refused)
                        if line.shown else "")

    async def mark_done(self, it: Interaction) -> None:
        """The agent's Mark done: only on a clean record (nothing is saved silently)."""
        desktop = self.sidebar.desktop
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
            self.sidebar.render_state(it)
