"""The examples in the packages' docstrings run as written, in CPython: a doc that drifts
from the code fails here.

They are written as a view writes them (``from bridge import outbound``, top-level
``await``), so each runs with the page's clients on a `FakeHost` answering the vendor
reference's samples (`bridge.testing.page_clients`), ``iid`` naming its interaction, and
its own event loop for the awaits. Two modules touch the browser and cannot import here
(`outbound_widget._dom`, `outbound_console.session`): they have no examples.
"""

from __future__ import annotations

import __future__
import ast
import asyncio
import doctest
import importlib
import inspect
import json
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bridge.testing import FakeHost, FakePage, page_clients

PACKAGES = ("bridge", "outbound_widget", "outbound_console", "wwe_testing")
BROWSER_ONLY = {"outbound_widget._dom", "outbound_console.session"}
SAMPLES = json.loads((Path(__file__).resolve().parents[1] / "data" / "reference_samples.json").read_text())


def modules() -> list[str]:
    names = []
    for package in PACKAGES:
        names.append(package)
        for info in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
            if info.name not in BROWSER_ONLY:
                names.append(info.name)
    return names


def wwe() -> FakeHost:
    """WWE answering the reference's samples, and the writes an example makes."""
    return FakeHost({**SAMPLES, "updateRecordFields": None, "setCallResult": None,
                     "messenger.broadcastMessage": None})


@contextmanager
def awaiting(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """doctest runs each example with ``exec``: give its module one that also runs the
    coroutine a top-level ``await`` compiles to (the compile flag is passed below)."""
    def run(code: Any, globs: dict[str, Any]) -> None:
        result = eval(code, globs)  # noqa: S307 (the example's own code, as doctest runs it)
        if inspect.iscoroutine(result):
            loop.run_until_complete(result)

    doctest.exec = run  # type: ignore[attr-defined]  # (a module global shadows the builtin)
    try:
        yield
    finally:
        del doctest.exec  # type: ignore[attr-defined]


FLAGS = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT | __future__.annotations.compiler_flag


def run_examples(module: ModuleType) -> tuple[int, str]:
    """(examples run, failure report) of *module*'s docstrings."""
    import io

    tests = doctest.DocTestFinder().find(module, extraglobs={"iid": "1"})
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report = io.StringIO()
    for test in tests:
        loop = asyncio.new_event_loop()
        try:
            asyncio.set_event_loop(loop)
            with page_clients(wwe(), FakePage(query={"interaction": "1"})), awaiting(loop):
                runner.run(test, compileflags=FLAGS, out=report.write)
        finally:
            asyncio.set_event_loop(None)
            loop.close()
    return runner.tries, report.getvalue() if runner.failures else ""


@pytest.mark.parametrize("name", modules())
def test_the_examples_run_as_written(name: str) -> None:
    _, failures = run_examples(importlib.import_module(name))
    assert not failures, failures


def test_examples_are_real() -> None:
    """None is skipped wholesale, and there are examples to run (a finder that found
    nothing would pass every test above)."""
    tried = sum(run_examples(importlib.import_module(name))[0] for name in modules())
    assert tried >= 70, tried
    for name in modules():
        source = inspect.getsource(importlib.import_module(name))
        assert "doctest: +SKIP" not in source, f"{name} skips an example: make it run, or make it prose"
