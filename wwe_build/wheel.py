"""Wheel step: both of the project's wheels, built by its standard backend.

pyproject.toml names the backend (hatchling) and everything a wheel's metadata says;
``wwe_build/wheel_hook.py`` adds what one flavour carries beyond the browser packages.
Here we only ask for them, through pip as the PEP 517 front end:

- the browser wheel (the site's pages install it): cached by what goes into it;
- the integrator's wheel (``python3 build.py wheel``): what ``pip install .`` builds.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .common import BuildError, project_metadata, sha256_file, step
from .layout import CACHE, DIST, OWN_DIST_NAME, ROOT, own_sources
from .flavours import FLAVOUR_ENV, PYC_ENV, SITE_ENV

WHEEL_DIR = ROOT / "build" / "wheel"
HOOKS = (Path(__file__).with_name("wheel_hook.py"), Path(__file__).with_name("flavours.py"))


def wheel_name() -> str:
    return f"{OWN_DIST_NAME.replace('-', '_')}-{project_metadata()['version']}-py3-none-any.whl"


def backend_wheel(out_dir: Path, env: dict[str, str]) -> Path:
    """`pip wheel` of the checkout into *out_dir* with the hook's *env*; the wheel's path.

    pip runs the backend pyproject.toml names. Where the running Python has it (the test
    venv: `.[test]` pins the same hatchling) it is used as installed, without network;
    elsewhere pip fetches it into an isolated environment, as `pip install .` would.
    """
    isolated = importlib.util.find_spec("hatchling") is None
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
               *([] if isolated else ["--no-build-isolation"]), "--wheel-dir", tmp, str(ROOT)]
        step(f"$ {FLAVOUR_ENV}={env[FLAVOUR_ENV]} pip wheel --no-deps{'' if isolated else ' --no-build-isolation'} .")
        result = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **env})
        built = list(Path(tmp).glob("*.whl"))
        if result.returncode != 0 or len(built) != 1:
            raise BuildError(f"the standard backend did not build the {env[FLAVOUR_ENV]} wheel (pip said why, above); "
                             "pip must be able to reach PyPI once to fetch hatchling, or run in the test venv")
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / built[0].name
        shutil.move(built[0], target)
    return target


def for_the_browser(wheel: Path) -> None:
    """Rewrite the browser wheel *wheel*: its entries stored instead of deflated, and
    without entry points.

    - The site serves it with HTTP compression (compress step): brotli over stored entries
      gives 0.40 MB where deflated entries give ~0.55 MB, and installing reads stored
      entries without inflating. Names, order, dates and modes are unchanged.
    - pyproject.toml's entry points name host-side code (the pytest plugin, `wwe-bridge`:
      wwe_testing), which this wheel does not carry: kept, they would break pytest run
      inside Pyodide (it loads every `pytest11` entry point it finds). METADATA stays
      pyproject.toml's, as the integrator's wheel has it.
    """
    partial = wheel.with_suffix(".partial")
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".dist-info/entry_points.txt"):
                continue
            if info.filename.endswith(".dist-info/RECORD"):
                data = b"".join(line for line in data.splitlines(keepends=True)
                                if not line.split(b",")[0].endswith(b".dist-info/entry_points.txt"))
            info.compress_type = zipfile.ZIP_STORED
            out.writestr(info, data)
    partial.replace(wheel)


def build_browser_wheel(out_dir: Path, compiled: Path | None = None) -> Path:
    """The browser wheel in *out_dir*: the browser packages and their byte-compiled modules
    (*compiled*, compile step), byte-for-byte the same for the same inputs (the build id
    is the site's content). Cached in .cache/wheel/ by what goes into it."""
    digest = hashlib.sha256()
    # (README.md too: pyproject.toml makes it the long description in METADATA)
    for path in [ROOT / "pyproject.toml", ROOT / "README.md", *HOOKS, *own_sources((".py", ".typed", ".json"))]:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + sha256_file(path).encode())
    if compiled is not None:
        for path in sorted(compiled.rglob("*.pyc")):
            digest.update(path.relative_to(compiled).as_posix().encode() + b"\0" + sha256_file(path).encode())
    cached = CACHE / "wheel" / digest.hexdigest()[:16] / wheel_name()
    if not cached.exists():
        shutil.rmtree(CACHE / "wheel", ignore_errors=True)
        CACHE.mkdir(parents=True, exist_ok=True)
        wheel = backend_wheel(cached.parent, {FLAVOUR_ENV: "browser", PYC_ENV: str(compiled or "")})
        for_the_browser(wheel)
        if wheel != cached:
            raise BuildError(f"the backend named the wheel {wheel.name}, expected {cached.name}")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / cached.name
    shutil.copyfile(cached, target)
    step(f"browser wheel {target.name} ({len(zipfile.ZipFile(target).namelist())} files)")
    return target


def build_host_wheel() -> Path:
    """build/wheel/wwe_outbound_bridge-<version>-py3-none-any.whl: what `pip install` gives an
    integrator: the Python packages, the pytest plugin and `wwe-bridge`, and the built site
    (simulator, runtime, our pages, /bridge.js) as wwe_testing/site/. Builds dist/ first."""
    from .pipeline import build

    build()
    CACHE.mkdir(parents=True, exist_ok=True)
    target = backend_wheel(WHEEL_DIR, {FLAVOUR_ENV: "host", SITE_ENV: str(DIST)})
    with zipfile.ZipFile(target) as zf:
        installed = sum(info.file_size for info in zf.infolist())
    step(f"built {target.relative_to(ROOT)}: {target.stat().st_size / 1e6:.1f} MB ({installed / 1e6:.1f} MB installed)")
    return target
