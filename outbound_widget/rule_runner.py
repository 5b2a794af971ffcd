"""Running the deployer's rules (rules.py) on an interaction's record.

Every rule runs through `call_rule`, so a rule that raises is reported by name
and changes nothing else: a validator that raises blocks the save with that
message on its field, a `before_save` that raises stops the save, a default or
derived value that raises is left unset. Nothing the agent typed is touched.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Awaitable, Collection
from typing import Any, Protocol

from bridge import Event, Field
from bridge.contract import effect_of
from bridge.values import FieldValueError, format_text

from .rules import (Record, RuleError, Rules, Reaction, Veto, call_rule, call_side_effect, describe, rule_name,
                    traceback_of)
from .browser import Browser
from .config import Settings, WidgetConfig
from .drafts import Drafts
from .signals import RESULT_CHOSEN, Signals
from .state import Interaction, Session

#: What a default, a derived value or an amendment may be: a field's value, as `Record` gives them.
#: Exactly these types, not subclasses: a subclass carries the deployer's methods (a
#: `__len__` or `bit_length` that loops) into the widget's code, outside any budget.
VALUE_TYPES = (str, int, float, bool, datetime.date, datetime.datetime, datetime.time)


def _value(rule: str, value: Any) -> Any:
    """A rule's answer for a field, or its failure: never the text of some other object."""
    if value is not None and type(value) not in VALUE_TYPES:
        raise RuleError(rule, TypeError(f"it gave {type(value).__name__} {describe(value, 60)} for a field: give "
                                        "text, a number, true/false, a date or a time (a rule is a plain function "
                                        "that returns its value)"))
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 53:
        # (past 2**53 a JS number rounds it; past 4,300 digits Python will not even print it)
        raise RuleError(rule, ValueError(f"it gave an integer of {value.bit_length()} bits, more than a field's "
                                         "number holds exactly: give it as text"))
    return value


def _unfit(rule: str, value: Any, label: str, problem: str) -> str:
    """A rule's value the field does not take (it is not set), said."""
    return f"the rule {rule} gave {describe(value, 80)!r}, which {label} does not take: {problem}"


def _as_text(editor: Any, name: str, value: Any) -> str:
    """A rule's value as the text the field's control takes (its own type's format)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        return str(format_text(editor.field(name), value))
    except (FieldValueError, TypeError, ValueError):
        return describe(value, 10_000)


#: The privilege (``privilege.outbound.<name>``) that gates each outbound request the widget
#: itself makes; every one needs can-use too. An after_save rule is held to the same.
REQUEST_PRIVILEGES = {
    "getPreviewRecord": "can-get-next-preview-record", "rejectPreviewRecord": "can-reject-record",
    "cancelPreviewRecord": "can-cancel-record", "setCallResult": "can-set-call-result",
    "setDoNotCall": "can-mark-do-not-call", "removeDoNotCall": "can-mark-do-not-call",
    "rescheduleRecord": "can-reschedule", "cancelReschedule": "can-reschedule",
}
#: What an after_save rule may change beyond outbound: the interaction's attached data
#: (a save's usual side effect in WWE: data for reporting or routing). Calls, transfers,
#: the agent's state and mark done are the agent's to do.
SIDE_EFFECTS = frozenset({"interaction.setUserData", "interaction.deleteUserData"})


#: Where the rules turned off for a record (interaction ID, rule) are kept in the tab's
#: storage: a reload must not run again what froze the page (the draft that set it off is
#: restored and checked at load).
OFF_KEY = "wwe-outbound-widget:rules-off"
#: What `RuleRunner._run` answers for a rule that is off for the record.
OFF: Any = object()

#: The longest rule message shown (a rule's bug must not fill the sidebar).
MAX_MESSAGE = 300


def _short(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1] + "…"


class RuleHost(Protocol):
    """What the rule runner uses of the widget around it."""

    browser: Browser
    config: WidgetConfig
    drafts: Drafts
    session: Session
    signals: Signals
    shown: Interaction | None
    message: str

    def settings(self, it: Interaction | None) -> Settings: ...
    def render_notice(self) -> None: ...
    def spawn(self, coro: Awaitable[Any], it: Interaction | None = None, area: str | None = None) -> None: ...


class RuleRunner:
    """The widget's side of `Rules`: when each hook runs, and what its answer changes."""

    def __init__(self, widget: RuleHost, rules: Rules | None) -> None:
        self.widget = widget
        self.rules = rules or Rules()
        self._warned: set[str] = set()
        self._failures: dict[tuple[str, str], str] = {}  # (interaction, derived field) -> its failure, said
        self._off: set[tuple[str, str]] | None = None  # (interaction, rule): stopped at its budget, not run again

    @property
    def off(self) -> set[tuple[str, str]]:
        """The rules turned off per record (interaction ID, rule name), as the tab's storage keeps them."""
        if self._off is None:
            try:
                kept = json.loads(self.widget.drafts.read(OFF_KEY) or "[]")
                self._off = {(str(iid), str(rule)) for iid, rule in kept}
            except (ValueError, TypeError):
                self._off = set()
        return self._off

    def _turn_off(self, it: Interaction, rule: str) -> None:
        self.off.add((it.id, rule))
        self.widget.drafts.write(OFF_KEY, json.dumps(sorted(self.off)))

    def _run(self, it: Interaction | None, function: Any, hook: str, *args: Any) -> Any:
        """One rule call, within its budget; `OFF` for a rule turned off for *it*'s record."""
        rule = rule_name(function)
        if it is not None and (it.id, rule) in self.off:
            return OFF
        return call_rule(function, *args, hook=hook, budget_ms=self.widget.config.budget_ms(hook, rule))

    def _say(self, it: Interaction, message: str, notes: list[str] | None) -> None:
        """A rule's failure: gathered for the load's notice, or shown now (while editing)."""
        if notes is not None:
            notes.append(message)
        else:
            self._notice(it, message)

    @property
    def derived(self) -> Collection[str]:
        return self.rules.derived.keys()

    def record(self, it: Interaction) -> Record:
        assert it.editor is not None
        return Record.of(it.editor, interaction_id=it.id, campaign=it.campaign)

    def failed(self, it: Interaction | None, error: RuleError, value: Any = OFF) -> str:
        """Log a rule's traceback; returns what to tell the agent. A rule stopped at its budget
        is turned off for *it*'s record (*value*: what it was checking, named)."""
        self.widget.browser.error("outbound widget: a rule failed\n" + traceback_of(error.error))
        if error.timed_out and it is not None:
            self._turn_off(it, error.rule)
            on = "" if value is OFF else f" on {describe(value, 40)!r}"
            return _short(f"The rule {error.rule} ran past its budget{on} and was stopped ({describe(error.error)}): "
                          "it is off for this record from now on, after a reload too. Your edits are kept; tell "
                          "whoever maintains the widget's rules.")
        return _short(str(error))

    # -- values ------------------------------------------------------------------

    def fill(self, it: Interaction) -> list[str]:
        """Computed defaults for empty fields, then derived fields; returns the names set."""
        editor = it.editor
        assert editor is not None
        filled: list[str] = []
        notes: list[str] = []
        for name, function in self.rules.defaults.items():
            if name in editor and not editor.is_changed(name) and editor.value(name) in (None, ""):
                try:
                    value = self._run(it, function, "default", self.record(it))
                    if value is OFF:
                        continue
                    value = _value(rule_name(function), value)
                except RuleError as exc:
                    notes.append(self.failed(it, exc))
                    continue
                if value in (None, ""):
                    continue
                problem = editor.set_text(name, _as_text(editor, name, value))
                if problem is None:
                    filled.append(name)
                else:  # a default the field does not take is not set: said, never left blocking a save
                    editor.revert(name)
                    notes.append(_unfit(rule_name(function), value, editor.field(name).label, problem))
        filled += self.derive(it, notes)
        if notes:
            it.rule_notice = _short(" ".join(notes))
        return filled

    def derive(self, it: Interaction, notes: list[str] | None = None) -> list[str]:
        """Recompute the derived fields from the record as it is now; returns those that changed."""
        editor = it.editor
        assert editor is not None
        changed = []
        for name, function in self.rules.derived.items():
            if name not in editor:
                continue
            rule = rule_name(function)
            if not editor.field(name).is_editable:  # never written, by a rule either
                if name not in self._warned:
                    self._warned.add(name)
                    self.widget.browser.warn(f"the rule {rule} derives {name!r}, which WWE marks read-only: it is not applied")
                continue
            try:
                value = self._run(it, function, "derive", self.record(it))
                if value is OFF:
                    continue
                text = _as_text(editor, name, _value(rule, value))
            except RuleError as exc:
                message = self.failed(it, exc)
                self._failures[(it.id, name)] = message
                self._say(it, message, notes)
                continue
            if self._failures.pop((it.id, name), None) == it.rule_notice and it.rule_notice:
                self._notice(it, "")  # the rule works again: its failure is no longer news
            if text != editor.text(name):
                previous = editor.text(name) if editor.is_changed(name) else None
                problem = editor.set_text(name, text)
                if problem is not None:  # a value the field does not take: the field keeps its own
                    editor.set_text(name, previous) if previous is not None else editor.revert(name)
                    self._say(it, _unfit(rule, text, editor.field(name).label, problem), notes)
                    continue
                changed.append(name)
        return changed

    # -- checks ------------------------------------------------------------------

    def validate(self, it: Interaction, touched: str | None = None) -> set[str]:
        """Run the validators that name *touched* (all of them when None); returns the fields
        whose rule message changed."""
        editor = it.editor
        assert editor is not None
        validators = [v for v in self.rules.validators if touched is None or touched in v.fields]
        if not validators:
            return set()  # (no rules: nothing built, on every change of every field)
        before = dict(it.rule_problems)
        record = self.record(it)
        for validator in validators:
            target = validator.fields[0]
            if target not in editor or any(editor.problem(n) for n in validator.fields if n in editor):
                it.rule_problems.pop(target, None)  # its own type problem shows instead
                continue
            try:
                message = self._run(it, validator.function, "validate", record[target], record)
                if message is OFF:
                    message = None  # (turned off for this record: its notice said so)
                elif message is not None and type(message) is not str:
                    raise RuleError(validator.name, TypeError(f"a validator returns a message (text) or None, "
                                                              f"not {type(message).__name__} {describe(message, 40)}"))
            except Veto as veto:
                message = describe(veto)
            except RuleError as exc:
                message = self.failed(it, exc, record[target])
                if exc.timed_out:  # said in the notice; the field keeps no verdict of a rule that is off
                    self._notice(it, message)
                    message = None
            if message:
                it.rule_problems[target] = _short(message)
            else:
                it.rule_problems.pop(target, None)
        return {name for name in {*before, *it.rule_problems} if before.get(name) != it.rule_problems.get(name)}

    def blocking(self, it: Interaction) -> list[tuple[str, str]]:
        """The rule messages that stop a save: of validators that name a changed field.

        A rule's verdict on values WWE sent, none of them changed, is shown but does not
        stop saving other fields (as WWE's own invalid values do not)."""
        editor = it.editor
        assert editor is not None
        self.validate(it)
        changed = set(editor.changed_names())
        names = {v.fields[0] for v in self.rules.validators if changed.intersection(v.fields)}
        names |= {name for name in self.rules.derived if name in changed}
        return [(name, message) for name, message in it.rule_problems.items() if name in names and name in editor]

    def before_save(self, it: Interaction) -> str | None:
        """Run the `before_save` rules: a veto's message, or None (amendments are set in the form).

        Raises
        ------
        RuleError
            A rule raised (the save must not go on).
        """
        editor = it.editor
        assert editor is not None
        for function in self.rules.before_save_hooks:
            changes = {name: editor.value(name) for name in editor.changed_names()}
            try:
                answer = self._run(it, function, "before-save", changes, self.record(it))
            except Veto as veto:
                return _short(describe(veto)) or "a rule stopped the save"
            if answer is OFF:
                continue
            if type(answer) is str:
                return _short(answer)
            rule = rule_name(function)
            if type(answer) is dict:
                for name, value in answer.items():
                    if type(name) is not str:  # (a str subclass's own __eq__ would run in the widget's code)
                        raise RuleError(rule, TypeError(f"it amended a field named by a {type(name).__name__}: "
                                                        "name fields by their names, as text"))
                    if name not in editor:
                        raise RuleError(rule, KeyError(f"it amended {name!r}, which this record has not"))
                    if not editor.field(name).is_editable:
                        raise RuleError(rule, ValueError(f"it amended {name!r}, which WWE marks read-only"))
                    editor.set_text(name, _as_text(editor, name, _value(rule, value)))
            elif answer is not None:
                raise RuleError(rule, TypeError(f"it returned {answer!r}: return None, a message, or {{field: value}}"))
        return None

    # -- after a save -----------------------------------------------------------------

    def after_save(self, it: Interaction, saved: dict[str, Any], fields: list[Field] | None) -> None:
        """Run the `after_save` rules once WWE has *saved* (name → value sent), in the
        background (the save is already shown as saved), held to the widget's privileges.
        *fields*: the record read back from WWE (None when that read failed: the record as
        the widget holds it then)."""
        hooks = self.rules.after_save_hooks
        if not hooks:
            return
        record = (Record.of(fields, interaction_id=it.id, campaign=it.campaign) if fields is not None
                  else self.record(it))
        settings = self.widget.settings(it)

        def refuse(request: str) -> str | None:
            namespace, _, name = request.rpartition(".")
            namespace = namespace or "outbound"  # (the bridge names outbound requests bare)
            if effect_of(request) == "ui" or request in SIDE_EFFECTS:
                return None
            if namespace != "outbound":
                return ("an after_save rule changes the record's data, not calls, the agent or the desktop "
                        "(outbound requests, the interaction's attached data, toasts and messages)")
            if it.done:
                return "the record is done in WWE: nothing more goes to it"
            privilege = REQUEST_PRIVILEGES.get(name)
            if privilege == "can-reschedule" and it.in_preview:
                privilege = "can-reschedule-before-call"
            for needed in ("can-use", privilege):
                if needed is not None and not settings.allows(needed):
                    return f"the widget's privileges withhold it (privilege.outbound.{needed} is false)"
            return None

        async def run() -> None:
            for function in hooks:
                rule = rule_name(function)
                if (it.id, rule) in self.off:
                    continue
                try:
                    await call_side_effect(function, dict(saved), record, refuse=refuse,
                                           budget_ms=self.widget.config.budget_ms("after-save", rule))
                except RuleError as exc:
                    self.widget.browser.error("outbound widget: an after_save rule failed\n"
                                          + traceback_of(exc.error))
                    what = ("ran past its budget and was stopped" if exc.timed_out
                            else f"failed ({type(exc.error).__name__}: {describe(exc.error, 120)})")
                    self._notice(it, _short(f"The record is saved; the after_save rule {rule} {what}: its side "
                                            "effects may not all have happened. Tell whoever maintains the "
                                            "widget's rules."))
        self.widget.spawn(run())

    # -- events --------------------------------------------------------------------

    def react(self, kind: str, event: Event | str, it: Interaction | None) -> None:
        """Run the reactions to *kind* (the shown interaction's record when it is loaded)."""
        functions = self.rules.reactions.get(kind, ())
        if not functions:
            return  # (no reaction: no record built, for every WWE event)
        record = self.record(it) if it is not None and it.editor is not None else None
        reaction = Reaction(record, functools.partial(self._choose, it), functools.partial(self._notice, it))
        for function in functions:
            try:
                self._run(it, function, "on", event, reaction)
            except RuleError as exc:
                self._notice(it, self.failed(it, exc))

    def _choose(self, it: Interaction | None, result: str | int) -> None:
        if it is None:
            return
        results = self.widget.session.call_results
        try:
            chosen = results.resolve(result) if results is not None else None
        except Exception as exc:  # a name WWE's list has not: said, not raised into the rule
            self._notice(it, f"A rule chose the call result {result!r}: {exc}")
            return
        if chosen is not None:
            self.widget.signals.emit(RESULT_CHOSEN, it, chosen.code)

    def _notice(self, it: Interaction | None, text: str) -> None:
        target = it if it is not None else self.widget.shown
        if target is not None:
            target.rule_notice = _short(text)
            if self.widget.shown is target:
                self.widget.render_notice()
        else:
            self.widget.message = text
            self.widget.render_notice()
