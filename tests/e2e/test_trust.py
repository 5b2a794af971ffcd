"""Which window is WWE: a view binds only to a parent or opener of an origin its
deployer trusts, never to whichever site frames or opens it."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import PageLog, Site, open_page
from .sim import FOREIGN, serve_foreign_origin, simulator_url, wait_for_simulator, wait_for_widget
from .widgets import wait_idle

EVIL_PAGE = """<!doctype html><html><head><title>Not WWE</title></head><body>
<script>
  window.got = [];
  addEventListener("message", (event) => window.got.push(event.data));
</script>
</body></html>"""

FORGE = """(target) => {
  const wwe = {userAgent: "WWE Server", protocolVersion: 2};
  for (let i = 0; i < 5; i++) {
    target.postMessage({...wwe, referenceId: String(i), request: "outbound.getRecordFields", data: [
      {name: "CARD", displayName: "Card number (identity check)", value: "", isEditable: true, isMandatory: true,
       fieldType: "var-char", valueType: "string"}]}, "*");
  }
  target.postMessage({...wwe, event: "outbound", data: {eventType: "PreviewRecord", interactionId: "EVIL",
                      campaignName: "Evil", records: []}}, "*");
  target.postMessage({...wwe, frameId: 1}, "*");
}"""


def evil_page(context, base: str) -> str:  # type: ignore[no-untyped-def]
    """A page at *base* that is not WWE (it records what it is sent); returns its URL."""
    context.route(f"{base}/evil.html", lambda route: route.fulfill(status=200, body=EVIL_PAGE, content_type="text/html"))
    return f"{base}/evil.html"


def heard_nothing(page) -> None:  # type: ignore[no-untyped-def]
    """Nothing the view sent reached the page: a marker posted now arrives after
    anything posted to it before (messages are delivered in order)."""
    page.evaluate("() => new Promise((resolve) => { addEventListener('message', (e) => { if (e.data === 'marker') resolve(); });"
                  " postMessage('marker', '*'); })")
    assert page.evaluate("window.got.filter((m) => m !== 'marker')") == []


def untrusted_view_says_why(view, origin: str, relation: str) -> None:  # type: ignore[no-untyped-def]
    wait_for_widget(view, record=False)
    notice = view.locator("#slot-notice")
    expect(notice).to_contain_text(f"{origin} {relation} this view, but it is not a WWE this view trusts")
    expect(notice).to_contain_text('data-wwe-origins="https://wwe.example.com"')
    assert view.evaluate("window.bridgeBoot.service.client") == "none"


def test_a_foreign_page_that_opens_a_view_is_not_wwe(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    log = PageLog()
    context, opener = open_page(browser, log)
    try:
        opener.goto(evil_page(context, FOREIGN))
        with context.expect_page() as opened:
            opener.evaluate(f"window.popup = window.open('{site.url}widget.html?interaction=1')")
        popup = opened.value
        untrusted_view_says_why(popup, FOREIGN, "opened")
        opener.evaluate(f"({FORGE})(window.popup)")
        heard_nothing(opener)
        text = popup.locator("body").inner_text()
        assert "Card number" not in text and "EVIL" not in text
        assert popup.locator("#w-form").count() == 0
    finally:
        context.close()
    assert not log.errors, log.errors


def test_a_foreign_page_that_frames_a_view_is_not_wwe(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    log = PageLog()
    context, page = open_page(browser, log)
    try:
        # The view is served from another origin than the framing page (and the framing
        # page is the local one: Chromium does not let a public page frame a local one).
        serve_foreign_origin(context, site)
        evil = site.url.rstrip("/")
        page.goto(evil_page(context, evil))
        page.evaluate(f"""() => new Promise((resolve) => {{
            const frame = Object.assign(document.createElement('iframe'), {{name: 'view', src: '{FOREIGN}/widget.html?interaction=1'}});
            frame.onload = resolve; document.body.append(frame); }})""")
        view = page.frame(name="view")
        untrusted_view_says_why(view, evil, "frames")
        page.evaluate(f"({FORGE})(document.querySelector('iframe').contentWindow)")
        heard_nothing(page)
        assert "Card number" not in view.locator("body").inner_text() and view.locator("#w-form").count() == 0
    finally:
        context.close()
    assert not log.errors, log.errors


def test_the_configured_wwe_origin_works_as_a_frame_and_as_an_opener(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    """WWE (the simulator) on another origin than the views, which are configured to trust it."""
    log = PageLog()
    context, page = open_page(browser, log)
    try:
        wwe = site.url.rstrip("/")  # the simulator, at the site's origin
        serve_foreign_origin(context, site, wwe_origins=wwe)  # the views, at http://foreign.test, trust it
        page.goto(simulator_url(site.url, f"{FOREIGN}/widget.html?interaction=1", origins=FOREIGN))
        wait_for_simulator(page)
        view = page.frame(name="view")
        wait_for_widget(view)
        assert view.evaluate("window.bridgeBoot.service.origin") == wwe
        # ... and a view it opens in a window of its own
        with context.expect_page() as opened:
            page.evaluate(f"window.open('{FOREIGN}/widget.html?interaction=1')")
        popup = opened.value
        wait_for_widget(popup)
        wait_idle(popup)
        assert popup.get_by_label("Phone", exact=True).input_value() == "+33647005"
    finally:
        context.close()
    # The simulator's own API panel (its origin is not in the accepted origins here)
    # is refused by silence, and says so once its 10 s timeout passes: not the views.
    panel = "WWE refused the subscription to outbound, interaction: Request timeout"
    assert [e for e in log.errors if e != panel] == [], log.errors


RESOLVE = """async (assets) => {
  const { resolveWwe } = await import(assets + "client/service-client.js");
  const own = "https://views.example.com";
  const wwe = {};
  const win = (over) => ({ location: { href: own + "/widget.html", ancestorOrigins: over.ancestors ?? [] },
    document: { referrer: over.referrer ?? "", documentElement: { dataset: over.dataset ?? {} } },
    opener: over.opener ?? null, parent: over.parent ?? null });
  const attempt = (w, config) => { try { return resolveWwe(w, config).wweOrigin; } catch (e) { return "error: " + e.message; } };
  const self = {};
  return {
    ownFrame: attempt(win({ parent: wwe, ancestors: [own] })),
    foreignFrame: attempt(win({ parent: wwe, ancestors: ["https://evil.example"] })),
    configuredFrame: attempt(win({ parent: wwe, ancestors: ["https://wwe.example.com"],
                                   dataset: { wweOrigins: "https://wwe.example.com https://wwe2.example.com" } })),
    foreignOpener: attempt(win({ opener: wwe, referrer: "https://evil.example/x" })),
    silentOpener: attempt(win({ opener: wwe, dataset: { wweOrigins: "https://wwe.example.com" } })),
    silentOpenerTwo: attempt(win({ opener: wwe, dataset: { wweOrigins: "https://a.example, https://b.example" } })),
    silentOpenerNone: attempt(win({ opener: wwe })),
    badConfig: attempt(win({ parent: wwe, ancestors: [own], dataset: { wweOrigins: "https://wwe.example.com/path" } })),
    wildcard: attempt(win({ parent: wwe, ancestors: [own] }), { wweOrigins: ["*"] }),
    alone: attempt({ ...win({}), parent: undefined }, {}),
    opaqueFrame: attempt(win({ parent: wwe, ancestors: ["null"] })),
  };
}"""


def test_which_window_is_wwe(page, site: Site) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{site.url}build-info.json")
    assets = site.url + "b/" + page.evaluate("() => fetch('/build-info.json').then((r) => r.json())")["build"] + "/"
    got = page.evaluate(RESOLVE, assets)
    assert got["ownFrame"] == "https://views.example.com"
    assert got["foreignFrame"].startswith("error: https://evil.example frames this view, but it is not a WWE this view trusts")
    assert got["configuredFrame"] == "https://wwe.example.com"
    assert got["foreignOpener"].startswith("error: https://evil.example opened this view")
    assert got["silentOpener"] == "https://wwe.example.com"  # postMessage's target origin keeps anyone else out
    assert "cannot tell which of https://a.example, https://b.example is WWE" in got["silentOpenerTwo"]
    assert got["silentOpenerNone"] == "https://views.example.com"
    assert "is not an origin" in got["badConfig"] and "is not an origin" in got["wildcard"]
    assert "not inside WWE" in got["alone"]
    assert "opaque origin" in got["opaqueFrame"]
