"""Mark done never takes a record with work left in the widget.

The vendor reference: "The updated fields are sent to Outbound Contact Server when the
record is marked done". Whatever the widget still holds then (edits not saved, a save or
another write on its way, fields that fail a check or a rule, no call result where the
deployment asks for one) would never reach OCS, and the agent would not be told. So while
any of that is true for an interaction, the widget holds WWE's ``blockMarkdone`` on it,
with a message that says what is left ("2 unsaved changes in Phone, Note"), and releases
it (``unblockMarkdone``) the moment the record is clean.

One call per interaction is on its way at a time; when it returns, the guard looks again
and sends the latest state if it changed meanwhile, so WWE ends up holding what is true
now, never an older message. A failed call is retried on the next change (and said once).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from bridge import DEFAULT_CALL_RESULTS, BridgeError

from .state import Interaction

if TYPE_CHECKING:
    from bridge import InteractionService

#: Where writes show they are on their way (the areas whose actions change WWE's record).
WRITING_AREAS = ("record", "call-result", "reschedule")
#: How many field labels the message names before "and N more".
NAMED = 3
#: The call result of a record no agent has resulted yet: OCS's "Unknown Call Result" (28),
#: what GSW_CALL_RESULT holds until someone sets one.
NOT_SET = DEFAULT_CALL_RESULTS["UNKNOWN"]
#: The message's longest text: WWE shows it in a dialog, not a document.
MAX_MESSAGE = 300


def _names(labels: list[str]) -> str:
    shown = ", ".join(labels[:NAMED])
    return shown + (f" and {len(labels) - NAMED} more" if len(labels) > NAMED else "")


def left_to_do(it: Interaction, *, unsaved_elsewhere: bool = False, needs_call_result: bool = False) -> str | None:
    """What the widget still holds of *it* that mark done would lose, as the agent should
    read it, or None when the record is clean.

    *unsaved_elsewhere*: the tab's drafts hold edits of a record not loaded here (after a
    reload, before the agent opens it). *needs_call_result*: the deployment asks for one.
    """
    if it.done:
        return None  # WWE has sent it to OCS: nothing is left to protect
    parts: list[str] = []
    editor = it.editor
    if editor is not None:
        changed = editor.changed_names()
        if changed:
            labels = [_label(it, name) for name in changed]
            parts.append(f"{len(changed)} unsaved change{'s' if len(changed) != 1 else ''} in {_names(labels)}")
    elif unsaved_elsewhere:
        parts.append("unsaved changes kept from before a reload")
    if it.saving or any(it.area(name).busy for name in WRITING_AREAS):
        parts.append("a save to WWE is on its way")
    if it.conflicts:
        parts.append(f"{len(it.conflicts)} field(s) WWE changed while you edited them")
    problems = _to_correct(it)
    if problems:
        parts.append(f"{len(problems)} field{'s' if len(problems) != 1 else ''} to correct ({_names(problems)})")
    todo = ["Save or revert"] if parts else []  # (what saving or reverting settles)
    if needs_call_result and it.in_call and (it.call_result is None or it.call_result.code == NOT_SET):
        parts.append("no call result set")
        todo.append("set a call result" if todo else "Set a call result")
    if not parts:
        return None
    text = "Outbound record: " + "; ".join(parts) + f". {' and '.join(todo)} in the outbound widget first."
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1] + "…"


def _to_correct(it: Interaction) -> list[str]:
    """The labels of the fields the agent changed that fail a check or a rule (WWE's own
    values are WWE's business: a field the agent did not touch does not block)."""
    editor = it.editor
    if editor is None:
        return []
    names = [name for name in editor.changed_names() if editor.problem(name)]
    names += [name for name in it.rule_problems if name not in names]
    return [_label(it, name) for name in names]


def _label(it: Interaction, name: str) -> str:
    """A field as the agent sees it: the deployer's label, else WWE's, else its name."""
    return it.labels().get(name) or name


class MarkDoneGuard:
    """Holds and releases WWE's mark-done block of each interaction the widget knows.

    Parameters
    ----------
    interaction : InteractionService
        WWE's interaction namespace (``blockMarkdone``, ``unblockMarkdone``).
    left : Callable[[Interaction], str | None]
        What is left to do on an interaction (`left_to_do` with the widget's settings).
    spawn : Callable
        Runs a coroutine as one of the widget's tasks.
    warn : Callable[[str], None]
        Where a failed block is said (once per kind of failure).
    failed : Callable[[str], None]
        Called with the interaction's ID when WWE refused its block or release, and
        when a later call worked again (`failures` says which): the widget shows it.
    """

    def __init__(self, interaction: InteractionService, left: Callable[[Interaction], str | None],
                 spawn: Callable[..., None], warn: Callable[[str], None],
                 failed: Callable[[str], None] = lambda iid: None) -> None:
        self.interaction = interaction
        self.left = left
        self.spawn = spawn
        self.warn = warn
        # what WWE holds for each interaction, as far as we know: a message, or None (no
        # block: what an interaction the widget just learnt of has)
        self.held: dict[str, str | None] = {}
        # interactions whose block is not known: from before a reload, or after a failed call
        self.unknown: set[str] = set()
        self._sending: set[str] = set()
        self._due: dict[str, Interaction] = {}
        self._warned: set[str] = set()
        self.on_failure = failed
        # what WWE refused, per interaction: the agent must know its Done is not held back
        self.failures: dict[str, str] = {}

    def touch(self, it: Interaction) -> None:
        """*it* may have changed: look again once the current turn of the loop is over
        (many changes in one turn, one look)."""
        first = not self._due
        self._due[it.id] = it
        if first:
            try:
                asyncio.get_running_loop().call_soon(self._flush)
            except RuntimeError:  # no loop (state built by hand in a test)
                self._due.clear()

    def resync(self, interactions: Iterable[Interaction]) -> None:
        """After a (re)start: what WWE holds for these is not known (a block from before a
        reload, or none): each is blocked or released as it stands now."""
        for it in interactions:
            self.unknown.add(it.id)
            self.touch(it)

    def _flush(self) -> None:
        due, self._due = self._due, {}
        for it in due.values():
            if it.id not in self._sending and (it.id in self.unknown or self._wanted(it) != self.held.get(it.id)):
                self._sending.add(it.id)
                self.spawn(self._sync(it))

    def _wanted(self, it: Interaction) -> str | None:
        return self.left(it)

    async def _sync(self, it: Interaction) -> None:
        """Send WWE what *it* needs now, until what WWE holds is what is true."""
        try:
            while True:
                iid, wanted = it.id, self._wanted(it)
                if iid not in self.unknown and self.held.get(iid) == wanted:
                    return
                try:
                    if wanted is None:
                        await self.interaction.unblock_mark_done(iid)
                    else:
                        await self.interaction.block_mark_done(iid, wanted)
                except BridgeError as exc:
                    self.unknown.add(iid)  # not known: the next change tries again
                    self._failed(iid, exc, wanted is not None)
                    return
                self.held[iid] = wanted
                self.unknown.discard(iid)
                if self.failures.pop(iid, None) is not None:
                    self.on_failure(iid)
                if it.id != iid:  # re-keyed meanwhile (a preview's call got a new ID)
                    self.held.pop(iid, None)
        finally:
            self._sending.discard(it.id)

    def _failed(self, iid: str, exc: BridgeError, blocking: bool) -> None:
        what = "hold WWE's Done back while work is left" if blocking else "release its Mark done block"
        self.failures[iid] = f"WWE did not let the widget {what} ({exc})"
        kind = type(exc).__name__ + str(blocking)
        if kind not in self._warned:
            self._warned.add(kind)
            self.warn(f"outbound widget: {self.failures[iid]}")
        self.on_failure(iid)

    def forget(self, interaction_id: str) -> None:
        """The interaction is gone: WWE ends its blocks with it."""
        self.held.pop(interaction_id, None)
        self.unknown.discard(interaction_id)
        self._due.pop(interaction_id, None)
        self.failures.pop(interaction_id, None)

    def rekey(self, old: str, new: str) -> None:
        """The call of preview *old* is interaction *new*: its block is looked at again there."""
        self.held.pop(old, None)
        self.unknown.discard(old)

    def blocked(self) -> list[str]:
        """The interactions WWE holds a block for (what a pagehide must release)."""
        return [iid for iid, message in self.held.items() if message is not None]
