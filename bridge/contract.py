"""The WWE contract: `wwe_contract.json`, the one description of WWE's Service Client
API that the bridge, our service client, the simulator, its API panel, the console's
cheat sheet and the docs all read.

It holds every namespace and method of the vendor's client script (request names and
parameter orders, with the commit they were read at), the call results, campaign modes,
callback types, field types and their wire rules, event names, the documented
interaction states with the phase the widget gates its actions on, and the list of
behaviours no source states that the simulator assumes (``assumptions``).

Examples
--------
>>> method("interaction", "blockMarkdone").params
('interactionId', 'warningMessage')
>>> phase("talking"), phase("PREVIEW"), phase("SOMETHING_NEW")
('call', 'preview', 'unknown')
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

Effect = Literal["read", "write", "ui"]
#: What the widget makes of an interaction's state (see `phase`).
Phase = Literal["preview", "call", "after-call", "done", "offered", "unknown"]


@dataclass(frozen=True)
class Method:
    """One method of a namespace, as the contract describes it."""

    namespace: str
    name: str  # WWE's, e.g. "blockMarkdone"
    python: str  # ours, e.g. "block_mark_done"
    params: tuple[str, ...]  # in the vendor script's order, before (succeeded, failed)
    effect: Effect  # read: changes nothing; write: changes WWE's or OCS's state; ui: the desktop
    summary: str

    @property
    def request(self) -> str:
        """The wire name, ``"<namespace>.<method>"``."""
        return f"{self.namespace}.{self.name}"


@cache
def contract() -> Mapping[str, Any]:
    """The whole contract, as plain data (read once)."""
    text = resources.files(__package__).joinpath("wwe_contract.json").read_text(encoding="utf-8")
    data: Mapping[str, Any] = json.loads(text)
    return data


@cache
def namespaces() -> tuple[str, ...]:
    """WWE's namespace names, in the contract's order (outbound first)."""
    return tuple(contract()["namespaces"])


@cache
def methods(namespace: str) -> tuple[Method, ...]:
    """The methods of *namespace*, in the vendor script's order."""
    spec = contract()["namespaces"][namespace]["methods"]
    return tuple(Method(namespace, name, m["python"], tuple(p["name"] for p in m["params"]), m["effect"], m["summary"])
                 for name, m in spec.items())


def method(namespace: str, name: str) -> Method:
    """One method by WWE's names; `KeyError` if the contract has none."""
    for found in methods(namespace):
        if found.name == name:
            return found
    raise KeyError(f"{namespace}.{name} is not in the WWE contract")


def python_name(namespace: str) -> str:
    """The attribute of `bridge` that is *namespace*'s client (``sipEndpoint`` → ``sip_endpoint``)."""
    return str(contract()["namespaces"][namespace]["python"])


def effect_of(request: str) -> Effect | None:
    """Whether a request (``"outbound.setCallResult"``, or a bare outbound name) reads,
    writes or acts on the desktop; None for one the contract does not know."""
    namespace, _, name = request.rpartition(".")
    try:
        return method(namespace or "outbound", name).effect
    except KeyError:
        return None


def phase(state: Any) -> Phase:
    """The phase of an interaction in *state* (WWE's ``Interaction.state``), whatever its case.

    A state the contract does not list (a newer WWE's, or none) is ``"unknown"``: the widget
    then leaves the decision to WWE rather than guess.
    """
    if not isinstance(state, str):
        return "unknown"
    found = contract()["interactionStates"]["values"].get(state.strip().upper())
    return found if found is not None else "unknown"


def is_known_state(state: Any) -> bool:
    """Whether *state* is one of WWE's documented interaction states (any case)."""
    return isinstance(state, str) and state.strip().upper() in contract()["interactionStates"]["values"]


def assumptions() -> tuple[Mapping[str, str], ...]:
    """What the simulator (and the bridge) assume where no source says: check these on your WWE."""
    return tuple(contract()["assumptions"])
