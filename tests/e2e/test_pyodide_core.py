"""The CPython core tests, run unchanged inside real Pyodide in Chromium.

pytest and hypothesis (pure wheels for Python 3.14, pinned with hashes) are fetched once into
.cache/test-wheels and handed to the page through a Playwright route: they are
test tools, never part of dist/.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import Site, wait_for_boot

# Pure wheels for Python 3.14, pinned by version and sha256 (pip enforces --require-hashes).
REQUIREMENTS = Path(__file__).resolve().parent.parent / "data" / "pyodide-test-requirements.txt"


@pytest.fixture(scope="module")
def test_wheels(root: Path) -> list[Path]:
    cache = root / ".cache" / "test-wheels"
    cache.mkdir(parents=True, exist_ok=True)
    wanted = {line.split("==")[0] for line in REQUIREMENTS.read_text().splitlines() if line.strip()}
    have = {p.name.split("-")[0].lower() for p in cache.glob("*.whl")}
    if have != wanted:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
             "--python-version", "3.14", "--only-binary=:all:", "--dest", str(cache), "-r", str(REQUIREMENTS)],
            check=True,
        )
    return sorted(cache.glob("*.whl"))


def test_core_suite_passes_inside_pyodide(page, site: Site, root: Path, test_wheels: list[Path]) -> None:
    by_name = {w.name: w for w in test_wheels}
    page.route("**/__test_wheels__/*", lambda route: route.fulfill(
        path=str(by_name[route.request.url.rsplit("/", 1)[1]]), content_type="application/zip"))
    page.goto(site.url + "boot.html")
    assert wait_for_boot(page) == "ready"

    files = {
        str(p.relative_to(root)): p.read_text()
        for p in [root / "tests/__init__.py", *sorted((root / "tests/unit").glob("*.py")),
                  *sorted((root / "tests/data").glob("*")),
                  root / "web/ui/dom.js",  # the widget fuzz test reads the DOM layer's allow-lists
                  root / "docs/simulator.md",  # test_contract checks it lists every assumption
                  root / "wwe_testing/__init__.py", root / "wwe_testing/scenario.py"]  # test_ui checks the builders
    }
    result = page.evaluate(
        """async ({files, wheels}) => {
            await pyodide.loadPackage("micropip");
            for (const [path, text] of Object.entries(files)) {
                const full = "/home/pyodide/work/" + path;
                pyodide.FS.mkdirTree(full.slice(0, full.lastIndexOf("/")));
                pyodide.FS.writeFile(full, text);
            }
            const urls = wheels.map((w) => new URL("__test_wheels__/" + w, location.href).href);
            pyodide.globals.set("wheel_urls", pyodide.toPy(urls));
            return await pyodide.runPythonAsync(`
import asyncio, contextlib, io, os, micropip
import bridge
await micropip.install(wheel_urls, deps=False)
import pytest
os.chdir("/home/pyodide/work")
out = io.StringIO()

async def run_tests():
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        return pytest.main(["-q", "-p", "no:cacheprovider", "tests/unit"])

# The tests drive coroutines with asyncio.run, which blocks through stack
# switching: on the bridge's event loop only tasks created so may do that.
with bridge.allow_run_sync():
    tests = asyncio.ensure_future(run_tests())
[int(await tests), out.getvalue()]
`).then((r) => r.toJs());
        }""",
        {"files": files, "wheels": list(by_name)},
    )
    code, output = result
    assert code == 0, output[-4000:]
    summary = output.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary and "skipped" not in summary, summary
    assert int(summary.split()[0]) >= 120, summary
