"""One console session: the REPL the page drives.

Built on `pyodide.console.PyodideConsole` (compilation with top-level await,
stream redirection, completion, tracebacks trimmed to the user's code); what
this adds is the namespace, the result display, running a whole script, and
interrupting a running command.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import sys
import traceback
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pyodide
import pyodide.console as _pyodide_console
from pyodide.console import PyodideConsole

import bridge
from bridge import _compat
from bridge._traceback import user_traceback

from .cheatsheet import cheatsheet

from .formatting import format_result, printable

T = TypeVar("T")
Write = Callable[[str, str], Any]  # (kind: "stdout" | "stderr" | "result" | "error" | "info", text)


def _start_command(coro: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
    """Run a command as a task allowed to block on awaitables.

    People expect what Pyodide's own console allows: `asyncio.run(...)`,
    `pyodide.ffi.run_sync(...)`, `time.sleep(...)` without freezing the page.
    Those need stack switching, which the bridge's event loop gives only to
    tasks created under `allow_run_sync`.
    """
    with bridge.allow_run_sync():
        return asyncio.ensure_future(coro)


class Interrupted(Exception):
    """Raised in place of the cancelled command (shown as its traceback)."""

    def __init__(self) -> None:
        super().__init__("stopped (Ctrl+C)")


def namespace() -> dict[str, Any]:
    """What the console starts with: every namespace's client (`outbound`, `interaction`, ...),
    bridge's public names, asyncio, cheatsheet."""
    names: dict[str, Any] = {"__name__": "__console__", "__doc__": None, "asyncio": asyncio, "bridge": bridge,
                             "cheatsheet": cheatsheet}
    for name in bridge.__all__:
        names[name] = getattr(bridge, name)
    for name in bridge.SERVICES:  # the page's clients: outbound, interaction, configuration, ...
        names[name] = getattr(bridge, name)
    return names


# The console's stdout/stderr show what UTF-8 cannot carry (a lone surrogate) escaped
# instead of failing the `print` (through Pyodide's private stream class: bridge/_compat.py).
_compat.use_lenient_console_streams(_pyodide_console, pyodide.__version__)


class _Console(PyodideConsole):
    """PyodideConsole whose running command can be cancelled."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.task: asyncio.Task[Any] | None = None
        self.interrupting = False

    async def runcode(self, source: str, code: Any) -> Any:
        self.task = asyncio.current_task()
        try:
            if self.interrupting:  # Ctrl+C came before the command got to run
                raise Interrupted()
            return await super().runcode(source, code)
        except asyncio.CancelledError:
            if self.interrupting:
                raise Interrupted() from None
            raise
        finally:
            self.task = None
            self.interrupting = False


class ConsoleSession:
    """A REPL session writing its output through *write*.

    Parameters
    ----------
    write : callable
        ``write(kind, text)``: called as output arrives (stdout and stderr as they
        are printed, then the result or the error).
    """

    def __init__(self, write: Write) -> None:
        self._write = write
        self._pending = False  # a command was entered and has not finished
        self._hinted: set[int] = set()  # coroutines bound to a name that were pointed out
        self.console = _Console(
            globals=namespace(),
            stdout_callback=lambda text: self.write("stdout", text),
            stderr_callback=lambda text: self.write("stderr", text),
        )

    def write(self, kind: str, text: str) -> None:
        """Pass output on, as text the page can show (see `printable`)."""
        self._write(kind, printable(text))

    # -- the REPL -------------------------------------------------------------------------

    async def push(self, line: str) -> str:
        """Run one line of input; returns "incomplete" (more lines needed), "done" or "error"."""
        self._pending = True
        try:
            return await self._push(line)
        finally:
            self._pending = False
            self.console.interrupting = False

    async def _push(self, line: str) -> str:
        with bridge.allow_run_sync():  # the command's task: see _start_command
            future = self.console.push(line)
        if future.syntax_check == "incomplete":
            return "incomplete"
        if future.syntax_check == "syntax-error":
            self.write("error", future.formatted_error or "SyntaxError")
            return "error"
        try:
            value = await future
        except BaseException as exc:  # shown as the user's traceback, whatever it is
            # from the user's first line; a BridgeError without the bridge's own frames
            if isinstance(exc, Interrupted):  # raised by the console itself: no frame is the user's
                self.write("error", f"KeyboardInterrupt: {exc}\n")
            else:
                self.write("error", user_traceback(exc, getattr(self.console, "filename", "<console>")))
            return "error"
        self._show(value)
        self._hint_unawaited()
        return "done"

    def _hint_unawaited(self) -> None:
        """`campaigns = outbound.get_campaigns()` stored a coroutine that never runs: say so
        for each name a command bound to a new one."""
        for name, value in list(self.console.globals.items()):
            if inspect.iscoroutine(value) and id(value) not in self._hinted and not name.startswith("_"):
                self._hinted.add(id(value))
                call = getattr(value, "__qualname__", "it")
                self.write("info", f"{name} is a coroutine: {call}(...) did not run. Write {name} = await {call}(...)")

    def _show(self, value: Any) -> None:
        if inspect.iscoroutine(value):
            # `outbound.get_campaigns()` without await: nothing was sent; say so instead
            # of showing <coroutine object …> (and a "never awaited" warning later)
            name = getattr(value, "__qualname__", "it")
            value.close()
            self.write("info", f"{name}(...) is a coroutine: nothing ran. Put await before it: await {name}(...)")
            return
        text = format_result(value)
        if text is not None:
            self.write("result", text)
        if value is not None:
            self.console.globals["_"] = value

    def reset(self) -> None:
        """Forget a half-typed block (Ctrl+C at the prompt)."""
        self.console.buffer = []

    @property
    def busy(self) -> bool:
        return self.console.task is not None

    def interrupt(self) -> bool:
        """Cancel the running command (or the one about to run); returns whether one was cancelled."""
        if not self._pending:
            return False
        self.console.interrupting = True
        task = self.console.task
        if task is not None and not task.done():
            task.cancel()
        # else: between Enter and the start of the command, which stops as it starts
        return True

    def complete(self, source: str) -> list[Any]:
        """Completions for the end of *source*: ``[matches, start]``."""
        matches, start = self.console.complete(source)
        return [sorted(set(matches)), start]

    # -- whole scripts ----------------------------------------------------------------------

    async def run_script(self, source: str, filename: str = "<script>") -> str:
        """Run *source* as a whole (top-level await allowed) in the console's namespace."""
        self._pending = True
        try:
            return await _start_command(self._run_script(source, filename))
        finally:
            self._pending = False
            self.console.interrupting = False

    async def _run_script(self, source: str, filename: str) -> str:
        try:
            code = compile(source, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
        except SyntaxError as exc:
            self.write("error", "".join(traceback.format_exception_only(type(exc), exc)))
            return "error"
        return await self._run_as_command(filename, code)

    async def _run_as_command(self, filename: str, code: Any) -> str:
        console = self.console
        async with console._lock:  # one command at a time, as typed input
            console.task = asyncio.current_task()
            try:
                if console.interrupting:  # Ctrl+C came before the script got to run
                    raise asyncio.CancelledError
                with console.redirect_streams():
                    try:
                        result = eval(code, console.globals)
                        if inspect.iscoroutine(result):
                            await result
                    finally:
                        sys.stdout.flush()
                        sys.stderr.flush()
            except asyncio.CancelledError:
                if not console.interrupting:
                    raise
                self.write("error", "KeyboardInterrupt: stopped (Ctrl+C)\n")
                return "error"
            except BaseException as exc:
                self.write("error", self._script_traceback(exc, filename))
                return "error"
            finally:
                console.task = None
                console.interrupting = False
        return "done"

    @staticmethod
    def _script_traceback(exc: BaseException, filename: str) -> str:
        return user_traceback(exc, filename)
