"""The widget's parts depend on what they are given, not on the widget: nothing but the page
boundary (_dom.py) and the package's public names import app.py, and no panel names another
(they talk through signals.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import outbound_widget

# (the installed package's sources: inside Pyodide the wheel's, beside the tests the checkout's)
PACKAGE = Path(outbound_widget.__file__).resolve().parent
PANELS = ("record", "outcome", "reschedule", "chain", "preview", "done")


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_only_the_page_boundary_and_the_package_import_the_widget_class() -> None:
    importers = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                       if {".app", "..app", "outbound_widget.app"} & imports_of(p))
    assert importers == ["__init__.py", "_dom.py"]


def test_no_panel_reaches_another() -> None:
    for path in (PACKAGE / "panels").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in PANELS and isinstance(node.value, ast.Attribute) \
                    and node.value.attr == "sidebar":
                raise AssertionError(f"{path.name}:{node.lineno} reaches the {node.attr} panel: emit a signal instead")
