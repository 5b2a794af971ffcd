"""WWE's events for the widget: coalesced, bounded, handled in batches.

A real WWE sends a few events a minute; a bug, or a hostile frame on WWE's
origin, can send thousands a second, and the page must stay usable. So each
event is kept per (kind, interaction), the latest winning; a batch is handled a
moment later (COALESCE_S) within a time budget (EVENT_BUDGET_S), and drawn once
when the burst is done, loading only the record it ends on; at most
MAX_INTERACTIONS are kept. `bench/events.py` measures it.

A call that follows a dialled preview is recognised here at once (not batched):
WWE's answer to the call may come right after its event.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from bridge import Event

from .sidebar import Sidebar
from .state import PREVIEW, Interaction


#: How long WWE's events are gathered before being handled together (a burst is one batch).
COALESCE_S = 0.02
#: How long one batch of events may run before the browser gets a turn.
EVENT_BUDGET_S = 0.008
#: Interactions kept (the switcher lists them); the oldest with nothing unsaved go first.
MAX_INTERACTIONS = 100


@dataclasses.dataclass
class _Batch:
    """What a burst of WWE's events asks to draw, gathered until the burst is handled."""

    show: str | None = None
    changed: set[Interaction] = dataclasses.field(default_factory=set)
    header: bool = False



class WweEvents:
    """The widget's WWE events, gathered and handled in batches."""

    def __init__(self, widget: Sidebar) -> None:
        self.widget = widget
        self._queue: OrderedDict[tuple[str, str], Event] = OrderedDict()
        self._batch = _Batch()
        self._handle: asyncio.TimerHandle | asyncio.Handle | None = None

    @property
    def pending(self) -> bool:
        """Whether events wait to be handled."""
        return self._handle is not None

    def close(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._queue.clear()

    def receive(self, event: Event) -> None:
        iid = event.interaction_id
        if not iid or event.name not in ("outbound", "interaction"):
            return
        if event.name == "interaction" and event.event_type == "ADDED":
            try:
                self._follow_call(iid, event)  # at once: WWE's answer to the call may come next
            except Exception as exc:
                self.widget.unexpected(exc, None, None)
        key = (event.name, iid)
        self._queue.pop(key, None)  # the latest wins, in its own place in the order
        self._queue[key] = event
        if self._handle is None:
            self._handle = asyncio.get_running_loop().call_later(COALESCE_S, self._flush)

    def _flush(self) -> None:
        self._handle = None
        deadline = time.perf_counter() + EVENT_BUDGET_S
        batch = self._batch
        while self._queue and time.perf_counter() < deadline:
            _, event = self._queue.popitem(last=False)
            try:
                effect = self._apply(event)
                # the deployer's reactions (rules.py), once the widget knows what the event said
                self.widget.rules.react(event.name, event, self.widget.interactions.get(event.interaction_id or ""))
            except Exception as exc:
                self.widget.unexpected(exc, None, None)
                continue
            if effect == "show":
                batch.show = event.interaction_id
            elif isinstance(effect, Interaction):
                batch.changed.add(effect)
            elif effect == "header":
                batch.header = True
        if self._queue:  # over budget: the browser gets a turn, then the rest (drawn once, at the end)
            self._handle = asyncio.get_running_loop().call_later(0, self._flush)
            return
        self._batch = _Batch()
        self._prune()
        if batch.show is not None and batch.show in self.widget.interactions:
            self.widget.spawn(self.widget.show(batch.show))  # only the record the burst ends on is loaded
        elif self.widget.shown is not None and self.widget.shown in batch.changed:
            self.widget.render_state(self.widget.shown)
        elif batch.header or batch.changed:
            self.widget.render_header()

    def _apply(self, event: Event) -> Interaction | str | None:
        """Update what the widget knows from one event; says what to draw."""
        data: Mapping[str, Any] = event.data if isinstance(event.data, Mapping) else {}
        iid = event.interaction_id
        assert iid is not None
        if event.name == "outbound":
            if event.event_type != "PreviewRecord":
                return None
            campaign = data.get("campaignName")
            it = self.widget.remember(iid, PREVIEW, campaign if isinstance(campaign, str) else None)
            it.was_preview = True
            return "show"
        if event.event_type == "REMOVED":
            self.widget.forget(iid, draw=False)
            return "header" if self.widget.shown is not None else None
        if event.event_type not in ("ADDED", "CHANGED"):
            return None
        found = data.get("interaction")
        interaction: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        # WWE's Interaction has the state; the campaign is the record's, in its user data
        # (contract "outbound-record-in-user-data"); a top-level campaignName or doNotCall
        # (not documented) is read where a WWE sends one.
        user = interaction.get("userData")
        record: Mapping[str, Any] = user if isinstance(user, Mapping) else {}
        state, dnc = interaction.get("state"), interaction.get("doNotCall")
        campaign = record.get("GSW_CAMPAIGN_NAME", interaction.get("campaignName"))
        new = iid not in self.widget.interactions
        it = self.widget.remember(iid)
        before = (it.state, it.campaign, it.dnc)
        self.widget.remember(iid, state if isinstance(state, str) else None, campaign if isinstance(campaign, str) else None)
        if isinstance(dnc, bool):
            it.dnc = dnc
        if before != (it.state, it.campaign, it.dnc):
            return it
        return "header" if new else None

    def _follow_call(self, iid: str, event: Event) -> None:
        """A dialled preview became a call with a new interaction ID: the record follows it.

        The reference: "For Preview and Push Preview modes, once the call is made the ID
        provided becomes the new interaction ID that corresponds to the call." The new
        interaction names the preview (``previousInteractionId``) or, failing that, carries
        the same calling-list record (``GSW_CHAIN_ID`` and ``GSW_RECORD_HANDLE`` in its
        user data) as the one interaction this widget has just dialled.
        """
        if iid in self.widget.interactions:
            return
        data = event.data if isinstance(event.data, Mapping) else {}
        found = data.get("interaction")
        interaction: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        previous = interaction.get("previousInteractionId")
        if not (isinstance(previous, str) and previous in self.widget.interactions):
            user = interaction.get("userData")
            record: Mapping[str, Any] = user if isinstance(user, Mapping) else {}
            matches = [it.id for it in self.widget.interactions.values()
                       if (it.dialing or it.phase == "call") and it.was_preview and it.record is not None
                       and record.get("GSW_CHAIN_ID") is not None
                       and record.get("GSW_CHAIN_ID") == it.record.chain_id
                       and any(r.record_handle == record.get("GSW_RECORD_HANDLE") for r in it.chain or ())]
            if len(matches) != 1:
                return
            previous = matches[0]
        self.widget.rekey(previous, iid)

    def _prune(self) -> None:
        """Keep at most MAX_INTERACTIONS: the oldest with nothing unsaved or running go first."""
        excess = len(self.widget.interactions) - MAX_INTERACTIONS
        if excess <= 0:
            return
        for iid, it in list(self.widget.interactions.items()):
            if excess <= 0:
                break
            idle = not any(area.busy for area in it.areas.values()) and not it.saving and not it.dialing
            if it is not self.widget.shown and idle and not (it.editor and it.editor.has_changes()):
                del self.widget.interactions[iid]
                excess -= 1
