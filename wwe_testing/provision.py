"""Set up what `build.py test` needs on a fresh machine: a venv, test deps, Chromium."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

from .browser import DEFAULT_CHROMIUM

MARKER = ".wwe-test-deps"


def say(message: str) -> None:
    print(f"[test] {message}", flush=True)


class ProvisionError(Exception):
    """Something the tests need could not be set up; the message says what to install."""


def in_venv() -> bool:
    return sys.prefix != sys.base_prefix


def ensure_test_venv(root: Path) -> str:
    """The Python to run the tests with: the active venv's, or `.venv` (created if missing)."""
    if in_venv():
        return sys.executable
    env_dir = root / ".venv"
    python = env_dir / "bin" / "python"
    if not python.exists():
        say(f"creating virtualenv {env_dir}")
        try:
            venv.EnvBuilder(with_pip=True).create(env_dir)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise ProvisionError(
                f"could not create {env_dir} ({exc}): Debian: apt-get install -y python3-venv"
            ) from exc
    return str(python)


def ensure_test_dependencies(root: Path) -> None:
    """`pip install -e .[test]` into the running venv, skipped while pyproject.toml is unchanged."""
    stamp = hashlib.sha256((root / "pyproject.toml").read_bytes()).hexdigest()
    marker = Path(sys.prefix) / MARKER
    if marker.exists() and marker.read_text() == stamp:
        say("test dependencies up to date")
        return
    say("installing test dependencies: pip install -e .[test]")
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", ".[test]"]
    if subprocess.call(cmd, cwd=root) != 0:
        raise ProvisionError("pip install -e .[test] failed: see pip's output above")
    marker.write_text(stamp)


def ensure_chromium() -> str:
    """Find Chromium, installing it if we can. Returns a path, or "" for Playwright's own."""
    env = os.environ.get("CHROMIUM_PATH")
    if env:
        if not Path(env).exists():
            raise ProvisionError(f"CHROMIUM_PATH={env} does not exist: fix it or unset it")
        return env
    if Path(DEFAULT_CHROMIUM).exists():
        say(f"chromium: {DEFAULT_CHROMIUM}")
        return DEFAULT_CHROMIUM
    if shutil.which("apt-get") and os.geteuid() == 0:
        say("chromium not found: apt-get install -y chromium")
        env_vars = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.call(["apt-get", "update", "-qq"], env=env_vars)
        subprocess.call(["apt-get", "install", "-y", "-qq", "chromium"], env=env_vars)
        if Path(DEFAULT_CHROMIUM).exists():
            return DEFAULT_CHROMIUM
    say("chromium not found: trying python -m playwright install chromium")
    if subprocess.call([sys.executable, "-m", "playwright", "install", "chromium"]) == 0:
        return ""
    raise ProvisionError(
        "no Chromium: install one (Debian: apt-get install -y chromium) "
        "or set CHROMIUM_PATH to a Chromium/Chrome binary"
    )
