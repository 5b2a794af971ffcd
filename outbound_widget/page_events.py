"""The page's events for the widget: which control the agent used, for which
interaction, and what it starts.

An event carries the interaction its control was drawn for (``data-interaction``),
so an event that arrives after a switch (the blur of a field the switch removed)
goes to that interaction, or to nobody if it is gone; an action acts on the
interaction that was shown when the agent clicked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from . import views
from .panels.chain import ChainPanel
from .panels.done import DonePanel
from .panels.outcome import OutcomePanel
from .panels.preview import PreviewPanel
from .panels.record import RecordPanel
from .panels.reschedule import ReschedulePanel
from .sidebar import Sidebar
from .state import Interaction


class Controls(Sidebar, Protocol):
    """The sidebar and the panels the page's controls act on (the page's events are the
    agent asking one panel for one thing: this is where they are routed)."""

    record: RecordPanel
    outcome: OutcomePanel
    reschedule: ReschedulePanel
    chain: ChainPanel
    preview: PreviewPanel
    done: DonePanel



#: The panel each action belongs to: a click on a panel the configuration hides (a stale
#: page, a script) does nothing, as the privileges' refusals do.
PANEL_OF = {
    "set-call-result": "call-result", "toggle-dnc": "call-result",
    "reschedule": "reschedule", "reschedule-anyway": "reschedule", "cancel-reschedule": "reschedule",
    "call-record": "chain", "call-preview": "preview", "reject-preview": "preview", "cancel-preview": "preview",
    "get-preview": "preview", "toggle-direct-push": "preview",
}


class PageEvents:
    """Dispatches the DOM layer's events (plain data) to the widget's panels."""

    def __init__(self, widget: Controls) -> None:
        self.widget = widget

    def handle(self, event: Mapping[str, Any]) -> None:
        """One DOM event, as the JS layer reports it (plain data)."""
        try:
            self._handle(event)
        except Exception as exc:
            self.widget.unexpected(exc, self.widget.shown, None)

    def _handle(self, event: Mapping[str, Any]) -> None:
        it = self.widget.shown
        drawn_for = event.get("interaction")
        if isinstance(drawn_for, str) and (it is None or drawn_for != it.id):
            # An event from what was drawn for another interaction (a blur fired as a
            # switch removed the form): it belongs to that one, or to nobody if it is gone.
            it = self.widget.interactions.get(drawn_for)
            if it is None:
                return
        kind, action = event.get("type"), event.get("action")
        field = event.get("field")
        index = int(field) if isinstance(field, (int, str)) and str(field).isdecimal() and str(field).isascii() else None
        value = event.get("value")
        text = value if isinstance(value, str) else ""
        if index is not None and kind in ("input", "change", "blur") and event.get("id") == views.field_id(index):
            # (only the control itself: its Revert button carries the same data-field)
            if it is None:
                return
            if event.get("checkbox"):
                if kind == "change":
                    self.widget.record.edit(it, index, "true" if event.get("checked") else "false", validate=True)
            else:
                # A number input the browser cannot read (e.g. "12abc") reports "" and
                # badInput: make the field model see something that is not a number.
                self.widget.record.edit(it, index, "NaN" if event.get("bad") else text, validate=kind != "input")
        elif kind == "input" and event.get("id") == "w-when" and it is not None:
            self.widget.reschedule.typed(it, text)
        elif kind == "change":
            self._choose(it, str(action or ""), text)
        elif kind == "click":
            found = event.get("values")
            values: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
            self.click(it, str(action or ""), index, event, values)

    def _choose(self, it: Interaction | None, action: str, text: str) -> None:
        """A select changed: keep the choice where a re-render reads it."""
        if action == "switch" and text:
            self.widget.spawn(self.widget.show(text))
        elif action == "choose-campaign":
            self.widget.session.campaign = text or None
            self.widget.preview.render(self.widget.shown)  # that campaign's privileges and options
        elif it is not None and action == "choose-result":
            it.chosen_result = text
        elif it is not None and action == "choose-callback-type":
            it.callback_type = text or "PERSONAL"
        elif it is not None and action == "choose-callback-number":
            self.widget.reschedule.choose_number(it, text)

    def click(self, it: Interaction | None, action: str, index: int | None, event: Mapping[str, Any],
              values: Mapping[str, Any]) -> None:
        def value(element_id: str, default: str) -> str:
            found = values.get(element_id)
            return found if isinstance(found, str) else default

        panel = PANEL_OF.get(action)
        if panel is not None and not self.widget.settings(it or self.widget.shown).shows(panel):
            return
        if action == "get-preview":
            self.widget.spawn(self.widget.preview.get_preview(value("w-campaign", self.widget.session.campaign or "")), None, "campaign")
            return
        if action == "toggle-direct-push":
            self.widget.spawn(self.widget.preview.toggle_direct_push(), None, "campaign")
            return
        if action == "retry" and event.get("area") == self.widget.preview.session_area:
            retry = self.widget.session.area.retry
            if retry and not self.widget.session.area.busy:
                self.widget.spawn(retry(), None, "campaign")
            return
        if it is None:
            return
        actions: Mapping[str, tuple[str, Callable[[], Awaitable[None]]]] = {
            "save": ("record", lambda: self.widget.record.save(it)),
            "set-call-result": ("call-result", lambda: self.widget.outcome.set_call_result(it, value("w-call-result", self.widget.outcome.chosen(it)))),
            "toggle-dnc": ("call-result", lambda: self.widget.outcome.toggle_dnc(it)),
            "reschedule": ("reschedule", lambda: self.widget.reschedule.reschedule(
                it, value("w-when", it.when_text), value("w-callback-type", it.callback_type))),
            "reschedule-anyway": ("reschedule", lambda: self.widget.reschedule.reschedule(
                it, value("w-when", it.when_text), value("w-callback-type", it.callback_type), anyway=True)),
            "cancel-reschedule": ("reschedule", lambda: self.widget.reschedule.cancel(it)),
            "call-preview": ("preview", lambda: self.widget.preview.call(it)),
            "reject-preview": ("preview", lambda: self.widget.preview.drop(it, "reject")),
            "cancel-preview": ("preview", lambda: self.widget.preview.drop(it, "cancel")),
            "mark-done": ("done", lambda: self.widget.done.mark_done(it)),
        }
        if action in actions:
            area, run = actions[action]
            self.widget.spawn(run(), it, area)
        elif action == "call-record":
            handle = event.get("handle")
            if isinstance(handle, str) and handle.isdecimal() and handle.isascii():
                self.widget.spawn(self.widget.chain.call(it, int(handle), "chain"), it, "chain")
        elif action == "revert" and index is not None:
            self.widget.record.revert(it, index)
        elif action == "revert-all":
            self.widget.record.revert_all(it)
        elif action == "keep-mine":
            self.widget.record.keep_mine(it)
        elif action == "take-wwe":
            self.widget.record.take_wwe(it)
        elif action == "focus-field" and index is not None:
            self.widget.page.patch([("focus", views.field_id(index))])
        elif action == "retry":
            area = str(event.get("area"))
            state = it.areas.get(area)
            if state is not None and state.retry is not None and not state.busy:
                self.widget.spawn(state.retry(), it, area)
