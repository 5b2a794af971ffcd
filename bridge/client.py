"""`Outbound`: the 17 methods of `genesys.wwe.service.outbound` as async Python."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from . import _args
from ._numbers import whole_number
from .call_results import CallResult, CallResults, check_call_result_type
from .campaigns import Campaign, PreviewRecord, campaigns_from_wwe
from .chained import ChainedRecord, chained_from_wwe
from .contract import phase
from .errors import ArgumentTypeError, ArgumentValueError, BridgeError, BridgeTimeoutError, MalformedResponseError
from .events import Event
from .fields import Field, fields_from_wwe
from .host import Host
from .rate_limit import RateLimit
from .record import RecordEditor, validate_record_data
from .schedule import CallbackType, CallingWindow, check_callback, record_local
from .schedule import callback_type as check_callback_type
from .service import DEFAULT_TIMEOUT, EventStream, Service, data_of
from .values import DATE_FORMAT
from .zones import MAX_OFFSET, RecordZone

__all__ = ["DEFAULT_TIMEOUT", "EventStream", "Outbound"]

#: The phases of a preview's interaction once it has been dialled (it keeps its ID).
CALLED_PHASES = ("call", "after-call", "done")


class Outbound(Service):
    """Async client for WWE's outbound service.

    Parameters
    ----------
    host : Host | None
        How to reach WWE. None: the page's `genesys.wwe.service` (in Pyodide).
        In CPython pass a `bridge.testing.FakeHost`.
    timeout : float
        Default seconds to wait for each answer (per call: ``timeout=``).
    clock : callable, optional
        The current time (aware), for refusing callbacks in the past; tests pass their own.
    rate_limit : RateLimit, optional
        WWE's rate limit for this view, as configured in WWE: the bridge paces its
        requests under it, or fails fast during a quarantine (see `bridge.rate_limit`).

    Examples
    --------
    >>> from bridge import outbound
    >>> fields = await outbound.get_record_fields(iid)
    >>> fields[1].name, fields[1].value
    ('GSW_CUSTOM_STRING', 'Custom message')
    """

    NAMESPACE = "outbound"

    def __init__(self, host: Host | None = None, *, timeout: float = DEFAULT_TIMEOUT,
                 clock: Callable[[], datetime] | None = None, rate_limit: RateLimit | None = None) -> None:
        super().__init__(host, timeout=timeout, rate_limit=rate_limit)
        self._clock = clock or (lambda: datetime.now(timezone.utc))  # "now", for callbacks in the past
        self._call_results: CallResults | None = None

    # -- campaigns and preview ------------------------------------------------

    async def get_campaigns(self, *, timeout: float | None = None) -> list[Campaign]:
        """The outbound campaigns (loaded or active) of the current agent."""
        return campaigns_from_wwe(await self._fetch("getCampaigns", (), timeout))

    async def get_preview_record(self, campaign_name: str, *, timeout: float | None = None) -> PreviewRecord:
        """Ask Outbound Contact Server for a preview record of *campaign_name*."""
        data = await self._fetch("getPreviewRecord", [_args.campaign_name(campaign_name)], timeout)
        return PreviewRecord.from_wwe(data)

    async def call_preview_record(self, interaction_id: str, record_handle: int, *, timeout: float | None = None) -> None:
        """Dial the record *record_handle* of the preview interaction's chain."""
        args = [_args.interaction_id(interaction_id), _args.record_handle(record_handle)]
        await self._call("callPreviewRecord", args, timeout)

    async def dial_preview_record(self, interaction_id: str, record_handle: int, *, timeout: float | None = None) -> str:
        """Dial record *record_handle* of a preview and return the interaction ID of the call.

        The reference: "For Preview and Push Preview modes, once the call is made the ID
        provided becomes the new interaction ID that corresponds to the call." Use the
        returned ID for everything after the dial (call result, reschedule, fields). It is
        learned from WWE's ``interaction`` event: a new interaction naming the preview
        (``previousInteractionId``) or carrying the same record; a WWE that keeps the
        preview's ID says so with a CHANGED event for it, and that ID is returned.

        Raises
        ------
        BridgeTimeoutError
            When WWE announces no interaction for the call within *timeout*.
        """
        iid = _args.interaction_id(interaction_id)
        handle = _args.record_handle(record_handle)
        waited = _args.timeout(timeout, self._timeout)
        chain = {r.chain_id for r in await self.get_chained_records(iid, timeout=timeout) if r.record_handle == handle}
        announced: asyncio.Future[str] = asyncio.get_running_loop().create_future()

        def on_event(event: Event) -> None:
            data = event.data if isinstance(event.data, Mapping) else {}
            found = data.get("interaction")
            interaction: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
            user = interaction.get("userData")
            record: Mapping[str, Any] = user if isinstance(user, Mapping) else {}
            new = event.interaction_id
            if announced.done() or new is None:
                return
            if event.event_type == "ADDED" and (interaction.get("previousInteractionId") == iid or (
                    record.get("GSW_RECORD_HANDLE") == handle and record.get("GSW_CHAIN_ID") in chain)):
                announced.set_result(new)
            elif event.event_type == "CHANGED" and new == iid and phase(interaction.get("state")) in CALLED_PHASES:
                announced.set_result(iid)

        stop = self.subscribe("interaction", on_event)
        try:
            await self.call_preview_record(iid, handle, timeout=timeout)
            try:
                async with asyncio.timeout(waited):
                    return await announced
            except TimeoutError:
                raise BridgeTimeoutError("callPreviewRecord (the interaction event of the call)", waited) from None
        finally:
            stop()

    async def reject_preview_record(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Reject a (pull, push or direct push) preview record: it goes back to the campaign."""
        await self._call("rejectPreviewRecord", [_args.interaction_id(interaction_id)], timeout)

    async def cancel_preview_record(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Cancel a preview record: it is not called in this campaign."""
        await self._call("cancelPreviewRecord", [_args.interaction_id(interaction_id)], timeout)

    async def start_direct_push_preview(self, *, timeout: float | None = None) -> None:
        """Ask OCS to start sending direct push preview records to this agent."""
        await self._call("startDirectPushPreview", [], timeout)

    async def stop_direct_push_preview(self, *, timeout: float | None = None) -> None:
        """Ask OCS to stop sending direct push preview records."""
        await self._call("stopDirectPushPreview", [], timeout)

    # -- call results ---------------------------------------------------------

    async def get_list_of_call_results(self, *, timeout: float | None = None) -> CallResults:
        """The call results available in WWE (also used to check `set_call_result`)."""
        self._call_results = CallResults.from_wwe(await self._fetch("getListOfCallResults", (), timeout))
        return self._call_results

    async def _known_call_results(self, timeout: float | None) -> CallResults:
        if self._call_results is None:
            try:
                await self.get_list_of_call_results(timeout=timeout)
            except BridgeError:
                return CallResults.default()  # still check against the reference's list
        assert self._call_results is not None
        return self._call_results

    async def set_call_result(
        self, interaction_id: str, call_result: str | int | CallResult, *, timeout: float | None = None
    ) -> CallResult:
        """Set the call result of the interaction's record (by name, code or `CallResult`).

        WWE refuses it while Do Not Call is set. Returns the result that was set.
        """
        iid = _args.interaction_id(interaction_id)
        check_call_result_type(call_result)  # before fetching the list: a bad type sends nothing
        result = (await self._known_call_results(timeout)).resolve(call_result)
        # The reference types callResult "string" yet says it "must be a number":
        # WWE reads it as a number, so the code is sent as one.
        await self._call("setCallResult", [iid, result.code], timeout)
        return result

    async def get_call_result(self, interaction_id: str, *, timeout: float | None = None) -> CallResult | None:
        """The call result already set on the record, or None."""
        payload = await self._call("getCallResult", [_args.interaction_id(interaction_id)], timeout)
        code = data_of("getCallResult", payload)
        if code is None or code == "":
            return None
        number = whole_number(code) if isinstance(code, (int, str)) else None
        if number is None:
            raise MalformedResponseError("getCallResult", f"the call result is not a code: {code!r}", payload)
        return (self._call_results or CallResults.default()).describe(number)

    async def set_do_not_call(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Mark the interaction's record Do Not Call."""
        await self._call("setDoNotCall", [_args.interaction_id(interaction_id)], timeout)

    async def remove_do_not_call(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Remove Do Not Call from the interaction's record."""
        await self._call("removeDoNotCall", [_args.interaction_id(interaction_id)], timeout)

    # -- scheduling -----------------------------------------------------------

    async def reschedule_record(
        self,
        interaction_id: str,
        record_handle: int,
        when: datetime | str,
        callback_type: str | CallbackType,
        *,
        tz_offset: int | None = None,
        naive_is_record_time: bool = False,
        allow_past: bool = False,
        allow_outside_window: bool = False,
        timeout: float | None = None,
    ) -> str:
        """Schedule a callback for the record, in the record's time zone.

        Parameters
        ----------
        when : datetime | str
            Timezone-aware: converted to the record's zone at that instant (its
            ``GSW_TZ_NAME``, right across daylight-saving changes; see
            `bridge.zones`). str: ``MM/DD/YYYY HH:MM`` in the record's time. A
            naive datetime is refused (it is usually the agent's clock) unless
            *naive_is_record_time*.
        callback_type : str
            ``"CAMPAIGN"`` or ``"PERSONAL"``.
        tz_offset : int | None
            The record's offset (seconds east of UTC) to use instead of reading the
            record; then no calling window is known to check.
        allow_past, allow_outside_window : bool
            Send a callback in the past, or outside the record's daily calling
            window (``GSW_FROM``–``GSW_UNTIL``), which are refused otherwise.

        Returns
        -------
        str
            The ``rescheduleDate`` that was sent.

        Raises
        ------
        CallbackTimeError
            In the past or outside the calling window (a `FieldValidationError`): nothing sent.
        """
        iid = _args.interaction_id(interaction_id)
        handle = _args.record_handle(record_handle)
        kind = check_callback_type(callback_type)
        local = record_local(when, naive_is_record_time=naive_is_record_time)  # the format, before anything is sent
        record: ChainedRecord | None = None
        if tz_offset is not None:
            if isinstance(tz_offset, bool) or not isinstance(tz_offset, int) or abs(tz_offset) > MAX_OFFSET:
                raise ArgumentValueError(f"tz_offset must be seconds east of UTC within ±{MAX_OFFSET}, not {tz_offset!r}")
            zone = RecordZone(None, None, tz_offset)
        else:
            record = await self._chained_record(iid, handle, timeout)
            zone = RecordZone.of(record.tz_name, record.tz_offset)
        if local is None:
            assert isinstance(when, datetime)
            if not zone.known:
                raise ArgumentValueError(f"{zone.note}: pass tz_offset=, or the callback as an 'MM/DD/YYYY HH:MM' "
                                         "string in the record's time")
            local = zone.to_local(when)
        check_callback(local, zone, CallingWindow.of(record), self._clock(),
                       allow_past=allow_past, allow_outside_window=allow_outside_window)
        date = local.strftime(DATE_FORMAT)
        await self._call("rescheduleRecord", [iid, handle, date, kind.value], timeout)
        return date

    async def _chained_record(self, iid: str, handle: int, timeout: float | None) -> ChainedRecord:
        for record in await self.get_chained_records(iid, timeout=timeout):
            if record.record_handle == handle:
                return record
        raise ArgumentValueError(f"record handle {handle} is not in the chain of interaction {iid!r}")

    async def cancel_reschedule(self, interaction_id: str, *, timeout: float | None = None) -> None:
        """Remove the schedule from the record."""
        await self._call("cancelReschedule", [_args.interaction_id(interaction_id)], timeout)

    # -- records --------------------------------------------------------------

    async def get_chained_records(self, interaction_id: str, *, timeout: float | None = None) -> list[ChainedRecord]:
        """Every record of the interaction's chain, flattened."""
        data = await self._fetch("getChainedRecords", [_args.interaction_id(interaction_id)], timeout)
        return chained_from_wwe(data)

    async def get_record_fields(self, interaction_id: str, *, timeout: float | None = None) -> list[Field]:
        """The outbound fields of the interaction's record, with their metadata."""
        data = await self._fetch("getRecordFields", [_args.interaction_id(interaction_id)], timeout)
        return fields_from_wwe(data)

    async def update_record_fields(
        self,
        interaction_id: str,
        record_data: Mapping[str, Any] | RecordEditor,
        *,
        fields: Sequence[Field] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Update record fields, validated first: a bad field is never sent.

        Parameters
        ----------
        record_data : Mapping | RecordEditor
            Field name → value (text or Python value), or an editor whose
            `changes()` are sent. Values are converted to each field's valueType.
        fields : Sequence[Field] | None
            The record's fields to validate against; fetched when not given.

        Returns
        -------
        dict
            The ``recordData`` that was sent (empty: nothing to save, nothing sent).

        Raises
        ------
        FieldValidationError
            Every unknown, read-only, empty mandatory or ill-typed field, before any update.
        """
        iid = _args.interaction_id(interaction_id)
        if isinstance(record_data, RecordEditor):
            data = record_data.changes()
        elif isinstance(record_data, Mapping):
            if not record_data:
                raise ArgumentValueError("record_data is empty: pass {field name: value}")
            known = fields if fields is not None else await self.get_record_fields(iid, timeout=timeout)
            data = validate_record_data(known, record_data)
        else:
            raise ArgumentTypeError(f"record_data must be a mapping or a RecordEditor, not {type(record_data).__name__}")
        if data:
            await self._call("updateRecordFields", [iid, data], timeout)
        return data
