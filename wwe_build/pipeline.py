"""The whole build, step after step, one at a time per checkout."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence

from .common import step
from .compile import compile_own_packages, compile_stdlib
from .compress import compress_site, compression_mode
from .fetch import copy_runtime, ensure_pyodide_npm, extract_pyodide_sources, fetch_pinned_wheels
from .layout import CACHE, DIST, OWN_DIST_NAME
from .render import publish_stable_scripts, render_pages, write_build_info, wwe_origin_attribute
from .snapshot import make_snapshot
from .stage import content_id, install_build, prune_builds, stage_build


@contextlib.contextmanager
def build_lock() -> Iterator[None]:
    """One build at a time in a checkout: two at once (say two `serve`) share the
    stage folder and dist/, and broke each other."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / "build.lock", "w") as handle:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, as before
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            step("another build is running in this checkout: waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(wwe_origins: Sequence[str] = (), simulator: bool = True) -> str:
    """Run every build step; returns the build id.

    *wwe_origins*: the origins WWE may have, written into every view page
    (`data-wwe-origins`); a view refuses any other framing or opening site.
    *simulator*: False leaves the WWE simulator (index.html, sim/) out, for a deployment.
    """
    with build_lock():
        return _build(wwe_origin_attribute(wwe_origins), simulator)


def _build(origins_attribute: str, simulator: bool = True) -> str:
    started = time.perf_counter()
    compression_mode()  # a wrong setting fails now, not after the site was changed
    node_pyodide = ensure_pyodide_npm()
    extract_pyodide_sources(node_pyodide)
    pinned = fetch_pinned_wheels()
    runtime = copy_runtime(node_pyodide)
    stdlib = compile_stdlib(node_pyodide, runtime)
    stage = stage_build(pinned, compile_own_packages(node_pyodide), simulator)
    build_id = content_id(stage)
    install_build(stage, build_id)
    own_wheel = next((DIST / "b" / build_id).glob(f"{OWN_DIST_NAME.replace('-', '_')}-*.whl"))
    snapshot = make_snapshot(node_pyodide, runtime, stdlib, own_wheel)
    render_pages(build_id, stdlib, snapshot, origins_attribute, simulator)
    write_build_info(build_id)
    publish_stable_scripts(build_id)
    compress_site()
    prune_builds(build_id)
    step(f"dist/ ready (build {build_id}) in {time.perf_counter() - started:.1f} s")
    return build_id
