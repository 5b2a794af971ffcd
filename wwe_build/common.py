"""What every step uses: the error, the progress line, running a tool, hashing a file."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tomllib
from pathlib import Path

from .layout import ROOT


class BuildError(Exception):
    """A build step failed; the message says what to do about it."""


def step(message: str) -> None:
    print(f"[build] {message}", flush=True)


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


def project_metadata() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["project"]  # type: ignore[no-any-return]


def sync_file(src: Path, dst: Path) -> bool:
    """Copy src to dst unless an identical-looking copy is there. Returns True if copied."""
    if dst.exists() and dst.stat().st_size == src.stat().st_size and dst.stat().st_mtime >= src.stat().st_mtime:
        return False
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)
    return True


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
