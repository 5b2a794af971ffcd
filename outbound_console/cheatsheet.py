"""The console's cheat sheet, generated from the WWE contract and the bridge's clients
themselves, so it cannot drift from the API."""

from __future__ import annotations

import inspect
import textwrap

import bridge
from bridge import contract

# The 17 methods of the vendor reference, in its order (the contract's).
METHODS = tuple(m.python for m in contract.methods("outbound"))

# The console is a sidebar: about 60 characters fit on a line without scrolling.
WIDTH = 60


def _signature(namespace: str, name: str) -> str:
    client = contract.python_name(namespace)
    signature = inspect.signature(getattr(bridge._CLIENTS[client], name))
    params = [p for p in signature.parameters.values() if p.name != "self" and p.kind is not p.KEYWORD_ONLY]
    return f"await {client}.{name}({', '.join(p.name for p in params)})"


def _methods(namespace: str) -> list[str]:
    """Each method of *namespace* as its call and, below it, what it does."""
    cls = bridge._CLIENTS[contract.python_name(namespace)]
    lines: list[str] = []
    for method in contract.methods(namespace):
        doc = inspect.getdoc(getattr(cls, method.python)) or method.summary
        lines += textwrap.wrap(_signature(namespace, method.python), WIDTH, subsequent_indent="      ",
                               break_on_hyphens=False)
        lines += textwrap.wrap(doc.splitlines()[0], WIDTH, initial_indent="    # ", subsequent_indent="    # ")
    return lines


def cheatsheet_text(namespace: str = "outbound") -> str:
    """The methods of *namespace* (default outbound: with the other namespaces listed after),
    each as its call and what it does; no line wider than WIDTH."""
    if namespace not in contract.namespaces():
        names = ", ".join(repr(n) for n in contract.namespaces())
        return f"No namespace {namespace!r}: choose one of {names}"
    client = contract.python_name(namespace)
    count = len(contract.methods(namespace))
    lines = [f"The {count} {namespace} methods (async; each takes timeout=s):", "", *_methods(namespace)]
    if namespace != "outbound":
        return "\n".join(lines)
    lines += ["", "The other namespaces (cheatsheet('interaction') for one):"]
    for other in contract.namespaces()[1:]:
        names = ", ".join(m.python for m in contract.methods(other))
        lines += textwrap.wrap(f"{contract.python_name(other)}: {names}", WIDTH, subsequent_indent="    ")
    lines += [
        "",
        *textwrap.wrap(f"Events: stop = {client}.subscribe('outbound', print), or async with {client}.events() "
                       "as s: async for e in s: ...", WIDTH, subsequent_indent="  "),
        *textwrap.wrap("Editing: editor = RecordEditor(await outbound.get_record_fields(iid)); "
                       "editor.set_text(name, text); await outbound.update_record_fields(iid, editor)",
                       WIDTH, subsequent_indent="  "),
        *textwrap.wrap("Errors: BridgeError > ServiceError > OutboundError, BridgeTimeoutError, FieldValidationError, "
                       "NotInWWEError, ...", WIDTH, subsequent_indent="  "),
        *textwrap.wrap("More: help(outbound), help(outbound.reschedule_record). Ctrl+C stops a running command.",
                       WIDTH, subsequent_indent="  "),
    ]
    return "\n".join(lines)


def cheatsheet(namespace: str = "outbound") -> None:
    """Print the methods of a WWE namespace (default: outbound, and the others' names)."""
    print(cheatsheet_text(namespace))
