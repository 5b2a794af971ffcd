"""The console's cheat sheet, generated from `bridge.Outbound` itself so it
cannot drift from the API."""

from __future__ import annotations

import inspect
import textwrap

from bridge import Outbound

# The 17 methods of the vendor reference, in its order.
METHODS = (
    "get_campaigns", "get_preview_record", "call_preview_record", "reject_preview_record",
    "cancel_preview_record", "start_direct_push_preview", "stop_direct_push_preview",
    "get_list_of_call_results", "set_call_result", "get_call_result", "set_do_not_call",
    "remove_do_not_call", "reschedule_record", "cancel_reschedule", "get_chained_records",
    "get_record_fields", "update_record_fields",
)


def _signature(name: str) -> str:
    signature = inspect.signature(getattr(Outbound, name))
    params = [p for p in signature.parameters.values() if p.name != "self" and p.kind is not p.KEYWORD_ONLY]
    return f"await outbound.{name}({', '.join(p.name for p in params)})"


# The console is a sidebar: about 60 characters fit on a line without scrolling.
WIDTH = 60


def cheatsheet_text() -> str:
    """The methods, each as its call and, below it, what it does; no line wider than WIDTH
    (a signature that is longer wraps after a comma)."""
    lines = ["The 17 outbound methods (async; each takes timeout=s):", ""]
    for name in METHODS:
        doc = inspect.getdoc(getattr(Outbound, name)) or ""
        lines += textwrap.wrap(_signature(name), WIDTH, subsequent_indent="      ", break_on_hyphens=False)
        if doc:
            lines += textwrap.wrap(doc.splitlines()[0], WIDTH, initial_indent="    # ", subsequent_indent="    # ")
    lines += [
        "",
        *textwrap.wrap("Events: stop = outbound.subscribe('outbound', print), or async with outbound.events() "
                       "as s: async for e in s: ...", WIDTH, subsequent_indent="  "),
        *textwrap.wrap("Editing: editor = RecordEditor(await outbound.get_record_fields(iid)); "
                       "editor.set_text(name, text); await outbound.update_record_fields(iid, editor)",
                       WIDTH, subsequent_indent="  "),
        *textwrap.wrap("Errors: BridgeError > OutboundError, BridgeTimeoutError, FieldValidationError, "
                       "NotInWWEError, ...", WIDTH, subsequent_indent="  "),
        *textwrap.wrap("More: help(outbound), help(outbound.reschedule_record). Ctrl+C stops a running command.",
                       WIDTH, subsequent_indent="  "),
    ]
    return "\n".join(lines)


def cheatsheet() -> None:
    """Print the outbound methods, one line each."""
    print(cheatsheet_text())
