"""WWE events as Python objects, for `Outbound.subscribe` and `Outbound.events`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Event:
    """One event from WWE: ``{event: name, data: {...}}``.

    Attributes
    ----------
    name : str
        The event namespace, e.g. ``"outbound"`` or ``"interaction"``.
    event_type : str | None
        ``data.eventType`` when present (e.g. ``"PreviewRecord"``).
    data : Any
        ``data`` as sent.
    """

    name: str
    event_type: str | None
    data: Any
    raw: Any = field(repr=False, compare=False, default=None)

    @property
    def interaction_id(self) -> str | None:
        """The interaction the event is about, if it names one."""
        if isinstance(self.data, Mapping):
            for key in ("interactionId", "id"):
                value = self.data.get(key)
                if isinstance(value, (str, int)) and not isinstance(value, bool):
                    return str(value)
            interaction = self.data.get("interaction")
            if isinstance(interaction, Mapping) and isinstance(interaction.get("interactionId"), str):
                return str(interaction["interactionId"])
        return None

    @classmethod
    def from_wwe(cls, message: Any) -> Event:
        if not isinstance(message, Mapping):
            return cls(name="", event_type=None, data=message, raw=message)
        data = message.get("data")
        event_type = data.get("eventType") if isinstance(data, Mapping) else None
        return cls(
            name=str(message.get("event", "")),
            event_type=event_type if isinstance(event_type, str) else None,
            data=data,
            raw=message,
        )
