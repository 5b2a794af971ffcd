"""Pyodide's private parts the bridge uses, in one place, behind a version gate.

Pyodide's public API does not cover everything the bridge's event loop and the
console need: a WebLoop subclass that runs ready callbacks itself must install
itself as the running loop and hand `SystemExit`/`KeyboardInterrupt` to the
handlers Pyodide set, and the console's streams are made by a private class.
Each use is a function here, named for what it relies on. `check_pyodide_version`
refuses any Pyodide but those in ``pyodide_versions.json`` (one list: the build
and the pages' JS half, web/boot/pyodide-compat.js, read it too), and
tests/e2e/test_pyodide_compat.py has a test per private part that fails when it
changes meaning, not only when it goes. Supporting another Pyodide: check each
function here and in the JS half against its sources, run those tests, add it
to the list.

It imports nothing of Pyodide's: the JS boundary (`_pyodide.py`) and the console's
session hand it what it works on (the running version, a loop, `pyodide.console`), so
`_pyodide.py` stays the one module of `bridge` that imports `js` or `pyodide`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from importlib import resources
from types import ModuleType
from typing import Any

from .errors import UnsupportedPyodideError


def supported_versions() -> tuple[str, ...]:
    """The Pyodide versions this layer was checked against (``pyodide_versions.json``)."""
    data = json.loads(resources.files("bridge").joinpath("pyodide_versions.json").read_text(encoding="utf-8"))
    return tuple(data["supported"])


def check_pyodide_version(version: str) -> None:
    """Raise `UnsupportedPyodideError` unless *version* (``pyodide.__version__``) is one
    this layer supports."""
    supported = supported_versions()
    if version not in supported:
        raise UnsupportedPyodideError(version, supported)


# -- the event loop (asyncio's and WebLoop's internals) -------------------------------------


def install_running_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Make *loop* the running loop for the callbacks about to run (WebLoop's
    `_install_running_loop`: a page's loop is running whenever Python runs)."""
    loop._install_running_loop()  # type: ignore[attr-defined]


def install_asyncgen_hooks(loop: asyncio.AbstractEventLoop) -> None:
    """Let *loop* finalize async generators (WebLoop's `_install_asyncgen_hooks`)."""
    loop._install_asyncgen_hooks()  # type: ignore[attr-defined]


#: Run one ready callback as asyncio's loops do (`Handle._run`): an exception goes to the
#: loop's exception handler; only `SystemExit` and `KeyboardInterrupt` propagate. The method
#: itself, not a wrapper: the bridge's loop calls it once per callback.
run_handle: Callable[[asyncio.Handle], None] = asyncio.Handle._run


def exit_handlers(loop: asyncio.AbstractEventLoop) -> tuple[Callable[[Any], None] | None, Callable[[], None] | None]:
    """The handlers Pyodide set on its loop for `SystemExit` (given the exit code) and
    `KeyboardInterrupt` (WebLoop's `_system_exit_handler`, `_keyboard_interrupt_handler`);
    None where it set none (the exception then propagates)."""
    return loop._system_exit_handler, loop._keyboard_interrupt_handler  # type: ignore[attr-defined]


# -- the console (pyodide.console's internals) -----------------------------------------------


def use_lenient_console_streams(console: ModuleType, version: str, errors: str = "backslashreplace") -> None:
    """Make the streams `pyodide.console.Console` creates show what UTF-8 cannot carry (a
    lone surrogate) escaped instead of failing the `print`.

    *console* is the module `pyodide.console` of Pyodide *version*. Its console makes its
    stdout/stderr with ``errors="strict"`` through the private class ``_WriteStream`` and
    offers no way to ask otherwise: the module is given a subclass with *errors* as its default.
    """
    check_pyodide_version(version)
    usual = console._WriteStream
    if getattr(usual, "_wwe_lenient", False):
        return

    class LenientWriteStream(usual):  # type: ignore[misc, valid-type]
        _wwe_lenient = True

        def __init__(self, write_handler: Any, name: str, encoding: str = "utf-8", errors: str = errors) -> None:
            super().__init__(write_handler, name, encoding, errors)

    console._WriteStream = LenientWriteStream  # type: ignore[attr-defined]  # (a module given as ModuleType)
