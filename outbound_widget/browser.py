"""What the widget needs of the browser beyond drawing (drawing: `bridge.ui`): the tab's
storage, the site's Web Locks, the console and the local time. _dom.py is the real one,
tests/unit/fake_dom.py the fake.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from .drafts import Storage


class Browser(Protocol):
    """What the widget needs from the browser beyond drawing."""

    storage: Storage

    def warn(self, message: str) -> None: ...
    def error(self, message: str) -> None: ...
    def local_time(self, utc: datetime) -> tuple[str, str]: ...

    async def acquire(self, name: str, timeout_s: float) -> Callable[[], None]:
        """Hold the lock *name*, shared with the site's other pages (two views of one
        record), within *timeout_s* (else TimeoutError); returns its release."""
        ...
