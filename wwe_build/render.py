"""Render step: the pages, /bridge.js and the files served beside them, filled in for one build."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from html import escape as html_escape
from html import unescape as html_unescape
from pathlib import Path
from urllib.parse import urlsplit

from .common import BuildError, project_metadata, step
from .fetch import PINNED_WHEELS, PYODIDE_VERSION
from .layout import APP_ROOT_FILES, APP_WEB, APPS, DIST, OWN_DIST_NAME, ROOT, WEB
from .stage import CLASSIC_SCRIPTS, LOADER_TEMPLATE, is_simulator

# The pages' Content-Security-Policy, one per kind of page (token {{CSP_<KIND>}}).
# No 'unsafe-inline' and no 'unsafe-eval' anywhere: Pyodide needs only
# 'wasm-unsafe-eval', to compile its WebAssembly, and only pages that run Python
# get it. frame-ancestors cannot be set from <meta>: see docs/deploying.md.
_CSP_COMMON = "default-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'"

PAGE_CSP = {
    # the custom views that run Python (boot, widget, console)
    "PYTHON": f"{_CSP_COMMON}; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; frame-src 'none'",
    # the simulator frames any http(s) view and may load a scenario from anywhere
    "SIM": f"{_CSP_COMMON}; script-src 'self'; connect-src 'self' http: https:; frame-src http: https:",
    # the simulator's API panel: script only
    "PANEL": f"{_CSP_COMMON}; script-src 'self'; connect-src 'none'; frame-src 'none'",
}


def web_pages(simulator: bool = True) -> list[tuple[Path, str]]:
    """(source, path under dist/) of every page: web/**/*.html and each app's pages (at the root)."""
    pages = [(p, p.relative_to(WEB).as_posix()) for p in sorted(WEB.rglob("*.html")) if simulator or not is_simulator(p)]
    for package in APPS:
        pages += [(p, p.name) for p in sorted((ROOT / package / APP_WEB).glob("*.html"))]
    return pages


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
