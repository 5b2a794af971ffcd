"""Campaigns and preview records.

The reference gives no sample answer for `getCampaigns` or `getPreviewRecord`.
We read the keys WWE's outbound model uses (a campaign's ``name``; a preview
record's ``interactionId``, ``campaignName`` and its chain's ``records``) and
keep everything in `raw`, so nothing WWE sends is lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .chained import ChainedRecord
from .errors import MalformedResponseError


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Campaign:
    """An outbound campaign loaded or running for this agent."""

    name: str
    description: str | None = None
    mode: str | None = None
    status: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_wwe(cls, data: Any, method: str = "getCampaigns") -> Campaign:
        if isinstance(data, str) and data:
            return cls(name=data, raw={"name": data})
        if not isinstance(data, Mapping) or not _str(data.get("name")):
            raise MalformedResponseError(method, "a campaign has no name", data)
        return cls(
            name=data["name"],
            description=_str(data.get("description")),
            mode=_str(data.get("mode")),
            status=_str(data.get("status")),
            raw=dict(data),
        )


def campaigns_from_wwe(data: Any, method: str = "getCampaigns") -> list[Campaign]:
    if not isinstance(data, list):
        raise MalformedResponseError(method, f"expected a list of campaigns, got {type(data).__name__}", data)
    return [Campaign.from_wwe(item, method) for item in data]


@dataclass(frozen=True)
class PreviewRecord:
    """A preview record handed to this agent, with the interaction WWE made for it."""

    interaction_id: str | None
    campaign_name: str | None
    records: tuple[ChainedRecord, ...]
    raw: Any = field(repr=False, compare=False, default=None)

    @property
    def record_handle(self) -> int | None:
        """The handle of the chain's first record: the one to dial by default."""
        return self.records[0].record_handle if self.records else None

    @classmethod
    def from_wwe(cls, data: Any, method: str = "getPreviewRecord") -> PreviewRecord:
        if not isinstance(data, Mapping):
            raise MalformedResponseError(method, f"expected a preview record object, got {type(data).__name__}", data)
        records = data.get("records", [])
        if not isinstance(records, list):
            raise MalformedResponseError(method, "records is not a list", data)
        iid = data.get("interactionId")
        return cls(
            interaction_id=str(iid) if isinstance(iid, (str, int)) and not isinstance(iid, bool) else None,
            campaign_name=_str(data.get("campaignName")),
            records=tuple(ChainedRecord.from_wwe(r, method) for r in records),
            raw=data,
        )
