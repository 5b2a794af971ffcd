"""Time budgets for the deployer's rules: a rule over its budget is stopped, not waited for.

Rules run on the page's thread, between the agent's keystrokes: one that never returned
froze the widget and WWE's page around it, and every reload froze it again (the draft
that set it off is restored and checked at load). So each rule call gets a deadline,
armed only while that rule runs:

- on Python 3.12+ (Pyodide), `sys.monitoring` calls `_check` at every loop iteration
  (JUMP), every function start (PY_START) and every resumed coroutine (PY_RESUME), and
  it stops only the deployer's own code; older CPython (the unit tests' 3.11) uses
  a trace function, which Python unsets after the first exception it raises;
- past the deadline `_check` raises `RuleTimeout`, a BaseException, so a rule's
  ``except Exception`` does not swallow it, and raises it again at every later check,
  so ``except BaseException`` only delays it to the next iteration;
- `time.sleep` is bounded by the same deadline (it is patched once, when rules load,
  so ``from time import sleep`` in a rules module gets the bounded one too).

What no deadline stops: one long call into C (a catastrophic regular expression, a huge
integer power, a C extension's loop), because the interpreter checks only between
bytecodes. Such a call runs to its end, and the rule is then over budget and stopped.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Coroutine, Generator
from typing import Any, SupportsIndex

from bridge._calls import BudgetStop

#: Milliseconds each kind of rule may run per call (docs/configuring.md, "What rules may do"). A rule
#: runs on the page's thread while the agent works: validators on leaving a field, derived
#: values on every keystroke, so a few tens of ms; before_save runs once per save and may
#: compute more; reactions run per WWE event. Pyodide runs Python ~3x slower than CPython:
#: these leave room for rules that do real work, and stop one that loops within a blink.
DEFAULT_BUDGET_MS = {"validate": 50, "default": 50, "derive": 50, "before-save": 500, "on": 200,
                     # after_save waits on WWE (a few requests, each up to WWE's 10 s), and only
                     # its own steps hold the page: its budget bounds the whole side effect
                     "after-save": 5000}

#: The longest budget a deployer may give a rule (the page is frozen meanwhile).
MAX_BUDGET_MS = 10_000
#: Milliseconds the rules module's top level may run when it loads (imports, tables).
LOAD_BUDGET_MS = 2000

#: Seconds a coroutine rule cancelled at its deadline may run its clean-up (finally blocks).
CLEANUP_GRACE_S = 0.05

_TOOL_NAME = "wwe rule budget"


class RuleTimeout(BudgetStop):
    """A rule ran past its budget (raised inside the rule, at the next check)."""

    def __init__(self, budget_ms: int) -> None:
        self.budget_ms = budget_ms
        super().__init__(f"stopped after its budget of {budget_ms} ms")


_deadline: float | None = None
_budget_ms = 0
#: The files of the deployer's code (the rules module, each rule function's): the deadline
#: is checked only there. Raised anywhere else (the bridge's event loop, asyncio, a dict
#: the widget holds), the stop would leave that code half done: a rule awaiting the
#: bridge in a loop left the page's loop broken, and every later line raised.
_rule_files: set[str] = set()


def rule_file(path: str) -> None:
    """Check the deadline in code of *path* (the deployer's rules module)."""
    _rule_files.add(path)


def _check(code: Any, *_: Any) -> None:
    if _deadline is not None and code.co_filename in _rule_files and time.perf_counter() > _deadline:
        raise RuleTimeout(_budget_ms)


def _trace(frame: Any, event: str, arg: Any) -> Any:
    if event == "call":
        frame.f_trace_opcodes = True  # (a one-line loop has no line events after its first)
    _check(frame.f_code)
    return _trace


def _code_of(function: Any) -> Any:
    """The code object of a rule function (or bound method); None for a builtin (a
    coroutine's send/throw: run_async_within names the coroutine's code)."""
    return getattr(getattr(function, "__func__", function), "__code__", None)


def _monitoring_tool() -> int | None:
    """A free `sys.monitoring` tool ID with `_check` registered, or None (Python < 3.12)."""
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is None:
        return None
    for tool in range(5, -1, -1):  # (debuggers, coverage and profilers take the low IDs)
        if monitoring.get_tool(tool) == _TOOL_NAME:
            return tool
        if monitoring.get_tool(tool) is None:
            monitoring.use_tool_id(tool, _TOOL_NAME)
            for event in (monitoring.events.JUMP, monitoring.events.PY_START, monitoring.events.PY_RESUME):
                monitoring.register_callback(tool, event, _check)
            return tool
    return None


_tool = _monitoring_tool()
_monitoring: Any = getattr(sys, "monitoring", None)  # (typed loosely: mypy checks for 3.11)
_original_sleep = time.sleep


def _bounded_sleep(seconds: float | SupportsIndex) -> None:
    """`time.sleep`, which inside a rule never sleeps past the rule's deadline.

    Inside a rule it waits on the clock instead of sleeping: Pyodide's sleep may suspend
    the whole stack and let the event loop run other code meanwhile, which the rule's
    armed deadline would then stop in its place. A sleep that would end past the
    deadline stops the rule at once.
    """
    if _deadline is None:
        _original_sleep(seconds)
        return
    until = time.perf_counter() + float(seconds)
    if until > _deadline:
        raise RuleTimeout(_budget_ms)
    while time.perf_counter() < until:
        pass


def bound_sleep() -> None:
    """Bound `time.sleep` by the running rule's deadline (before a rules module loads)."""
    time.sleep = _bounded_sleep


def run_within(budget_ms: int, function: Callable[..., Any], *args: Any, own: bool = True) -> Any:
    """``function(*args)``, stopped by `RuleTimeout` once it has run *budget_ms*.

    A rule that returns after its deadline (it caught the stop, or spent it in one call
    into C) is over budget too: `RuleTimeout` is raised then. *own*: *function* is the
    deployer's, and its file is where the deadline is checked (False: the widget's code
    calling into the deployer's objects, e.g. their ``__str__``).
    """
    code = _code_of(function) if own else None
    if code is not None:
        _rule_files.add(code.co_filename)
    return _run_until(time.perf_counter() + budget_ms / 1000, budget_ms, function, *args)


def _run_until(deadline: float, budget_ms: int, function: Callable[..., Any], *args: Any,
               end_check: bool = True) -> Any:
    global _deadline, _budget_ms
    bound_sleep()
    if _deadline is not None:  # (a rule calling into another: the outer deadline holds)
        return function(*args)
    _budget_ms = budget_ms
    previous = sys.gettrace() if _tool is None else None
    try:
        # Armed inside the try: once armed, this function's own jumps are monitored, and a
        # step that starts past its deadline raises at the first of them, which must
        # still disarm below (else every later Python line raises).
        _deadline = deadline
        if _tool is not None:
            events = _monitoring.events
            _monitoring.set_events(_tool, events.JUMP | events.PY_START | events.PY_RESUME)
        else:
            sys.settrace(_trace)
        result = function(*args)
    finally:
        _deadline = None  # (first: a check during the rest of this block is then a no-op)
        if _tool is not None:
            _monitoring.set_events(_tool, 0)
        else:
            sys.settrace(previous)
    if end_check and time.perf_counter() > deadline:
        raise RuleTimeout(budget_ms)
    return result


def step_guard(budget_ms: int) -> Callable[..., Any]:
    """What the page's event loop runs the callbacks a rule call leaves behind with (the
    tasks it started, their steps, its `call_soon`s): together, within the rule's budget
    counted from the first of them to run (not from the rule's start: a busy page may run
    them late). Past it, the rule's own code in them is stopped (`RuleTimeout` ends such a
    task); the bridge's and asyncio's code in them runs on, so nothing they hold is left
    half done.
    """
    deadline: float | None = None

    def guard(callback: Callable[..., Any], *args: Any) -> Any:
        nonlocal deadline
        if deadline is None:
            deadline = time.perf_counter() + budget_ms / 1000
        try:
            return _run_until(deadline, budget_ms, callback, *args, end_check=False)
        except RuleTimeout:
            return None  # (a plain callback of the rule's, stopped: nothing waits for its result)

    return guard


class _Stepped:
    """Awaits a coroutine, running each of its steps (from one wait to the next) under
    the deadline: code between two awaits is bounded like a plain rule."""

    def __init__(self, coroutine: Coroutine[Any, Any, Any], deadline: float, budget_ms: int) -> None:
        self.coroutine, self.deadline, self.budget_ms = coroutine, deadline, budget_ms

    def __await__(self) -> Generator[Any, Any, Any]:
        sent: Any = None
        thrown: BaseException | None = None
        while True:
            try:
                if thrown is None:
                    waiting = _run_until(self.deadline, self.budget_ms, self.coroutine.send, sent)
                else:
                    # a cancelled wait (the budget's end, or the widget closing): its clean-up
                    # (the bridge cancelling a pending call) gets a short grace, bounded too
                    grace = max(self.deadline, time.perf_counter() + CLEANUP_GRACE_S)
                    waiting = _run_until(grace, self.budget_ms, self.coroutine.throw, thrown)
            except StopIteration as stop:
                return stop.value
            if time.perf_counter() > self.deadline:
                # past its budget and waiting again (it swallowed the cancellation): its
                # wait is cancelled and it is closed (its finally blocks get the grace)
                getattr(waiting, "cancel", lambda: None)()
                try:
                    _run_until(time.perf_counter() + CLEANUP_GRACE_S, self.budget_ms, self.coroutine.close)
                except BaseException:  # (whatever its clean-up raised: it is stopped either way)
                    pass
                raise RuleTimeout(self.budget_ms)
            try:
                sent, thrown = (yield waiting), None  # (the event loop waits on what the coroutine waits on)
            except BaseException as exc:  # (its wait was cancelled: the coroutine hears it)
                sent, thrown = None, exc


async def run_async_within(budget_ms: int, coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Await *coroutine* within *budget_ms* in all: its steps are stopped like `run_within`'s,
    and a wait still running at the deadline is cancelled; either way `RuleTimeout`."""
    deadline = time.perf_counter() + budget_ms / 1000
    code = getattr(coroutine, "cr_code", None)
    if code is not None:
        _rule_files.add(code.co_filename)
    timeout = asyncio.timeout(budget_ms / 1000)
    try:
        async with timeout:
            return await _Stepped(coroutine, deadline, budget_ms)
    except TimeoutError:
        if timeout.expired():
            raise RuleTimeout(budget_ms) from None
        raise
    finally:
        # one stopped mid-step is closed, not left for the GC to warn about; its clean-up is
        # bounded too, and one that will not close (it ignores GeneratorExit) is let go
        try:
            _run_until(time.perf_counter() + CLEANUP_GRACE_S, budget_ms, coroutine.close, end_check=False)
        except BaseException:
            pass
