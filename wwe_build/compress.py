"""Compress step: precompressed siblings (x.br, x.gz) for the files of dist/ worth it."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
from pathlib import Path

from .common import BuildError, require_tool, run, sha256_file, step
from .layout import CACHE, DIST, ROOT

COMPRESS = ROOT / "tools" / "compress.mjs"

# Files of dist/ given precompressed siblings (x.br, x.gz) for servers that send
# them (wwe_testing/server.py; nginx brotli_static/gzip_static: docs/deploying.md).
COMPRESSIBLE_SUFFIXES = (".html", ".js", ".mjs", ".css", ".json", ".wasm", ".bin", ".zip", ".whl", ".svg", ".txt", ".py")

COMPRESS_MIN_BYTES = 1024

COMPRESS_MAX_RATIO = 0.9  # a sibling that saves less than 10 % is not worth a second file

# "best" (brotli 11, gzip 9: what a deployment should get) or "fast" (brotli 5, gzip 6):
# the snapshot changes with every change of our Python, and brotli 11 takes about a
# minute on it, so a development loop may set WWE_COMPRESSION=fast.
COMPRESSION_MODES = ("best", "fast")


def compression_mode() -> str:
    mode = os.environ.get("WWE_COMPRESSION", "best")
    if mode not in COMPRESSION_MODES:
        raise BuildError(f"WWE_COMPRESSION={mode!r}: use one of {', '.join(COMPRESSION_MODES)}")
    return mode


def compress_site() -> None:
    """Write x.br and x.gz beside each file of dist/ worth compressing (tools/compress.mjs,
    under Node; cached in .cache/compressed/ by content), and remove siblings of files
    that are gone. A sibling is kept only where it saves at least 10 %."""
    files = sorted(
        p for p in DIST.rglob("*")
        if p.is_file() and p.suffix in COMPRESSIBLE_SUFFIXES and p.stat().st_size >= COMPRESS_MIN_BYTES
    )
    mode = compression_mode()
    cache = CACHE / "compressed"
    cache.mkdir(parents=True, exist_ok=True)
    digests = {path: f"{sha256_file(path)}.{mode}" for path in files}
    jobs = [(str(path), str(cache / f"{sha}.br"), str(cache / f"{sha}.gz")) for path, sha in digests.items()
            if not ((cache / f"{sha}.br").exists() and (cache / f"{sha}.gz").exists())]
    if jobs:
        node = require_tool("node", "install Node.js (it also provides npm)")
        step(f"precompressing {len(jobs)} file(s) ({'brotli 11, gzip 9' if mode == 'best' else 'fast: brotli 5, gzip 6'})")
        jobs_file = cache / "jobs.json"
        jobs_file.write_text(json.dumps(jobs))
        run([node, str(COMPRESS), *(["--fast"] if mode == "fast" else []), str(jobs_file)])
        jobs_file.unlink()
    kept: set[Path] = set()
    raw = encoded = 0
    for path, sha in digests.items():
        size = path.stat().st_size
        for suffix in (".br", ".gz"):
            sibling = path.with_name(path.name + suffix)
            compressed = cache / f"{sha}{suffix}"
            if compressed.stat().st_size <= size * COMPRESS_MAX_RATIO:
                if not (sibling.exists() and filecmp.cmp(sibling, compressed, shallow=False)):
                    shutil.copyfile(compressed, sibling)
                # The copy carries its source's modification time: the server sends a
                # copy only while the two agree, so a page edited after the build is
                # never answered with its old compressed bytes (docs/deploying.md).
                source_time = path.stat().st_mtime_ns
                os.utime(sibling, ns=(source_time, source_time))
                kept.add(sibling)
        brotli = path.with_name(path.name + ".br")
        raw += size
        encoded += brotli.stat().st_size if brotli in kept else size
    for sibling in [*DIST.rglob("*.br"), *DIST.rglob("*.gz")]:
        # a copy of a file that is gone or no longer compressed (not a deployer's own
        # .gz file in wheels/, say: only names of the form <compressible file>.br|.gz)
        base = sibling.with_suffix("")
        if sibling not in kept and base.suffix in COMPRESSIBLE_SUFFIXES:
            sibling.unlink()
    used = {f"{sha}{suffix}" for sha in digests.values() for suffix in (".br", ".gz")}
    for old in cache.glob(f"*.{mode}.*"):  # the other mode's are kept for the next switch
        if old.name not in used:
            old.unlink()
    step(f"precompressed: {raw / 1e6:.1f} MB of compressible files, {encoded / 1e6:.1f} MB in brotli")
