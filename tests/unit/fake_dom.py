"""The widget's page in CPython: `bridge.testing.FakePage` (the one fake of the page's DOM
layer, which tests/e2e/test_ui_contract.py holds to web/ui/dom.js) for what it draws, and a
fake of the rest of the browser it uses (`outbound_widget.app.Browser`): the tab's storage,
the site's Web Locks, the console and the local time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from bridge.testing import FakePage
from bridge.ui import Page
from outbound_widget.drafts import MemoryStorage


class FakeDom(FakePage):
    """*locks*: the site's Web Locks, shared by the FakeDoms that stand for two views.
    ``Widget(dom.page, dom, outbound, ...)``: it is both the widget's page and its browser."""

    def __init__(self, storage: MemoryStorage | None = None, locks: dict[str, asyncio.Lock] | None = None) -> None:
        super().__init__()
        self.page = Page(self)
        self.storage = storage or MemoryStorage()
        self.locks = locks if locks is not None else {}
        self.warnings: list[str] = []
        self.errors: list[str] = []

    # -- app.Browser -------------------------------------------------------------

    async def acquire(self, name: str, timeout_s: float) -> Callable[[], None]:
        lock = self.locks.setdefault(name, asyncio.Lock())
        async with asyncio.timeout(timeout_s):
            await lock.acquire()
        return lock.release

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def error(self, message: str) -> None:
        self.errors.append(message)

    def local_time(self, utc: datetime) -> tuple[str, str]:
        return utc.strftime("%m/%d/%Y %H:%M"), "UTC"

    # -- what the agent sees (FakePage's, by the names these tests use) -------------

    def text(self, element_id: str) -> str:
        """The text of an element (by id), or of a whole slot (``slot-record``)."""
        return self.text_of(element_id)

    def status(self, area: str) -> tuple[str | None, str]:
        """(data-status, text) of an area's status line."""
        return self.attr(f"{area}-status", "data-status"), self.text(f"{area}-status")
