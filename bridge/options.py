"""`configuration`: WWE's options (``configuration.getOption``), as Config Server holds
them for this agent.

Names are given as WWE's documentation allows: one name (``"voice.auto-answer"``, in
the ``interaction-workspace`` section), ``"Section/option"``, a list of them, and a
``*`` wildcard at the end only (``"privilege.outbound.*"``, ``"MySection/*"``).

WWE answers with ``Array.<Section>``. The fields of ``Section`` could not be read in
Genesys' documentation: we take ``{name, options: {option: value}}`` with values as
Config Server stores them (text), and say so in the contract's assumptions
("section-shape"); `Section.from_wwe` also takes a flat ``{option: value}`` object.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import ArgumentTypeError, ArgumentValueError, MalformedResponseError
from .service import Service

#: The section WWE reads an option name without ``Section/`` from.
DEFAULT_SECTION = "interaction-workspace"

_NAME = re.compile(r"(?:[^/*\s]+/)?[^/*\s]*\*?")


def check_option_name(name: Any) -> str:
    """*name* if WWE takes it (see the module's docstring), else `ArgumentValueError` saying why."""
    if not isinstance(name, str):
        raise ArgumentTypeError(f"an option name is a str, not {type(name).__name__}: {name!r}")
    if not name.strip():
        raise ArgumentValueError("an option name is empty: pass e.g. 'outbound.call-result-values'")
    if name.startswith("*") or "*" in name[:-1]:
        raise ArgumentValueError(f"{name!r}: WWE takes '*' only at the end of a name ('voice.*', 'MySection/*')")
    if not _NAME.fullmatch(name) or name.endswith("/"):
        raise ArgumentValueError(f"{name!r} is not an option name: use 'option.name', 'Section/option.name' "
                                 "or a prefix ending in '*'")
    return name


@dataclass(frozen=True)
class Section:
    """One configuration section and the options of it that were asked for."""

    name: str
    options: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_wwe(cls, data: Any, method: str = "configuration.getOption") -> Section:
        if not isinstance(data, Mapping):
            raise MalformedResponseError(method, f"a section is an object, not {data!r}", data)
        name = data.get("name", DEFAULT_SECTION)
        options = data.get("options")
        if options is None:  # a flat {option: value} object (an assumption's alternative)
            options = {k: v for k, v in data.items() if k != "name"}
        if not isinstance(name, str) or not isinstance(options, Mapping):
            raise MalformedResponseError(method, f"a section is {{name, options}}, not {data!r}", data)
        return cls(name, {str(k): _text(v) for k, v in options.items()})


def _text(value: Any) -> str:
    # Config Server stores text; a WWE that sends JSON types gets them as WWE would print them
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else "" if value is None else str(value)


class Options(Mapping[str, str]):
    """Options by name, from the sections WWE returned: ``"outbound.x"`` for the
    ``interaction-workspace`` section, ``"Section/option"`` for any other.

    Examples
    --------
    >>> opts = Options([Section("interaction-workspace", {"privilege.outbound.can-use": "true"})])
    >>> opts.flag("privilege.outbound.can-use"), opts.flag("privilege.outbound.can-reschedule", default=True)
    (True, True)
    """

    def __init__(self, sections: Sequence[Section]) -> None:
        self.sections = tuple(sections)
        self._values: dict[str, str] = {}
        for section in self.sections:
            prefix = "" if section.name == DEFAULT_SECTION else f"{section.name}/"
            for name, value in section.options.items():
                self._values[prefix + name] = value

    def __getitem__(self, name: str) -> str:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:  # as what it holds (the console and test reports show it)
        return f"Options({self._values!r})"

    def flag(self, name: str, default: bool = False) -> bool:
        """A true/false option as WWE reads it (``true``, any case); *default* when not set."""
        value = self._values.get(name)
        return default if value is None or value.strip() == "" else value.strip().lower() == "true"


class ConfigurationService(Service):
    """Async client for ``genesys.wwe.service.configuration``."""

    NAMESPACE = "configuration"

    async def get_option(self, names: str | Sequence[str], *, timeout: float | None = None) -> list[Section]:
        """The options named (one name, or a list), as WWE's sections.

        Raises
        ------
        ArgumentValueError
            A name WWE does not take (a leading or inner ``*``, an empty name): nothing sent.
        """
        if isinstance(names, str):
            wire: str | list[str] = check_option_name(names)
        elif isinstance(names, Sequence) and names:
            wire = [check_option_name(n) for n in names]
        else:
            raise ArgumentValueError(f"names must be an option name or a non-empty list of them, not {names!r}")
        data = await self._fetch("getOption", [wire], timeout)
        if isinstance(data, Mapping):  # one section, not wrapped in a list
            data = [data]
        if not isinstance(data, list):
            raise MalformedResponseError("configuration.getOption", f"expected a list of sections, not {data!r}", data)
        return [Section.from_wwe(item) for item in data]

    async def options(self, names: str | Sequence[str], *, timeout: float | None = None) -> Options:
        """`get_option`, as one mapping by option name (see `Options`)."""
        return Options(await self.get_option(names, timeout=timeout))
