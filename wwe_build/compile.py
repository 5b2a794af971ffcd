"""Compile step: Pyodide's standard library and our packages byte-compiled by Pyodide itself."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from .common import publish_content_named, require_tool, run, sha256_file, step
from .layout import CACHE, OWN_PACKAGES, ROOT, own_sources

# ES modules also shipped as a classic <script> (for pages that cannot use modules,
# as the vendor's service client is one): source -> generated file, both under web/.
COMPILE_PYC = ROOT / "tools" / "compile_pyc.mjs"


def compile_own_packages(node_pyodide: Path) -> Path:
    """__pycache__/*.pyc for OWN_PACKAGES, compiled by Pyodide's CPython under Node,
    in a folder mirroring the sources (cached by the sources' content).

    Shipped in our wheel beside the .py files, so importing `bridge` and the apps
    skips compiling them in the browser while tracebacks keep their source lines.
    """
    sources = own_sources()
    digest = hashlib.sha256(sha256_file(COMPILE_PYC).encode() + sha256_file(node_pyodide / "pyodide.asm.wasm").encode())
    for path in sources:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    out = CACHE / "pyc" / digest.hexdigest()[:16]
    if not out.exists():
        node = require_tool("node", "install Node.js (it also provides npm)")
        partial = out.with_suffix(".partial")
        shutil.rmtree(partial, ignore_errors=True)
        run([node, str(COMPILE_PYC), str(node_pyodide), "tree", str(ROOT), str(partial), *OWN_PACKAGES])
        for old in out.parent.iterdir():
            if old != partial:
                shutil.rmtree(old)
        partial.rename(out)
    return out


def compile_stdlib(node_pyodide: Path, runtime: Path) -> Path:
    """Pyodide's standard library byte-compiled by Pyodide itself (tools/compile_pyc.mjs,
    under Node), named by its content next to the runtime. Cached in .cache/stdlib/.

    Importing .pyc instead of compiling .py at every start is most of a boot's
    interpreter time; the browser falls back to the .py zip if this one fails.
    """
    script = COMPILE_PYC
    key = hashlib.sha256((sha256_file(node_pyodide / "python_stdlib.zip") + sha256_file(script)).encode()).hexdigest()[:16]
    cached = CACHE / "stdlib" / f"python_stdlib-{key}.pyc.zip"
    if not cached.exists():
        node = require_tool("node", "install Node.js (it also provides npm)")
        cached.parent.mkdir(parents=True, exist_ok=True)
        step("byte-compiling the standard library with Pyodide under Node")
        partial = cached.with_suffix(".partial")
        run([node, str(script), str(node_pyodide), "stdlib", str(partial)])
        partial.rename(cached)
    target = publish_content_named(cached, runtime, "python_stdlib-", ".pyc.zip")
    step(f"byte-compiled standard library: {target.name} ({target.stat().st_size / 1e6:.1f} MB)")
    return target
