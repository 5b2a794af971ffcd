"""Rescheduling: a callback in the record's time zone, checked before it is sent.

The record's zone is read at the callback's own instant (`bridge.zones`: right on
both sides of a daylight-saving change); a callback in the past is refused; one
outside the record's daily calling window is a warning the agent must confirm
("Reschedule anyway"), since OCS would not dial it then.
"""

from __future__ import annotations

from typing import Any

from bridge import ArgumentValueError, CallingWindow, RecordZone
from bridge.values import DATE_FORMAT, FieldValueError, parse_date

from .. import views
from ..sidebar import Sidebar
from ..signals import CHAIN_LOADED, RECORD_CHANGED
from ..state import Interaction
from .base import MARKED_DONE, Panel

FORMAT_HINT = "write it as MM/DD/YYYY HH:MM, with two digits for the month, day, hour and minute, e.g. 05/27/2031 09:05"


class Check:
    """What the agent typed, judged: its agent-local time, and why it cannot or should not be sent."""

    def __init__(self, local: str = "", error: str | None = None, warning: str | None = None) -> None:
        self.local, self.error, self.warning = local, error, warning


class ReschedulePanel(Panel):
    area = "reschedule"

    def __init__(self, sidebar: Sidebar) -> None:
        super().__init__(sidebar)
        sidebar.signals.connect(CHAIN_LOADED, self.render)  # its callback is for the chain's first record

    def privilege(self, it: Interaction) -> str:
        """The privilege that governs rescheduling *it* now: before the call (a preview not yet
        dialled) or after. The reference: rescheduleRecord works whatever they say, so the
        widget is where they are enforced."""
        return "can-reschedule-before-call" if it.in_preview else "can-reschedule"

    def allowed(self, it: Interaction) -> bool:
        return self.sidebar.settings(it).allows(self.privilege(it))

    def callback_record(self, it: Interaction) -> Any:
        """The chain's record the callback is for: the first, or the one the agent chose
        (``privilege.outbound.can-reschedule-on-new-number``)."""
        chain = it.chain or []
        if it.callback_handle is not None and self.sidebar.settings(it).allows("can-reschedule-on-new-number"):
            for record in chain:
                if record.record_handle == it.callback_handle:
                    return record
        return it.record

    def zone(self, it: Interaction) -> RecordZone | None:
        record = self.callback_record(it)
        return RecordZone.of(record.tz_name, record.tz_offset) if record is not None else None

    def agent_time(self, zone: RecordZone, local: Any) -> str:
        """A record-time moment as the agent's wall clock (HH:MM)."""
        text, _ = self.browser.local_time(zone.to_utc(local))
        return str(text)[-5:]

    def window_text(self, it: Interaction, zone: RecordZone, window: CallingWindow, day: Any) -> str:
        """``08:00–21:00 record time (14:00–03:00 your time)`` on *day* (the callback's, or today)."""
        if not zone.known:
            return f"{window} record time"
        start = self.agent_time(zone, day.replace(hour=window.start.hour, minute=window.start.minute))
        end = self.agent_time(zone, day.replace(hour=window.end.hour, minute=window.end.minute))
        return f"{window} record time ({start}–{end} your time)"

    def check(self, it: Interaction, text: str) -> Check:
        """The callback as typed: its agent-local time, or what is wrong, or what to confirm."""
        text = text.strip()
        if not text:
            return Check()
        try:
            naive = parse_date(text)
        except FieldValueError as exc:
            return Check(error=exc.message)
        if naive.strftime(DATE_FORMAT) != text:
            # what rescheduleRecord takes, exactly (bridge.schedule.format_reschedule refuses the rest)
            return Check(error=FORMAT_HINT)
        zone = self.zone(it)
        if zone is None or not zone.known:
            return Check(local="the record's time zone is unknown: no agent-time equivalent, and no check against "
                               "the clock or the calling window")
        try:
            utc = zone.to_utc(naive)
        except ArgumentValueError as exc:
            return Check(local=str(exc))
        if zone.to_local(utc) != naive:  # a daylight-saving change skips it: no such time there
            return Check(error=f"{text} does not exist in the record's time zone: its clocks go forward then "
                               f"(it would be {zone.to_local(utc).strftime('%H:%M')}); enter another time")
        now = self.sidebar.clock()
        if utc <= now:
            return Check(error=f"{text} is in the past: it is now {zone.to_local(now).strftime(DATE_FORMAT)} in the record's time zone")
        local, agent_zone = self.browser.local_time(utc)
        window = CallingWindow.of(self.callback_record(it))
        warning = None
        if window is not None and not window.contains(naive.time()):
            warning = (f"{naive.strftime('%H:%M')} is outside the customer's calling window, "
                       f"{self.window_text(it, zone, window, naive)}: OCS would not dial it then.")
        return Check(local=f"= {local} your time ({agent_zone})", warning=warning)

    def zone_label(self, it: Interaction, zone: RecordZone, at: Any) -> str:
        """The record's zone as the agent reads it, with its offset at *at* (an aware instant)."""
        if zone.known:
            return zone.label(at)
        record = self.callback_record(it)
        if record is not None and record.tz_offset is not None:
            return f"{record.tz_name or 'unknown'} (offset {record.tz_offset} s is not a UTC offset)"
        return zone.label()

    def numbers(self, it: Interaction) -> list[tuple[int, str]]:
        """The chain's numbers the callback may go to (handle, label): more than one only with
        ``privilege.outbound.can-reschedule-on-new-number``."""
        if not self.sidebar.settings(it).allows("can-reschedule-on-new-number"):
            return []
        return [(r.record_handle, f"{r.phone or r.record_handle} ({r.phone_type_label})" if r.phone_type_label else
                 str(r.phone or r.record_handle)) for r in it.chain or () if r.record_handle is not None]

    def info(self, it: Interaction) -> views.RescheduleInfo | None:
        record, zone = self.callback_record(it), self.zone(it)
        if record is None or zone is None:
            return None
        checked = self.check(it, it.when_text)
        window = CallingWindow.of(record)
        window_text = None
        if window is not None:
            day = zone.to_local(self.sidebar.clock()) if zone.known else None
            window_text = self.window_text(it, zone, window, day) if day is not None else f"{window} record time"
        label = self.zone_label(it, zone, self.sidebar.clock())
        numbers = self.numbers(it)
        return views.RescheduleInfo(record.record_handle, record.phone, label, it.scheduled, it.when_text,
                                    it.callback_type, checked.local, checked.error, checked.warning, window_text,
                                    zone.note, it.confirm_outside_window, numbers if len(numbers) > 1 else ())

    def render(self, it: Interaction) -> None:
        if not self.shown(it):
            return  # its state is kept; it is drawn when shown
        settings = self.sidebar.settings(it)
        if not settings.shows("reschedule") or not (settings.allows("can-reschedule")
                                                    or settings.allows("can-reschedule-before-call")):
            self.page.render("slot-reschedule", "")
            return
        if it.done:
            self.page.render("slot-reschedule", views.reschedule_view(it.id, None, it.area(self.area).status,
                                                                     unavailable=MARKED_DONE))
            return
        if not self.allowed(it):
            later = "once the record has been called" if it.in_preview else "before the call only"
            self.page.render("slot-reschedule", views.reschedule_view(it.id, None, it.area(self.area).status,
                                                                     unavailable=f"Rescheduling is available {later}."))
            return
        self.page.render("slot-reschedule", views.reschedule_view(it.id, self.info(it), it.area(self.area).status))

    def when_ops(self, checked: Check, *, confirm: bool = False) -> list[tuple[Any, ...]]:
        error, warning = checked.error, checked.warning
        return [("text", "w-when-local", checked.local), ("text", "w-when-error", f"Callback at: {error}" if error else ""),
                ("hidden", "w-when-error", error is None), ("attr", "w-when", "aria-invalid", "true" if error else None),
                ("text", "w-when-warning", warning or ""), ("hidden", "w-when-warning", warning is None),
                ("hidden", "w-reschedule-anyway", not (confirm and warning))]

    def typed(self, it: Interaction, text: str) -> None:
        """The agent is typing the callback: show its agent-local time, or what is wrong."""
        it.when_text, it.confirm_outside_window = text, False
        checked = self.check(it, text)
        # while typing, only a complete date is judged
        if checked.error and len(text.strip()) < len("MM/DD/YYYY HH:MM"):
            checked.error = None
        self.patch(it, self.when_ops(checked))

    def choose_number(self, it: Interaction, handle: str) -> None:
        """The agent picked the chain's record the callback is for."""
        it.callback_handle = int(handle) if handle.isdecimal() and handle.isascii() else None
        if self.shown(it):
            self.render(it)  # its zone and calling window are that record's

    async def reschedule(self, it: Interaction, text: str, callback_type: str, *, anyway: bool = False) -> None:
        """Send the callback; one outside the calling window is sent only once the agent confirms (*anyway*)."""
        if self.withheld(it, self.privilege(it)):
            return
        record = self.callback_record(it)
        if record is None or record.record_handle is None:
            return
        it.when_text, it.callback_type = text, callback_type or "PERSONAL"
        checked = self.check(it, text)
        if not text.strip():
            checked.error = "enter the callback's date and time"
        if checked.error or (checked.warning and not anyway):
            it.confirm_outside_window = checked.error is None
            self.patch(it, [*self.when_ops(checked, confirm=it.confirm_outside_window),
                            ("focus", "w-when" if checked.error else "w-reschedule-anyway")])
            return
        it.confirm_outside_window = False
        handle, kind = record.record_handle, it.callback_type
        zone = self.zone(it)
        assert zone is not None  # the record is there
        # the zone as it will be at the callback (PDT in July for a record read in December)
        label = self.zone_label(it, zone, zone.to_utc(parse_date(text.strip())) if zone.known else None)

        async def action() -> str:
            # The widget checked the past and the window with the same rules; the agent
            # confirmed a callback outside the window, so the bridge is told so.
            sent = await self.outbound.reschedule_record(it.id, handle, text.strip(), kind,
                                                         allow_outside_window=anyway, allow_past=False)
            it.scheduled = f"{sent} {label} ({kind})" + (" outside the calling window" if anyway else "")
            if self.shown(it):
                self.render(it)
            self.sidebar.signals.emit(RECORD_CHANGED, it)
            return f"Rescheduled for {sent} record time."

        await self.run(it, "Rescheduling…", action)

    async def cancel(self, it: Interaction) -> None:
        if self.withheld(it, self.privilege(it)):
            return

        async def action() -> str:
            await self.outbound.cancel_reschedule(it.id)
            it.scheduled = None
            if self.shown(it):
                self.render(it)
            self.sidebar.signals.emit(RECORD_CHANGED, it)
            return "Reschedule cancelled."

        await self.run(it, "Cancelling the reschedule…", action)
