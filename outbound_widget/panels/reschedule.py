"""Rescheduling: a callback in the record's time zone, checked before it is sent."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

from bridge.values import DATE_FORMAT, FieldValueError, parse_date

from .. import views
from ..state import Interaction
from ..zones import format_wwe, zone_label
from .base import Panel

# OCS offsets run from UTC-12 to UTC+14 (as bridge.schedule checks).
_MAX_OFFSET = 14 * 3600
FORMAT_HINT = "write it as MM/DD/YYYY HH:MM, with two digits for the month, day, hour and minute, e.g. 05/27/2031 09:05"


class ReschedulePanel(Panel):
    area = "reschedule"

    @staticmethod
    def offset(it: Interaction) -> int | None:
        """The record's GSW_TZ_OFFSET when it is a real UTC offset (None: unknown)."""
        record = it.record
        offset = record.tz_offset if record else None
        return offset if offset is not None and abs(offset) <= _MAX_OFFSET else None

    def check(self, it: Interaction, text: str) -> tuple[str, str | None]:
        """(the agent-local equivalent of *text*, why it cannot be sent), as the agent types."""
        text = text.strip()
        if not text:
            return "", None
        try:
            naive = parse_date(text)
        except FieldValueError as exc:
            return "", exc.message
        if naive.strftime(DATE_FORMAT) != text:
            # what rescheduleRecord takes, exactly (bridge.schedule.format_reschedule refuses the rest)
            return "", FORMAT_HINT
        offset = self.offset(it)
        if offset is None:
            return "the record's time zone is unknown: no agent-time equivalent, and no check against the clock", None
        zone = timezone(timedelta(seconds=offset))
        utc = naive.replace(tzinfo=zone).astimezone(timezone.utc)
        now = self.widget.clock()
        if utc <= now:
            return "", f"{text} is in the past: it is now {format_wwe(now.astimezone(zone))} in the record's time zone"
        local, agent_zone = self.dom.local_time(utc)
        return f"= {local} your time ({agent_zone})", None

    def info(self, it: Interaction) -> views.RescheduleInfo | None:
        record = it.record
        if record is None:
            return None
        local, error = self.check(it, it.when_text)
        offset = self.offset(it)
        zone = zone_label(record.tz_name, offset) if offset is not None or record.tz_offset is None else \
            f"{record.tz_name or 'unknown'} (offset {record.tz_offset} s is not a UTC offset)"
        return views.RescheduleInfo(record.record_handle, record.phone, zone, it.scheduled, it.when_text,
                                    it.callback_type, local, error)

    def render(self, it: Interaction) -> None:
        if not self.shown(it):
            return  # its state is kept; it is drawn when shown
        self.dom.render("slot-reschedule", views.reschedule_view(it.id, self.info(it), it.area(self.area).status))

    def when_ops(self, local: str, error: str | None) -> list[tuple[Any, ...]]:
        return [("text", "w-when-local", local), ("text", "w-when-error", f"Callback at: {error}" if error else ""),
                ("hidden", "w-when-error", error is None), ("attr", "w-when", "aria-invalid", "true" if error else None)]

    def typed(self, it: Interaction, text: str) -> None:
        """The agent is typing the callback: show its agent-local time, or what is wrong."""
        it.when_text = text
        local, error = self.check(it, text)
        # while typing, only a complete date is judged
        if error and len(text.strip()) < len("MM/DD/YYYY HH:MM"):
            error = None
        self.patch(it, self.when_ops(local, error))

    async def reschedule(self, it: Interaction, text: str, callback_type: str) -> None:
        record = it.record
        if record is None or record.record_handle is None:
            return
        it.when_text, it.callback_type = text, callback_type or "PERSONAL"
        local, error = self.check(it, text)
        if not text.strip():
            error = "enter the callback's date and time"
        if error:
            self.patch(it, [*self.when_ops(local, error), ("focus", "w-when")])
            return
        handle, kind, zone = record.record_handle, it.callback_type, self.info(it)

        async def action() -> str:
            sent = await self.outbound.reschedule_record(it.id, handle, text.strip(), kind)
            it.scheduled = f"{sent} {zone.zone if zone else ''} ({kind})"
            if self.shown(it):
                self.render(it)
            self.widget.chain.reload(it)
            return f"Rescheduled for {sent} record time."

        await self.run(it, "Rescheduling…", action)

    async def cancel(self, it: Interaction) -> None:
        async def action() -> str:
            await self.outbound.cancel_reschedule(it.id)
            it.scheduled = None
            if self.shown(it):
                self.render(it)
            self.widget.chain.reload(it)
            return "Reschedule cancelled."

        await self.run(it, "Cancelling the reschedule…", action)



