"""The outbound record widget: a WWE sidebar view that edits the outbound record
and runs the outbound actions around it, on top of `bridge`.

`outbound_widget.app.Widget` is the controller (pure Python); the page starts it
with `outbound_widget._dom.mount` (web/widget/main.js).
"""

from .app import Widget
from .controls import Control, ControlKind, control_for

__all__ = ["Control", "ControlKind", "Widget", "control_for"]
