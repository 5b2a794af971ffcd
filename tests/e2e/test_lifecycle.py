"""Views WWE replaces are let go: no document, heap or subscription outlives its frame."""

from __future__ import annotations

from .conftest import BOOT_TIMEOUT_MS, PageLog, Site
from .sim import log_entries, open_sim, wait_for_widget, widget_url

# As WWE does when the agent moves to another interaction: the iframe goes, a new one comes.
REPLACE = """(src) => {
  const old = document.querySelector("[data-sim-frame=view]");
  const fresh = old.cloneNode(false);
  fresh.removeAttribute("src");
  old.replaceWith(fresh);
  fresh.src = src;
}"""


def settled_counters(page, cdp) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    # A removed frame's document is released in steps (its window, then what held it):
    # two collections with a pause between them.
    cdp.send("HeapProfiler.collectGarbage")
    page.wait_for_timeout(500)
    cdp.send("HeapProfiler.collectGarbage")
    return cdp.send("Memory.getDOMCounters")["documents"], cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6


def test_a_replaced_view_leaves_nothing_behind(browser, page_log: PageLog, site: Site) -> None:  # type: ignore[no-untyped-def]
    context, page = open_sim(browser, site, page_log, view=widget_url("1"))
    try:
        cdp = context.new_cdp_session(page)
        wait_for_widget(page.frame(name="view"))
        documents, heap = settled_counters(page, cdp)
        for n in range(4):
            page.evaluate(REPLACE, widget_url(str(1 + n % 2)))
            page.wait_for_function(
                "() => { try { return document.querySelector('[data-sim-frame=view]').contentWindow"
                ".document.documentElement.dataset.widgetState === 'ready'; } catch { return false; } }",
                timeout=BOOT_TIMEOUT_MS)
        after_documents, after_heap = settled_counters(page, cdp)
        # Each view kept alive is one more document and ~7 MB more heap (its Python's JS side).
        assert after_documents == documents, (documents, after_documents)
        assert after_heap < heap * 1.25, (heap, after_heap)
        # Each replaced view said goodbye: its subscriptions were released, so WWE holds
        # only those of live frames (the view and the simulator's API panel).
        unsubscribed = [e for e in log_entries(page, "request") if e["message"].get("event") == "unsubscribe"]
        assert len(unsubscribed) >= 4, unsubscribed
        held = page.evaluate("""() => {
          const sources = new Set([...wweSim.wire.subscriptions.values()].map((s) => s.source));
          const view = document.querySelector("[data-sim-frame=view]").contentWindow;
          return { count: sources.size, closed: [...sources].filter((s) => s.closed).length, view: sources.has(view) };
        }""")
        assert held == {"count": 2, "closed": 0, "view": True}
    finally:
        context.close()


def test_the_simulator_forgets_views_that_are_gone_without_a_word(browser, page_log: PageLog, site: Site) -> None:  # type: ignore[no-untyped-def]
    # A view that never unsubscribes (crashed, or not ours): once its window is
    # closed, WWE's side drops what refers to it.
    context, page = open_sim(browser, site, page_log, view=None)
    try:
        result = page.evaluate("""async () => {
          const main = document.querySelector('script[src*="sim/main.js"]').src;
          const { WireServer } = await import(new URL("wire.js", main).href);
          const notes = [];
          const wire = new WireServer({ win: window, service: {}, acceptedOrigins: location.origin,
                                        log: (entry) => notes.push(entry.text) });
          const view = { closed: false, answers: [], postMessage(message) { this.answers.push(message); } };
          wire.receive({ source: view, origin: location.origin,
                         data: { event: "subscribe", data: "outbound", protocolVersion: 2, userAgent: "WWE Client", referenceId: "0" } });
          const subscribed = wire.subscriptions.size;
          wire.emit("outbound", { eventType: "ADDED" });
          const delivered = view.answers.length;
          view.closed = true;  // its frame was removed
          wire.emit("outbound", { eventType: "REMOVED" });
          return { subscribed, delivered, left: wire.subscriptions.size, after: view.answers.length, notes };
        }""")
        assert result["subscribed"] == 1 and result["delivered"] == 2  # the subscription's answer, then the event
        assert result["left"] == 0 and result["after"] == 2
        assert any("dropped 1 subscription(s) of views that are gone" in (n or "") for n in result["notes"])
    finally:
        context.close()
