"""The widget's views as element trees (see tree.py): pure functions of state.

Element ids are ours (``f3``, ``w-save``), never derived from WWE's field names,
which are untrusted text. Every WWE string lands in a text child or an
attribute value; nothing here is markup.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bridge import CallResult, CallResults, Campaign, ChainedRecord, Field, RecordEditor
from bridge.record import FieldConflict
from bridge.tree import AttrValue, Node, children_slot, h, slot, stamp

from .controls import Control, ControlKind
from .state import Status

__all__ = ["Status", "h"]  # re-exported for the panels


def field_id(index: int) -> str:
    return f"f{index}"


def status_view(area: str, status: Status) -> Node:
    children: list[Node] = []
    if status.state == "busy":
        children.append(h("span", {"class": "spinner", "aria-hidden": "true"}))
    if status.message:
        children.append(h("span", {"class": "status-text"}, status.message))
    if status.state == "error" and status.retry:
        children.append(h("button", {"type": "button", "data-action": "retry", "data-area": area}, "Retry"))
    # tabindex -1: the keyboard's focus can land here when the control it was on is disabled
    return h("div", {"id": f"{area}-status", "class": f"status status-{status.state}", "role": "status",
                     "aria-live": "polite", "data-status": status.state, "tabindex": "-1"}, *children)


# -- record form -------------------------------------------------------------------


# A field row is a template (its shape: control kind, constants, mandatory, hint)
# and the values that differ per field; see tree.stamp. Value numbers:
V_INDEX, V_CLASS, V_NAME, V_CHANGED, V_LABEL, V_TEXT, V_INVALID, V_CHECKED = range(8)
V_MSG_HIDDEN, V_MSG, V_WAS_HIDDEN, V_WAS, V_REVERT_HIDDEN, V_REVERT_LABEL, V_OPTIONS = range(8, 15)


def _id(suffix: str = "") -> str:
    return f"f{slot(V_INDEX)}{suffix}"


def _control_template(control: Control, mandatory: bool) -> Node:
    common: dict[str, AttrValue] = {
        "id": _id(), "data-field": slot(V_INDEX),
        "aria-describedby": f"{_id('-msg')} {_id('-was')}" + (f" {_id('-hint')}" if control.hint else ""),
        "required": mandatory, "aria-required": "true" if mandatory else None, "aria-invalid": slot(V_INVALID),
    }
    if control.kind is ControlKind.READONLY:
        # Selectable text, not a disabled input: the agent can read and copy it.
        return h("output", {"id": _id(), "class": "readonly-value", "aria-describedby": _id("-msg")}, slot(V_TEXT))
    if control.kind is ControlKind.CHECKBOX:
        return h("input", {**common, "type": "checkbox", "checked": slot(V_CHECKED), "required": False})
    if control.kind is ControlKind.SELECT:
        return h("select", common, children_slot(V_OPTIONS))
    # autocomplete and spellcheck are set once on the form
    return h("input", {
        **common,
        "type": "number" if control.kind is ControlKind.NUMBER else "text",
        "step": control.step, "maxlength": control.max_length, "placeholder": control.placeholder,
        "inputmode": control.input_mode, "value": slot(V_TEXT),
    })


@functools.lru_cache(maxsize=256)
def field_row_template(control: Control, mandatory: bool) -> Node:
    """The markup of a field's row, with slots for what differs between fields.

    One per shape (control and mandatory flag), built once: treat it as read-only.
    """
    readonly = control.kind is ControlKind.READONLY
    # The marker sits beside the label, not in it: the control's name stays the field's
    # label, and `required` tells assistive technology.
    if readonly:
        label = h("div", {"class": "label-line"}, h("span", {"class": "label", "id": _id("-label")}, slot(V_LABEL)))
    else:
        label = h("div", {"class": "label-line"},
                  h("label", {"for": _id(), "id": _id("-label")}, slot(V_LABEL)),
                  h("span", {"class": "mandatory", "aria-hidden": "true", "title": "required"}, " *") if mandatory else None)
    return h(
        "div", {"class": slot(V_CLASS), "id": _id("-row"), "data-name": slot(V_NAME), "data-changed": slot(V_CHANGED)},
        label,
        h("span", {"class": "hint", "id": _id("-hint")}, control.hint) if control.hint else None,
        _control_template(control, mandatory),
        h("span", {"class": "readonly-hint", "id": _id("-msg")}, control.readonly_reason or "")
        if readonly else
        h("span", {"class": "field-error", "id": _id("-msg"), "hidden": slot(V_MSG_HIDDEN)}, slot(V_MSG)),
        h("span", {"class": "was", "id": _id("-was"), "hidden": slot(V_WAS_HIDDEN)}, slot(V_WAS)),
        None if readonly else
        h("button", {"type": "button", "class": "revert", "id": _id("-revert"), "data-action": "revert",
                     "data-field": slot(V_INDEX), "hidden": slot(V_REVERT_HIDDEN), "aria-label": slot(V_REVERT_LABEL)},
          "Revert"),
    )


def field_problem(editor: RecordEditor, name: str) -> str | None:
    """What to flag on a field: the agent's entry's problem, else WWE's own value's."""
    if editor.is_changed(name):
        return editor.problem(name)
    return editor.problem(name) or editor.baseline_problem(name)


def field_row_values(index: int, field: Field, control: Control, editor: RecordEditor,
                     rule_problem: str | None = None) -> list[Any]:
    """What fills a field's row template (see the V_* numbers); *rule_problem*: a deployer's
    rule's message on the field (shown when the field has no problem of its own)."""
    readonly = control.kind is ControlKind.READONLY
    duplicate = readonly and editor.index(field.name) != index
    # A duplicate shows its own value, as WWE sent it: it has no edit state.
    text = ("" if field.value is None else str(field.value)) if duplicate else editor.text(field.name)
    changed = not duplicate and editor.is_changed(field.name)
    problem = None if readonly else (field_problem(editor, field.name) or rule_problem)
    options: list[Node] = []
    if control.kind is ControlKind.SELECT:
        choices = list(control.options)
        if text and text not in {key for key, _ in choices}:
            choices.append((text, f"{text} (not an option)"))
        options = [h("option", {"value": key, "selected": key == text}, label) for key, label in choices]
    return [
        index,
        "field" + (" changed" if changed else "") + (" readonly" if readonly else ""),
        field.name,
        "true" if changed else None,
        field.label,
        ((field.options or {}).get(text) or text or "—") if readonly else text,  # an enum reads as its label
        "true" if problem else None,
        control.kind is ControlKind.CHECKBOX and text.lower() == "true",
        not problem,
        f"{field.label}: {problem}" if problem else "",
        not changed,
        f"was: {editor.original_text(field.name) or '(empty)'}",
        not changed,
        f"Revert {field.label}",
        options,
    ]


def field_row(index: int, field: Field, control: Control, editor: RecordEditor, rule_problem: str | None = None) -> Node:
    """One row as a plain tree (for replacing a row in place)."""
    return stamp([(field_row_template(control, field.is_mandatory),
                   field_row_values(index, field, control, editor, rule_problem))])


def record_form(interaction_id: str, fields: Sequence[Field], controls: Sequence[Control], editor: RecordEditor,
                conflicts: Sequence[FieldConflict] = (), status: Status = Status(),
                sections: Sequence[tuple[str | None, Sequence[int]]] | None = None,
                rule_problems: Mapping[str, str] | None = None) -> Node:
    """The record's form: *sections* (layout.sections) say which rows show, in which
    titled group and order (default: every row, in WWE's order)."""
    changes = editor.changed_count()
    problems = rule_problems or {}

    def rows(indices: Sequence[int]) -> Node:
        return stamp([(field_row_template(controls[i], fields[i].is_mandatory),
                       field_row_values(i, fields[i], controls[i], editor, problems.get(fields[i].name)))
                      for i in indices])

    body: list[Node] = [
        h("fieldset", {"class": "group"}, h("legend", {}, title), rows(indices)) if title else rows(indices)
        for title, indices in (sections if sections is not None else [(None, range(len(fields)))])
    ]
    # data-interaction: an event from this form (a blur after a switch removed it)
    # belongs to this interaction, whichever is shown when it arrives.
    return h(
        "form", {"id": "w-form", "class": "record", "novalidate": True, "aria-label": "Record fields",
                 "autocomplete": "off", "spellcheck": "false", "data-interaction": interaction_id},
        h("div", {"class": "mandatory-note"}, "Fields marked * are required."),
        *body,
        conflict_box(conflicts),
        h("div", {"class": "form-actions"},
          h("button", {"type": "button", "id": "w-save", "data-action": "save", "disabled": changes == 0}, save_label(changes)),
          h("button", {"type": "button", "id": "w-revert-all", "data-action": "revert-all", "disabled": changes == 0},
            "Revert all")),
        status_view("record", status),
    )


def conflict_box(conflicts: Sequence[FieldConflict]) -> Node:
    """Fields the agent edited that WWE changed meanwhile, and the two ways on."""
    if not conflicts:
        return h("div", {"id": "w-conflict-box", "hidden": True})
    return h(
        "div", {"id": "w-conflict-box", "class": "conflict", "role": "alert"},
        h("h3", {}, f"Changed in WWE since you loaded the record ({len(conflicts)})"),
        h("ul", {}, *(h("li", {"data-name": c.name}, h("strong", {}, c.label), f": WWE now has “{c.wwe}”, you entered “{c.mine}” "
                                                      f"(it was “{c.was}”)") for c in conflicts)),
        h("div", {"class": "form-actions"},
          h("button", {"type": "button", "id": "w-keep-mine", "data-action": "keep-mine"}, "Save mine over WWE's"),
          h("button", {"type": "button", "id": "w-take-wwe", "data-action": "take-wwe"}, "Use WWE's values")),
    )


def save_label(changes: int) -> str:
    return "Save 1 change" if changes == 1 else f"Save {changes} changes" if changes else "No changes to save"


def error_summary(problems: Sequence[tuple[int, str, str]]) -> Node:
    """Every bad field with a link that focuses it: (index, label, problem)."""
    if not problems:
        return h("div", {"id": "w-summary-box", "hidden": True})
    return h(
        "div", {"id": "w-summary-box", "class": "error-summary", "tabindex": "-1"},
        h("h2", {}, f"{len(problems)} field(s) need attention before saving"),
        h("ul", {}, *(h("li", {}, h("a", {"href": f"#{field_id(i)}", "data-action": "focus-field", "data-field": i},
                                     f"{label}: {problem}")) for i, label, problem in problems)),
    )


# -- around the record -------------------------------------------------------------


def _why(element_id: str, reason: str | None) -> Node | None:
    return h("p", {"id": element_id, "class": "why"}, reason) if reason else None


def header(interaction_id: str | None, state: str | None, campaign: str | None, known: Sequence[str]) -> Node:
    if interaction_id is None:
        title: Node = h("p", {"class": "no-interaction"}, "No outbound interaction: get a preview record below, or wait for WWE to push one.")
    else:
        facts = " · ".join(x for x in (campaign, state) if x)
        title = h("p", {"class": "interaction"}, "Interaction ", h("strong", {"id": "w-iid"}, interaction_id),
                  f" · {facts}" if facts else None)
    switcher = None
    # Whenever there is another interaction to go to (also when none is shown: one that
    # is gone must not hide the others, nor their unsaved edits).
    if len(known) > 1 or (known and interaction_id is None):
        choose = h("option", {"value": "", "selected": True}, "Choose…") if interaction_id is None else None
        switcher = h("label", {"class": "switch"}, "Show ",
                     h("select", {"id": "w-switch", "data-action": "switch"}, choose,
                       *(h("option", {"value": iid, "selected": iid == interaction_id}, iid) for iid in known)))
    return h("div", {"id": "w-header-box"}, title, switcher)


def call_result_view(interaction_id: str, results: CallResults | None, chosen: str, blocked: str | None, dnc: bool, dnc_blocked: str | None,
                     note: str | None, status: Status, *, can_set: bool = True, can_dnc: bool = True,
                     known: CallResults | None = None) -> Node:
    """The call result picker and the Do Not Call toggle.

    *chosen* is the code the select shows (the agent's choice, else the record's);
    *blocked* / *dnc_blocked* say why WWE would refuse the action now (None: allowed);
    *can_set* / *can_dnc*: the agent's privileges (without one, its controls are not shown).
    """
    options = [h("option", {"value": "", "selected": chosen == ""}, "Choose a call result…")]
    listed = False
    for name in results or ():
        result = results[name] if results else None
        assert result is not None
        listed = listed or str(result.code) == chosen
        options.append(h("option", {"value": str(result.code), "selected": str(result.code) == chosen}, result.label))
    if chosen and not listed:
        # the record's own result, shown as what it is: WWE's name if WWE lists it (*known*), else its code
        found = known.by_code(int(chosen)) if known is not None and chosen.isdecimal() else None
        text = f"{found.label} (not offered here)" if found else f"{chosen} (not in WWE's list)"
        options.append(h("option", {"value": chosen, "selected": True}, text))
    picker: tuple[Node | None, ...] = (
        h("label", {"for": "w-call-result"}, "Result"),
        h("select", {"id": "w-call-result", "data-action": "choose-result", "disabled": blocked is not None,
                     "aria-describedby": "w-call-result-why" if blocked else None}, *options),
        h("button", {"type": "button", "data-action": "set-call-result", "id": "w-set-call-result", "disabled": blocked is not None,
                     "aria-describedby": "w-call-result-why" if blocked else None}, "Set call result"),
        _why("w-call-result-why", blocked),
        _why("w-results-note", note),
    ) if can_set else ()
    toggle: tuple[Node | None, ...] = (
        h("button", {"type": "button", "data-action": "toggle-dnc", "id": "w-dnc", "aria-pressed": "true" if dnc else "false",
                     "disabled": dnc_blocked is not None, "aria-describedby": "w-dnc-why" if dnc_blocked else None},
          "Do Not Call: on (remove)" if dnc else "Do Not Call: off (set)"),
        _why("w-dnc-why", dnc_blocked),
    ) if can_dnc else ()
    return h(
        "section", {"id": "w-call-result-box", "aria-labelledby": "w-call-result-title", "data-interaction": interaction_id},
        h("h2", {"id": "w-call-result-title"}, "Call result" if can_set else "Do Not Call"),
        *picker, *toggle,
        status_view("call-result", status),
    )


@dataclass(frozen=True)
class RescheduleInfo:
    record_handle: int | None
    phone: str | None
    zone: str  # "ACT (UTC+09:30)"
    scheduled: str | None  # what was set in this session, e.g. "05/27/2031 10:30 (PERSONAL)"
    when_text: str = ""  # what the agent typed
    callback_type: str = "PERSONAL"
    local: str = ""  # the agent-local equivalent of when_text
    error: str | None = None  # why when_text cannot be sent
    warning: str | None = None  # why when_text should not be sent (outside the calling window)
    window: str | None = None  # the record's calling window, in record and agent time
    note: str | None = None  # why the record's zone is approximate or unknown
    confirm: bool = False  # the agent was warned: "Reschedule anyway" is offered
    numbers: Sequence[tuple[int, str]] = ()  # the chain's records the callback may go to (handle, label)


def reschedule_view(interaction_id: str, info: RescheduleInfo | None, status: Status, *,
                    unavailable: str | None = None) -> Node:
    """The callback form; *unavailable* says why rescheduling is not offered now instead."""
    if unavailable is not None:
        body: tuple[Node | None, ...] = (h("p", {"id": "w-reschedule-why", "class": "why"}, unavailable),)
    elif info is None or info.record_handle is None:
        body = (h("p", {}, "No record to reschedule."),)
    else:
        body = (
            h("p", {"id": "w-zone"}, f"Record {info.record_handle}" + (f" ({info.phone})" if info.phone else ""),
              f" — enter the callback in the record's time zone: {info.zone}."),
            *((h("label", {"for": "w-callback-number"}, "Call back on"),
               h("select", {"id": "w-callback-number", "data-action": "choose-callback-number"},
                 *(h("option", {"value": str(handle), "selected": handle == info.record_handle}, label)
                   for handle, label in info.numbers))) if info.numbers else ()),
            h("p", {"id": "w-zone-note", "class": "why"}, f"Note: {info.note}.") if info.note else None,
            h("p", {"id": "w-window"}, f"Calling window: {info.window}.") if info.window else None,
            h("label", {"for": "w-when"}, "Callback at (record time)"),
            h("input", {"id": "w-when", "type": "text", "placeholder": "MM/DD/YYYY HH:MM", "inputmode": "numeric",
                        "autocomplete": "off", "aria-describedby": "w-when-local w-when-error w-when-warning",
                        "value": info.when_text, "aria-invalid": "true" if info.error else None}),
            h("p", {"id": "w-when-local", "class": "hint", "aria-live": "polite"}, info.local),
            h("p", {"id": "w-when-error", "class": "field-error", "hidden": info.error is None},
              f"Callback at: {info.error}" if info.error else ""),
            h("p", {"id": "w-when-warning", "class": "warning", "role": "alert", "hidden": info.warning is None},
              info.warning or ""),
            h("label", {"for": "w-callback-type"}, "Callback type"),
            h("select", {"id": "w-callback-type", "data-action": "choose-callback-type"},
              h("option", {"value": "PERSONAL", "selected": info.callback_type == "PERSONAL"}, "Personal (this agent)"),
              h("option", {"value": "CAMPAIGN", "selected": info.callback_type == "CAMPAIGN"}, "Campaign (any agent)")),
            h("button", {"type": "button", "data-action": "reschedule", "id": "w-reschedule"}, "Reschedule"),
            h("button", {"type": "button", "data-action": "reschedule-anyway", "id": "w-reschedule-anyway",
                         "hidden": not (info.confirm and info.warning), "aria-describedby": "w-when-warning"},
              "Reschedule anyway"),
            h("p", {"id": "w-scheduled"}, f"Callback set: {info.scheduled}") if info.scheduled else None,
            h("button", {"type": "button", "data-action": "cancel-reschedule", "id": "w-cancel-reschedule"}, "Cancel reschedule")
            if info.scheduled else None,
        )
    return h("section", {"id": "w-reschedule-box", "aria-labelledby": "w-reschedule-title", "data-interaction": interaction_id},
             h("h2", {"id": "w-reschedule-title"}, "Reschedule"), *body, status_view("reschedule", status))


def chain_view(interaction_id: str, records: Sequence[ChainedRecord] | None, results: CallResults | None, blocked: str | None,
               status: Status, dialable: Collection[int | None] | None = None) -> Node:
    """The chain's records with "Call this number"; *blocked* says why dialling is not possible now;
    *dialable*: the handles the agent may dial (default: all; the others get no button)."""
    def result_label(code: int | None) -> str:
        if code is None:
            return ""
        return (results.describe(code) if results else CallResult(str(code), code)).label

    def hhmm(value: object) -> str:
        return value.strftime("%H:%M") if hasattr(value, "strftime") else ""

    rows = [
        h("tr", {"data-handle": r.record_handle},
          h("td", {}, r.phone or ""), h("td", {}, r.phone_type_label), h("td", {}, str(r.record_handle)),
          h("td", {}, result_label(r.call_result)), h("td", {}, hhmm(r.call_from)), h("td", {}, hhmm(r.call_until)),
          h("td", {}, h("button", {"type": "button", "data-action": "call-record", "data-handle": r.record_handle,
                                   "disabled": blocked is not None or r.record_handle is None,
                                   "aria-describedby": "w-chain-why" if blocked else None,
                                   "aria-label": f"Call {r.phone or r.record_handle}"},
                        "Call this number")
                 # (a record without a handle keeps its button, disabled: it cannot be dialled at all)
                 if dialable is None or r.record_handle is None or r.record_handle in dialable else None))
        for r in records or ()
    ]
    if records is None:
        table: Node = h("p", {}, "Loading the chained records…")
    elif rows:
        table = h("table", {"id": "w-chain"},
                  h("thead", {}, h("tr", {}, *(h("th", {"scope": "col"}, c) for c in
                                               ("Phone", "Type", "Handle", "Call result", "From", "Until", "")))),
                  h("tbody", {}, *rows))
    else:
        table = h("p", {}, "No chained records.")
    return h("section", {"id": "w-chain-box", "aria-labelledby": "w-chain-title", "data-interaction": interaction_id},
             h("h2", {"id": "w-chain-title"}, "Chained records"), table, _why("w-chain-why", blocked),
             status_view("chain", status))


@dataclass(frozen=True)
class PreviewRights:
    """Which preview actions the agent has (the deployer's privileges): the others are not shown."""

    get: bool = True
    direct_push: bool = True
    reject: bool = True
    cancel: bool = True


def preview_view(campaigns: Sequence[Campaign], selected: str | None, direct_push: bool, session_status: Status,
                 preview_iid: str | None, blocked: str | None, status: Status, *, can: PreviewRights = PreviewRights(),
                 get_blocked: str | None = None, auto_dial: str | None = None) -> Node:
    """Getting records (session-wide) and the shown preview's Call / Reject / Cancel.

    *preview_iid* is the shown interaction when it is (or was) a preview; *blocked*
    says why its actions are not possible now; *get_blocked* why Get record is not;
    *auto_dial* the timed preview's countdown.
    """
    options = [h("option", {"value": c.name, "selected": c.name == selected},
                 c.name + (f" ({', '.join(x for x in (c.mode, c.status) if x)})" if c.mode or c.status else ""))
               for c in campaigns]
    disabled: dict[str, AttrValue] = {"disabled": blocked is not None, "aria-describedby": "w-preview-why" if blocked else None}
    return h(
        "section", {"id": "w-preview-box", "aria-labelledby": "w-preview-title"},
        h("h2", {"id": "w-preview-title"}, "Preview"),
        h("div", {"class": "preview-actions", "hidden": preview_iid is None, "data-interaction": preview_iid},
          h("span", {}, f"Preview {preview_iid}: " if preview_iid else ""),
          h("button", {"type": "button", "data-action": "call-preview", "id": "w-call-preview", **disabled}, "Call"),
          h("button", {"type": "button", "data-action": "reject-preview", "id": "w-reject-preview", **disabled}, "Reject")
          if can.reject else None,
          h("button", {"type": "button", "data-action": "cancel-preview", "id": "w-cancel-preview", **disabled}, "Cancel record")
          if can.cancel else None),
        h("p", {"id": "w-auto-dial", "class": "auto-dial", "role": "timer", "hidden": not (preview_iid and auto_dial)},
          auto_dial or ""),
        _why("w-preview-why", blocked if preview_iid else None),
        status_view("preview", status),
        *((h("label", {"for": "w-campaign"}, "Campaign"),
           h("select", {"id": "w-campaign", "data-action": "choose-campaign"}, *options) if options else h("p", {}, "No campaigns loaded."),
           h("button", {"type": "button", "data-action": "get-preview", "id": "w-get-preview",
                        "disabled": not options or get_blocked is not None,
                        "aria-describedby": "w-get-why" if get_blocked else None}, "Get record"),
           _why("w-get-why", get_blocked)) if can.get else ()),
        h("button", {"type": "button", "data-action": "toggle-direct-push", "id": "w-direct-push",
                     "aria-pressed": "true" if direct_push else "false"},
          "Stop direct push preview" if direct_push else "Start direct push preview") if can.direct_push or direct_push else None,
        status_view("campaign", session_status),
    )


# -- mark done -----------------------------------------------------------------------


def mark_done_view(interaction_id: str, left: str | None, status: Status, *, offered: bool,
                   waiting: str | None = None, unprotected: str | None = None) -> Node:
    """WWE's Mark done from the widget: offered only when nothing is left (*left* None);
    otherwise what is left, which WWE's own Done also shows while the widget blocks it.
    *waiting*: why it is not offered although the record is clean (the call is still on).
    *unprotected*: WWE refused the block, so its Done would go ahead: said as a warning."""
    if left is not None and unprotected is not None:
        body: Node | None = h("p", {"id": "w-done-left", "class": "why warning", "role": "alert"},
                              f"WWE's Done is not held back: {unprotected}. Save or revert before you mark done: {left}")
    elif left is not None:
        body = h("p", {"id": "w-done-left", "class": "why"}, f"Mark done waits: {left}")
    elif waiting is not None:
        body = h("p", {"id": "w-done-left", "class": "why"}, waiting)
    elif offered:
        body = h("button", {"type": "button", "id": "w-mark-done", "data-action": "mark-done"}, "Mark done")
    else:
        body = None
    return h("section", {"class": "mark-done", "aria-label": "Mark done", "data-interaction": interaction_id},
             body, status_view("done", status))
