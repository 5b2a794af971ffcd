"""The Pyodide compatibility layer (bridge/_compat.py, web/boot/pyodide-compat.js): one
test per private part of Pyodide we use, each failing when that part changes meaning,
not only when it disappears; and the version gate in the page, in Python and in the build.

(The time zone a restored snapshot resets, `_module._timezone`/`HEAPU32`/`__tzset_js`:
tests/e2e/test_boot.py, test_a_restored_interpreter_is_the_pages_own. The build's
`_makeSnapshot`/`makeMemorySnapshot()`: every boot below restores what it made.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from wwe_build import common, fetch

from .conftest import PageLog, Site, booted_page, open_page, py, wait_for_boot

pytestmark = pytest.mark.pyodide

MB = 1 << 20


def renderer_pids(browser) -> set[int]:  # type: ignore[no-untyped-def]
    cdp = browser.new_browser_cdp_session()
    try:
        return {p["id"] for p in cdp.send("SystemInfo.getProcessInfo")["processInfo"] if p["type"] == "renderer"}
    finally:
        cdp.detach()


def resident_kb_of_mappings_sized(pid: int, size: int) -> list[int]:
    """Rss (kB) of each of *pid*'s memory mappings exactly *size* bytes long."""
    found = []
    for block in re.split(r"\n(?=[0-9a-f]+-[0-9a-f]+ )", Path(f"/proc/{pid}/smaps").read_text()):
        start, end = (int(x, 16) for x in block.split(" ", 1)[0].split("-"))
        rss = re.search(r"^Rss:\s+(\d+) kB", block, re.MULTILINE)
        if end - start == size and rss:
            found.append(int(rss.group(1)))
    return found


def test_the_sparse_restore_ran_in_a_real_boot_and_left_the_zero_pages_untouched(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    """`restoreOnlyNonZeroPages` relies on Pyodide restoring a snapshot with one `set` of the
    image it was given, and `releaseSnapshot` on Pyodide keeping that image as
    `_api.config._loadSnapshot`. Measured: the wasm memory's resident pages after boot."""
    log = PageLog()
    before = renderer_pids(browser)
    context, page = open_page(browser, log)
    try:
        page.goto(site.url + "boot.html")
        assert wait_for_boot(page) == "ready"
        assert page.evaluate("bridgeBoot.stdlib") == "snapshot"
        restore = page.evaluate("bridgeBoot.restore")
        memory = page.evaluate("pyodide._module.HEAP8.buffer.byteLength")
        held = page.evaluate("Object.hasOwn(pyodide._api.config, '_loadSnapshot')")
        rss = [kb for pid in renderer_pids(browser) - before for kb in resident_kb_of_mappings_sized(pid, memory)]
    finally:
        context.close()
    assert not log.errors, log.errors
    # the sparse path ran once, on the whole image, and the image was let go
    assert restore["images"] == 1 and restore["length"] == memory > 16 * MB
    assert 0 < restore["pagesCopied"] * 4096 < restore["length"] - 10 * MB
    assert restore["released"] is True and held is False
    # the memory: one mapping of the wasm memory's size, resident only where a page is not zero
    assert len(rss) == 1, rss
    resident = rss[0] * 1024
    print(f"wasm memory {memory / MB:.1f} MB, resident {resident / MB:.1f} MB, "
          f"copied {restore['pagesCopied'] * 4096 / MB:.1f} MB")
    assert restore["pagesCopied"] * 4096 <= resident < memory - 10 * MB


def test_the_running_loop_and_async_generator_hooks_are_ours_in_every_callback(booted) -> None:  # type: ignore[no-untyped-def]
    """`_install_running_loop` and `_install_asyncgen_hooks` (WebLoop's) make our loop the one
    asyncio sees and its hooks the ones that finalize async generators. Each is taken away
    first (as a stack switch can leave the thread state): `install_running_loop` must put the
    loop back by itself, and the hooks must be back in the next callback; a generator whose
    clean-up awaits is then closed through the loop's finalizer (garbage collection alone
    cannot run an await)."""
    assert py(booted, """
import asyncio, gc, sys
from bridge import _compat
loop = asyncio.get_running_loop()
try:  # (no await while the running loop is taken away)
    asyncio.events._set_running_loop(None)
    _compat.install_running_loop(loop)
    restored = asyncio.events._get_running_loop() is loop
finally:
    asyncio.events._set_running_loop(loop)
seen = []
def check():
    hooks = sys.get_asyncgen_hooks()
    seen.append([asyncio.get_running_loop() is loop, getattr(hooks.finalizer, "__self__", None) is loop,
                 getattr(hooks.firstiter, "__self__", None) is loop])
sys.set_asyncgen_hooks(None, None)
loop.call_soon(check)
await asyncio.sleep(0)
closed = []
async def numbers():
    try:
        yield 1
        yield 2
    finally:
        await asyncio.sleep(0)  # only the loop's aclose() can run this
        closed.append(True)
async def take_one():
    agen = numbers()
    await agen.__anext__()
await take_one()
gc.collect()
for _ in range(5):
    await asyncio.sleep(0)
[type(loop).__name__, restored, seen, closed]
""") == ["BridgeLoop", True, [[True, True, True]], [True]]


def test_a_failing_callback_reaches_the_exception_handler_with_its_handle(booted) -> None:  # type: ignore[no-untyped-def]
    """`Handle._run` reports an exception to the loop's handler, with the handle, and returns."""
    assert py(booted, """
import asyncio
loop = asyncio.get_running_loop()
reported = []
old = loop.get_exception_handler()
loop.set_exception_handler(lambda loop, context: reported.append(
    (type(context["exception"]).__name__, type(context.get("handle")).__name__)))
def fail():
    raise LookupError("x")
try:
    loop.call_soon(fail)
    await asyncio.sleep(0)
finally:
    loop.set_exception_handler(old)
reported
""") == [["LookupError", "Handle"]]


@pytest.fixture(scope="module")
def pyodide_loop_page(browser, site: Site) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """A page booted on Pyodide's own loop (WebLoop), to hold ours to its behaviour."""
    with booted_page(browser, site, "boot.html?event-loop=pyodide") as page:
        yield page


@pytest.mark.parametrize("loop_kind", ["BridgeLoop", "WebLoop"])
def test_system_exit_and_keyboard_interrupt_go_to_the_handlers_pyodide_reads(request, loop_kind: str) -> None:  # type: ignore[no-untyped-def]
    """Our loop hands SystemExit (with its code) and KeyboardInterrupt raised by a callback to
    the handlers WebLoop keeps (`_system_exit_handler`, `_keyboard_interrupt_handler`), and the
    next callbacks still run; Pyodide's own WebLoop, given the same handlers, does the same
    (if Pyodide renamed or stopped reading them, the two would part here)."""
    page = request.getfixturevalue("booted" if loop_kind == "BridgeLoop" else "pyodide_loop_page")
    assert py(page, f"""
import asyncio
from bridge import _compat
loop = asyncio.get_running_loop()
assert type(loop).__name__ == "{loop_kind}", type(loop)
seen = []
old = (loop._system_exit_handler, loop._keyboard_interrupt_handler)
loop._system_exit_handler = lambda code: seen.append(("exit", code))
loop._keyboard_interrupt_handler = lambda: seen.append(("interrupt",))
def leave():
    raise SystemExit(3)
def interrupt():
    raise KeyboardInterrupt
try:
    assert _compat.exit_handlers(loop) == (loop._system_exit_handler, loop._keyboard_interrupt_handler)
    loop.call_soon(leave)
    loop.call_soon(interrupt)
    loop.call_soon(seen.append, ("after",))
    for _ in range(20):
        await asyncio.sleep(0.005)
        if len(seen) == 3:
            break
finally:
    loop._system_exit_handler, loop._keyboard_interrupt_handler = old
[list(item) for item in seen]
""") == [["exit", 3], ["interrupt"], ["after"]]


def test_the_consoles_streams_escape_what_utf8_cannot_carry(booted) -> None:  # type: ignore[no-untyped-def]
    """`pyodide.console._WriteStream`, replaced by the layer: a console's print of a lone
    surrogate shows it escaped instead of raising."""
    assert py(booted, r"""
import pyodide
import pyodide.console
from bridge import _compat
from pyodide.console import Console
_compat.use_lenient_console_streams(pyodide.console, pyodide.__version__)
out, err = [], []
console = Console(stdout_callback=out.append, stderr_callback=err.append)
await console.push("print('a\\ud800b')")
["".join(out), "".join(err)]
""") == ["a\\ud800b\n", ""]


def test_the_page_refuses_a_pyodide_the_layer_does_not_support(page, site: Site) -> None:  # type: ignore[no-untyped-def]
    """A runtime reporting another version (both of its halves agree, so Pyodide's own
    check passes) puts the page in error, naming both versions."""
    version = fetch.PYODIDE_VERSION

    def other_version(route) -> None:  # type: ignore[no-untyped-def]
        response = route.fetch()
        body = response.text().replace(f'"{version}"', '"999.0.0"')
        route.fulfill(response=response, body=body, headers={**response.headers, "content-encoding": "identity"})

    page.route(f"**/pyodide/{version}/pyodide.mjs", other_version)
    page.route(f"**/pyodide/{version}/pyodide.asm.mjs", other_version)
    page.goto(site.url + "boot.html")
    assert wait_for_boot(page) == "error"
    error = page.evaluate("bridgeBoot.error.message")
    assert "Pyodide 999.0.0" in error and f"supports only Pyodide {version}" in error, error
    # refused before any private part ran: no snapshot restored, Int8Array#set untouched
    assert page.evaluate("[bridgeBoot.restore ?? null, Object.hasOwn(Int8Array.prototype, 'set')]") == [None, False]


def test_python_refuses_another_pyodide_too(booted) -> None:  # type: ignore[no-untyped-def]
    assert py(booted, """
from bridge import _compat
from bridge.errors import UnsupportedPyodideError
try:
    _compat.check_pyodide_version("315.0.0")
except UnsupportedPyodideError as exc:
    message = str(exc)
import pyodide
_compat.check_pyodide_version(pyodide.__version__)  # the running one passes
message
""") == ("this page runs Pyodide 315.0.0, but wwe-outbound-bridge supports only Pyodide "
         f"{fetch.PYODIDE_VERSION}: serve the runtime the build ships (python3 build.py), not another one")


def test_the_build_refuses_a_pyodide_the_layer_does_not_support() -> None:
    fetch.check_supported(fetch.PYODIDE_VERSION)
    with pytest.raises(common.BuildError, match=r"Pyodide 315\.0\.0 is not one the compatibility layer supports "
                                                r"\(314\.0\.7\): check each private API"):
        fetch.check_supported("315.0.0")
