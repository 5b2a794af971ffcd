/** The record widget page: boot Python, then start outbound_widget in #widget. */
import { boot } from "../boot/boot.js";
import { progressView } from "../boot/progress.js";
import * as layer from "./dom.js";

const progress = progressView(document.getElementById("boot"));
try {
  const { pyodide } = await boot(progress);
  const params = new URLSearchParams(location.search);
  document.getElementById("boot").hidden = true;
  document.getElementById("widget").hidden = false;
  const { mount } = pyodide.pyimport("outbound_widget._dom");
  // ?interaction=<id> shows that record first; ?timeout=<seconds> changes the per-call timeout (default 10).
  window.widget = await mount(layer, params.get("interaction"), params.get("timeout"));
  document.documentElement.dataset.widgetState = "ready";
  performance.mark("widget-ready"); // the record is shown and editable (bench/boot.py reads this)
} catch (err) {
  document.documentElement.dataset.widgetState = "error";
  if (!window.bridgeBoot?.error) {
    // boot() reports its own failures; anything after it is shown here.
    const box = document.querySelector("[data-boot-error]");
    document.getElementById("boot").hidden = false;
    box.textContent = `The widget could not start: ${err.message}`;
    box.hidden = false;
  }
  console.error(err);
}
