"""Shared fixtures: the repository root and build.py loaded as a module."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytest_plugins = ["pytester"]  # for the plugin's own test (tests/e2e/test_plugin.py)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def build_module() -> ModuleType:
    """build.py as a module (named so it cannot clash with PyPA's `build`)."""
    spec = importlib.util.spec_from_file_location("wwe_build_script", ROOT / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
