"""Scenario builders: a simulator scenario per test, in a few lines of Python.

They write the format of ``web/sim/scenario.schema.json`` (the simulator checks it
again on load and names any wrong key by path), filling in what a test rarely
cares about: record handles, chain IDs, time-zone offsets, a field set from the
records' keys.

Examples
--------
>>> sales = campaign("Sales", records=[record("+15550100", Custom_Note="VIP")])
>>> s = scenario([sales], interactions=[interaction("7", sales)])
>>> s["interactions"][0]["chainId"] == s["campaigns"][0]["chains"][0]["chainId"]
True

In a test, the plugin's ``wwe`` fixture loads it: ``wwe.load_scenario(s)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["campaign", "field", "interaction", "record", "scenario"]

MODES = ("Preview", "PushPreview", "DirectPushPreview")
_handles = itertools.count(1000)
_chains = itertools.count(1)

# what getRecordFields describes a custom key of a record as, by its Python type
_FIELD_TYPES = {bool: ("bool", "boolean"), int: ("int", "number"), float: ("float", "number"), str: ("var-char", "string")}


def record(phone: str, *, handle: int | None = None, tz_offset: int = 0, tz_name: str | None = None,
           call_from: int | None = None, call_until: int | None = None, **custom: Any) -> dict[str, Any]:
    """A calling-list record: *phone*, a record handle (numbered from 1000 unless given), the
    time zone as seconds east of UTC (and a Genesys zone name), the calling window in seconds
    since midnight, and custom fields as keywords (``Custom_Note="VIP"``)."""
    if not isinstance(phone, str) or not phone:
        raise ValueError(f"a record needs a phone number, e.g. '+15550100', not {phone!r}")
    out: dict[str, Any] = {"GSW_RECORD_HANDLE": next(_handles) if handle is None else int(handle),
                           "GSW_PHONE": phone, "GSW_TZ_OFFSET": int(tz_offset)}
    if tz_name is not None:
        out["GSW_TZ_NAME"] = tz_name
    if call_from is not None:
        out["GSW_FROM"] = int(call_from)
    if call_until is not None:
        out["GSW_UNTIL"] = int(call_until)
    out.update(custom)
    return out


def field(name: str, value: Any = None, *, label: str | None = None, editable: bool = True,
          mandatory: bool = False, field_type: str = "var-char", value_type: str = "string",
          options: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A record field as getRecordFields describes it (the reference's Field type)."""
    out: dict[str, Any] = {"name": name, "displayName": label, "value": value, "isEditable": editable,
                           "isMandatory": mandatory, "fieldType": field_type, "valueType": value_type}
    if options is not None:
        out["options"] = dict(options)
    return out


def campaign(name: str, *, mode: str = "Preview", records: Iterable[Mapping[str, Any]] = (),
             chains: Iterable[Iterable[Mapping[str, Any]]] = (), active: bool = True,
             fields: Iterable[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """A campaign: each of *records* in a chain of its own, and each of *chains* (lists of
    records) as one chain. *fields*: its getRecordFields (default: one editable field per
    custom key of its records, typed from the values)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    groups = [[dict(r)] for r in records] + [[dict(r) for r in chain] for chain in chains]
    if not groups:
        raise ValueError(f"campaign {name!r} needs at least one record (records=[record('+1555...')])")
    out: dict[str, Any] = {"name": name, "mode": mode, "status": "Active" if active else "Loaded",
                           "chains": [{"chainId": next(_chains), "records": group} for group in groups]}
    listed = list(fields) if fields is not None else _fields_of(groups)
    if listed:
        out["fieldSet"] = name
        out["_fields"] = [dict(f) for f in listed]  # moved to the scenario's fieldSets by scenario()
    return out


def _fields_of(groups: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for group in groups:
        for rec in group:
            for key, value in rec.items():
                if key.startswith("GSW_") or key in seen:
                    continue
                kind, value_type = _FIELD_TYPES.get(type(value), ("var-char", "string"))
                seen[key] = field(key, field_type=kind, value_type=value_type)
    return list(seen.values())


def interaction(interaction_id: str, of: Mapping[str, Any], *, chain: int = 0, state: str = "TALKING",
                call_result: int | None = None, do_not_call: bool = False) -> dict[str, Any]:
    """An outbound interaction already on the agent's desktop: chain number *chain* (0: the
    first) of campaign *of*, in WWE's *state* (``PREVIEW``, ``DIALING``, ``TALKING``, ``HELD``,
    ``IDLE`` or ``COMPLETED``)."""
    chains = of.get("chains") or []
    if not 0 <= chain < len(chains):
        raise ValueError(f"campaign {of.get('name')!r} has {len(chains)} chain(s), not a chain {chain}")
    out: dict[str, Any] = {"interactionId": str(interaction_id), "campaign": of["name"],
                           "chainId": chains[chain]["chainId"], "state": state}
    if call_result is not None:
        out["callResult"] = int(call_result)
    if do_not_call:
        out["doNotCall"] = True
    return out


def scenario(campaigns: Iterable[Mapping[str, Any]], *, interactions: Iterable[Mapping[str, Any]] = (),
             call_results: Mapping[str, int] | None = None, options: Mapping[str, Any] | None = None,
             faults: Mapping[str, Any] | None = None, agent: Mapping[str, str] | None = None,
             new_interaction_id_on_call: bool = True) -> dict[str, Any]:
    """A whole scenario for `Wwe.load_scenario`. *call_results*: name -> code (default: the
    reference's list); *options*: WWE options such as ``{"service-client-api.rate-limit": 5}``;
    *faults*: per method, as the schema's ``faults``."""
    out: dict[str, Any] = {"campaigns": [], "interactions": [dict(i) for i in interactions],
                           "previewCallNewInteractionId": new_interaction_id_on_call}
    field_sets: dict[str, Any] = {}
    for c in campaigns:
        c = dict(c)
        fields = c.pop("_fields", None)
        if fields is not None:
            field_sets[c["name"]] = fields
        out["campaigns"].append(c)
    if not out["campaigns"]:
        raise ValueError("a scenario needs at least one campaign (campaign('Sales', records=[...]))")
    if field_sets:
        out["fieldSets"] = field_sets
    if call_results is not None:
        out["callResults"] = dict(call_results)
    if options is not None:
        out["options"] = dict(options)
    if faults is not None:
        out["faults"] = dict(faults)
    if agent is not None:
        out["agent"] = dict(agent)
    return out
