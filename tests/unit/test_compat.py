"""The Pyodide compatibility layer's version gate, in CPython: one list of supported
versions for Python, the pages' JS half and the build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bridge import _compat
from bridge.errors import BridgeError, UnsupportedPyodideError

ROOT = Path(__file__).resolve().parents[2]


def test_python_the_pages_and_the_build_read_one_list() -> None:
    versions = _compat.supported_versions()
    assert versions and all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in versions)
    js = (ROOT / "web" / "boot" / "pyodide-compat.js").read_text()
    specifier = re.search(r'^import versions from "([^"]+)" with \{ type: "json" \};$', js, re.MULTILINE)
    assert specifier and (ROOT / "web" / "boot" / specifier.group(1)).resolve() == ROOT / "bridge" / "pyodide_versions.json"
    build = (ROOT / "wwe_build" / "fetch.py").read_text()
    pinned = re.search(r'^PYODIDE_VERSION = "([^"]+)"$', build, re.MULTILINE)
    assert pinned and pinned.group(1) in versions


def test_another_version_is_refused_with_what_to_do() -> None:
    supported = _compat.supported_versions()
    _compat.check_pyodide_version(supported[0])
    with pytest.raises(UnsupportedPyodideError) as info:
        _compat.check_pyodide_version("0.27.0")
    assert isinstance(info.value, BridgeError)
    assert info.value.version == "0.27.0" and info.value.supported == supported
    assert str(info.value).startswith("this page runs Pyodide 0.27.0, but wwe-outbound-bridge supports only Pyodide ")
    assert "serve the runtime the build ships (python3 build.py)" in str(info.value)
