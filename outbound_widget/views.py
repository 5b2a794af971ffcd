"""The widget's views as element trees (see tree.py): pure functions of state.

Element ids are ours (``f3``, ``w-save``), never derived from WWE's field names,
which are untrusted text. Every WWE string lands in a text child or an
attribute value; nothing here is markup.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bridge import CallResult, CallResults, Campaign, ChainedRecord, Field, RecordEditor

from .controls import Control, ControlKind
from .tree import AttrValue, Node, children_slot, h, slot, stamp

__all__ = ["Status", "h"]  # h re-exported for the controller's one-off notices


def field_id(index: int) -> str:
    return f"f{index}"


@dataclass(frozen=True)
class Status:
    """What an action area shows: idle, busy (with what), done or failed (with a retry)."""

    state: str = "idle"  # idle | busy | done | error
    message: str = ""
    retry: bool = False


def status_view(area: str, status: Status) -> Node:
    children: list[Node] = []
    if status.state == "busy":
        children.append(h("span", {"class": "spinner", "aria-hidden": "true"}))
    if status.message:
        children.append(h("span", {"class": "status-text"}, status.message))
    if status.state == "error" and status.retry:
        children.append(h("button", {"type": "button", "data-action": "retry", "data-area": area}, "Retry"))
    return h("div", {"id": f"{area}-status", "class": f"status status-{status.state}", "role": "status",
                     "aria-live": "polite", "data-status": status.state}, *children)


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
        h("span", {"class": "readonly-hint", "id": _id("-msg")}, "Read-only in WWE: it cannot be changed here.")
        if readonly else
        h("span", {"class": "field-error", "id": _id("-msg"), "hidden": slot(V_MSG_HIDDEN)}, slot(V_MSG)),
        h("span", {"class": "was", "id": _id("-was"), "hidden": slot(V_WAS_HIDDEN)}, slot(V_WAS)),
        None if readonly else
        h("button", {"type": "button", "class": "revert", "id": _id("-revert"), "data-action": "revert",
                     "data-field": slot(V_INDEX), "hidden": slot(V_REVERT_HIDDEN), "aria-label": slot(V_REVERT_LABEL)},
          "Revert"),
    )


def field_row_values(index: int, field: Field, control: Control, editor: RecordEditor) -> list[Any]:
    """What fills a field's row template (see the V_* numbers)."""
    text = editor.text(field.name)
    changed = editor.is_changed(field.name)
    problem = editor.problem(field.name)
    readonly = control.kind is ControlKind.READONLY
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
        (text or "—") if readonly else text,
        "true" if problem and not readonly else None,
        control.kind is ControlKind.CHECKBOX and text.lower() == "true",
        not problem,
        f"{field.label}: {problem}" if problem else "",
        not changed,
        f"was: {editor.original_text(field.name) or '(empty)'}",
        not changed,
        f"Revert {field.label}",
        options,
    ]


def record_form(fields: Sequence[Field], controls: Sequence[Control], editor: RecordEditor) -> Node:
    changes = len(editor.changed_names())
    return h(
        "form", {"id": "w-form", "class": "record", "novalidate": True, "aria-label": "Record fields",
                 "autocomplete": "off", "spellcheck": "false"},
        h("div", {"class": "mandatory-note"}, "Fields marked * are required."),
        stamp([(field_row_template(c, f.is_mandatory), field_row_values(i, f, c, editor))
               for i, (f, c) in enumerate(zip(fields, controls))]),
        h("div", {"class": "form-actions"},
          h("button", {"type": "button", "id": "w-save", "data-action": "save", "disabled": changes == 0}, save_label(changes)),
          h("button", {"type": "button", "id": "w-revert-all", "data-action": "revert-all", "disabled": changes == 0},
            "Revert all")),
        status_view("record", Status()),
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


def header(interaction_id: str | None, state: str | None, campaign: str | None, known: Sequence[str]) -> Node:
    if interaction_id is None:
        title: Node = h("p", {"class": "no-interaction"}, "No outbound interaction: get a preview record below, or wait for WWE to push one.")
    else:
        facts = " · ".join(x for x in (campaign, state) if x)
        title = h("p", {"class": "interaction"}, "Interaction ", h("strong", {"id": "w-iid"}, interaction_id),
                  f" · {facts}" if facts else None)
    switcher = None
    if len(known) > 1:
        switcher = h("label", {"class": "switch"}, "Show ",
                     h("select", {"id": "w-switch", "data-action": "switch"},
                       *(h("option", {"value": iid, "selected": iid == interaction_id}, iid) for iid in known)))
    return h("div", {"id": "w-header-box"}, title, switcher)


def call_result_view(results: CallResults | None, current: CallResult | None, dnc: bool, status: Status) -> Node:
    options = [h("option", {"value": "", "selected": current is None}, "Choose a call result…")]
    for name in results or ():
        result = results[name] if results else None
        assert result is not None
        options.append(h("option", {"value": str(result.code), "selected": current is not None and result.code == current.code},
                         result.label))
    blocked = "Do Not Call is set: WWE refuses a call result until it is removed." if dnc else None
    return h(
        "section", {"id": "w-callresult-box", "aria-labelledby": "w-callresult-title"},
        h("h2", {"id": "w-callresult-title"}, "Call result"),
        h("label", {"for": "w-callresult"}, "Result"),
        h("select", {"id": "w-callresult", "disabled": dnc, "aria-describedby": "w-dnc-why" if dnc else None}, *options),
        h("button", {"type": "button", "data-action": "set-call-result", "id": "w-set-callresult", "disabled": dnc}, "Set call result"),
        h("p", {"id": "w-dnc-why", "class": "why"}, blocked) if blocked else None,
        h("button", {"type": "button", "data-action": "toggle-dnc", "id": "w-dnc", "aria-pressed": "true" if dnc else "false"},
          "Do Not Call: on (remove)" if dnc else "Do Not Call: off (set)"),
        status_view("callresult", status),
    )


@dataclass(frozen=True)
class RescheduleInfo:
    record_handle: int | None
    phone: str | None
    zone: str  # "ACT (UTC+09:30)"
    scheduled: str | None  # what was set in this session, e.g. "05/27/2031 10:30 (PERSONAL)"


def reschedule_view(info: RescheduleInfo | None, status: Status) -> Node:
    if info is None or info.record_handle is None:
        body: tuple[Node | None, ...] = (h("p", {}, "No record to reschedule."),)
    else:
        body = (
            h("p", {"id": "w-zone"}, f"Record {info.record_handle}" + (f" ({info.phone})" if info.phone else ""),
              f" — enter the callback in the record's time zone: {info.zone}."),
            h("label", {"for": "w-when"}, "Callback at (record time)"),
            h("input", {"id": "w-when", "type": "text", "placeholder": "MM/DD/YYYY HH:MM", "inputmode": "numeric",
                        "autocomplete": "off", "aria-describedby": "w-when-local w-when-error"}),
            h("p", {"id": "w-when-local", "class": "hint", "aria-live": "polite"}),
            h("p", {"id": "w-when-error", "class": "field-error", "hidden": True}),
            h("label", {"for": "w-callback-type"}, "Callback type"),
            h("select", {"id": "w-callback-type"},
              h("option", {"value": "PERSONAL"}, "Personal (this agent)"),
              h("option", {"value": "CAMPAIGN"}, "Campaign (any agent)")),
            h("button", {"type": "button", "data-action": "reschedule", "id": "w-reschedule"}, "Reschedule"),
            h("p", {"id": "w-scheduled"}, f"Callback set: {info.scheduled}") if info.scheduled else None,
            h("button", {"type": "button", "data-action": "cancel-reschedule", "id": "w-cancel-reschedule"}, "Cancel reschedule")
            if info.scheduled else None,
        )
    return h("section", {"id": "w-reschedule-box", "aria-labelledby": "w-reschedule-title"},
             h("h2", {"id": "w-reschedule-title"}, "Reschedule"), *body, status_view("reschedule", status))


def chain_view(records: Sequence[ChainedRecord], results: CallResults | None, can_call: bool, status: Status) -> Node:
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
                                   "disabled": not can_call, "aria-label": f"Call {r.phone or r.record_handle}"},
                        "Call this number")))
        for r in records
    ]
    table = h("table", {"id": "w-chain"},
              h("thead", {}, h("tr", {}, *(h("th", {"scope": "col"}, c) for c in
                                           ("Phone", "Type", "Handle", "Call result", "From", "Until", "")))),
              h("tbody", {}, *rows)) if rows else h("p", {}, "No chained records.")
    why = None if can_call else h("p", {"class": "why"}, "Numbers can be dialled while the record is a preview (before it is called).")
    return h("section", {"id": "w-chain-box", "aria-labelledby": "w-chain-title"},
             h("h2", {"id": "w-chain-title"}, "Chained records"), table, why, status_view("chain", status))


def preview_view(campaigns: Sequence[Campaign], selected: str | None, preview_iid: str | None,
                 direct_push: bool, status: Status) -> Node:
    options = [h("option", {"value": c.name, "selected": c.name == selected},
                 c.name + (f" ({', '.join(x for x in (c.mode, c.status) if x)})" if c.mode or c.status else ""))
               for c in campaigns]
    return h(
        "section", {"id": "w-preview-box", "aria-labelledby": "w-preview-title"},
        h("h2", {"id": "w-preview-title"}, "Preview"),
        h("label", {"for": "w-campaign"}, "Campaign"),
        h("select", {"id": "w-campaign"}, *options) if options else h("p", {}, "No campaigns loaded."),
        h("button", {"type": "button", "data-action": "get-preview", "id": "w-get-preview", "disabled": not options}, "Get record"),
        h("div", {"class": "preview-actions", "hidden": preview_iid is None},
          h("span", {}, f"Preview {preview_iid}: " if preview_iid else ""),
          h("button", {"type": "button", "data-action": "call-preview", "id": "w-call-preview"}, "Call"),
          h("button", {"type": "button", "data-action": "reject-preview", "id": "w-reject-preview"}, "Reject"),
          h("button", {"type": "button", "data-action": "cancel-preview", "id": "w-cancel-preview"}, "Cancel record")),
        h("button", {"type": "button", "data-action": "toggle-direct-push", "id": "w-direct-push",
                     "aria-pressed": "true" if direct_push else "false"},
          "Stop direct push preview" if direct_push else "Start direct push preview"),
        status_view("preview", status),
    )
