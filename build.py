#!/usr/bin/env python3
"""Build, serve and test wwe-outbound-bridge.

    python build.py                 assemble the offline static site in dist/
    python build.py serve [--port N] build if needed, serve dist/ on 127.0.0.1
    python build.py test [ARGS...]  set up a venv + Chromium, build, run pytest ARGS
    python build.py wheel           build dist/, then the integrator's wheel in build/wheel/

The steps live in wwe_build/ (fetch, compile, snapshot, stage, render, compress,
wheel, serve and test commands). They use only the standard library, so the first
command works on a fresh machine; the wheels come from the project's standard
backend (pyproject.toml). Every step prints what it does; every missing tool is
reported as one line that says how to get it.
"""

from __future__ import annotations

import sys

from wwe_build.commands import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
