"""The outbound record widget: a WWE sidebar view that edits the outbound record
and runs the outbound actions around it, on top of `bridge`.

`outbound_widget.app.Widget` is the controller (pure Python); the page's script
(outbound_widget/web/widget.py) starts it with `outbound_widget._dom.start_page`,
under the deployer's configuration (`config`) and rules (`rules`).
"""

from .app import Widget
from .controls import Control, ControlKind, control_for

__all__ = ["Control", "ControlKind", "Widget", "control_for"]
