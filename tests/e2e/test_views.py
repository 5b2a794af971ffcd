"""Integrators' Python views through the stable entry (/bridge.js): what the README's
"Your own Python view" promises, in the simulator, with the plugin's controller.

Pages are served from memory under /custom/ (Playwright routes), as a --wwe-pages
folder would serve them.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from wwe_testing.pytest_plugin import Wwe

pytestmark = pytest.mark.e2e

CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'; "
       "base-uri 'none'")


def page_html(*scripts: str, body: str = '<p id="out"></p>', html_attrs: str = "", entry: str = "/bridge.js") -> str:
    tags = "\n".join(scripts)
    return (f'<!doctype html><html lang="en" {html_attrs}><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}"><title>t</title>'
            f'<script type="module" src="{entry}"></script>\n{tags}</head><body>{body}</body></html>')


def serve(wwe: Wwe, files: dict[str, str | bytes]) -> list[str]:
    """Serve *files* (path under /custom/ -> content) on both of the site's host names;
    returns the list that collects every failed response of the browser context."""
    def handle(route: Any) -> None:
        path = urlsplit(route.request.url).path.removeprefix("/custom/")
        if path not in files:
            route.fulfill(status=404, body="not found")
            return
        body = files[path]
        kind = {"html": "text/html", "py": "text/x-python", "whl": "application/zip"}[path.rsplit(".", 1)[1]]
        route.fulfill(status=200, body=body, content_type=kind)

    wwe.context.route(re.compile(r"^http://(127\.0\.0\.1|localhost):\d+/custom/"), handle)
    failed: list[str] = []
    wwe.context.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return failed


def pure_wheel(name: str = "hello_pkg", greeting: str = "hello from a wheel") -> tuple[str, bytes]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(f"{name}/__init__.py", f"GREETING = {greeting!r}\n")
        zf.writestr(f"{name}-1.0.dist-info/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
        zf.writestr(f"{name}-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        zf.writestr(f"{name}-1.0.dist-info/RECORD", "")
    return f"{name}-1.0-py3-none-any.whl", buffer.getvalue()


def error_text(view: Any) -> str:
    return str(view.evaluate("() => [...document.querySelectorAll('[data-wwe-python-error], [data-boot-error]')]"
                             ".map((e) => e.textContent).join('\\n')"))


def test_a_view_in_a_subfolder_boots_from_bridge_js_and_shows_its_progress(wwe: Wwe) -> None:
    failed = serve(wwe, {
        "deep/er/view.html": page_html('<script type="text/python" src="view.py"></script>'),
        "deep/er/view.py": "from bridge import outbound\nfrom bridge.ui import page\n"
                           "chain = await outbound.get_chained_records(page.query.get('interaction', '1'))\n"
                           "page.text('out', ', '.join(r.phone for r in chain))\n",
    })
    view = wwe.open_view("/custom/deep/er/view.html?interaction=1")
    expect(view.locator("#out")).to_have_text(re.compile(r"^\+?\d+, \+?\d+$"))
    assert failed == []  # nothing asked relative to the page (no /custom/deep/er/b/<id>/...)
    # the loader's progress, in its own scoped section, hidden once the view runs
    section = view.locator("section.wwe-boot")
    expect(section).to_be_hidden()
    assert view.locator("section.wwe-boot [data-stage='bridge'] .boot-time").text_content().endswith(" ms")
    assert view.evaluate("document.documentElement.dataset.viewState") == "ready"
    assert view.evaluate("bridgeBoot.stdlib") in ("snapshot", "compiled")


def test_wheels_install_only_with_their_sha256(wwe: Wwe) -> None:
    name, wheel = pure_wheel()
    good = hashlib.sha256(wheel).hexdigest()
    script = ('<script type="text/python" src="uses_wheel.py" data-wheels="/custom/{}#sha256={}"></script>')
    serve(wwe, {
        name: wheel,
        "other-1.0-cp314-cp314-emscripten_4_0_9_wasm32.whl": wheel,
        "good.html": page_html(script.format(name, good)),
        "bad.html": page_html(script.format(name, "0" * 64)),
        "unpinned.html": page_html(f'<script type="text/python" src="uses_wheel.py" data-wheels="/custom/{name}"></script>'),
        "binary.html": page_html(script.format("other-1.0-cp314-cp314-emscripten_4_0_9_wasm32.whl", good)),
        "uses_wheel.py": "import hello_pkg\nfrom bridge.ui import page\npage.text('out', hello_pkg.GREETING)\n",
    })
    view = wwe.open_view("/custom/good.html")
    expect(view.locator("#out")).to_have_text("hello from a wheel")
    with pytest.raises(AssertionError, match=rf"has sha256 {good}, not the 0{{64}} the page names: nothing was installed"):
        wwe.open_view("/custom/bad.html")
    assert "hello_pkg" not in wwe.view.evaluate("pyodide.runPython('import sys; str(sorted(sys.modules))')")
    with pytest.raises(AssertionError, match=r"must end with #sha256=<64 hex digits>"):
        wwe.open_view("/custom/unpinned.html")
    with pytest.raises(AssertionError, match=r"is not a pure-Python wheel"):
        wwe.open_view("/custom/binary.html")
    # two wheels, the second with a wrong hash: the first is not installed either
    other, other_wheel = pure_wheel("other_pkg")
    serve(wwe, {name: wheel, other: other_wheel, "two.html": page_html(
        f'<script type="text/python" src="uses_wheel.py" data-wheels="/custom/{other}#sha256='
        f'{hashlib.sha256(other_wheel).hexdigest()} /custom/{name}#sha256={"0" * 64}"></script>'),
        "uses_wheel.py": "import hello_pkg\n"})
    with pytest.raises(AssertionError, match="nothing was installed"):
        wwe.open_view("/custom/two.html")
    assert "other_pkg" not in wwe.view.evaluate(
        "pyodide.runPython('import importlib.util; str(importlib.util.find_spec(\"other_pkg\"))')")
    wwe.take_errors(4)  # each refusal was also reported as an uncaught error


def test_inline_and_foreign_python_are_refused_before_anything_runs(wwe: Wwe) -> None:
    serve(wwe, {
        "inline.html": page_html('<script type="text/python">print("injected")</script>'),
        "blank.html": page_html('<script type="text/python" src=" "></script>'),
        "foreign.html": page_html('<script type="text/python" src="https://example.com/evil.py"></script>'),
    })
    for page in ("inline.html", "blank.html"):
        with pytest.raises(AssertionError, match=r"without src= is not run"):
            wwe.open_view(f"/custom/{page}")
    with pytest.raises(AssertionError, match=r"must be a file of this site \(http://127\.0\.0\.1:\d+\), not https://example\.com/evil\.py"):
        wwe.open_view("/custom/foreign.html")
    wwe.take_errors(3)


def test_forms_never_navigate_names_never_clobber_and_a_csp_without_wasm_says_so(wwe: Wwe) -> None:
    serve(wwe, {
        "form.html": page_html('<script type="text/python" src="form.py"></script>'),
        "form.py": "from bridge.ui import h, page, when\n"
                   "page.render('out', h('form', {'id': 'f'}, h('input', {'id': 'note', 'name': 'note', 'value': 'secret'}),"
                   " h('button', {'type': 'submit', 'id': 'go'}, 'Go')))\n"
                   "@when('click', '#clobber')\n"
                   "def clobber():\n"
                   "    page.render('out', h('form', {'name': 'getElementById'}))\n",
        "nowasm.html": page_html('<script type="text/python" src="form.py"></script>').replace(
            "'wasm-unsafe-eval'", ""),
    })
    view = wwe.open_view("/custom/form.html")
    view.click("#go")
    view.wait_for_function("() => true")
    assert "note=" not in view.url and view.evaluate("document.documentElement.dataset.viewState") == "ready"
    view.evaluate("() => { const b = document.createElement('button'); b.id = 'clobber'; document.body.append(b); }")
    view.click("#clobber")
    expect(view.locator("[data-wwe-python-error]")).to_contain_text('a form named "getElementById" is not allowed')
    assert "bridge/ui.py" not in view.locator("[data-wwe-python-error]").text_content()  # the handler's frames only
    assert view.evaluate("typeof document.getElementById") == "function"
    wwe.take_errors()
    with pytest.raises(AssertionError, match=r"does not allow WebAssembly.*add 'wasm-unsafe-eval' to its script-src"):
        wwe.open_view("/custom/nowasm.html")


def test_a_failure_is_shown_as_text_with_the_users_traceback(wwe: Wwe) -> None:
    serve(wwe, {
        "fails.html": page_html('<script type="text/python" src="fails.py"></script>'),
        "fails.py": "def check(name):\n    raise ValueError(name)\n\ncheck('<img src=x onerror=\"window.__owned=1\">')\n",
    })
    with pytest.raises(AssertionError, match=r"(?s)fails\.py\", line 4.*line 2, in check.*ValueError: <img src=x"):
        wwe.open_view("/custom/fails.html")
    view = wwe.view
    assert view.locator("img").count() == 0 and view.evaluate("window.__owned") is None
    assert "Traceback (most recent call last)" in error_text(view)
    assert "_pyodide" not in error_text(view)  # the user's frames, not the runner's
    assert view.evaluate("document.documentElement.dataset.viewState") == "error"
    errors = wwe.take_errors()
    assert "Traceback (most recent call last)" in errors[0] and "fails.py\", line 2, in check" in errors[0]


def test_a_view_of_another_origin_than_wwe_with_our_client_or_wwes_own(wwe: Wwe) -> None:
    wwe_origin = wwe.server.url.rstrip("/")
    view_base = wwe.server.url.replace("127.0.0.1", "localhost")
    attrs = f'data-wwe-origins="{wwe_origin}"'
    script = '<script type="text/python" src="chain_view.py"></script>'
    serve(wwe, {
        "ours.html": page_html(script, html_attrs=attrs),
        # WWE's own script, loaded from the view's site (here: the vendor-compatible classic build)
        "vendor.html": page_html(script, html_attrs=f'{attrs} data-service-client="/client/service-client.classic.js"'),
        "chain_view.py": "from bridge import outbound\nfrom bridge.ui import page\n"
                         "chain = await outbound.get_chained_records('1')\n"
                         "page.text('out', str(len(chain)))\n",
    })
    violations: list[str] = []
    wwe.context.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    wwe.accept_origins(view_base.rstrip("/"))
    for page, client in (("ours.html", "builtin"), ("vendor.html", "vendor")):
        view = wwe.open_view(f"{view_base}custom/{page}")
        expect(view.locator("#out")).to_have_text("2")
        assert view.evaluate("bridgeBoot.service.client") == client
        assert view.evaluate("location.origin") != wwe_origin
    chained = [m["origin"] for m in wwe.messages("request") if m["message"].get("request") == "outbound.getChainedRecords"]
    assert chained == [view_base.rstrip("/")] * 2  # both views' requests came from the view's own origin
    assert violations == []
