"""The boot page: Pyodide + our wheel + `import bridge`, offline, with visible progress."""

from __future__ import annotations

import json
import re
from collections import Counter
from urllib.parse import urlparse

from .conftest import PageLog, Site, open_page, wait_for_boot


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
    # Progress is counted while loadPyodide downloads; nothing is fetched twice, and
    # the interpreter is restored from the snapshot made with the byte-compiled
    # standard library, not started on the .py one.
    site.requests.clear()
    page.goto(site.url + "boot.html")
    assert wait_for_boot(page) == "ready"
    assert page.evaluate("bridgeBoot.bytes") > 10_000_000
    assert page.evaluate("bridgeBoot.stdlib") == "snapshot"
    assert page.evaluate("bridgeBoot.fallbacks") is None
    # what was set after the restore left the page's __main__ as a fresh start does
    assert page.evaluate("pyodide.runPython('[k for k in (\"random\", \"time\") if k in globals()]').toJs()") == []
    served = sorted(p for p in site.requests if p.endswith((".wasm", ".zip", ".bin", ".whl", "pyodide-lock.json")))
    assert len(served) == len(set(served)), served
    assert [p for p in served if "python_stdlib" in p] == [
        p for p in served if p.startswith("/pyodide/314.0.7/python_stdlib-") and p.endswith(".pyc.zip")]
    assert [p for p in served if "python_snapshot" in p] == [
        p for p in served if p.startswith("/pyodide/314.0.7/python_snapshot-") and p.endswith(".bin")]
    assert page.evaluate("pyodide.runPython('import json; json.__spec__.origin')").endswith("json/__init__.pyc")


# Work of the kind a page does while it is used: parsing, text, numbers, dates.
WORKLOAD = """
import datetime, decimal, difflib, json, re, statistics, textwrap
for i in range(1500):
    json.loads(json.dumps({"a": [i, str(i), {"b": i * 1.5}]}))
    re.sub(r"(\\d+)", lambda m: m.group(1)[::-1], "abc 123 def %d" % i)
    decimal.Decimal(i) / 7
    difflib.SequenceMatcher(None, "abcdef%d" % i, "abdcfe").ratio()
    textwrap.fill("word " * 50, 30)
    statistics.mean([i, i + 1, 2.5])
    datetime.datetime(2026, 1, 1) + datetime.timedelta(minutes=i)
"""


def test_a_reload_uses_the_browsers_caches_and_still_shows_progress(browser, site: Site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # As users' browsers are: a persistent profile, compressed responses. The reload
    # reads the runtime from the disk cache and V8 takes the compiled wasm from its
    # code cache (a Response rebuilt around a counting stream has no URL, and then
    # every reload compiled ~2,000 functions again), while the bar still counts bytes.
    from wwe_testing.browser import launch_options

    options = launch_options()
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), headless=options.pop("headless"), **options)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        encodings = {}
        page.on("response", lambda r: encodings.__setitem__(r.url.rsplit("/", 1)[-1], r.headers.get("content-encoding")))
        page.goto(site.url + "boot.html")
        assert wait_for_boot(page) == "ready"
        assert encodings["pyodide.asm.wasm"] == "br" and encodings[next(n for n in encodings if n.endswith(".pyc.zip"))] == "br"
        sizes = json.loads(page.evaluate("document.documentElement.dataset.downloadSizes"))
        downloaded = [n for n in sizes if n == "pyodide.asm.wasm" or n.endswith((".pyc.zip", ".bin"))]
        # decoded bytes against decoded totals: the bar reaches its end, not 3× past it
        assert page.evaluate("bridgeBoot.bytes") == sum(sizes[n] for n in downloaded)
        cdp = context.new_cdp_session(page)

        def traced(action) -> Counter[str]:  # type: ignore[no-untyped-def]
            """The V8 wasm trace events (by name) while `action` ran."""
            events: Counter[str] = Counter()
            done: list[bool] = []
            on_data = lambda params: events.update(e["name"] for e in params["value"])  # noqa: E731
            on_done = lambda params: done.append(True)  # noqa: E731
            cdp.on("Tracing.dataCollected", on_data)
            cdp.on("Tracing.tracingComplete", on_done)
            cdp.send("Tracing.start", {"traceConfig": {"includedCategories": ["v8.wasm", "disabled-by-default-v8.wasm.detailed"]}})
            try:
                action()
            finally:
                cdp.send("Tracing.end")
                for _ in range(100):
                    if done:
                        break
                    page.wait_for_timeout(100)
                cdp.remove_listener("Tracing.dataCollected", on_data)
                cdp.remove_listener("Tracing.tracingComplete", on_done)
            return events

        # V8 writes a module's compiled code to its cache once enough of it has been
        # optimised (its threshold, not ours): a boot alone is not enough, a page that
        # was used is. So the page does some work, as the agent's does, until V8 says it
        # serialized the module; a reload right after a bare boot compiles ~1,800
        # functions again in any page, ours or Pyodide's alone.
        def use_until_cached() -> None:
            serialized: Counter[str] = Counter()
            for _ in range(10):
                serialized += traced(lambda: page.evaluate(f"() => pyodide.runPython({json.dumps(WORKLOAD)})"))
                if serialized["wasm.SerializeModule"]:
                    return
            # (it never does for a Response without a URL: one rebuilt around a stream)
            raise AssertionError(f"V8 never serialized the module for its code cache: {serialized.most_common(8)}")

        use_until_cached()
        page.wait_for_timeout(500)  # Blink hands the serialized module to the disk cache

        progress: list[str] = []
        page.expose_function("sawProgress", lambda text: progress.append(text))
        page.add_init_script("""new MutationObserver(() => {
            const t = document.querySelector('[data-stage=download] .boot-time')?.textContent;
            if (t && t.includes('/')) window.sawProgress(t);
          }).observe(document, { subtree: true, childList: true, characterData: true });""")

        def reload() -> None:
            page.reload()
            assert wait_for_boot(page) == "ready"

        # Without the cache every reload compiled 1,100-2,200 functions; with it, none, or
        # the odd function the page had not run before V8 wrote the cache.
        lazy = traced(reload)["wasm.CompileLazy"]
        assert lazy < 50, f"{lazy} functions compiled again on a reload instead of coming from V8's code cache"
        assert page.evaluate("bridgeBoot.stdlib") == "snapshot"
        assert page.evaluate("bridgeBoot.bytes") == sum(sizes[n] for n in downloaded)
        assert progress and progress[-1].endswith(" MB"), progress  # "12.3 MB / 30.6 MB" while it read
        # the total is known from the start: the bar never goes back
        assert len({text.split(" / ")[1] for text in progress}) == 1, progress
    finally:
        context.close()


def test_restoring_copies_the_same_bytes_touching_only_what_it_must(page, site: Site) -> None:  # type: ignore[no-untyped-def]
    # The sparse restore (pyodide-compat.js, restoreOnlyNonZeroPages) against a plain copy, on
    # a made-up image: pages set and zero, a header that shifts pages off alignment,
    # and a target that holds stale bytes where the image has zeros.
    page.goto(site.url + "boot.html")
    assert wait_for_boot(page) == "ready"
    result = page.evaluate("""async () => {
      const bootURL = document.querySelector('link[href*="boot/boot.js"]').href;
      const boot = await import(bootURL);
      const compat = await import(new URL("pyodide-compat.js", bootURL).href);
      const pageSize = 4096, count = 9, length = count * pageSize + 100;
      const nonZero = [1, 2, 5, 8];
      const packed = new Uint8Array(20 + 4 * nonZero.length + nonZero.length * pageSize);
      packed.set(new TextEncoder().encode("WWESNAP1"));
      const view = new DataView(packed.buffer);
      view.setUint32(8, length, true); view.setUint32(12, pageSize, true); view.setUint32(16, nonZero.length, true);
      nonZero.forEach((index, i) => {
        view.setUint32(20 + 4 * i, index, true);
        const at = 20 + 4 * nonZero.length + i * pageSize;
        for (let b = 0; b < pageSize; b++) packed[at + b] = (index * 31 + b) % 251 + 1;
      });
      const image = boot.unpackSnapshot(packed);
      const source = image.subarray(48);  // Pyodide skips its header, a multiple of 16
      const stale = () => { const t = new Int8Array(length); for (let i = 0; i < length; i += 997) t[i] = 7; return t; };
      const expected = stale(); expected.set(source);
      const sparse = stale();
      const stats = {};
      const uninstall = compat.restoreOnlyNonZeroPages(stats);
      try { sparse.set(source); } finally { uninstall(); }
      const other = new Int8Array(4); other.set([1, 2, 3]);  // any other call: the usual set
      return { same: expected.every((b, i) => b === sparse[i]), other: [...other],
               restored: !Object.hasOwn(Int8Array.prototype, "set"), stats };
    }""")
    assert result == {"same": True, "other": [1, 2, 3, 0], "restored": True,
                      "stats": {"images": 1, "pagesCopied": 4, "length": 9 * 4096 + 100 - 48}}


def test_a_damaged_snapshot_falls_back_to_a_normal_start(page, page_log: PageLog, site: Site) -> None:
    def truncated(route):  # type: ignore[no-untyped-def]
        route.fulfill(body=route.fetch().body()[:-4096], content_type="application/octet-stream")

    page.route("**/python_snapshot-*.bin", truncated)
    page.goto(site.url + "boot.html")
    assert wait_for_boot(page) == "ready"
    assert page.evaluate("bridgeBoot.stdlib") == "compiled"
    [fallback] = page.evaluate("bridgeBoot.fallbacks")
    assert fallback["from"] == "snapshot" and "is damaged" in fallback["reason"], fallback
    assert page.evaluate("pyodide.runPython('import bridge; bridge.__version__')") == "0.1.0"


def test_no_snapshot_where_the_browsers_webassembly_differs(page, page_log: PageLog, site: Site) -> None:
    # As for a browser without stack switching: the snapshot is not even fetched.
    def without_jspi(route):  # type: ignore[no-untyped-def]
        html = route.fetch().text().replace("&quot;jspi&quot;: &quot;new&quot;", "&quot;jspi&quot;: &quot;none&quot;")
        route.fulfill(body=html, content_type="text/html")

    page.route("**/boot.html", without_jspi)
    page.goto(site.url + "boot.html")
    assert wait_for_boot(page) == "ready"
    assert page.evaluate("bridgeBoot.stdlib") == "compiled"
    [fallback] = page.evaluate("bridgeBoot.fallbacks")
    assert fallback["from"] == "snapshot" and "jspi=new" in fallback["reason"] and "jspi=none" in fallback["reason"]
    assert not [u for u in page_log.requests if "python_snapshot" in u]


def test_a_restored_interpreter_is_the_pages_own(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    # What the snapshot froze at build time is set again per page: random numbers
    # differ between pages, and the time zone is the browser's, not the build's.
    seen = {}
    for zone in ("Europe/London", "America/New_York"):
        log = PageLog()
        context, page = open_page(browser, log, timezone_id=zone)
        try:
            page.goto(site.url + "boot.html")
            assert wait_for_boot(page) == "ready"
            assert page.evaluate("bridgeBoot.stdlib") == "snapshot"
            seen[zone] = page.evaluate("""pyodide.runPython(`
import random, time, json
winter = time.localtime(time.mktime((2026, 1, 15, 12, 0, 0, 0, 0, -1)))
json.dumps([random.random(), time.timezone, time.daylight, list(time.tzname), winter.tm_gmtoff, winter.tm_zone])
`)""")
        finally:
            context.close()
        assert not log.errors, log.errors
    london, new_york = (json.loads(seen[z]) for z in ("Europe/London", "America/New_York"))
    assert london[0] != new_york[0]  # random: reseeded per page
    assert london[1:3] == [0, 1] and new_york[1:3] == [5 * 3600, 1]  # standard offsets west of UTC, DST
    assert london[4] == 0 and new_york[4] == -5 * 3600
    assert london[3] != new_york[3] and london[5] == london[3][0] and new_york[5] == new_york[3][0]


def test_a_broken_compiled_stdlib_falls_back_to_the_source_one(page, page_log: PageLog, site: Site) -> None:
    page.route("**/python_stdlib-*.pyc.zip", lambda route: route.fulfill(status=200, body=b"not a zip file",
                                                                        content_type="application/zip"))
    page.goto(site.url + "boot.html")
    assert wait_for_boot(page) == "ready"
    assert page.evaluate("bridgeBoot.stdlib") == "source"
    # the snapshot (made with that library) and the library itself were tried first
    assert [f["from"] for f in page.evaluate("bridgeBoot.fallbacks")] == ["snapshot", "compiled"]
    assert page.evaluate("pyodide.runPython('import bridge; bridge.__version__')") == "0.1.0"
    page_log.errors.clear()  # Pyodide reports the failed first start as a page error


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
