"""Where things are: the checkout's folders and the packages that make up the project."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DIST = ROOT / "dist"

CACHE = ROOT / ".cache"

WEB = ROOT / "web"

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


def own_sources(suffixes: tuple[str, ...] = (".py",)) -> list[Path]:
    """The files of OWN_PACKAGES that make up the Python packages: not caches, not
    an app's page folder (<package>/web/: its page script runs in the page)."""
    return sorted(
        p for package in OWN_PACKAGES for p in (ROOT / package).rglob("*")
        if p.is_file() and p.suffix in suffixes and "__pycache__" not in p.parts
        and not (package in APPS and p.relative_to(ROOT / package).parts[0] == APP_WEB)
    )
