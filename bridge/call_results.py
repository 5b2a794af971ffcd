"""Call results: the codes `setCallResult`/`getCallResult` speak, with their names."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ._numbers import whole_number
from .errors import ArgumentTypeError, ArgumentValueError, MalformedResponseError, UnknownKeyError

# The reference's sample answer of getListOfCallResults, verbatim. It is only the
# default: the list WWE returns at run time wins (deployments configure their own).
DEFAULT_CALL_RESULTS: Mapping[str, int] = {
    "OK": 0, "GENERAL_ERROR": 3, "SYSTEM_ERROR": 4, "BUSY": 6, "NO_ANSWER": 7,
    "SIT_DETECTED": 8, "ANSWERING_MACHINE": 9, "ALL_TRUNKS_BUSY": 10, "SIT_INVALID_NUM": 11,
    "SIT_VACANT": 12, "SIT_OPERINTERCEPT": 13, "SIT_UNKNOWN": 14, "SIT_NO_CIRCUIT": 15,
    "SIT_REORDER": 16, "FAXDETECTED": 17, "ABANDONED": 21, "DROPPED": 26,
    "DROPPED_NO_ANSWER": 27, "UNKNOWN": 28, "SILENCE": 32, "ANSWER": 33, "NUTONE": 34,
    "NO_DIAL_TONE": 35, "NO_PROGRESS": 36, "NO_RINGBACK": 37, "NO_ESTABLISHED": 38,
    "PAGER_DETECTED": 39, "WRONG_PARTY": 40, "DIAL_ERROR": 41, "CALL_DROP_ERROR": 42,
    "SWITCH_ERROR": 43, "NO_FREE_PORT_ERROR": 44, "TRANSFER_ERROR": 45, "STALE": 46,
    "AGENT_CALLBACK_ERROR": 47, "GROUP_CALLBACK_ERROR": 48, "DO_NOT_CALL": 51,
    "CANCEL_RECORD": 52, "WRONG_NUMBER": 53,
}


@dataclass(frozen=True)
class CallResult:
    """One call result: WWE's name and OCS's numeric code.

    Examples
    --------
    >>> CallResult("NO_ANSWER", 7).label
    'No answer'
    """

    name: str
    code: int

    @property
    def label(self) -> str:
        """The name made readable: ``ANSWERING_MACHINE`` → ``Answering machine``."""
        text = self.name.replace("_", " ").strip().lower()
        return text[:1].upper() + text[1:] if text else str(self.code)


class CallResults(Mapping[str, CallResult]):
    """The call results WWE offers, by name, with lookup by code.

    Examples
    --------
    >>> results = CallResults.default()
    >>> results["BUSY"].code, results.by_code(7).name
    (6, 'NO_ANSWER')
    """

    def __init__(self, mapping: Mapping[str, int]) -> None:
        self._by_name = {name: CallResult(name, code) for name, code in mapping.items()}
        self._by_code = {r.code: r for r in self._by_name.values()}

    @classmethod
    def default(cls) -> CallResults:
        """The reference's list, used until WWE's own list has been fetched."""
        return cls(DEFAULT_CALL_RESULTS)

    @classmethod
    def from_wwe(cls, data: Any, method: str = "getListOfCallResults") -> CallResults:
        if not isinstance(data, Mapping):
            raise MalformedResponseError(method, f"expected an object of name → code, got {type(data).__name__}", data)
        mapping = {}
        for name, code in data.items():
            number = whole_number(code) if isinstance(code, (int, float)) else None
            if number is None:
                raise MalformedResponseError(method, f"call result {name!r} has a non-integer code {code!r}", data)
            mapping[str(name)] = number
        return cls(mapping)

    def __getitem__(self, name: str) -> CallResult:
        try:
            return self._by_name[name]
        except (KeyError, TypeError):
            pass
        if isinstance(name, int) and not isinstance(name, bool):
            found = self._by_code.get(name)
            hint = f" (that code is {found.name!r})" if found else ""
            raise UnknownKeyError(f"{name!r}: call results are looked up by name, e.g. results['BUSY']; "
                           f"by code with results.by_code({name}){hint}") from None
        raise UnknownKeyError(f"{name!r} is not one of these call results{self._did_you_mean(name)}") from None

    def as_dict(self) -> dict[str, int]:
        """Name → code, as WWE sent the list."""
        return {r.name: r.code for r in self._by_name.values()}

    def __repr__(self) -> str:
        return f"CallResults({self.as_dict()!r})"

    def _did_you_mean(self, value: object) -> str:
        if not isinstance(value, str):
            return ""
        words = {r.name: r.name for r in self._by_name.values()} | {r.label: r.name for r in self._by_name.values()}
        close = difflib.get_close_matches(value.strip(), list(words), n=3, cutoff=0.6) or difflib.get_close_matches(
            value.strip().upper().replace(" ", "_"), list(self._by_name), n=3, cutoff=0.6)
        names = list(dict.fromkeys(words.get(c, c) for c in close))
        return f": did you mean {' or '.join(repr(n) for n in names)}?" if names else ""

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def by_code(self, code: int) -> CallResult | None:
        return self._by_code.get(code)

    def describe(self, code: int) -> CallResult:
        """The result for *code*; an unlisted code gets its number as name."""
        return self._by_code.get(code) or CallResult(str(code), code)

    def resolve(self, value: str | int | CallResult) -> CallResult:
        """A known result from a name, a code, a numeric string or a `CallResult`.

        Raises
        ------
        ArgumentValueError
            If it is not in this list.
        """
        check_call_result_type(value)
        if isinstance(value, CallResult):
            value = value.code
        if isinstance(value, str) and (number := whole_number(value)) is not None:
            value = number
        if isinstance(value, int):
            found = self._by_code.get(value)
        else:
            # WWE's name ("NO_ANSWER"), or the label the widget shows ("No answer")
            key = value.strip().upper()
            found = self._by_name.get(key) or self._by_name.get(key.replace(" ", "_")) or next(
                (r for r in self._by_name.values() if r.label.upper() == key), None)
        if found is None:
            hint = self._did_you_mean(value)
            if not hint:
                hint = f" (e.g. {', '.join(list(self._by_name)[:6])}, …)"
            raise ArgumentValueError(
                f"unknown call result {value!r}: use a name, label or code from get_list_of_call_results(){hint}"
            )
        return found


def check_call_result_type(value: Any) -> None:
    """Refuse anything but a name, a code or a `CallResult` (bool is not a code)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, CallResult)):
        raise ArgumentTypeError(f"call_result must be a name, a code or a CallResult, not {value!r}")
