# The record widget's page script (outbound_widget/web/widget.html), run by the
# view loader (/bridge.js) with top-level await, as an integrator's view is.
from outbound_widget._dom import start_page

await start_page()  # noqa: F704 - the loader runs page scripts with top-level await
