# The plain boot page's script (web/boot.html): say what runs, with bridge.ui.
import sys

import js

import bridge
from bridge.ui import page

page.text("python-version", sys.version.split()[0])
page.text("bridge-version", bridge.__version__)
service = js.bridgeBoot.service.to_py()  # a plain JS object: {client, origin?, problem?}
if service["client"] == "none":
    page.text("wwe-service", f"Not connected to WWE: {service.get('problem') or 'no service client'}")
else:
    origin = f" at {service['origin']}" if isinstance(service.get("origin"), str) else ""
    page.text("wwe-service", f"Connected to WWE{origin} ({service['client']} service client).")
page.show("app")
