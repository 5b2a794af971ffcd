"""The Pyodide compatibility layer's version gate (in CPython, and inside Pyodide with the
core suite; that the build and the pages read the same list: tests/build/test_compat_versions.py)."""

from __future__ import annotations

import pytest

from bridge import _compat
from bridge.errors import BridgeError, UnsupportedPyodideError


def test_another_version_is_refused_with_what_to_do() -> None:
    supported = _compat.supported_versions()
    _compat.check_pyodide_version(supported[0])
    with pytest.raises(UnsupportedPyodideError) as info:
        _compat.check_pyodide_version("0.27.0")
    assert isinstance(info.value, BridgeError)
    assert info.value.version == "0.27.0" and info.value.supported == supported
    assert str(info.value).startswith("this page runs Pyodide 0.27.0, but wwe-outbound-bridge supports only Pyodide ")
    assert "serve the runtime the build ships (python3 build.py)" in str(info.value)
