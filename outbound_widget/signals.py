"""What one part of the sidebar tells the others: a panel announces an effect by name, the
panels that show it listen; a request (dial this record) has one panel that answers it. No
panel holds another: the widget creates them all on one `Signals`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: WWE's copy of a record changed (its values, call result, schedule): ``(it)``. The chain
#: shows each record's values and results, so it reads them again.
RECORD_CHANGED = "record-changed"
#: The chain of the shown interaction was read again: ``(it)``. The reschedule panel's
#: callback is for the chain's first record.
CHAIN_LOADED = "chain-loaded"
#: A call result was chosen outside the call-result panel (a deployer's rule): ``(it, code)``.
RESULT_CHOSEN = "result-chosen"
#: Request: dial record ``handle`` of the preview ``it``, reporting in ``area``; answered
#: (awaitable) by the chain panel, which guards every dial.
DIAL = "dial"


class Signals:
    """Named announcements between the sidebar's parts.

    Examples
    --------
    >>> signals = Signals()
    >>> seen = []
    >>> signals.connect(RECORD_CHANGED, seen.append)
    >>> signals.emit(RECORD_CHANGED, "it")
    >>> seen
    ['it']
    >>> signals.answer(DIAL, lambda it, handle, area: f"dial {handle}")
    >>> signals.ask(DIAL, "it", 283, "preview")
    'dial 283'
    """

    def __init__(self) -> None:
        self._listeners: dict[str, list[Callable[..., None]]] = {}
        self._answers: dict[str, Callable[..., Any]] = {}

    def connect(self, name: str, listener: Callable[..., None]) -> None:
        """Call *listener* with the arguments of each *name* announcement, in connection order."""
        self._listeners.setdefault(name, []).append(listener)

    def emit(self, name: str, *args: Any) -> None:
        """Announce *name* to its listeners (none: nothing happens)."""
        for listener in list(self._listeners.get(name, ())):
            listener(*args)

    def answer(self, name: str, handler: Callable[..., Any]) -> None:
        """Make *handler* the one that answers *name* requests."""
        if name in self._answers:
            raise RuntimeError(f"{name!r} is answered already")
        self._answers[name] = handler

    def ask(self, name: str, *args: Any) -> Any:
        """The answer to a *name* request (what its handler returns)."""
        return self._answers[name](*args)
