"""The widget's controller: state, WWE calls and what to show, in pure Python.

It talks to the page only through a `Dom` (render a tree into a container,
patch a few attributes, read a control) and to WWE only through `bridge`'s
`Outbound`, so it runs the same in CPython with a fake of each.

Rules it keeps:
- a failed or timed-out call shows the error with a Retry and changes no edit;
- an answer for an interaction that is no longer shown is dropped (each
  load bumps `generation`; every await checks it);
- unsaved edits are kept in the page's sessionStorage per interaction until saved.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

from bridge import (
    BridgeError, CallResult, CallResults, Campaign, ChainedRecord, Event, Field, NotInWWEError, OutboundError, Outbound,
    RecordEditor,
)
from bridge.values import FieldValueError, parse_date

from . import views
from .controls import Control, ControlKind, control_for
from .drafts import Drafts, Storage
from .tree import Node
from .zones import format_wwe, record_to_utc, zone_label

Op = tuple[Any, ...]


class Dom(Protocol):
    """What the controller needs from the page (see _dom.py for the real one)."""

    storage: Storage

    def render(self, target: str, tree: Node) -> None: ...
    def patch(self, ops: list[Op]) -> None: ...
    def read(self, element_id: str) -> str: ...
    def warn(self, message: str) -> None: ...
    def local_time(self, utc: datetime) -> tuple[str, str]: ...


def describe_error(exc: BaseException) -> str:
    """What to tell the agent about a failed call."""
    if isinstance(exc, OutboundError):
        return f"WWE refused it: {exc.error_message}"
    if isinstance(exc, BridgeError):
        return str(exc)
    return f"Unexpected error: {exc!r}"


class Widget:
    """The record-editing sidebar for one agent.

    Parameters
    ----------
    dom : Dom
        The page.
    outbound : Outbound
        WWE's outbound service.
    interaction_id : str | None
        The interaction to show first (WWE events switch it later).
    """

    def __init__(self, dom: Dom, outbound: Outbound, interaction_id: str | None = None) -> None:
        self.dom = dom
        self.outbound = outbound
        self.drafts = Drafts(dom.storage)
        self.first_interaction = interaction_id
        self.generation = 0
        self.tasks: set[asyncio.Task[Any]] = set()
        self.retries: dict[str, Callable[[], Awaitable[None]]] = {}
        self.statuses: dict[str, views.Status] = {}
        # what is shown
        self.interaction_id: str | None = None
        self.known: list[str] = []
        self.states: dict[str, str] = {}  # interaction id -> preview | active | completed
        self.campaign_of: dict[str, str] = {}
        self.fields: list[Field] = []
        self.controls: list[Control] = []
        self.editor: RecordEditor | None = None
        self.chain: list[ChainedRecord] = []
        self.call_result: CallResult | None = None
        self.dnc: dict[str, bool] = {}
        self.scheduled: dict[str, str] = {}
        # session-wide
        self.call_results: CallResults | None = None
        self.campaigns: list[Campaign] = []
        self.selected_campaign: str | None = None
        self.direct_push = False
        self.stop_events: Callable[[], None] | None = None

    # -- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        """Listen to WWE, load the session-wide lists, show the first interaction."""
        try:
            self.stop_events = self.outbound.subscribe(["outbound", "interaction"], self.on_event)
        except NotInWWEError as exc:
            self.notice(f"Not connected to WWE: {exc}")
            self.dom.render("slot-record", views.status_view("record", views.Status(
                "error", "Open this page as a WWE custom view (or in the simulator, index.html).")))
            return
        self.render_header()
        self.render_actions()
        if not self.first_interaction:
            self.render_record_placeholder("No interaction yet.")
        # The record is what the agent waits for: fetch it alongside the lists.
        await asyncio.gather(self._load_call_results(), self._load_campaigns(),
                             *([self.show(self.first_interaction)] if self.first_interaction else []))

    def close(self) -> None:
        if self.stop_events:
            self.stop_events()
            self.stop_events = None
        for task in self.tasks:
            task.cancel()

    def spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def busy(self) -> bool:
        """Whether an action or a load is still running (for tests and the page)."""
        return any(not task.done() for task in self.tasks)

    async def idle(self) -> None:
        """Wait until every action started so far is finished (for tests)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    async def _load_call_results(self) -> None:
        try:
            self.call_results = await self.outbound.get_list_of_call_results()
        except BridgeError as exc:
            self.call_results = CallResults.default()
            self.set_status("callresult", views.Status("error", f"Using the standard call results: {describe_error(exc)}"))

    async def _load_campaigns(self) -> None:
        try:
            self.campaigns = await self.outbound.get_campaigns()
        except BridgeError as exc:
            self.set_status("preview", views.Status("error", f"Could not load campaigns: {describe_error(exc)}", retry=True))
            self.retries["preview"] = self._reload_campaigns
            return
        preview = [c for c in self.campaigns if c.mode in (None, "Preview") and c.status in (None, "Active")]
        choices = preview or self.campaigns
        self.selected_campaign = choices[0].name if choices else None
        self.render_preview()

    async def _reload_campaigns(self) -> None:
        self.set_status("preview", views.Status("busy", "Loading campaigns…"))
        await self._load_campaigns()
        if self.statuses.get("preview", views.Status()).state == "busy":
            self.set_status("preview", views.Status())

    # -- showing an interaction ---------------------------------------------------------

    def remember(self, interaction_id: str, state: str | None = None, campaign: str | None = None) -> None:
        if interaction_id not in self.known:
            self.known.append(interaction_id)
        if state:
            self.states[interaction_id] = state
        if campaign:
            self.campaign_of[interaction_id] = campaign

    async def show(self, interaction_id: str) -> None:
        """Load and show an interaction's record (dropping any answer for an earlier one)."""
        self.save_draft()
        self.generation += 1
        generation = self.generation
        self.interaction_id = interaction_id
        self.remember(interaction_id)
        self.editor, self.fields, self.chain, self.call_result = None, [], [], None
        self.render_header()
        self.render_summary([])
        self.render_record_placeholder("Loading the record…", busy=True)
        self.render_actions()
        # The three reads go out together: the agent waits for one round trip, not two.
        await asyncio.gather(self._load_record(interaction_id, generation),
                             self._load_call_result(generation), self._load_chain(generation))

    async def _load_record(self, interaction_id: str, generation: int) -> None:
        try:
            fields = await self.outbound.get_record_fields(interaction_id)
        except BridgeError as exc:
            if generation == self.generation:
                self.retries["record"] = lambda: self.show(interaction_id)
                self.render_record_placeholder(f"Could not load the record: {describe_error(exc)}", error=True)
            return
        if generation != self.generation:
            return  # the agent moved on: this answer is for a record no longer shown
        self.set_fields(fields)
        restored: list[str] = self.drafts.restore(interaction_id, self.editor) if self.editor else []
        self.render_record()
        if restored:
            labels = ", ".join(self.editor.field(n).label for n in restored) if self.editor else ""
            self.notice(f"Restored {len(restored)} unsaved change(s) from before the reload: {labels}. Save or revert them.")

    def set_fields(self, fields: list[Field]) -> None:
        self.fields = fields
        self.controls = [control_for(f) for f in fields]
        for control in self.controls:
            if control.warning:
                self.dom.warn(control.warning)
        self.editor = RecordEditor(fields)

    async def _load_call_result(self, generation: int) -> None:
        await self._load_part("callresult", "the call result", generation,
                              self.outbound.get_call_result, self._show_call_result)

    async def _load_chain(self, generation: int) -> None:
        await self._load_part("chain", "the chained records", generation,
                              self.outbound.get_chained_records, self._show_chain)

    async def _load_part(self, area: str, what: str, generation: int,
                         fetch: Callable[[str], Awaitable[Any]], show: Callable[[Any], None]) -> None:
        """Fetch one part of the shown interaction into *area*; an answer for an
        interaction no longer shown is dropped, a failure is shown with a Retry."""
        iid = self.interaction_id
        assert iid is not None
        try:
            value = await fetch(iid)
        except BridgeError as exc:
            if generation == self.generation:
                self.retries[area] = lambda: self._load_part(area, what, self.generation, fetch, show)
                self.set_status(area, views.Status("error", f"Could not read {what}: {describe_error(exc)}", retry=True))
            return
        if generation == self.generation:
            show(value)

    def _show_call_result(self, result: CallResult | None) -> None:
        self.call_result = result
        self.render_call_result()

    def _show_chain(self, chain: list[ChainedRecord]) -> None:
        self.chain = chain
        self.render_chain()
        self.render_reschedule()

    # -- rendering ------------------------------------------------------------------------

    def render_header(self) -> None:
        iid = self.interaction_id
        self.dom.render("slot-header", views.header(iid, self.states.get(iid or ""), self.campaign_of.get(iid or ""), self.known))

    def render_record_placeholder(self, message: str, *, busy: bool = False, error: bool = False) -> None:
        status = views.Status("busy" if busy else "error" if error else "idle", message, retry=error)
        self.dom.render("slot-record", views.status_view("record", status))

    def render_record(self) -> None:
        assert self.editor is not None
        self.dom.render("slot-record", views.record_form(self.fields, self.controls, self.editor))

    def render_summary(self, problems: list[tuple[int, str, str]]) -> None:
        self.dom.render("slot-summary", views.error_summary(problems))

    def render_call_result(self) -> None:
        self.dom.render("slot-callresult", views.call_result_view(
            self.call_results, self.call_result, self.dnc.get(self.interaction_id or "", False),
            self.statuses.get("callresult", views.Status())))

    def reschedule_info(self) -> views.RescheduleInfo | None:
        if not self.chain or self.interaction_id is None:
            return None
        record = self.chain[0]
        return views.RescheduleInfo(record.record_handle, record.phone, zone_label(record.tz_name, record.tz_offset),
                                    self.scheduled.get(self.interaction_id))

    def render_reschedule(self) -> None:
        self.dom.render("slot-reschedule", views.reschedule_view(self.reschedule_info(), self.statuses.get("reschedule", views.Status())))

    def can_dial(self) -> bool:
        return self.states.get(self.interaction_id or "") in (None, "preview")

    def render_chain(self) -> None:
        self.dom.render("slot-chain", views.chain_view(self.chain, self.call_results, self.can_dial(),
                                                    self.statuses.get("chain", views.Status())))

    def render_preview(self) -> None:
        preview = self.interaction_id if self.states.get(self.interaction_id or "") == "preview" else None
        self.dom.render("slot-preview", views.preview_view(self.campaigns, self.selected_campaign, preview, self.direct_push,
                                                        self.statuses.get("preview", views.Status())))

    def render_actions(self) -> None:
        if self.interaction_id is None:
            for target in ("slot-callresult", "slot-reschedule", "slot-chain"):
                self.dom.render(target, "")
        else:
            self.render_call_result()
            self.render_reschedule()
            self.render_chain()
        self.render_preview()

    def set_status(self, area: str, status: views.Status) -> None:
        self.statuses[area] = status
        renderers: Mapping[str, Callable[[], None]] = {
            "callresult": self.render_call_result, "reschedule": self.render_reschedule,
            "chain": self.render_chain, "preview": self.render_preview,
        }
        if area == "record":
            self.dom.patch([("replace", "record-status", views.status_view("record", status))])
        elif area in renderers and (self.interaction_id is not None or area == "preview"):
            renderers[area]()

    def notice(self, message: str) -> None:
        self.dom.render("slot-notice", views.h("p", {"class": "notice"}, message) if message else "")

    # -- field editing --------------------------------------------------------------------

    def field_ops(self, index: int) -> list[Op]:
        """Patches that show field *index*'s state after an edit."""
        assert self.editor is not None
        field = self.fields[index]
        fid = views.field_id(index)
        problem = self.editor.problem(field.name)
        changed = self.editor.is_changed(field.name)
        count = len(self.editor.changed_names())
        return [
            ("attr", fid, "aria-invalid", "true" if problem else None),
            ("text", f"{fid}-msg", f"{field.label}: {problem}" if problem else ""),
            ("hidden", f"{fid}-msg", not problem),
            ("text", f"{fid}-was", f"was: {self.editor.original_text(field.name) or '(empty)'}"),
            ("hidden", f"{fid}-was", not changed),
            ("hidden", f"{fid}-revert", not changed),
            ("class", f"{fid}-row", "changed", changed),
            ("attr", f"{fid}-row", "data-changed", "true" if changed else None),
            ("text", "w-save", views.save_label(count)),
            ("disabled", "w-save", count == 0),
            ("disabled", "w-revert-all", count == 0),
        ]

    def edit(self, index: int, text: str, *, validate: bool) -> None:
        """A person changed field *index*; show problems only once they leave it (or save)."""
        if self.editor is None or not 0 <= index < len(self.fields):
            return
        field = self.fields[index]
        if not field.is_editable:
            return
        had_problem = self.editor.problem(field.name) is not None
        self.editor.set_text(field.name, text)
        ops = self.field_ops(index)
        if not validate and not had_problem:
            # while typing, do not shout about a half-typed value
            ops = [op for op in ops if op[1] not in (views.field_id(index), f"{views.field_id(index)}-msg")]
        self.dom.patch(ops)
        self.save_draft()

    def revert(self, index: int) -> None:
        if self.editor is None or not 0 <= index < len(self.fields):
            return
        self.editor.revert(self.fields[index].name)
        control = self.controls[index]
        value_op: Op = ("checked", views.field_id(index), self.editor.text(self.fields[index].name).lower() == "true") \
            if control.kind is ControlKind.CHECKBOX else ("value", views.field_id(index), self.editor.text(self.fields[index].name))
        self.dom.patch([value_op, *self.field_ops(index), ("focus", views.field_id(index))])
        self.save_draft()

    def revert_all(self) -> None:
        if self.editor is None:
            return
        self.editor.revert_all()
        self.render_record()
        self.render_summary([])
        self.save_draft()

    def save_draft(self) -> None:
        if self.editor is not None and self.interaction_id is not None:
            self.drafts.save(self.interaction_id, self.editor)

    async def save(self) -> None:
        editor, iid, generation = self.editor, self.interaction_id, self.generation
        if editor is None or iid is None:
            return
        problems = [(self.fields.index(editor.field(p.name)), p.label, p.message) for p in editor.problems()]
        ops: list[Op] = []
        for index, _, _ in problems:
            ops += self.field_ops(index)
        if problems:
            self.render_summary(problems)
            self.dom.patch(ops + [("focus", views.field_id(problems[0][0]))])
            return
        self.render_summary([])
        changes = len(editor.changed_names())
        if not changes:
            return
        self.retries["record"] = self.save
        self.set_status("record", views.Status("busy", f"Saving {changes} change(s)…"))
        self.dom.patch([("disabled", "w-save", True)])
        try:
            sent = await self.outbound.update_record_fields(iid, editor)
        except BridgeError as exc:
            if generation == self.generation:
                # Every edit stays: in the editor, in the controls, in the draft.
                self.set_status("record", views.Status("error", f"Not saved. {describe_error(exc)}", retry=True))
                self.dom.patch([("disabled", "w-save", False)])
            return
        self.drafts.clear(iid)
        saved = {name: editor.text(name) for name in editor.changed_names()}
        note = ""
        try:
            fresh = await self.outbound.get_record_fields(iid)
        except BridgeError as exc:
            # Saved, but WWE's copy could not be read back: what was sent is the baseline.
            fresh = [dataclasses.replace(f, value=saved[f.name]) if f.name in saved else f for f in self.fields]
            note = f" (could not read the record back: {describe_error(exc)})"
        if generation != self.generation:
            return
        self.set_fields(fresh)
        self.render_record()
        self.set_status("record", views.Status("done", f"Saved {len(sent)} change(s).{note}"))

    # -- actions ----------------------------------------------------------------------------

    async def run(self, area: str, busy: str, action: Callable[[], Awaitable[str | None]]) -> None:
        """Run an action with progress in *area*; on failure show why, with a Retry."""
        async def attempt() -> None:
            self.set_status(area, views.Status("busy", busy))
            try:
                done = await action()
            except BridgeError as exc:
                self.set_status(area, views.Status("error", describe_error(exc), retry=True))
                return
            except FieldValueError as exc:
                self.set_status(area, views.Status("error", exc.message))
                return
            self.set_status(area, views.Status("done", done or ""))

        self.retries[area] = attempt
        await attempt()

    async def set_call_result(self) -> None:
        iid = self.interaction_id
        code = self.dom.read("w-callresult")
        if iid is None:
            return
        if not code:
            self.set_status("callresult", views.Status("error", "Choose a call result first."))
            return

        async def action() -> str:
            result = await self.outbound.set_call_result(iid, int(code))
            if iid == self.interaction_id:
                self.call_result = result
            return f"Call result set: {result.label}."
        await self.run("callresult", "Setting the call result…", action)

    async def toggle_dnc(self) -> None:
        iid = self.interaction_id
        if iid is None:
            return
        turn_on = not self.dnc.get(iid, False)

        async def action() -> str:
            await (self.outbound.set_do_not_call(iid) if turn_on else self.outbound.remove_do_not_call(iid))
            self.dnc[iid] = turn_on
            return "Do Not Call set." if turn_on else "Do Not Call removed."
        await self.run("callresult", "Updating Do Not Call…", action)

    def _when_ops(self, *, local: str = "", error: str | None = None) -> list[Op]:
        """Patches for the reschedule date: its agent-local equivalent, or why it is not a date."""
        return [("text", "w-when-local", local), ("text", "w-when-error", f"Callback at: {error}" if error else ""),
                ("hidden", "w-when-error", error is None), ("attr", "w-when", "aria-invalid", "true" if error else None)]

    def preview_local_time(self, text: str) -> None:
        """Show the agent-local equivalent of the callback typed in record time."""
        info = self.chain[0] if self.chain else None
        if info is None or info.tz_offset is None or not text.strip():
            self.dom.patch(self._when_ops())
            return
        try:
            utc = record_to_utc(text.strip(), info.tz_offset)
        except FieldValueError as exc:
            self.dom.patch(self._when_ops(error=exc.message))
            return
        local, zone = self.dom.local_time(utc)
        self.dom.patch(self._when_ops(local=f"= {local} your time ({zone})"))

    async def reschedule(self) -> None:
        iid, info = self.interaction_id, self.reschedule_info()
        if iid is None or info is None or info.record_handle is None:
            return
        text = self.dom.read("w-when").strip()
        kind = self.dom.read("w-callback-type") or "PERSONAL"
        handle = info.record_handle
        try:
            parse_date(text)  # the format, before anything is sent (whether or not the zone is known)
        except FieldValueError as exc:
            self.dom.patch([*self._when_ops(error=exc.message), ("focus", "w-when")])
            return

        async def action() -> str:
            sent = await self.outbound.reschedule_record(iid, handle, text, kind)
            self.scheduled[iid] = f"{sent} {info.zone} ({kind})"
            return f"Rescheduled for {sent} record time."
        await self.run("reschedule", "Rescheduling…", action)

    async def cancel_reschedule(self) -> None:
        iid = self.interaction_id
        if iid is None:
            return

        async def action() -> str:
            await self.outbound.cancel_reschedule(iid)
            self.scheduled.pop(iid, None)
            return "Reschedule cancelled."
        await self.run("reschedule", "Cancelling the reschedule…", action)

    async def call_record(self, handle: int) -> None:
        iid = self.interaction_id
        if iid is None:
            return

        async def action() -> str:
            await self.outbound.call_preview_record(iid, handle)
            self.remember(iid, "active")
            self.render_header()
            self.render_preview()
            return f"Calling record {handle}."
        await self.run("chain", "Dialling…", action)

    async def get_preview(self) -> None:
        campaign = self.dom.read("w-campaign") or self.selected_campaign
        if not campaign:
            return
        self.selected_campaign = campaign

        async def action() -> str:
            preview = await self.outbound.get_preview_record(campaign)
            if preview.interaction_id:
                self.remember(preview.interaction_id, "preview", preview.campaign_name or campaign)
                self.spawn(self.show(preview.interaction_id))
            return f"Preview record from {campaign}."
        await self.run("preview", "Getting a preview record…", action)

    async def preview_action(self, kind: str) -> None:
        iid = self.interaction_id
        if iid is None:
            return
        if kind == "call":
            handle = self.chain[0].record_handle if self.chain else None
            if handle is None:
                self.set_status("preview", views.Status("error", "The record's chain is not loaded yet."))
                return
            await self.call_record(handle)
            return

        async def action() -> str:
            await (self.outbound.reject_preview_record(iid) if kind == "reject" else self.outbound.cancel_preview_record(iid))
            self.forget(iid)
            return "Record rejected: it goes back to the campaign." if kind == "reject" else "Record cancelled."
        await self.run("preview", "Rejecting…" if kind == "reject" else "Cancelling the record…", action)

    def forget(self, interaction_id: str) -> None:
        self.drafts.clear(interaction_id)
        if interaction_id in self.known:
            self.known.remove(interaction_id)
        self.states.pop(interaction_id, None)
        if self.interaction_id == interaction_id:
            self.generation += 1
            self.interaction_id, self.editor, self.fields, self.chain = None, None, [], []
            self.render_header()
            self.render_summary([])
            self.render_record_placeholder("That interaction is gone.")
            self.render_actions()

    async def toggle_direct_push(self) -> None:
        turn_on = not self.direct_push

        async def action() -> str:
            await (self.outbound.start_direct_push_preview() if turn_on else self.outbound.stop_direct_push_preview())
            self.direct_push = turn_on
            return "Direct push preview started: records arrive as WWE pushes them." if turn_on else "Direct push preview stopped."
        await self.run("preview", "Starting direct push…" if turn_on else "Stopping direct push…", action)

    # -- WWE events ---------------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        data: Mapping[str, Any] = event.data if isinstance(event.data, Mapping) else {}
        if event.name == "outbound" and event.event_type == "PreviewRecord" and event.interaction_id:
            self.remember(event.interaction_id, "preview", data.get("campaignName") if isinstance(data.get("campaignName"), str) else None)
            self.spawn(self.show(event.interaction_id))
        elif event.name == "interaction" and event.interaction_id:
            found = data.get("interaction")
            interaction: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
            iid = event.interaction_id
            state = interaction.get("state") if isinstance(interaction.get("state"), str) else None
            if event.event_type == "REMOVED":
                self.forget(iid)
            elif event.event_type in ("ADDED", "CHANGED"):
                if isinstance(interaction.get("doNotCall"), bool):
                    self.dnc[iid] = interaction["doNotCall"]
                self.remember(iid, state, interaction.get("campaignName") if isinstance(interaction.get("campaignName"), str) else None)
                if iid == self.interaction_id:
                    self.render_header()
                    self.render_preview()
                    self.render_chain()
                else:
                    self.render_header()

    # -- page events ----------------------------------------------------------------------------

    def handle(self, event: Mapping[str, Any]) -> None:
        """One DOM event, as the JS layer reports it (plain data)."""
        kind, action = event.get("type"), event.get("action")
        field = event.get("field")
        index = int(field) if isinstance(field, (int, str)) and str(field).isdigit() else None
        value = event.get("value")
        text = value if isinstance(value, str) else ""
        if index is not None and kind in ("input", "change", "blur") and event.get("id") == views.field_id(index):
            # (only the control itself: its Revert button carries the same data-field)
            if event.get("checkbox"):
                if kind == "change":
                    self.edit(index, "true" if event.get("checked") else "false", validate=True)
            else:
                # A number input the browser cannot read (e.g. "12abc") reports "" and
                # badInput: make the field model see something that is not a number.
                self.edit(index, "NaN" if event.get("bad") else text, validate=kind != "input")
        elif kind == "input" and event.get("id") == "w-when":
            self.preview_local_time(text)
        elif kind == "change" and action == "switch" and text:
            self.spawn(self.show(text))
        elif kind == "click":
            self.click(str(action or ""), index, event)

    def click(self, action: str, index: int | None, event: Mapping[str, Any]) -> None:
        simple: Mapping[str, Callable[[], Awaitable[None]]] = {
            "save": self.save, "set-call-result": self.set_call_result, "toggle-dnc": self.toggle_dnc,
            "reschedule": self.reschedule, "cancel-reschedule": self.cancel_reschedule,
            "get-preview": self.get_preview, "toggle-direct-push": self.toggle_direct_push,
            "call-preview": lambda: self.preview_action("call"), "reject-preview": lambda: self.preview_action("reject"),
            "cancel-preview": lambda: self.preview_action("cancel"),
        }
        if action in simple:
            self.spawn(simple[action]())
        elif action == "revert" and index is not None:
            self.revert(index)
        elif action == "revert-all":
            self.revert_all()
        elif action == "focus-field" and index is not None:
            self.dom.patch([("focus", views.field_id(index))])
        elif action == "call-record":
            handle = event.get("handle")
            if isinstance(handle, str) and handle.isdigit():
                self.spawn(self.call_record(int(handle)))
        elif action == "retry":
            retry = self.retries.get(str(event.get("area")))
            if retry:
                self.spawn(retry())
