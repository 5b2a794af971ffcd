"""What each wheel flavour carries beyond the browser packages pyproject.toml lists (the
backend's hook, wheel_hook.py, applies it; plain functions, so tested without a backend)."""

from __future__ import annotations

from pathlib import Path

FLAVOUR_ENV = "WWE_WHEEL"
SITE_ENV = "WWE_WHEEL_SITE"
PYC_ENV = "WWE_WHEEL_PYC"
FLAVOURS = ("host", "browser")
# Host-side sources: never in the browser wheel.
HOST_PACKAGE = "wwe_testing"
# In the host wheel the site is for the simulator and tests on 127.0.0.1: no precompressed
# copies (pip does not keep the modification times the server checks them by) and no
# deployer's wheels.
SITE_EXCLUDE_SUFFIXES = (".br", ".gz")
SITE_EXCLUDE_TOP = ("wheels",)


def _files(folder: Path, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.relative_to(folder).parts
                  and (suffixes is None or p.suffix in suffixes))


def host_files(root: Path, site: Path) -> dict[str, str]:
    """wwe_testing's sources and *site* as wwe_testing/site/: source path -> path in the wheel."""
    package = root / HOST_PACKAGE
    files = {str(p): p.relative_to(root).as_posix() for p in _files(package, (".py", ".typed"))}
    for p in _files(site):
        rel = p.relative_to(site)
        if p.suffix not in SITE_EXCLUDE_SUFFIXES and rel.parts[0] not in SITE_EXCLUDE_TOP:
            files[str(p)] = f"{HOST_PACKAGE}/site/{rel.as_posix()}"
    return files


def compiled_files(compiled: Path, sources: list[str]) -> dict[str, str]:
    """The .pyc files under *compiled* (a tree mirroring the packages) of the modules the
    wheel carries (*sources*, paths in the wheel): pkg/__pycache__/mod.cpython-314.pyc."""
    wanted = {s[:-3] for s in sources if s.endswith(".py")}
    files = {}
    for p in sorted(compiled.rglob("*.pyc")):
        rel = p.relative_to(compiled)
        module = (rel.parent.parent / rel.name.split(".")[0]).as_posix()
        if module in wanted:
            files[str(p)] = rel.as_posix()
    return files
