"""Helpers for the core tests; they run in CPython and, unchanged, inside Pyodide."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
DATA = Path(__file__).resolve().parent.parent / "data"


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion (asyncio.run works in Pyodide too, via JSPI)."""
    return asyncio.run(coro)


def sample(name: str) -> Any:
    """The reference's sample `data` for an outbound method."""
    return json.loads((DATA / "reference_samples.json").read_text())[name]
