"""The record form as the deployer laid it out (config.Layout): labels, help, locks,
hidden fields, order and sections. Pure functions of WWE's fields and the layout.

Rows keep their index in WWE's field list (their element ids, ``f<index>``, and
every event speak it); the layout only decides which rows show, where, and how
they are labelled.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from bridge import Field

from .config import Layout
from .controls import Control, ControlKind

LOCKED_REASON = "Locked by your team's configuration: it cannot be changed here."
DERIVED_REASON = "Computed by your team's rules from other fields: it changes as they do, and is saved with them."


def relabel(fields: Sequence[Field], layout: Layout) -> list[Field]:
    """WWE's fields with the deployer's labels (only what is shown changes: names, values
    and flags stay WWE's, and only name → value pairs are ever sent)."""
    labels = layout.labels
    if not labels:
        return list(fields)
    return [replace(f, display_name=labels[f.name]) if f.name in labels else f for f in fields]


def adjust(control: Control, field: Field, layout: Layout, derived: Collection[str]) -> Control:
    """The control with the deployer's help text, and locked where the layout or a rule says.

    A lock only ever takes editing away: a field WWE marks read-only stays so.
    """
    help_text = layout.help.get(field.name)
    if help_text:
        control = replace(control, hint=f"{help_text} ({control.hint})" if control.hint else help_text)
    if control.kind is ControlKind.READONLY:
        return control
    if field.name in derived:
        return Control(ControlKind.READONLY, hint=control.hint, readonly_reason=DERIVED_REASON)
    if field.name in layout.readonly:
        return Control(ControlKind.READONLY, hint=control.hint, readonly_reason=LOCKED_REASON)
    return control


def sections(fields: Sequence[Field], layout: Layout) -> list[tuple[str | None, list[int]]]:
    """Which rows show, in which section, in which order: ``[(title | None, [index, …])]``.

    The layout's groups come first, each in its own order; then the fields in no
    group, those named in ``order`` first, the rest in WWE's order. Hidden fields
    and names the record does not have are left out (a campaign's layout may name
    fields another campaign's records have).
    """
    first: dict[str, int] = {}
    for index, f in enumerate(fields):
        first.setdefault(f.name, index)
    shown = [i for i, f in enumerate(fields) if f.name not in layout.hidden]
    placed: set[int] = set()
    result: list[tuple[str | None, list[int]]] = []
    for group in layout.groups:
        rows = [first[name] for name in group.fields if name in first and name not in layout.hidden]
        placed.update(rows)
        if rows:
            result.append((group.title, rows))
    rank = {name: position for position, name in enumerate(layout.order)}
    rest = sorted((i for i in shown if i not in placed),
                  key=lambda i: (rank.get(fields[i].name, len(rank)), i))
    if rest:
        result.append((None if not result else "Other fields", rest))
    return result
