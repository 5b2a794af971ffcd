/** Entry point of the plain boot page: boot, then show what runs. */
import { boot } from "./boot.js";
import { progressView } from "./progress.js";

const view = progressView(document.getElementById("boot"));
// ?event-loop=pyodide boots with Pyodide's own asyncio loop (for comparisons, bench/calls.py).
const eventLoop = new URLSearchParams(location.search).get("event-loop") ?? "bridge";
try {
  const { pyodide, bridge } = await boot({ ...view, eventLoop });
  const python = pyodide.runPython("import sys; sys.version.split()[0]");
  document.getElementById("python-version").textContent = python;
  document.getElementById("bridge-version").textContent = bridge.__version__;
  document.getElementById("app").hidden = false;
} catch {
  // boot() already put the page in the error state and showed the message.
}
