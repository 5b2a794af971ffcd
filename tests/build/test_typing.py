"""The public package is fully typed: mypy --strict finds nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from wwe_build.fetch import extract_pyodide_sources


def test_browser_packages_are_mypy_strict_clean(root: Path) -> None:
    # the packages listed in pyproject's [tool.mypy] files, checked against Pyodide's own typed
    # packages from the pinned runtime (a call that changes signature in Pyodide fails here)
    extract_pyodide_sources()
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
