"""The console's cheat sheet, generated from `bridge.Outbound` itself so it
cannot drift from the API."""

from __future__ import annotations

import inspect

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


def cheatsheet_text() -> str:
    lines = ["The 17 outbound methods (all async; each also takes timeout=seconds):", ""]
    width = max(len(_signature(name)) for name in METHODS)
    for name in METHODS:
        doc = inspect.getdoc(getattr(Outbound, name)) or ""
        lines.append(f"  {_signature(name):<{width}}  # {doc.splitlines()[0] if doc else ''}")
    lines += [
        "",
        "Events: stop = outbound.subscribe('outbound', print)   or   async with outbound.events() as s: ...",
        "Editing: editor = RecordEditor(await outbound.get_record_fields(iid)); editor.set_text(name, text);",
        "         await outbound.update_record_fields(iid, editor)",
        "Errors: BridgeError > OutboundError, BridgeTimeoutError, FieldValidationError, NotInWWEError, ...",
        "More: help(outbound), help(outbound.reschedule_record). Ctrl+C stops a running command.",
    ]
    return "\n".join(lines)


def cheatsheet() -> None:
    """Print the outbound methods, one line each."""
    print(cheatsheet_text())
