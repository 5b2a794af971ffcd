"""`interaction`: WWE's interactions (their state and user data) and mark done.

The outbound record of an outbound interaction travels in its ``userData`` (its
``GSW_*`` keys), filtered by WWE's ``service-client-api.user-data.read-allowed``; the
outbound methods still read and change the record itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from . import _args
from .contract import Phase, phase
from .errors import ArgumentTypeError, ArgumentValueError, MalformedResponseError
from .service import Service


def _text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else str(value) if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class Interaction:
    """One interaction as WWE describes it (``interaction.Interaction``).

    Attributes
    ----------
    interaction_id : str
        WWE's client-side ID: it does not survive a reload of WWE.
    state : str | None
        WWE's state, upper case (``PREVIEW``, ``DIALING``, ``TALKING``, ``HELD``,
        ``IDLE``, ``COMPLETED``, ...); `phase` says what it means for outbound.
    user_data : Mapping[str, Any]
        The attached data WWE lets this view read; an outbound record's ``GSW_*`` keys.
    raw : Mapping[str, Any]
        Everything WWE sent.

    Examples
    --------
    >>> it = Interaction.from_wwe({"interactionId": "1", "state": "Talking",
    ...                            "userData": {"GSW_CAMPAIGN_NAME": "Offer"}})
    >>> it.state, it.phase, it.campaign_name
    ('TALKING', 'call', 'Offer')
    """

    interaction_id: str
    state: str | None = None
    previous_state: str | None = None
    parent_interaction_id: str | None = None
    case_id: str | None = None
    media: str | None = None
    user_data: Mapping[str, Any] = field(default_factory=dict)
    parties: tuple[Mapping[str, Any], ...] = ()
    is_consultation: bool = False
    is_main_case_interaction: bool = False
    start_date: datetime | None = None
    call_uuid: str | None = None
    direction: str | None = None
    call_type: str | None = None
    ani: str | None = None
    dnis: str | None = None
    recording_state: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def phase(self) -> Phase:
        """``preview``, ``call``, ``after-call``, ``done``, ``offered`` or ``unknown`` (`bridge.contract.phase`)."""
        return phase(self.state)

    @property
    def campaign_name(self) -> str | None:
        """The outbound campaign (``GSW_CAMPAIGN_NAME`` in the user data), if readable."""
        return _text(self.user_data, "GSW_CAMPAIGN_NAME")

    @property
    def record_handle(self) -> int | None:
        """The outbound record's handle (``GSW_RECORD_HANDLE``), if readable."""
        value = self.user_data.get("GSW_RECORD_HANDLE")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @classmethod
    def from_wwe(cls, data: Any, method: str = "interaction.getByInteractionId") -> Interaction:
        if not isinstance(data, Mapping):
            raise MalformedResponseError(method, f"an interaction is an object, not {data!r}", data)
        iid = _text(data, "interactionId")
        if not iid:
            raise MalformedResponseError(method, "the interaction has no interactionId", data)
        user = data.get("userData")
        parties = data.get("parties")
        started = data.get("startDate")
        state, previous = _text(data, "state"), _text(data, "previousState")
        return cls(
            interaction_id=iid,
            state=state.upper() if state else None,
            previous_state=previous.upper() if previous else None,
            parent_interaction_id=_text(data, "parentInteractionId"),
            case_id=_text(data, "caseId"),
            media=_text(data, "media"),
            user_data=dict(user) if isinstance(user, Mapping) else {},
            parties=tuple(p for p in parties if isinstance(p, Mapping)) if isinstance(parties, list) else (),
            is_consultation=data.get("isConsultation") is True,
            is_main_case_interaction=data.get("isMainCaseInteraction") is True,
            start_date=(datetime.fromtimestamp(started / 1000, timezone.utc)
                        if isinstance(started, (int, float)) and not isinstance(started, bool) else None),
            call_uuid=_text(data, "callUuid"),
            direction=_text(data, "direction"),
            call_type=_text(data, "callType"),
            ani=_text(data, "ani"),
            dnis=_text(data, "dnis"),
            recording_state=_text(data, "recordingState"),
            raw=dict(data),
        )


#: The longest mark-done warning a view may send (an agent reads it in WWE's dialog).
MAX_WARNING = 2000


def _key_values(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ArgumentTypeError(f"key_values must be a mapping of user data keys to values, not {type(value).__name__}")
    if not value:
        raise ArgumentValueError("key_values is empty: pass {key: value}")
    for key, item in value.items():
        _user_data_key(key)
        if not isinstance(item, (str, int, float, bool)) and item is not None:
            raise ArgumentTypeError(f"user data {key!r} must be text, a number or a boolean, not {type(item).__name__}")
        _args.plain_data(f"user data {key!r}", item)
    return dict(value)


def _user_data_key(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ArgumentValueError(f"a user data key is a non-empty str, not {value!r}")
    return value


def _text_arg(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be a str, not {type(value).__name__}: {value!r}")
    if not value.strip():
        raise ArgumentValueError(f"{name} is empty")
    return value


class InteractionService(Service):
    """Async client for ``genesys.wwe.service.interaction``.

    Examples
    --------
    >>> from bridge.testing import FakeHost
    >>> host = FakeHost({"interaction.getByInteractionId": {"interactionId": "1", "state": "PREVIEW"}})
    >>> import asyncio
    >>> asyncio.run(InteractionService(host).get_by_interaction_id("1")).phase
    'preview'
    """

    NAMESPACE = "interaction"

    async def get_interactions(self, *, timeout: float | None = None) -> list[Interaction]:
        """Every interaction WWE holds for the agent."""
        data = await self._fetch("getInteractions", (), timeout)
        if not isinstance(data, list):
            raise MalformedResponseError("interaction.getInteractions", f"expected a list, not {data!r}", data)
        return [Interaction.from_wwe(item, "interaction.getInteractions") for item in data]

    async def get_by_interaction_id(self, interaction_id: str, *, timeout: float | None = None) -> Interaction | None:
        """The interaction, or None when WWE has none with that ID (WWE answers null)."""
        data = await self._fetch("getByInteractionId", [_args.interaction_id(interaction_id)], timeout)
        return None if data is None else Interaction.from_wwe(data)

    async def set_user_data(self, interaction_id: str, key_values: Mapping[str, Any], *,
                            timeout: float | None = None) -> None:
        """Attach *key_values* to a live interaction, overwriting keys it has.

        WWE refuses it for an interaction that is not live (a voice call in IDLE) and
        for keys ``service-client-api.user-data.write-allowed`` does not list.
        """
        await self._call("setUserData", [_args.interaction_id(interaction_id), _key_values(key_values)], timeout)

    async def delete_user_data(self, interaction_id: str, key: str, *, timeout: float | None = None) -> None:
        """Remove one user data key (same limits as `set_user_data`)."""
        await self._call("deleteUserData", [_args.interaction_id(interaction_id), _user_data_key(key)], timeout)

    async def select_case_by_case_id(self, case_id: str, *, timeout: float | None = None) -> None:
        """Show the case with that ID in WWE."""
        await self._call("selectCaseByCaseId", [_text_arg("case_id", case_id)], timeout)

    async def mark_done(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Mark the interaction done, as the agent's Done: WWE hands the record to OCS,
        after which it can no longer change. Refused while a view blocks it."""
        await self._call("markdone", [_args.interaction_id(interaction_id)], timeout)

    async def block_mark_done(self, interaction_id: str, warning_message: str, *,
                              timeout: float | None = None) -> None:
        """Refuse mark done on the interaction, showing *warning_message* to the agent who
        tries, until `unblock_mark_done` (or the interaction ends)."""
        message = _text_arg("warning_message", warning_message)
        if len(message) > MAX_WARNING:  # (WWE shows it in a dialog to the agent pressing Done)
            raise ArgumentValueError(f"warning_message is {len(message):,} characters: keep it under {MAX_WARNING:,}")
        await self._call("blockMarkdone", [_args.interaction_id(interaction_id), message], timeout)

    async def unblock_mark_done(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Let the agent mark the interaction done again."""
        await self._call("unblockMarkdone", [_args.interaction_id(interaction_id)], timeout)

    async def accept(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Accept an offered interaction."""
        await self._call("accept", [_args.interaction_id(interaction_id)], timeout)

    async def reject(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Reject an offered interaction."""
        await self._call("reject", [_args.interaction_id(interaction_id)], timeout)

    async def single_step_transfer(self, interaction_id: str, target: str | Mapping[str, Any],
                                   user_data: Mapping[str, Any] | None = None,
                                   extensions: Mapping[str, Any] | None = None, *, timeout: float | None = None) -> None:
        """Transfer in one step to *target* (a number, or ``{"type": "AGENT", "destination": ...}``)."""
        await self._call("singleStepTransfer", _target_args(interaction_id, target, user_data, extensions), timeout)

    async def single_step_conference(self, interaction_id: str, target: str | Mapping[str, Any],
                                     user_data: Mapping[str, Any] | None = None,
                                     extensions: Mapping[str, Any] | None = None, *,
                                     timeout: float | None = None) -> None:
        """Conference *target* in one step."""
        await self._call("singleStepConference", _target_args(interaction_id, target, user_data, extensions), timeout)

    async def consult(self, interaction_id: str, target: str | Mapping[str, Any],
                      user_data: Mapping[str, Any] | None = None,
                      extensions: Mapping[str, Any] | None = None, *, timeout: float | None = None) -> None:
        """Start a consultation with *target*."""
        await self._call("consult", _target_args(interaction_id, target, user_data, extensions), timeout)

    async def complete_transfer(self, consult_interaction_id: str, *, timeout: float | None = None) -> None:
        """Complete the transfer a consultation started."""
        await self._call("completeTransfer", [_args.interaction_id(consult_interaction_id)], timeout)

    async def complete_conference(self, consult_interaction_id: str, *, timeout: float | None = None) -> None:
        """Complete the conference a consultation started."""
        await self._call("completeConference", [_args.interaction_id(consult_interaction_id)], timeout)


def _target_args(interaction_id: str, target: Any, user_data: Any, extensions: Any) -> Sequence[Any]:
    if isinstance(target, str):
        _text_arg("target", target)
    elif not isinstance(target, Mapping):
        raise ArgumentTypeError(f"target must be a number as text or a target mapping, not {type(target).__name__}")
    for name, value in (("user_data", user_data), ("extensions", extensions)):
        if value is not None and not isinstance(value, Mapping):
            raise ArgumentTypeError(f"{name} must be a mapping or None, not {type(value).__name__}")
    return [_args.interaction_id(interaction_id),
            dict(_args.plain_data("target", target)) if isinstance(target, Mapping) else target,
            dict(_args.plain_data("user_data", user_data or {})), dict(_args.plain_data("extensions", extensions or {}))]
