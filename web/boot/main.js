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
  const service = window.bridgeBoot?.service ?? {};
  // Text only: the reason names an origin another site chose.
  document.getElementById("wwe-service").textContent = service.client === "none"
    ? `Not connected to WWE: ${service.problem ?? "no service client"}`
    : `Connected to WWE${service.origin ? ` at ${service.origin}` : ""} (${service.client} service client).`;
  document.getElementById("app").hidden = false;
} catch {
  // boot() already put the page in the error state and showed the message.
}
