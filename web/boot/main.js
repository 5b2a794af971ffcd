/** Entry point of the plain boot page: boot, then show what runs. */
import { boot } from "./boot.js";
import { progressView } from "./progress.js";

const view = progressView(document.getElementById("boot"));
try {
  const { pyodide, bridge } = await boot(view);
  const python = pyodide.runPython("import sys; sys.version.split()[0]");
  document.getElementById("python-version").textContent = python;
  document.getElementById("bridge-version").textContent = bridge.__version__;
  document.getElementById("app").hidden = false;
} catch {
  // boot() already put the page in the error state and showed the message.
}
