"""Helpers for the core tests; they run in CPython and, unchanged, inside Pyodide."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
DATA = Path(__file__).resolve().parent.parent / "data"


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on a fresh event loop.

    asyncio.run works in Pyodide too, via stack switching (JSPI), in a task created
    under `bridge.allow_run_sync()` (tests/e2e/test_pyodide_core.py runs pytest in
    one). In CPython, Playwright's sync API
    keeps a loop running in the main thread once the e2e tests have started, so
    the coroutine then gets a thread of its own.
    """
    if sys.platform == "emscripten":
        return asyncio.run(coro)  # Pyodide runs it with stack switching, loop or not
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def sample(name: str) -> Any:
    """The reference's sample `data` for an outbound method."""
    return json.loads((DATA / "reference_samples.json").read_text())[name]
