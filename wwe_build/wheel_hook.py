"""The build hook of the project's standard backend (hatchling; pyproject.toml,
`[tool.hatch.build.targets.wheel.hooks.custom]`): what a wheel carries beyond the
browser packages, which pyproject.toml lists.

Two wheels come from one pyproject.toml, so one metadata (name, version, Requires-Dist,
entry points) for both:

- ``WWE_WHEEL=host`` (the default, hence what ``pip install .`` builds): the browser
  packages, ``wwe_testing`` (the pytest plugin, ``wwe-bridge``) and the built site as
  ``wwe_testing/site/`` (from ``WWE_WHEEL_SITE``, else the checkout's ``dist/``, built
  first by ``wwe_build`` when it lacks one). ``python3 build.py wheel`` builds this one.
- ``WWE_WHEEL=browser``: the browser packages and their byte-compiled modules (the
  folder ``WWE_WHEEL_PYC`` names), the wheel the site's pages install. Pyodide installs
  it from the site's lock file, whose entry lists no dependencies, so the host-side
  Requires-Dist it shares never reaches the browser.

An editable install (``pip install -e .``) takes nothing from here: it puts the checkout
on ``sys.path`` and finds the site in ``dist/`` (wwe_testing/locate.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.config import BuilderConfig
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# hatchling loads this file by path: the checkout's wwe_build is imported from its root
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from wwe_build.flavours import FLAVOUR_ENV, FLAVOURS, PYC_ENV, SITE_ENV, compiled_files, host_files  # noqa: E402



def _site(root: Path) -> Path:
    given = os.environ.get(SITE_ENV)
    if given:
        site = Path(given)
        if not (site / "index.html").is_file():
            raise RuntimeError(f"{SITE_ENV}={given} is not a built site (no index.html): run `python3 build.py` first")
        return site
    # `pip install .` from a checkout: build the site as `python3 build.py` would (the
    # steps are cached, so an unchanged checkout only checks them). The wheel leaves the
    # precompressed copies out, so they are made fast unless asked otherwise (best takes
    # minutes on a fresh checkout).
    from wwe_build.layout import DIST
    from wwe_build.pipeline import build

    os.environ.setdefault("WWE_COMPRESSION", "fast")
    build()
    return DIST


class SiteBuildHook(BuildHookInterface[BuilderConfig]):
    """Adds the flavour's files (module docstring) to a standard wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        flavour = os.environ.get(FLAVOUR_ENV, "host")
        if flavour not in FLAVOURS:
            raise RuntimeError(f"{FLAVOUR_ENV}={flavour!r}: use one of {', '.join(FLAVOURS)}")
        root = Path(self.root)
        if flavour == "host":
            build_data["force_include"].update(host_files(root, _site(root)))
            return
        compiled = os.environ.get(PYC_ENV)
        if compiled:
            sources = [f.distribution_path.replace(os.sep, "/") for f in self.build_config.builder.recurse_selected_project_files()]
            build_data["force_include"].update(compiled_files(Path(compiled), sources))
