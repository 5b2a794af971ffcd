"""The in-browser Python console for WWE outbound: a REPL on `pyodide.console`
with `outbound` and the `bridge` types ready, for exploring and scripting live.

`outbound_console.session.ConsoleSession` is what the page (web/console/) drives.
"""
