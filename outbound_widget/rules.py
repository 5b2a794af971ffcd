"""Python rules a deployer adds to the record widget: validators, computed defaults,
derived fields, a check before each save, reactions to events.

The deployer's module (named by ``rules = "widget_rules.py"`` in the widget's
configuration) makes a `Rules` and decorates plain functions with it::

    import re
    from outbound_widget.rules import Rules

    rules = Rules()

    @rules.validate("GSW_PHONE")
    def e164(phone, record):
        if phone and not re.fullmatch(r"\\+[1-9][0-9]{6,14}", phone):
            return "write it in E.164, e.g. +14155550123"

Each function stays a plain function: a test calls it with a `Record` built from
fields (``Record.of(fields)``, e.g. the `FakeHost`'s). A rule that raises is
reported as that rule's failure, with its name; the agent's edits are kept and
nothing is sent.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bridge import BridgeError, Field, RecordEditor
from bridge._calls import STEP_GUARD, WRITES, WritePolicy
from bridge.errors import READS_ONLY

from .rule_budget import (DEFAULT_BUDGET_MS, LOAD_BUDGET_MS, RuleTimeout, bound_sleep, rule_file, run_async_within,
                          run_within, step_guard)

F = TypeVar("F", bound=Callable[..., Any])

#: The events `Rules.on` knows: WWE's two kinds, and the widget's own "record"
#: (an interaction's record was loaded and shown).
EVENTS = ("outbound", "interaction", "record")


class Record(Mapping[str, Any]):
    """The record as a rule sees it: field name → value, the agent's edits over WWE's.

    Values have the field's type (int, float, bool, str, `datetime` for a date,
    `time` for a time; None when empty). A field whose entry does not fit its
    type reads as None (its own message is shown).

    Attributes
    ----------
    interaction_id, campaign : str | None
    changed : frozenset[str]
        The fields the agent changed and has not saved.
    """

    def __init__(self, values: Mapping[str, Any], *, labels: Mapping[str, str] | None = None,
                 changed: frozenset[str] = frozenset(), interaction_id: str | None = None,
                 campaign: str | None = None) -> None:
        self._values = dict(values)
        self._labels = dict(labels or {})
        self.changed, self.interaction_id, self.campaign = changed, interaction_id, campaign

    @classmethod
    def of(cls, fields: list[Field] | RecordEditor, *, interaction_id: str | None = None,
           campaign: str | None = None) -> Record:
        """The record of *fields* (WWE's, as `get_record_fields` returns them) or of an editor."""
        editor = fields if isinstance(fields, RecordEditor) else RecordEditor(fields)
        def readable(name: str) -> bool:  # the agent's entry, or WWE's untouched value, fits the field
            return editor.problem(name) is None and (editor.is_changed(name) or editor.baseline_problem(name) is None)

        values = {f.name: editor.value(f.name) if readable(f.name) else None for f in editor}
        return cls(values, labels={f.name: f.label for f in editor}, changed=frozenset(editor.changed_names()),
                   interaction_id=interaction_id, campaign=campaign)

    def __getitem__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise KeyError(f"the record has no field {name!r} (it has {', '.join(self._values) or 'none'})") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def label(self, name: str) -> str:
        """The field's label as the agent sees it."""
        return self._labels.get(name, name)

    def __repr__(self) -> str:
        return f"Record({self._values!r})"


class Veto(BridgeError):
    """Raised (or a message returned) by a `before_save` rule: the save is not sent."""


@dataclass(frozen=True)
class Validator:
    fields: tuple[str, ...]
    function: Callable[[Any, Record], str | None]

    @property
    def name(self) -> str:
        return rule_name(self.function)


@dataclass
class Rules:
    """The deployer's rules, registered with decorators (each returns the function unchanged).

    Examples
    --------
    >>> rules = Rules()
    >>> @rules.validate("age")
    ... def adult(age, record):
    ...     return "must be 18 or more" if age is not None and age < 18 else None
    >>> adult(12, Record({"age": 12}))
    'must be 18 or more'
    """

    validators: list[Validator] = field(default_factory=list)
    defaults: dict[str, Callable[[Record], Any]] = field(default_factory=dict)
    derived: dict[str, Callable[[Record], Any]] = field(default_factory=dict)
    before_save_hooks: list[Callable[[dict[str, Any], Record], Any]] = field(default_factory=list)
    after_save_hooks: list[Callable[[dict[str, Any], Record], Any]] = field(default_factory=list)
    reactions: dict[str, list[Callable[[Any, Reaction], Any]]] = field(default_factory=dict)
    #: Each rule's function by its name: the widget turns rules off and budgets them by name.
    functions: dict[str, Callable[..., Any]] = field(default_factory=dict, repr=False)

    def _named(self, function: Any, hook: str) -> None:
        """One function per name: two named alike would share one budget and one off switch."""
        name = rule_name(function)
        known = self.functions.setdefault(name, function)
        if known is not function:
            raise ValueError(f"Rules.{hook}: two rules are named {name!r}: give each function its own name (the "
                             "widget budgets rules and turns them off by name)")

    def validate(self, first: str, *others: str) -> Callable[[F], F]:
        """``fn(value, record) -> message | None``: *value* is field *first*'s; the message is
        shown on *first*. Runs when the agent leaves any of the named fields, and before
        each save, which it blocks while it returns a message."""
        names = (first, *others)
        _check_names(names, "validate")
        return _registrar(self, "validate", lambda function: self.validators.append(Validator(names, function)))

    def default(self, name: str) -> Callable[[F], F]:
        """``fn(record) -> value | None``: fills field *name* when a record is loaded with it
        empty (an edit the agent sees and saves, or reverts)."""
        _check_names((name,), "default")
        return _registrar(self, "default", functools.partial(self.defaults.__setitem__, name))

    def derive(self, name: str) -> Callable[[F], F]:
        """``fn(record) -> value``: field *name* is computed from the others, shown read-only,
        kept up to date as the agent edits, and saved with the record."""
        _check_names((name,), "derive")
        return _registrar(self, "derive", functools.partial(self.derived.__setitem__, name))

    def before_save(self, function: F) -> F:
        """``fn(changes, record) -> None | message | {field: value}``: runs before a save is sent.
        A message (or `Veto`) stops the save and is shown; a mapping amends the save
        (its values go into the form, checked like the agent's)."""
        return _registrar(self, "before_save", self.before_save_hooks.append)(function)

    def after_save(self, function: F) -> F:
        """``fn(saved, record)`` or ``async def fn(saved, record)``: runs once WWE has a save,
        for the side effects a deployer needs (attached data, a message to another view, a
        follow-up outbound request). *saved* is field name → value as sent, *record* the
        record as WWE now holds it.

        The one kind of rule that may change WWE, and only as the widget's own actions
        may: outbound requests its privileges allow for the record, the interaction's
        attached data (``interaction.setUserData``/``deleteUserData``), toasts and messages.
        Anything else is refused with `bridge.WriteRefusedError`. It runs after the save is
        shown as saved, within its budget (5 s by default, waits included); its failure is
        said in the notice and changes nothing saved.
        """
        if not callable(function):
            raise TypeError(f"Rules.after_save: {rule_name(function)!r} must be a function")
        self._named(function, "after_save")
        self.after_save_hooks.append(function)
        return function

    def on(self, event: str) -> Callable[[F], F]:
        """``fn(event, reaction)``: runs on WWE's ``"outbound"`` or ``"interaction"`` events
        (a `bridge.Event`), or the widget's ``"record"`` (the record was loaded; *event* is
        the interaction ID). *reaction* offers what a rule may do to the widget."""
        if event not in EVENTS:
            raise ValueError(f"Rules.on: unknown event {event!r}; use one of {', '.join(EVENTS)}")
        return _registrar(self, "on", lambda function: self.reactions.setdefault(event, []).append(function))


class Reaction:
    """What an event rule may do: read its interaction's record, preselect a call result, say something."""

    def __init__(self, record: Record | None, choose: Callable[[str | int], None], notice: Callable[[str], None]) -> None:
        self.record = record
        self._choose, self._notice = choose, notice

    def choose_call_result(self, result: str | int) -> None:
        """Preselect a call result (name, label or code); the agent still sets it."""
        self._choose(result)

    def notice(self, text: str) -> None:
        """Show *text* (as text) in the widget's notice line."""
        self._notice(str(text))


def rule_name(function: Callable[..., Any]) -> str:
    """How messages name a rule: its function's name."""
    return str(getattr(function, "__name__", repr(function)))


def _plain(function: Callable[..., Any], hook: str) -> None:
    """Rules run between the agent's keystrokes and WWE's calls: plain functions, not coroutines."""
    if inspect.iscoroutinefunction(function) or not callable(function):
        raise TypeError(f"Rules.{hook}: {rule_name(function)!r} must be a plain function "
                        "(def, not async def): rules run as the agent types and saves")


def _registrar(rules: Rules, hook: str, store: Callable[[Any], None]) -> Callable[[F], F]:
    """A decorator that keeps a (plain) function with *store* and returns it unchanged."""
    def register(function: F) -> F:
        _plain(function, hook)
        rules._named(function, hook)
        store(function)
        return function
    return register


def _check_names(names: tuple[str, ...], hook: str) -> None:
    for name in names:
        if not isinstance(name, str) or not name:
            raise ValueError(f"Rules.{hook}: field names are WWE's field names (text), not {name!r}")


class RuleError(BridgeError):
    """A rule failed (raised, ran past its budget, or answered what it may not): which one, and what.

    Attributes
    ----------
    rule : str
        The rule's function name.
    error : BaseException
        What it raised (`RuleTimeout` when it was stopped at its budget).
    timed_out : bool
        It ran past its budget and was stopped (the widget then turns it off for the record).
    """

    def __init__(self, rule: str, exc: BaseException) -> None:
        self.rule, self.error = rule, exc
        self.timed_out = isinstance(exc, RuleTimeout)
        text = describe(exc)
        what = (f"was {text}" if self.timed_out
                else f"failed ({type(exc).__name__}: {text})" if text else f"failed ({type(exc).__name__})")
        super().__init__(f"the rule {rule} {what}; your edits are kept. "
                         "Tell whoever maintains the widget's rules (details in the browser console).")


def describe(value: object, limit: int = 200) -> str:
    """``str(value)`` cut to *limit*, for anything a rule may raise or return: an exception
    whose ``__str__`` raises, or an int too long to print, must not escape the report."""
    try:
        text = value if type(value) is str else run_within(DESCRIBE_BUDGET_MS, str, value, own=False)
    except BaseException:  # (a rule's own __str__ is the rule's code: anything may come out, or nothing)
        text = f"<a {type(value).__name__} that cannot be shown as text>"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def rules_of(module: Any, source: str) -> Rules:
    """The `Rules` a deployer's module defines as ``rules``."""
    found = getattr(module, "rules", None)
    if not isinstance(found, Rules):
        raise TypeError(f"{source} must define `rules = Rules()` (from outbound_widget.rules import Rules) "
                        f"and decorate its functions with it; it defines rules = {found!r}")
    return found


#: Milliseconds a rule's object may take to say itself as text (its `__str__` is the rule's code).
DESCRIBE_BUDGET_MS = 50


def traceback_of(exc: BaseException) -> str:
    """A rule's exception with its traceback, for the browser console: bounded like
    `describe`, since formatting it runs the exception's own ``__str__``."""
    import traceback

    try:
        return "".join(run_within(DESCRIBE_BUDGET_MS, traceback.format_exception, exc, own=False))
    except BaseException:
        return f"{type(exc).__name__}: {describe(exc)} (its traceback cannot be shown)\n"

#: The hooks whose rules may raise `Veto` (a validator's message, a save stopped).
VETOING = ("validate", "before-save")


def call_rule(function: Callable[..., Any], *args: Any, hook: str = "validate", budget_ms: int | None = None) -> Any:
    """Run one rule within its time budget (rule_budget.py): anything it raises, BaseException
    included, becomes a `RuleError` naming it, as does running past its budget; a `Veto`
    passes where the hook can veto and is a misuse, named, where it cannot."""
    # Rules check and transform the record: while one runs (and in any task it starts,
    # which inherits the context) the bridge refuses requests that change WWE.
    budget = budget_ms if budget_ms is not None else DEFAULT_BUDGET_MS[hook]
    writes = WRITES.set(WritePolicy(f"the rule {rule_name(function)}", _reads_only))
    # ... and what it leaves behind (tasks, call_soon callbacks) runs within its budget too
    guard = STEP_GUARD.set(step_guard(budget))
    try:
        return run_within(budget, function, *args)
    except Veto as veto:
        if hook in VETOING:
            raise
        raise RuleError(rule_name(function), TypeError(
            f"it raised Veto ({describe(veto, 80)}), which {'an' if hook[0] in 'aeiou' else 'a'} {hook} rule cannot: "
            "only validate and before_save "
            "rules veto")) from None
    except BaseException as exc:  # (sys.exit(), KeyboardInterrupt, CancelledError: the rule's, not the page's end)
        raise RuleError(rule_name(function), exc) from exc
    finally:
        STEP_GUARD.reset(guard)
        WRITES.reset(writes)


def _reads_only(request: str) -> str:
    """Every request that changes WWE is refused (the policy of rules and the rules module)."""
    return READS_ONLY


async def call_side_effect(function: Callable[..., Any], *args: Any, refuse: Callable[[str], str | None],
                           budget_ms: int | None = None) -> None:
    """Run an after_save rule (plain or async) within its budget, its requests held to
    *refuse* (request → why not, None: allowed); any failure is a `RuleError` naming it."""
    budget = budget_ms if budget_ms is not None else DEFAULT_BUDGET_MS["after-save"]
    writes = WRITES.set(WritePolicy(f"the after_save rule {rule_name(function)}", refuse))
    guard = STEP_GUARD.set(step_guard(budget))  # (the tasks it starts end with its budget too)
    try:
        started = time.perf_counter()
        result = run_within(budget, function, *args)
        if inspect.isawaitable(result):
            left = max(1, budget - int((time.perf_counter() - started) * 1000))
            await run_async_within(left, result if inspect.iscoroutine(result) else _coroutine(result))
    except asyncio.CancelledError as exc:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise  # the widget is closing: not the rule's failure
        raise RuleError(rule_name(function), exc) from exc
    except BaseException as exc:  # (as call_rule: whatever the rule raises is its failure)
        if isinstance(exc, RuleTimeout) and exc.budget_ms != budget:
            exc = RuleTimeout(budget)  # (say the rule's budget, not what was left of it)
        raise RuleError(rule_name(function), exc) from exc
    finally:
        STEP_GUARD.reset(guard)
        WRITES.reset(writes)


async def _coroutine(awaitable: Any) -> Any:
    return await awaitable


class RulesLoadError(BridgeError):
    """The deployer's rules module could not be loaded (its traceback is in `detail`)."""

    def __init__(self, message: str, detail: str = "") -> None:
        self.detail = detail
        super().__init__(message + (f"\n{detail}" if detail else ""))


def load_rules(source: str, file_name: str, folder: str | None = None) -> Rules:
    """Import the deployer's module from its *source* text as module ``<file stem>``, from a
    file in *folder* (a fresh temporary one by default: tracebacks then show its lines).

    Raises
    ------
    RulesLoadError
        The name would shadow a module (``bridge``, ``json``…), the module fails to
        import (with its traceback), or it defines no ``rules = Rules()``.
    """
    import importlib.util
    import os
    import sys
    import tempfile
    import traceback

    stem = file_name.removesuffix(".py")
    if not stem.isidentifier() or stem in sys.modules or importlib.util.find_spec(stem) is not None:
        raise RulesLoadError(f"{file_name}: rename it: a module named {stem!r} exists already, and the rules "
                             "module must not replace it")
    path = os.path.join(folder or tempfile.mkdtemp(prefix="widget-rules-"), file_name)
    with open(path, "w", encoding="utf-8") as file:
        file.write(source)
    spec = importlib.util.spec_from_file_location(stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[stem] = module  # as an import would: its own `import widget_rules` finds it
    bound_sleep()  # (before the module runs: its `from time import sleep` gets the bounded one)
    rule_file(path)  # its code is where the deadline is checked
    try:
        # its top level is bounded too: a module that loops would freeze every load
        # and what it starts (tasks, callbacks) too, and it may not write to WWE either
        writes = WRITES.set(WritePolicy(f"the rules module {file_name}", _reads_only))
        guard = STEP_GUARD.set(step_guard(LOAD_BUDGET_MS))
        try:
            run_within(LOAD_BUDGET_MS, spec.loader.exec_module, module, own=False)
        finally:
            STEP_GUARD.reset(guard)
            WRITES.reset(writes)
        return rules_of(module, file_name)
    except BaseException as exc:  # (sys.exit(), KeyboardInterrupt, CancelledError at its top level: a broken module)
        del sys.modules[stem]
        frames = traceback.extract_tb(exc.__traceback__)
        own = [f for f in frames if f.filename == path]
        if not own and not isinstance(exc, SyntaxError):  # (a syntax error shows its own line)
            own = frames[-1:]
        try:
            said = "".join(run_within(DESCRIBE_BUDGET_MS, traceback.format_exception_only, exc, own=False))
        except BaseException:  # (its __str__ is the module's code too)
            said = f"{type(exc).__name__}: {describe(exc)}\n"
        detail = "".join(traceback.format_list(own)) + said
        raise RulesLoadError(f"{file_name} could not be loaded: {type(exc).__name__}: {describe(exc)}", detail) from exc
