"""WWE's own outbound options and privileges, with the deployer's file narrowing them.

A view may read WWE's configuration (``configuration.getOption``, when
``accepted-web-content-origins`` lets its origin): the widget asks for
``privilege.outbound.*`` and ``outbound.*`` and applies them under
``widget-config.toml``. Precedence, per setting:

- a privilege is granted only when WWE grants it (or does not say: WWE grants by role)
  *and* the file does not withhold it: the file narrows, it never re-grants;
  ``privilege.outbound.can-use = false`` in WWE withholds every outbound action;
- ``outbound.call-result-values``: the file's list narrowed to the results WWE offers, in
  the file's order (WWE's list when the file sets none, or when nothing is left);
- ``outbound.preview.max-simultaneous-preview-record``: the stricter of the two limits;
- ``outbound.call-result-automatically-selected`` and ``outbound.timed-preview-auto-dial``:
  WWE's value where WWE sets one, else the file's (they are behaviours, not grants).

Where the two disagree on a value the widget says so in its notice, naming the option and
whose value applies (a privilege WWE withholds is simply not offered, whatever the file
says); a view that may not read WWE's options uses the file alone and says that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from .config import PRIVILEGES, Settings, WidgetConfig, _call_result_names

#: What the widget asks WWE for (``configuration.getOption``: trailing ``*`` only).
OPTION_NAMES = ("privilege.outbound.*", "outbound.*")


def _flag(text: str) -> bool | None:
    value = text.strip().lower()
    return True if value == "true" else False if value == "false" else None


def _int(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def _results(text: str, notes: list[str]) -> tuple[str, ...] | None:
    """WWE's comma-separated call result names (``Answer,NoAnswer`` or ``ANSWER``), by the service's names."""
    names, known = [], _call_result_names()
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        found = known.get(item)
        if found is None:
            notes.append(f"WWE's outbound.call-result-values names {item!r}, which is no call result: left out")
        elif found not in names:
            names.append(found)
    return tuple(names) or None


def _named(name: str) -> str:  # as WWE's options write it: NO_ANSWER -> NoAnswer
    return name.title().replace("_", "")


def narrow(settings: Settings, options: Mapping[str, str], notes: list[str], where: str = "") -> Settings:
    """*settings* (from the file) under WWE's *options* (name → text), by the precedence above;
    each disagreement is added to *notes*."""
    privileges = dict(settings.privileges)
    can_use = _flag(options.get("privilege.outbound.can-use", ""))
    for name in PRIVILEGES:
        wwe = False if can_use is False else _flag(options.get(f"privilege.outbound.{name}", ""))
        if wwe is False:
            privileges[name] = False  # (not a disagreement: the file's true is only a default)
    if can_use is False:
        notes.append(f"privilege.outbound.can-use is false in WWE{where}: every outbound action is withheld")

    values = settings.call_result_values
    wwe_values = _results(options.get("outbound.call-result-values", ""), notes)
    if wwe_values is not None:
        if values is None:
            values = wwe_values
        else:
            kept = tuple(name for name in values if name in wwe_values)
            dropped = [name for name in values if name not in wwe_values]
            if dropped:
                notes.append(f"outbound.call-result-values{where}: WWE does not offer {', '.join(map(_named, dropped))}"
                             + ("" if kept else "; none of the file's results is left, so WWE's list applies"))
            values = kept or wwe_values

    selected = settings.call_result_selected
    wwe_selected = options.get("outbound.call-result-automatically-selected", "").strip()
    if wwe_selected:
        found = _call_result_names().get(wwe_selected)
        if found is None:
            notes.append(f"WWE's outbound.call-result-automatically-selected {wwe_selected!r} is no call result: ignored")
        else:
            if selected is not None and selected != found:
                notes.append(f"outbound.call-result-automatically-selected{where}: WWE's {_named(found)} applies, "
                             f"not the file's {_named(selected)}")
            selected = found
    if selected is not None and values is not None and selected not in values:
        selected = None  # WWE requires it to be one of the values: the record's own result then

    auto_dial = settings.auto_dial_s
    wwe_dial = _int(options.get("outbound.timed-preview-auto-dial", ""))
    if wwe_dial is not None:
        if auto_dial != -1 and auto_dial != wwe_dial:
            notes.append(f"outbound.timed-preview-auto-dial{where}: WWE's {wwe_dial} applies, not the file's {auto_dial}")
        auto_dial = max(-1, wwe_dial)

    limit = settings.max_previews
    wwe_limit = _int(options.get("outbound.preview.max-simultaneous-preview-record", ""))
    if wwe_limit is not None and wwe_limit > 0:
        if limit > 0 and limit != wwe_limit:
            notes.append(f"outbound.preview.max-simultaneous-preview-record{where}: the stricter "
                         f"{min(limit, wwe_limit)} applies (WWE {wwe_limit}, the file {limit})")
        limit = wwe_limit if limit <= 0 else min(limit, wwe_limit)

    return replace(settings, privileges=MappingProxyType(privileges), call_result_values=values,
                   call_result_selected=selected, auto_dial_s=auto_dial, max_previews=limit)


def apply_wwe_options(config: WidgetConfig, options: Mapping[str, str]) -> tuple[WidgetConfig, list[str]]:
    """The configuration as it applies under WWE's *options*, and what disagreed (said once)."""
    notes: list[str] = []
    defaults = narrow(config.defaults, options, notes)
    campaigns = {}
    for name, settings in config.campaigns.items():
        campaigns[name] = narrow(settings, options, notes, f" (campaign {name!r})")
    unique = list(dict.fromkeys(notes))
    return replace(config, defaults=defaults, campaigns=MappingProxyType(campaigns)), unique
