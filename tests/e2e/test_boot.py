"""The boot page: Pyodide + our wheel + `import bridge`, offline, with visible progress."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from .conftest import PageLog, Site, wait_for_boot


def test_boot_page_reaches_ready_offline(page, page_log: PageLog, site: Site) -> None:
    page.goto(site.url + "boot.html")
    assert wait_for_boot(page) == "ready", page.inner_text("[data-boot-error]")

    assert page.evaluate("pyodide.runPython(\"import sys; '%d.%d' % sys.version_info[:2]\")") == "3.14"
    assert page.evaluate("pyodide.runPython('import bridge; bridge.__version__')") == "0.1.0"
    # The page shows it, with a time for each stage.
    assert page.inner_text("#python-version").startswith("3.14")
    stages = page.locator("[data-stage]")
    assert stages.count() == 4
    for i in range(4):
        assert stages.nth(i).get_attribute("data-status") == "done"
        assert re.fullmatch(r"\d+ ms", stages.nth(i).locator(".boot-time").inner_text())
    assert page.locator("[data-boot-progress]").evaluate("p => p.value") == 100

    hosts = {urlparse(u).hostname for u in page_log.requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, f"requests left 127.0.0.1: {page_log.requests}"


def test_runtime_files_are_downloaded_once(page, page_log: PageLog, site: Site) -> None:
    # The download stage prefetches with progress; loadPyodide must then hit the
    # HTTP cache, not download 12 MB a second time.
    site.requests.clear()
    page.goto(site.url + "boot.html")
    assert wait_for_boot(page) == "ready"
    assert page.evaluate("bridgeBoot.bytes") > 10_000_000
    for name in ("pyodide.asm.wasm", "python_stdlib.zip"):
        hits = [u for u in page_log.requests if u.endswith(name)]
        assert len(hits) >= 1
    served = [p for p in site.requests if p.endswith(("pyodide.asm.wasm", "python_stdlib.zip"))]
    assert sorted(served) == ["/pyodide/314.0.7/pyodide.asm.wasm", "/pyodide/314.0.7/python_stdlib.zip"]


def test_corrupt_wheel_puts_page_in_error(page, site: Site) -> None:
    page.route("**/wwe_outbound_bridge-*.whl", lambda route: route.fulfill(
        status=200, body=b"this is not the wheel the lock file names", content_type="application/zip"))
    page.goto(site.url + "boot.html")
    assert wait_for_boot(page) == "error"
    message = page.locator("[data-boot-error]")
    assert message.is_visible()
    text = message.inner_text()
    assert "Install packages" in text and "wwe-outbound-bridge" in text, text
    assert "does not match the sha256 in pyodide-lock.json" in text, text
    assert page.locator('[data-stage="packages"]').get_attribute("data-status") == "error"


def test_missing_wheel_puts_page_in_error(page, site: Site) -> None:
    page.route("**/wwe_outbound_bridge-*.whl", lambda route: route.fulfill(status=404, body=b"gone"))
    page.goto(site.url + "boot.html")
    assert wait_for_boot(page) == "error"
    text = page.inner_text("[data-boot-error]")
    assert "404" in text and "wwe_outbound_bridge" in text, text


def test_micropip_and_packaging_load_from_the_build(page, page_log: PageLog, site: Site) -> None:
    page.goto(site.url + "boot.html")
    assert wait_for_boot(page) == "ready"
    errors = page.evaluate(
        """async () => {
            const errors = [];
            await pyodide.loadPackage(["micropip"], {errorCallback: (m) => errors.push(m)});
            return errors;
        }""",
    )
    assert errors == []
    versions = page.evaluate(
        "pyodide.runPython('import micropip, packaging; (micropip.__version__, packaging.__version__)').toJs()"
    )
    assert list(versions) == ["0.11.1", "26.1"]
    assert all(urlparse(u).hostname == "127.0.0.1" for u in page_log.requests)
