"""Hardening: Content-Security-Policy, and what our client posts."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import PageLog, Site
from .sim import open_sim, wait_for_widget, widget_url


def csp_of(html: str) -> dict[str, list[str]]:
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert match, "no CSP meta"
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in match.group(1).split(";")) if d}


def test_every_page_ships_a_strict_csp(site: Site) -> None:
    pages = sorted(site.root.glob("**/*.html"))
    assert len(pages) >= 5
    for page in pages:
        policy = csp_of(page.read_text())
        scripts = policy["script-src"]
        assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, page
        assert set(scripts) <= {"'self'", "'wasm-unsafe-eval'"}, page
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"], page
        html = page.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script in {page}"
        assert not re.search(r"\son[a-z]+=", html), f"inline handler in {page}"
    # Only pages that run Python may compile WebAssembly.
    for name in ("boot.html", "widget.html", "console.html"):
        assert "'wasm-unsafe-eval'" in csp_of((site.root / name).read_text())["script-src"]
    for name in ("index.html", "sim/panel.html"):
        assert "'wasm-unsafe-eval'" not in csp_of((site.root / name).read_text())["script-src"]


def test_injected_inline_script_does_not_run(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    log = PageLog()
    context, page = open_sim(browser, site, log, view=widget_url("1"))
    try:
        view = page.frame(name="view")
        wait_for_widget(view)
        outcome = view.evaluate("""async () => {
            const violations = [];
            document.addEventListener("securitypolicyviolation", (e) => violations.push(e.violatedDirective));
            const script = document.createElement("script");
            script.textContent = "window.__injected = 'script'";
            document.body.append(script);
            const img = document.createElement("img");
            img.setAttribute("onerror", "window.__injected = 'handler'");
            img.src = "data:,not-an-image";
            document.body.append(img);
            setTimeout("window.__injected = 'string timer'", 0);  // compiled by the page: eval rules apply
            await new Promise((r) => setTimeout(r, 300));
            return { injected: window.__injected ?? null, violations };
        }""")
        assert outcome["injected"] is None
        assert len(outcome["violations"]) >= 3 and all(v.startswith("script-src") for v in outcome["violations"])
        # The widget still works.
        assert view.locator("#w-form .field").count() > 5
    finally:
        context.close()


# Installed at document start in the sidebar's view only (not its first about:blank): the recorder is the view's own
# function, so its messages keep the view as their source.
POST_RECORDER = """if (window.name === "view" && window !== window.top && location.protocol.startsWith("http")) {
    window.__targets = [];
    const original = parent.postMessage.bind(parent);
    parent.postMessage = (message, target, ...rest) => { __targets.push(String(target)); return original(message, target, ...rest); };
}"""


def test_the_client_never_posts_to_star(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    log = PageLog()
    context, page = open_sim(browser, site, log, view=widget_url("1"),
                             before=lambda c: c.add_init_script(POST_RECORDER))
    try:
        view = page.frame(name="view")
        wait_for_widget(view)
        targets = view.evaluate("__targets")
        assert len(targets) >= 5 and set(targets) == {site.url.rstrip("/")}
    finally:
        context.close()
    assert not log.errors


def test_five_thousand_hostile_fields_render_as_text(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    log = PageLog()
    context, page = open_sim(browser, site, log, view="sim/panel.html")
    try:
        # A misbehaving WWE: 5,000 fields, markup in every string, wrong types, long text
        # (the whole answer under the 4 MiB a view takes: test_widget_state tests a larger one).
        page.evaluate("""() => {
            const evil = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
            const kinds = ['int', 'float', 'char', 'var-char', 'date', 'time', 'bool', 'enum', 'money'];
            wweSim.service.fieldSets.reference = Array.from({length: 5000}, (_, i) => ({
                name: `F${i} ${evil}`, displayName: i % 3 ? `Label ${i} ${evil}` : undefined,
                value: i === 2 ? '\u00011\u0002' : i % 11 === 0 ? 'x'.repeat(2000) : (i % 5 === 0 ? {nested: evil} : `${evil} ${i}`),
                isEditable: i % 4 === 0 ? 'yes' : i % 2 === 0, isMandatory: i % 7 === 0,
                options: i % 8 === 7 ? {'1': evil, '2': 'two'} : (i % 9 === 0 ? [evil] : undefined),
                fieldType: kinds[i % kinds.length], valueType: i % 6 === 0 ? 42 : 'string',
            }));
        }""")
        page.evaluate("""(url) => { wweSim.frames.view.src = url; }""", site.url + widget_url("1"))
        view = page.frame(name="view")
        view.wait_for_function("() => document.querySelectorAll('#w-form .field').length === 5000", timeout=120_000)
        assert view.evaluate("window.__xss") is None and page.evaluate("window.__xss") is None
        assert view.locator("#widget img, #widget script, #widget svg").count() == 0
        assert 'Label 1 <img src=x onerror="window.__xss=1">' in view.locator("#f1-label").inner_text()
        assert view.locator("#f11").inner_text().startswith("x" * 100)  # read-only huge value, as text
        assert view.locator("#f2").input_value() == "\x011\x02"  # the DOM layer's own slot marker stays text
        warnings = [m for m in log.console if "'money'" in m]
        assert warnings, "an unknown fieldType is reported in the console"
    finally:
        context.close()
    assert not log.errors, log.errors
