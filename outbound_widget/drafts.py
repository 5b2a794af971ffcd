"""Unsaved edits kept per interaction, so that a reload loses nothing.

The page's sessionStorage is the store (per tab, gone when the tab closes: the
record belongs to this call, not to the browser). Drafts hold what the agent
typed, as text; after a save only what is still unsaved stays.

While a save is on its way, what it sends is kept too (`mark_sending`): a page
reloaded before WWE answered can then tell the agent whether WWE has it, by
reading the record, instead of restoring it as unsaved and sending it again.
"""

from __future__ import annotations

import json
from typing import Protocol

from bridge import RecordEditor

PREFIX = "wwe-outbound-widget:draft:"
SENDING = "wwe-outbound-widget:sending:"
KNOWN = "wwe-outbound-widget:interactions"


class Storage(Protocol):
    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str) -> None: ...
    def remove(self, key: str) -> None: ...


class MemoryStorage:
    """A dict-backed Storage (for CPython tests and pages without sessionStorage)."""

    def __init__(self) -> None:
        self.items: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.items.get(key)

    def set(self, key: str, value: str) -> None:
        self.items[key] = value

    def remove(self, key: str) -> None:
        self.items.pop(key, None)


class Drafts:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def save(self, interaction_id: str, editor: RecordEditor) -> None:
        edits = {name: editor.text(name) for name in editor.changed_names()}
        if edits:
            self.storage.set(PREFIX + interaction_id, json.dumps(edits))
        else:
            self.storage.remove(PREFIX + interaction_id)

    def _json(self, key: str) -> object:
        """What the storage holds under *key*, parsed; None when absent or not JSON (storage is the tab's: anything may be there)."""
        raw = self.storage.get(key)
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
        self.storage.remove(PREFIX + interaction_id)
        self.storage.remove(SENDING + interaction_id)

    def mark_sending(self, interaction_id: str, texts: dict[str, str]) -> None:
        """A save of these fields (name → text) has left and is not confirmed yet."""
        self.storage.set(SENDING + interaction_id, json.dumps(texts))

    def sent_unconfirmed(self, interaction_id: str) -> dict[str, str]:
        """What a save sent before the page was reloaded, if it was never confirmed."""
        return self._texts(SENDING + interaction_id)

    def confirmed(self, interaction_id: str) -> None:
        self.storage.remove(SENDING + interaction_id)

    def move(self, old: str, new: str) -> None:
        """The interaction got a new ID (a dialled preview): its drafts follow it."""
        for prefix in (PREFIX, SENDING):
            value = self.storage.get(prefix + old)
            if value is not None:
                self.storage.set(prefix + new, value)
                self.storage.remove(prefix + old)

    def save_known(self, interactions: list[dict[str, object]]) -> None:
        """The interactions the widget knows, with what WWE's events said of them: a
        reload keeps them reachable (their drafts with them) and their state known."""
        self.storage.set(KNOWN, json.dumps(interactions))

    def load_known(self) -> list[dict[str, object]]:
        known = self._json(KNOWN)
        if not isinstance(known, list):
            return []
        return [item for item in known if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]]

    def has_unsaved(self, interaction_id: str) -> bool:
        return bool(self.load(interaction_id) or self.sent_unconfirmed(interaction_id))
