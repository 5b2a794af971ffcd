"""Where Chromium is and how it is launched, shared by `build.py test` and the tests."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypedDict

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Flags for a root, sandbox-less, offline machine: without the background-networking
# ones Chromium keeps trying to reach Google services and logs refused connections.
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # containers often give /dev/shm 64 MB; Chromium then crashes renderers that
    # need more (each page here holds a Pyodide heap)
    "--disable-dev-shm-usage",
)


def chromium_path() -> str | None:
    """The Chromium to launch: `CHROMIUM_PATH`, else Debian's, else None.

    None means "let Playwright use the browser it installed itself". An empty
    `CHROMIUM_PATH` also means that (`build.py test` sets it so after
    `playwright install chromium`).
    """
    env = os.environ.get("CHROMIUM_PATH")
    if env is not None:
        return env or None
    return DEFAULT_CHROMIUM if Path(DEFAULT_CHROMIUM).exists() else None


class LaunchOptions(TypedDict, total=False):
    """Playwright's `chromium.launch` keywords this package sets."""

    headless: bool
    args: list[str]
    executable_path: str


def launch_options(headed: bool = False, executable: str | None = None) -> LaunchOptions:
    """Keyword arguments for Playwright's `chromium.launch` (*executable* overrides discovery)."""
    options: LaunchOptions = {"headless": not headed, "args": list(LAUNCH_ARGS)}
    path = executable or chromium_path()
    if path:
        options["executable_path"] = path
    return options
