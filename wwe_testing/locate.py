"""Where the simulator site and a deployer's widget files are: shared by the `wwe-bridge`
command (cli.py) and the pytest plugin, so neither imports the other. Standard library
only (and the widget's own config checker)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


class SiteError(Exception):
    """A site or file given by the user is missing or wrong: the message says what to do."""


def checkout_root() -> Path | None:
    """The source checkout this package runs from, if it does (not an installed wheel)."""
    root = Path(__file__).resolve().parents[1]
    return root if (root / "build.py").is_file() and (root / "web").is_dir() else None


def packaged_site() -> Path | None:
    """The built site the wheel carries (wwe_testing/site/), if this install has one."""
    site = Path(__file__).resolve().parent / "site"
    return site if (site / "index.html").is_file() else None


def find_site(given: str | None, option: str, *, build: bool = False) -> Path:
    """The built site to serve: *given* (the *option* the user wrote), $WWE_DIST, the wheel's
    own, a checkout's dist/ (*build*: built first when it has none)."""
    given = given or os.environ.get("WWE_DIST")
    if given:
        site = Path(given).expanduser().resolve()
        if not (site / "index.html").is_file():
            raise SiteError(f"{option} {site} is not a built site (no index.html): run `python build.py` first")
        return site
    packaged = packaged_site()
    if packaged is not None:
        return packaged
    root = checkout_root()
    if root is not None and build and not (root / "dist" / "index.html").is_file():
        subprocess.run([sys.executable, str(root / "build.py")], check=True)
    if root is not None and (root / "dist" / "index.html").is_file():
        return root / "dist"
    raise SiteError(f"no built site: install wwe-outbound-bridge from its wheel (it carries one), or pass "
                    f"{option} DIR (or set WWE_DIST) to a built dist/ (`python build.py` in a checkout builds one)")


def widget_config_files(path: str, option: str) -> dict[str, Path]:
    """The deployer's widget-config.toml (and the rules module it names, from its folder), as
    the server's single-file mounts beside widget.html; checked first, as the widget will."""
    from outbound_widget.config import ConfigError, parse_config

    file = Path(path).expanduser().resolve()
    if not file.is_file():
        raise SiteError(f"{option} {path}: no such file")
    try:
        config = parse_config(file.read_text(encoding="utf-8"), str(file))
    except ConfigError as exc:
        raise SiteError(f"{option}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise SiteError(f"{option}: {file} is not UTF-8 text, as TOML must be ({exc.reason} at byte {exc.start})") from None
    files = {"/widget-config.toml": file}
    if config.rules:
        rules = file.parent / config.rules
        if not rules.is_file():
            raise SiteError(f"{option}: {file} names rules = {config.rules!r}, which is not beside it ({rules})")
        files[f"/{config.rules}"] = rules
    return files
