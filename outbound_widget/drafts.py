"""Unsaved edits kept per interaction, so that a reload loses nothing.

The page's sessionStorage is the store (per tab, gone when the tab closes: the
record belongs to this call, not to the browser). Drafts hold what the agent
typed, as text; after a save only what is still unsaved stays.

While a save is on its way, what it sends is kept too (`mark_sending`): a page
reloaded before WWE answered can then tell the agent whether WWE has it, by
reading the record, instead of restoring it as unsaved and sending it again.

The storage can refuse a write: any page of the site in the tab (the console, an
integrator's view) shares it and can fill it, and a browser can withhold it from
a framed page. What it refuses is kept here in memory, so nothing typed is lost
while the page stays open, said to the agent (`unkept`), and written again as
soon as the storage takes it (`retry`). To make room for the record the agent is
on, the drafts of the other records are moved out of the storage, oldest first:
they stay in memory and are said too, never silently dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Protocol

from bridge import RecordEditor

PREFIX = "wwe-outbound-widget:draft:"
SENDING = "wwe-outbound-widget:sending:"
KNOWN = "wwe-outbound-widget:interactions"

#: The largest draft of one record kept in the storage, in characters of JSON: a record's
#: edits are a few fields; past this a runaway paste must not push out every other record.
MAX_DRAFT_CHARS = 200_000
#: All drafts and save markers together, in characters: well under the smallest quota a
#: browser gives sessionStorage (5 M characters in Chromium and Firefox), which the
#: site's other pages share.
MAX_STORED_CHARS = 1_000_000

#: Why the storage did not keep something, as `Storage.set` answers and the notice says.
FULL = "the browser's storage for this site is full"
BOUND = f"the widget keeps at most {MAX_STORED_CHARS:,} characters of unsaved edits in this tab"
TOO_LARGE = "they are larger than the widget keeps per record ({size:,} characters; at most {limit:,})"


class Storage(Protocol):
    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str) -> str | None:
        """Keep *value*; None when kept, otherwise why not (in words for the agent)."""
        ...

    def remove(self, key: str) -> None: ...


class MemoryStorage:
    """A dict-backed Storage (for CPython tests), optionally with a quota in characters
    (keys and values, as browsers count it) to stand for a full one."""

    def __init__(self, quota: int | None = None) -> None:
        self.items: dict[str, str] = {}
        self.quota = quota

    def get(self, key: str) -> str | None:
        return self.items.get(key)

    def set(self, key: str, value: str) -> str | None:
        if self.quota is not None:
            used = sum(len(k) + len(v) for k, v in self.items.items() if k != key)
            if used + len(key) + len(value) > self.quota:
                return FULL
        self.items[key] = value
        return None

    def remove(self, key: str) -> None:
        self.items.pop(key, None)


def _interaction_of(key: str) -> str | None:
    for prefix in (PREFIX, SENDING):
        if key.startswith(prefix):
            return key[len(prefix):]
    return None


class Drafts:
    """The widget's keys in the tab's storage, with what the storage would not keep
    held in memory (see the module's docstring).

    Parameters
    ----------
    storage : Storage
        The tab's sessionStorage (or a stand-in).
    on_change : Callable[[], None] | None
        Called when what the storage does not keep changes (the notice follows it).
    """

    def __init__(self, storage: Storage, on_change: Callable[[], None] | None = None) -> None:
        self.storage = storage
        self.on_change = on_change or (lambda: None)
        #: What this page wrote (None: removed): the truth for this page, whatever the storage kept.
        self.memory: dict[str, str | None] = {}
        #: The keys whose value the storage does not have, with why.
        self.unkept: dict[str, str] = {}
        #: The interaction the agent is on: its drafts are never moved out for another's.
        self.shown: str | None = None
        self._written: dict[str, int] = {}  # key -> when last written (a counter): oldest moves out first
        self._tick = 0
        self._sizes: dict[str, int] = {}  # draft/marker key -> characters the storage holds for it

    # -- the storage, through memory ---------------------------------------------------------

    def read(self, key: str) -> str | None:
        if key in self.memory:
            return self.memory[key]
        value = self.storage.get(key)
        if value is not None and _interaction_of(key) is not None:
            self._sizes[key] = len(value)
        return value

    def write(self, key: str, value: str) -> None:
        """Keep *value* under *key*: in memory at once, in the storage if it takes it."""
        self.memory[key] = value
        self._tick += 1
        self._written[key] = self._tick
        if self._store(key, value):
            self.on_change()

    def delete(self, key: str) -> None:
        self.memory[key] = None
        self._written.pop(key, None)
        self.storage.remove(key)
        self._sizes.pop(key, None)
        if self.unkept.pop(key, None) is not None:
            self.on_change()

    def _store(self, key: str, value: str, *, make_room: bool = True) -> bool:
        """Write to the storage; True when what is unkept changed. *make_room*: move other
        records' drafts out, oldest first, when the bound or the quota is reached (a retry
        does not, or it would move out what another retry just put back)."""
        before = dict(self.unkept)
        draft = _interaction_of(key) is not None
        why: str | None = None
        if draft and len(value) > MAX_DRAFT_CHARS:
            why = TOO_LARGE.format(size=len(value), limit=MAX_DRAFT_CHARS)
        elif draft:
            while sum(n for k, n in self._sizes.items() if k != key) + len(value) > MAX_STORED_CHARS:
                if not (make_room and self._move_out_one(keep=key, why=BOUND)):
                    why = BOUND
                    break
        if why is None:
            why = self.storage.set(key, value)
            while why == FULL and make_room and self._move_out_one(keep=key, why=FULL):
                why = self.storage.set(key, value)
        if why is None:
            self.unkept.pop(key, None)
            if draft:
                self._sizes[key] = len(value)
        else:
            self.unkept[key] = why
            if draft:  # (an older value left in the storage would be restored as current)
                self.storage.remove(key)
                self._sizes.pop(key, None)
        return self.unkept != before

    def _move_out_one(self, keep: str, why: str) -> bool:
        """Move the oldest draft (or marker) of another record than *keep*'s and the shown
        one's out of the storage; it stays in memory and unkept. False: none to move."""
        spared = {_interaction_of(keep), self.shown}
        candidates = [k for k in self._sizes if _interaction_of(k) not in spared]
        if not candidates:
            return False
        oldest = min(candidates, key=lambda k: self._written.get(k, 0))
        if oldest not in self.memory:
            self.memory[oldest] = self.storage.get(oldest)
        self.storage.remove(oldest)
        del self._sizes[oldest]
        self.unkept[oldest] = why
        return True

    def retry(self) -> bool:
        """Write again what the storage did not keep (the record shown first); True when
        what is unkept changed. Called while `unkept` is not empty."""
        order = sorted(self.unkept, key=lambda k: (_interaction_of(k) != self.shown, -self._written.get(k, 0)))
        changed = False
        for key in order:
            value = self.memory.get(key)
            if value is None:
                changed = self.unkept.pop(key, None) is not None or changed
            elif self.unkept[key] in (FULL, BOUND):  # (see `retryable`)
                changed = self._store(key, value, make_room=False) or changed
        if changed:
            self.on_change()
        return changed

    @property
    def retryable(self) -> bool:
        """Whether something unkept may be kept later (space freed; not storage the browser
        withholds, nor a draft too large, which only a change alters)."""
        return any(why in (FULL, BOUND) for why in self.unkept.values())

    def unkept_of(self, interaction_id: str) -> list[str]:
        """Why the storage does not keep *interaction_id*'s draft or save marker (empty: it does)."""
        return sorted({why for key, why in self.unkept.items() if _interaction_of(key) == interaction_id})

    def unkept_interactions(self) -> list[str]:
        return sorted({iid for key in self.unkept if (iid := _interaction_of(key)) is not None})

    # -- drafts ------------------------------------------------------------------------------------

    def save(self, interaction_id: str, editor: RecordEditor) -> None:
        edits = {name: editor.text(name) for name in editor.changed_names()}
        if edits:
            self.write(PREFIX + interaction_id, json.dumps(edits))
        else:
            self.delete(PREFIX + interaction_id)

    def _json(self, key: str) -> object:
        """What the storage holds under *key*, parsed; None when absent or not JSON (storage is the tab's: anything may be there)."""
        raw = self.read(key)
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None

    def _texts(self, key: str) -> dict[str, str]:
        found = self._json(key)
        return {str(k): v for k, v in found.items() if isinstance(v, str)} if isinstance(found, dict) else {}

    def load(self, interaction_id: str) -> dict[str, str]:
        return self._texts(PREFIX + interaction_id)

    def restore(self, interaction_id: str, editor: RecordEditor) -> list[str]:
        """Apply the stored edits to *editor*; returns the names restored.

        Fields that no longer exist or are no longer editable are skipped.
        """
        restored = []
        for name, text in self.load(interaction_id).items():
            if name in editor and editor.field(name).is_editable:
                editor.set_text(name, text)
                if editor.is_changed(name):
                    restored.append(name)
        return restored

    def clear(self, interaction_id: str) -> None:
        self.delete(PREFIX + interaction_id)
        self.delete(SENDING + interaction_id)

    def mark_sending(self, interaction_id: str, texts: dict[str, str]) -> None:
        """A save of these fields (name → text) has left and is not confirmed yet."""
        self.write(SENDING + interaction_id, json.dumps(texts))

    def sent_unconfirmed(self, interaction_id: str) -> dict[str, str]:
        """What a save sent before the page was reloaded, if it was never confirmed."""
        return self._texts(SENDING + interaction_id)

    def confirmed(self, interaction_id: str) -> None:
        self.delete(SENDING + interaction_id)

    def move(self, old: str, new: str) -> None:
        """The interaction got a new ID (a dialled preview): its drafts follow it."""
        for prefix in (PREFIX, SENDING):
            value = self.read(prefix + old)
            if value is not None:
                self.write(prefix + new, value)
                self.delete(prefix + old)

    def save_known(self, interactions: list[dict[str, object]]) -> None:
        """The interactions the widget knows, with what WWE's events said of them: a
        reload keeps them reachable (their drafts with them) and their state known."""
        self.write(KNOWN, json.dumps(interactions))

    def load_known(self) -> list[dict[str, object]]:
        known = self._json(KNOWN)
        if not isinstance(known, list):
            return []
        return [item for item in known if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]]

    def size_known(self, interaction_ids: Iterable[str]) -> None:
        """Learn what the storage holds for these interactions (after a reload), so the
        bound counts what earlier pages wrote."""
        for iid in interaction_ids:
            for prefix in (PREFIX, SENDING):
                self.read(prefix + iid)

    def has_unsaved(self, interaction_id: str) -> bool:
        return bool(self.load(interaction_id) or self.sent_unconfirmed(interaction_id))
