"""One list of supported Pyodide versions for the compatibility layer's Python half, its
JS half (web/boot/pyodide-compat.js imports the file; the build inlines it) and the build."""

from __future__ import annotations

import re
from pathlib import Path

from bridge import _compat
from wwe_build import fetch

ROOT = Path(__file__).resolve().parents[2]


def test_python_the_pages_and_the_build_read_one_list() -> None:
    versions = _compat.supported_versions()
    assert versions and all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in versions)
    js = (ROOT / "web" / "boot" / "pyodide-compat.js").read_text()
    specifier = re.search(r'^import versions from "([^"]+)" with \{ type: "json" \};$', js, re.MULTILINE)
    assert specifier and (ROOT / "web" / "boot" / specifier.group(1)).resolve() == ROOT / "bridge" / "pyodide_versions.json"
    assert fetch.supported_pyodide() == list(versions) and fetch.PYODIDE_VERSION in versions
