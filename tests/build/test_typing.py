"""The public package is fully typed: mypy --strict finds nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_bridge_is_mypy_strict_clean(root: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "bridge"], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
