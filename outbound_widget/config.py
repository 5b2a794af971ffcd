"""The deployer's configuration of the widget: WWE's outbound privileges and options,
which panels show, the record's layout, per campaign.

A custom view cannot read WWE's own options (no method of the outbound service
returns them), so the deployer writes them in one file served next to the
widget's page, ``widget-config.toml``, with WWE's names::

    rules = "widget_rules.py"

    [privilege.outbound]
    can-reschedule-before-call = false

    [outbound]
    call-result-values = ["Answer", "Busy", "NoAnswer", "AnsweringMachine"]
    call-result-automatically-selected = "Answer"

    [layout]
    order = ["GSW_PHONE", "first_name"]
    hidden = ["score"]

    [campaign."Spring Sale".layout]
    labels = { first_name = "Given name" }

The file is checked whole when the widget starts; every problem is named by its
key (`ConfigError`), and a widget with a broken configuration shows only that
error. The schema below is the one truth: `json_schema()` publishes it.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from bridge import BridgeError
from bridge.call_results import DEFAULT_CALL_RESULTS

from .rule_budget import DEFAULT_BUDGET_MS, MAX_BUDGET_MS
from ._schema import Array, Bool, Int, Node, Problems, Table, Text, TextMap, Unsupported, toml_key

#: WWE's outbound privileges (``privilege.outbound.<name>``) and what each governs here.
PRIVILEGES: Mapping[str, str] = {
    "can-cancel-record": "Cancel record on a preview (cancelPreviewRecord).",
    "can-dial-alternative-chained-record": "Call this number on the chain's other records (callPreviewRecord).",
    "can-get-next-preview-record": "Get record (getPreviewRecord).",
    "can-mark-do-not-call": "Do Not Call, set and removed (setDoNotCall, removeDoNotCall).",
    "can-reject-record": "Reject on a preview (rejectPreviewRecord).",
    "can-reschedule": "Reschedule and Cancel reschedule once the record has been called (rescheduleRecord).",
    "can-reschedule-before-call": "Reschedule and Cancel reschedule on a preview, before the call.",
    "can-reschedule-on-new-number": "Choosing another of the chain's numbers for the callback.",
    "can-set-call-result": "Set call result (setCallResult).",
    "can-use": "Every outbound action (saving the record, Call, Get record, direct push…); false: the record is shown read-only.",
}

#: The widget's panels around the record form, which the deployer may turn off.
PANELS = ("call-result", "reschedule", "chain", "preview")

TREATMENT_MODE = (
    "a custom view cannot honour it: WWE applies RecordTreatPersonal or RecordTreatCampaign when the agent "
    "marks a record processed, and none of the 17 outbound methods marks a record processed or applies a "
    "treatment. Set it in WWE's own options (interaction-workspace section) instead")


def _call_result_names() -> dict[str, str]:
    """Each standard call result by its two spellings: WWE's options say ``AnsweringMachine``,
    the service's list says ``ANSWERING_MACHINE``; both are accepted, as written."""
    names = {name: name for name in DEFAULT_CALL_RESULTS}
    names.update({name.title().replace("_", ""): name for name in DEFAULT_CALL_RESULTS})
    return names


class CallResultName(Text):
    """A call result as WWE's options name it (``Answer``, ``NoAnswer``) or as the
    service does (``NO_ANSWER``); kept as the service's name."""

    def __init__(self, description: str, *, empty: bool = False) -> None:
        super().__init__(description, enum=None)
        self.empty = empty

    def check(self, value: Any, path: str, problems: Problems) -> Any:
        text = super().check(value, path, problems)
        if text is None or (self.empty and text == ""):
            return text
        names = _call_result_names()
        found = names.get(text)
        if found is None:
            folded = {spelling.lower(): spelling for spelling in names}
            close = folded.get(text.lower()) or next(iter(difflib.get_close_matches(text, list(names), n=1)), None)
            hint = f" (did you mean {close!r}?)" if close else ""
            problems.add(path, f"{text!r} is not one of WWE's call results{hint}; write them as WWE's options do "
                               "(Answer, NoAnswer, AnsweringMachine…) or as its list does (ANSWER, NO_ANSWER…)")
            return None
        return found

    def schema(self) -> dict[str, Any]:
        spellings = sorted(_call_result_names())
        return {"type": "string", "description": self.description, "enum": ([""] if self.empty else []) + spellings}


def _settings_schema() -> Table:
    """What the defaults and each campaign may set."""
    return Table("", {
        "privilege": Table("WWE's privileges.", {
            "outbound": Table("privilege.outbound.*: false hides the action and never sends its call.", {
                name: Bool(f"Default true. {what}") for name, what in PRIVILEGES.items()}),
        }),
        "outbound": Table("WWE's outbound options (interaction-workspace section), same names.", {
            "call-result-values": Array(
                "The call results an agent may pick, in this order (default: all of WWE's list).",
                CallResultName("A call result."), unique=True, min_items=1),
            "call-result-automatically-selected": CallResultName(
                "The call result selected for a record; empty: the record's own result (default).", empty=True),
            "timed-preview-auto-dial": Int(
                "Seconds after which a preview shown to the agent is dialled; -1 (default) never, 0 at once.",
                minimum=-1, maximum=3600),
            "preview": Table("", {
                "max-simultaneous-preview-record": Int(
                    "Most previews an agent holds at once (Get record is disabled then); 0 or less: no limit.",
                    minimum=-1000, maximum=1000),
            }),
            "treatment-mode": Unsupported(TREATMENT_MODE),
        }),
        "widget": Table("This widget's own settings.", {
            "panels": Table("false hides a panel.", {name: Bool("Default true.") for name in PANELS}),
            "direct-push": Bool("Default true: Start/Stop direct push preview is offered."),
            "mark-done": Bool("Default true: the widget offers WWE's Mark done once the call is released and "
                              "nothing is left unsaved (WWE's own Done stays either way)."),
            "mark-done-needs-call-result": Bool(
                "Default false. true: Mark done (WWE's too) is blocked until the record has a call result."),
        }),
        "layout": Table("The record form.", {
            "order": Array("Fields shown first, in this order (by WWE's field name); the others follow in WWE's order.",
                           Text("A field name."), unique=True),
            "hidden": Array("Fields not shown (they are kept, never sent).", Text("A field name."), unique=True),
            "readonly": Array("Fields locked here even where WWE lets them change (never the reverse).",
                              Text("A field name."), unique=True),
            "labels": TextMap("Field name → the label to show."),
            "help": TextMap("Field name → a help text shown under its label."),
            "groups": Array("Sections of the form, in order; fields in none follow them.", Table("A section.", {
                "title": Text("The section's heading.", required=True),
                "fields": Array("Its fields, in order.", Text("A field name."), unique=True, min_items=1),
            }, required=("title", "fields"))),
        }),
    })


def _file_schema() -> Table:
    settings = _settings_schema()
    return Table("The outbound widget's configuration (widget-config.toml).", {
        "rules": Text("The deployer's Python rules: a .py file beside this one (same site).",
                      pattern=r"^[A-Za-z_][A-Za-z0-9_]*\.py(?![\s\S])",
                      pattern_hint="a .py file name beside this file, such as widget_rules.py (letters, digits, _)"),
        "rule-budget-ms": Table("Milliseconds a rule may run per call before it is stopped and turned off for "
                                "the record (docs/configuring.md, \"What rules may do\").", {
            **{hook: Int(f"Default {ms}.", minimum=1, maximum=MAX_BUDGET_MS) for hook, ms in DEFAULT_BUDGET_MS.items()},
            "rules": TextMap("A rule (its function's name) → its own budget, over its hook's.",
                             values=Int("Milliseconds.", minimum=1, maximum=MAX_BUDGET_MS)),
        }),
        **settings.fields,
        "campaign": TextMap("Per campaign (by its exact name), settings that override the defaults above.",
                            values=Table("", settings.fields)),
    })


SCHEMA: Node = _file_schema()


def json_schema() -> dict[str, Any]:
    """The configuration's JSON Schema (build.py publishes it as widget-config.schema.json)."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "widget-config.schema.json", "title": "wwe-outbound-bridge widget configuration",
            **SCHEMA.schema()}


class ConfigError(BridgeError):
    """The widget's configuration has problems: each names its key.

    Attributes
    ----------
    problems : list[str]
        ``"layout.hidden[2]: expected text, got 3"``, one per problem.
    source : str
        The file, as the widget fetched it.
    """

    def __init__(self, problems: list[str], source: str) -> None:
        self.problems, self.source = problems, source
        listed = "\n".join(f"- {p}" for p in problems)
        super().__init__(f"{source} has {len(problems)} problem(s); fix them and reload the widget:\n{listed}")


@dataclass(frozen=True)
class Group:
    title: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    """How the record form is laid out (all by WWE's field names)."""

    order: tuple[str, ...] = ()
    hidden: frozenset[str] = frozenset()
    readonly: frozenset[str] = frozenset()
    labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    help: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    groups: tuple[Group, ...] = ()


@dataclass(frozen=True)
class Settings:
    """What applies to one interaction: the defaults, or its campaign's section over them.

    Attributes
    ----------
    privileges : Mapping[str, bool]
        Every name of `PRIVILEGES` (unset ones are True, as WWE grants them by role).
    call_result_values : tuple[str, ...] | None
        The call results offered, by the service's names, in order; None: WWE's list.
    call_result_selected : str | None
        Preselected call result; None: the record's own.
    auto_dial_s : int
        ``outbound.timed-preview-auto-dial``: -1 never.
    max_previews : int
        ``outbound.preview.max-simultaneous-preview-record``: 0 or less, no limit.
    panels : frozenset[str]
        The panels shown (of `PANELS`).
    direct_push : bool
    mark_done : bool
        The widget offers Mark done (``[widget] mark-done``).
    mark_done_needs_call_result : bool
        Mark done is blocked until a call result is set.
    layout : Layout
    """

    privileges: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType(dict.fromkeys(PRIVILEGES, True)))
    call_result_values: tuple[str, ...] | None = None
    call_result_selected: str | None = None
    auto_dial_s: int = -1
    max_previews: int = -1
    panels: frozenset[str] = frozenset(PANELS)
    direct_push: bool = True
    mark_done: bool = True
    mark_done_needs_call_result: bool = False
    layout: Layout = field(default_factory=Layout)

    def allows(self, privilege: str) -> bool:
        """Whether ``privilege.outbound.<privilege>`` is granted."""
        return self.privileges[privilege]

    def shows(self, panel: str) -> bool:
        return panel in self.panels


@dataclass(frozen=True)
class WidgetConfig:
    """The whole file: defaults, per-campaign settings, and the rules module's file name."""

    defaults: Settings = field(default_factory=Settings)
    campaigns: Mapping[str, Settings] = field(default_factory=lambda: MappingProxyType({}))
    rules: str | None = None
    source: str = "(built-in defaults)"
    budgets: Mapping[str, int] = field(default_factory=lambda: MappingProxyType(dict(DEFAULT_BUDGET_MS)))
    rule_budgets: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def budget_ms(self, hook: str, rule: str) -> int:
        """How long the rule *rule* of *hook* (``validate``, ``before-save``…) may run per call."""
        return self.rule_budgets.get(rule, self.budgets[hook])

    def for_campaign(self, campaign: str | None) -> Settings:
        """The settings for an interaction of *campaign* (the defaults when it has no section)."""
        if campaign is not None and campaign in self.campaigns:
            return self.campaigns[campaign]
        return self.defaults


def _apply(base: Settings, data: Mapping[str, Any]) -> Settings:
    """*base* with what a (checked) section sets: keys replace, label and help tables merge."""
    privileges = dict(base.privileges)
    privileges.update(data.get("privilege", {}).get("outbound", {}))
    outbound = data.get("outbound", {})
    widget = data.get("widget", {})
    panels = {name for name in PANELS if widget.get("panels", {}).get(name, name in base.panels)}
    lay = data.get("layout", {})
    layout = base.layout
    layout = Layout(
        order=tuple(lay.get("order", layout.order)),
        hidden=frozenset(lay.get("hidden", layout.hidden)),
        readonly=frozenset(lay.get("readonly", layout.readonly)),
        labels=MappingProxyType({**layout.labels, **lay.get("labels", {})}),
        help=MappingProxyType({**layout.help, **lay.get("help", {})}),
        groups=tuple(Group(g["title"], tuple(g["fields"])) for g in lay["groups"]) if "groups" in lay else layout.groups,
    )
    selected = outbound.get("call-result-automatically-selected", base.call_result_selected)
    values = outbound.get("call-result-values")
    return replace(
        base, privileges=MappingProxyType(privileges),
        call_result_values=tuple(values) if values is not None else base.call_result_values,
        call_result_selected=selected or None,
        auto_dial_s=outbound.get("timed-preview-auto-dial", base.auto_dial_s),
        max_previews=outbound.get("preview", {}).get("max-simultaneous-preview-record", base.max_previews),
        panels=frozenset(panels), direct_push=widget.get("direct-push", base.direct_push),
        mark_done=widget.get("mark-done", base.mark_done),
        mark_done_needs_call_result=widget.get("mark-done-needs-call-result", base.mark_done_needs_call_result),
        layout=layout)


def _cross_checks(settings: Settings, path: str, problems: Problems, section: Mapping[str, Any]) -> None:
    """What one key cannot say alone (the JSON Schema cannot either): the default call result
    must be one an agent may pick, and a field shows in one group only."""
    values, selected = settings.call_result_values, settings.call_result_selected
    if values is not None and selected is not None and selected not in values:
        def named(name: str) -> str:  # as WWE's options write it: NO_ANSWER -> NoAnswer
            return name.title().replace("_", "")
        own = "call-result-automatically-selected" in section.get("outbound", {})
        key = "call-result-automatically-selected" if own else "call-result-values"
        inherited = "" if own else (f" (call-result-automatically-selected = {named(selected)!r} is inherited from the "
                                    "defaults: set it in this section too)")
        problems.add(f"{path}outbound.{key}",
                     f"the default call result {named(selected)!r} is not among {', '.join(map(named, values))}: WWE "
                     f"requires it to be one of them{inherited}")
    placed = [name for group in settings.layout.groups for name in group.fields]
    twice = sorted({name for name in placed if placed.count(name) > 1})
    if twice:
        problems.add(f"{path}layout.groups", f"{', '.join(map(repr, twice))} in more than one group: a field "
                                             "shows once")


def parse_config(text: str, source: str = "widget-config.toml") -> WidgetConfig:
    """Read and check the configuration file's text.

    Raises
    ------
    ConfigError
        Listing every problem, each with its key (or the TOML syntax error's line).

    Examples
    --------
    >>> config = parse_config('[privilege.outbound]\\ncan-reschedule = false')
    >>> config.defaults.allows("can-reschedule"), config.defaults.allows("can-reject-record")
    (False, True)
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"not valid TOML: {exc}"], source) from None
    problems = Problems()
    checked = SCHEMA.check(data, "", problems)
    if problems:
        raise ConfigError(problems.items, source)
    defaults = _apply(Settings(), checked)
    _cross_checks(defaults, "", problems, checked)
    campaigns = {}
    for name, section in checked.get("campaign", {}).items():
        campaigns[name] = _apply(defaults, section)
        _cross_checks(campaigns[name], f"campaign.{toml_key(name)}.", problems, section)
    if problems:
        raise ConfigError(problems.items, source)
    budgets = dict(checked.get("rule-budget-ms", {}))
    per_rule = budgets.pop("rules", {})
    return WidgetConfig(defaults, MappingProxyType(campaigns), checked.get("rules"), source,
                        MappingProxyType({**DEFAULT_BUDGET_MS, **budgets}), MappingProxyType(per_rule))

