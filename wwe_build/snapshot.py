"""Snapshot step: the started interpreter's memory, made under Node, restored by the pages."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

from .common import publish_content_named, run, sha256_file, step
from .fetch import SNAPSHOT_NODES
from .layout import CACHE, ROOT, WEB, own_sources

MAKE_SNAPSHOT = ROOT / "tools" / "make_snapshot.mjs"

# What the snapshot's Node must have: the WebAssembly features current browsers
# start Pyodide with (web/boot/features.js). Node 20 has neither, and a snapshot
# made there crashes Chromium at the first stack switch.
SNAPSHOT_FEATURES = {"jspi": "new", "gc": True}


def snapshot_node() -> tuple[str, dict[str, object]] | None:
    """A Node whose WebAssembly features are those of current browsers, and those
    features; None if there is none (pages then start without a snapshot)."""
    candidates = [str(p) for p in SNAPSHOT_NODES if p.exists()] + [n for n in [shutil.which("node")] if n]
    for node in candidates:
        probe = subprocess.run([node, str(MAKE_SNAPSHOT), "--features"], cwd=ROOT, capture_output=True, text=True)
        if probe.returncode != 0:
            continue
        features: dict[str, object] = json.loads(probe.stdout)
        if all(features.get(k) == v for k, v in SNAPSHOT_FEATURES.items()):
            return node, features
    return None


def snapshot_imports() -> list[str]:
    """The modules of OWN_PACKAGES a snapshot imports ahead: all but those that import
    `js` when imported (their objects would be Node's, not the page's)."""
    names = []
    for path in own_sources():
        if re.search(r"^(import js\b|from js\b)", path.read_text(), re.MULTILINE):
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def make_snapshot(node_pyodide: Path, runtime: Path, stdlib: Path,
                  wheel: Path | None = None) -> tuple[Path, dict[str, object]] | None:
    """Pyodide's memory snapshot of the started interpreter (tools/make_snapshot.mjs,
    under Node; its non-zero pages), named by its content next to the runtime, and the
    WebAssembly features it was made with. Cached in .cache/snapshot/.

    With *wheel* (ours), the snapshot is taken with the wheel's files installed and
    its modules imported (snapshot_imports): pages then restore them instead of
    importing them, and still install the wheel for its files.

    Restoring it replaces most of starting the interpreter (boot.js); it only
    works with this Pyodide build and this stdlib zip (the name covers both) and
    where the browser's WebAssembly features are the ones it was made with, and
    pages fall back to a normal start when it does not restore.
    """
    found = snapshot_node()
    if found is None:
        for old in runtime.glob("python_snapshot-*.bin"):
            old.unlink()
        step(f"no interpreter snapshot: no Node with {SNAPSHOT_FEATURES} (on Linux x64, "
             "`npm ci` installs one; elsewhere use Node >= 26); pages start Python normally")
        return None
    node, features = found
    script = MAKE_SNAPSHOT
    imports = snapshot_imports() if wheel else []
    key = hashlib.sha256("\0".join([
        sha256_file(node_pyodide / "pyodide.asm.wasm"), sha256_file(stdlib), sha256_file(script),
        sha256_file(WEB / "boot" / "features.js"), sha256_file(WEB / "boot" / "pyodide-compat.js"),
        sha256_file(ROOT / "bridge" / "pyodide_versions.json"), json.dumps(features, sort_keys=True),
        sha256_file(wheel) if wheel else "", *imports,
    ]).encode()).hexdigest()[:16]
    cached = CACHE / "snapshot" / f"python_snapshot-{key}.bin"
    features_file = cached.with_suffix(".features.json")
    if not (cached.exists() and features_file.exists()):
        cached.parent.mkdir(parents=True, exist_ok=True)
        step("making the interpreter's memory snapshot with Pyodide under Node")
        partial = cached.with_suffix(".partial")
        run([node, str(script), str(node_pyodide), str(stdlib), str(partial), str(features_file),
             *([str(wheel), *imports] if wheel else [])])
        partial.rename(cached)
        for old in cached.parent.glob("python_snapshot-*"):  # one per build: each change of our code makes one
            if old.name not in (cached.name, features_file.name):
                old.unlink()
    target = publish_content_named(cached, runtime, "python_snapshot-", ".bin")
    step(f"interpreter snapshot: {target.name} ({target.stat().st_size / 1e6:.1f} MB)")
    return target, json.loads(features_file.read_text())
