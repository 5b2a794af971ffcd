"""`agent`: who the agent is (``agent.Agent``) and their state (``media.State``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ArgumentTypeError, ArgumentValueError, MalformedResponseError
from .service import Service


def _str(data: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str):
            return value
    return None


@dataclass(frozen=True)
class Agent:
    """The agent, as ``agent.get`` describes them (documented fields)."""

    employee_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    user_name: str | None = None
    roles: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_wwe(cls, data: Any) -> Agent:
        if not isinstance(data, Mapping):
            raise MalformedResponseError("agent.get", f"an agent is an object, not {data!r}", data)
        roles = data.get("roles")
        return cls(_str(data, "employeeId"), _str(data, "firstname", "firstName"), _str(data, "lastname", "lastName"),
                   _str(data, "username", "userName"),
                   tuple(r for r in roles if isinstance(r, str)) if isinstance(roles, list) else (), dict(data))


@dataclass(frozen=True)
class AgentState:
    """One agent state (``media.State``). Its fields are not documented beyond
    ``operationName`` (what `AgentService.set_state` takes); ``displayName`` and
    ``state`` are read where WWE sends them (an assumption: see the contract)."""

    operation_name: str | None
    display_name: str | None = None
    state: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def label(self) -> str:
        return self.display_name or self.operation_name or self.state or "?"

    @classmethod
    def from_wwe(cls, data: Any, method: str = "agent.getState") -> AgentState:
        if isinstance(data, str):
            return cls(data, raw={"operationName": data})
        if not isinstance(data, Mapping):
            raise MalformedResponseError(method, f"a state is an object, not {data!r}", data)
        return cls(_str(data, "operationName"), _str(data, "displayName", "name"), _str(data, "state"), dict(data))


class AgentService(Service):
    """Async client for ``genesys.wwe.service.agent``."""

    NAMESPACE = "agent"

    async def get(self, *, timeout: float | None = None) -> Agent:
        """The agent: employee ID, names, user name, roles."""
        return Agent.from_wwe(await self._fetch("get", (), timeout))

    async def get_state_list(self, *, timeout: float | None = None) -> list[AgentState]:
        """The states the agent may choose."""
        data = await self._fetch("getStateList", (), timeout)
        if not isinstance(data, list):
            raise MalformedResponseError("agent.getStateList", f"expected a list of states, not {data!r}", data)
        return [AgentState.from_wwe(item, "agent.getStateList") for item in data]

    async def get_state(self, *, timeout: float | None = None) -> AgentState:
        """The agent's current state."""
        return AgentState.from_wwe(await self._fetch("getState", (), timeout))

    async def set_state(self, operation_name: str | AgentState, *, timeout: float | None = None) -> None:
        """Change the agent's state to one of `get_state_list` (its ``operationName``).

        The vendor script names the argument ``stateListIndex``; its sample and the docs
        pass an operation name (``"NotReady"``), which is what is sent.
        """
        name = operation_name.operation_name if isinstance(operation_name, AgentState) else operation_name
        if not isinstance(name, str):
            raise ArgumentTypeError(f"operation_name must be a str such as 'Ready', not {operation_name!r}")
        if not name.strip():
            raise ArgumentValueError("operation_name is empty: pass one of get_state_list()'s operation names")
        await self._call("setState", [name], timeout)
