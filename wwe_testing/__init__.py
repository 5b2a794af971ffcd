"""Host-side tools for wwe-outbound-bridge: the static dev server, test provisioning
and Chromium discovery.

Nothing here runs in the browser, and nothing here is in the wheel Pyodide installs.
Importing this package imports only the standard library.
"""
