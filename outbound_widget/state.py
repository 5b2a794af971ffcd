"""What the widget knows, one object per interaction.

Everything an agent sees about a customer — the record, its edits, the chain,
the call result, Do Not Call, the callback, and the progress or failure of each
action with its Retry — lives in that customer's `Interaction`. Switching shows
another object; nothing of one interaction can appear on, or be retried
against, another. What is not about a customer (the campaigns, the call-result
list, direct push) lives in the `Session`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bridge import CallResult, CallResults, Campaign, ChainedRecord, Field, RecordEditor
from bridge.contract import Phase, phase
from bridge.record import FieldConflict

from .controls import Control

Retry = Callable[[], Awaitable[None]]

#: The action areas of an interaction, each with its own status line.
AREAS = ("record", "call-result", "reschedule", "chain", "preview", "done")

#: WWE's interaction states the widget sets itself (WWE's events say the rest). What each
#: state allows is its phase, in one place: the contract (`bridge.contract.phase`).
PREVIEW, DIALING = "PREVIEW", "DIALING"


@dataclass(frozen=True)
class Status:
    """What an action area shows: idle, busy (with what), done or failed (with a retry)."""

    state: str = "idle"  # idle | busy | done | error
    message: str = ""
    retry: bool = False


@dataclass
class Area:
    """One action area of one interaction: its status line, its Retry, its in-flight guard."""

    status: Status = field(default_factory=Status)
    retry: Retry | None = None
    busy: bool = False


@dataclass(eq=False)
class Interaction:
    """One outbound interaction as the widget holds it."""

    id: str
    state: str | None = None  # WWE's Interaction.state (PREVIEW, DIALING, TALKING, ...); None until WWE says
    campaign: str | None = None
    dnc: bool = False
    # the record
    wwe_fields: list[Field] = field(default_factory=list)  # as WWE sent them
    fields: list[Field] = field(default_factory=list)  # as shown: the deployer's labels (layout.relabel)
    controls: list[Control] = field(default_factory=list)
    editor: RecordEditor | None = None
    load_error: str | None = None
    generation: int = 0  # bumped by every read of the record: older answers are dropped
    conflicts: tuple[FieldConflict, ...] = ()
    summary: list[tuple[int, str, str]] = field(default_factory=list)  # (row, label, problem) blocking a save
    rule_problems: dict[str, str] = field(default_factory=dict)  # field name -> the deployer's rule's message
    saving: bool = False
    # around the record
    fetched: bool = False  # its first reads have been sent
    was_preview: bool = False  # it came as a preview record (its Call / Reject / Cancel are shown)
    dialing: bool = False
    chain: list[ChainedRecord] | None = None
    chain_generation: int = 0
    call_result: CallResult | None = None
    scheduled: str | None = None
    notice: str = ""
    rule_notice: str = ""  # what the deployer's rules said of it (Reaction.notice, a failing rule), shown beside
    # what the agent entered in the action controls: a re-render shows it again
    chosen_result: str = ""
    when_text: str = ""
    callback_type: str = "PERSONAL"
    confirm_outside_window: bool = False  # warned about the calling window: "Reschedule anyway" offered
    callback_handle: int | None = None  # the chain's record the callback is for (None: the first)
    auto_dial_at: float | None = None  # loop time a timed preview dials at (outbound.timed-preview-auto-dial)
    areas: dict[str, Area] = field(default_factory=lambda: {name: Area() for name in AREAS})
    _labels: tuple[list[Field], dict[str, str]] | None = field(default=None, repr=False)

    def area(self, name: str) -> Area:
        return self.areas[name]

    def labels(self) -> dict[str, str]:
        """Field name → the label shown (built once per set of fields, not per keystroke)."""
        if self._labels is None or self._labels[0] is not self.fields:
            self._labels = (self.fields, {f.name: f.label for f in self.fields})
        return self._labels[1]

    @property
    def phase(self) -> Phase:
        """What the state allows: preview, call, after-call, done, offered or unknown (WWE decides)."""
        return phase(self.state)

    @property
    def in_preview(self) -> bool:
        """A preview record not yet dialled: Call, Reject and Cancel apply; a call result does not."""
        return self.phase == "preview"

    @property
    def in_call(self) -> bool:
        """Called (or being called): preview actions no longer apply."""
        return self.phase in ("call", "after-call", "done")

    @property
    def done(self) -> bool:
        """Marked done: WWE has sent the record to OCS and nothing of it can change."""
        return self.phase == "done"

    @property
    def record(self) -> ChainedRecord | None:
        """The chain's first record: the one the interaction is about."""
        return self.chain[0] if self.chain else None


@dataclass
class Session:
    """What is not about one customer."""

    call_results: CallResults | None = None
    results_note: str | None = None  # why the list shown is not WWE's
    campaigns: list[Campaign] = field(default_factory=list)
    campaign: str | None = None  # chosen in the picker
    direct_push: bool = False
    area: Area = field(default_factory=Area)  # "Get record", direct push, loading campaigns
