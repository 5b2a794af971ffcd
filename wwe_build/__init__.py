"""The build of wwe-outbound-bridge's site and wheels, one module per step.

``python3 build.py`` runs :func:`wwe_build.pipeline.build`: fetch (Pyodide from npm, pinned
wheels from PyPI), compile (Pyodide byte-compiles the stdlib and our packages), stage (the
browser wheel from the standard backend, the lock, the web assets, named by content),
snapshot (the started interpreter's memory), render (pages, /bridge.js), compress.
``build.py wheel`` adds the integrator's wheel (wheel.py), ``serve`` and ``test`` are in
commands.py. Host-side only: none of it is in a wheel.
"""
