"""Stage step: the content-named build folder (b/<build id>/): wheels, lock, web assets."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from .common import BuildError, project_metadata, sha256_file, step
from .fetch import NODE_PYODIDE, PINNED_WHEELS
from .layout import APP_ROOT_FILES, APP_WEB, APPS, CACHE, DIST, OWN_DIST_NAME, OWN_PACKAGES, ROOT, WEB
from .wheel import build_browser_wheel

# Files under web/ that are never shipped as assets (.part: HTML included into pages).
WEB_EXCLUDE_SUFFIXES = (".md", ".part")

CLASSIC_SCRIPTS = {"client/service-client.js": "client/service-client.classic.js"}

# JSON modules the web's JS imports, inlined by the build (no request of their own, and
# a classic script stays one file): the import's specifier -> the file it stands for.
# The WWE contract lives in the Python package, which reads it too.
JSON_IMPORTS = {
    "./wwe-contract.json": ROOT / "bridge" / "wwe_contract.json",
    # the Pyodide versions the compatibility layer supports (web/boot/pyodide-compat.js;
    # the specifier is the file's real path, so Node reads it too: tools/make_snapshot.mjs)
    "../../bridge/pyodide_versions.json": ROOT / "bridge" / "pyodide_versions.json",
}

_JSON_IMPORT = re.compile(r'^import (\w+) from "([^"]+\.json)" with \{ type: "json" \};$', re.MULTILINE)

# Generated from a template by render_pages, never copied as an asset.
LOADER_TEMPLATE = WEB / "loader" / "bridge.js"


def is_simulator(path: Path) -> bool:
    """The WWE simulator's files: web/index.html and web/sim/ (a development and test tool)."""
    if not path.is_relative_to(WEB):
        return False
    rel = path.relative_to(WEB)
    return rel.parts[0] == "sim" or rel == Path("index.html")


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


def stage_build(pinned: dict[str, Path], compiled: Path | None = None, simulator: bool = True) -> Path:
    """Assemble wheels, lock and web assets in a staging folder (named later by content)."""
    stage = CACHE / "stage"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    own = build_browser_wheel(stage, compiled)
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
