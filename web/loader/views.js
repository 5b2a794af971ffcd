/**
 * The loader of Python views, started by /bridge.js (web/loader/bridge.js).
 *
 * It boots the runtime exactly as our pages do (web/boot/boot.js: snapshot,
 * byte-compiled library, fallbacks, progress, `data-bridge-state`), installs the
 * wheels the page lists, makes the DOM layer (web/ui/dom.js) the one `bridge.ui`
 * draws with, and runs each `<script type="text/python" src=…>` of the page in
 * order, in `__main__`, with top-level `await`. A script that fails, and any
 * handler or task that fails later, is shown in the page as text (its Python
 * traceback) and reported as an uncaught error.
 *
 * `<html data-view-state>`: "loading" → "ready" (every script's top level ran)
 * | "error". Script attributes: `src` (required: a file of this site), `data-wheels`
 * (pure-Python wheels of this site, each `url#sha256=<hex>`, space-separated),
 * `data-packages` (packages of this build's lock file, e.g. "micropip").
 */
import { boot } from "../boot/boot.js";
import { progressView } from "../boot/progress.js";
import * as ui from "../ui/dom.js";

const PURE_WHEEL = /^[A-Za-z0-9_.]+-[A-Za-z0-9_.!+]+(-\d[A-Za-z0-9_.]*)?-py3-none-any\.whl$/;

/** A problem with how the page names its Python: shown before anything is downloaded. */
class ViewError extends Error {}

function sameSite(url, what) {
  const loaderOrigin = new URL(import.meta.url).origin;
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ViewError(`${what} must be an http(s) URL, not ${url.href}`);
  if (url.origin !== location.origin && url.origin !== loaderOrigin) {
    throw new ViewError(`${what} must be a file of this site (${location.origin}), not ${url.href}`);
  }
  return url;
}

/** What one `<script type="text/python">` asks for, checked. */
export function describeScript(script, base = document.baseURI) {
  const src = script.getAttribute("src")?.trim();
  if (!src) {
    throw new ViewError(
      "a <script type=\"text/python\"> without src= is not run: put the Python in a file and name it with src=. " +
      "(Inline Python would run whatever an injection put into the page, which the page's CSP forbids for JS.)");
  }
  const url = sameSite(new URL(src, base), `<script type="text/python" src="${src}">`);
  const wheels = (script.dataset.wheels ?? "").split(/\s+/).filter(Boolean).map((spec) => {
    const [address, fragment = "", ...extra] = spec.split("#");
    const sha256 = extra.length ? undefined : /^sha256=([0-9a-f]{64})$/i.exec(fragment)?.[1]?.toLowerCase();
    if (!sha256) throw new ViewError(`data-wheels: ${spec} must end with #sha256=<64 hex digits> (pip hash-checking style)`);
    const wheelURL = sameSite(new URL(address, base), `data-wheels: ${address}`);
    const name = decodeURIComponent(wheelURL.pathname.split("/").pop());
    if (!PURE_WHEEL.test(name)) {
      throw new ViewError(`data-wheels: ${name} is not a pure-Python wheel (…-py3-none-any.whl): only those install in the browser`);
    }
    return { url: wheelURL.href, name, sha256 };
  });
  const packages = (script.dataset.packages ?? "").split(/[\s,]+/).filter(Boolean);
  return { url: url.href, filename: url.pathname, wheels, packages };
}

async function fetchText(url) {
  let response;
  try {
    response = await fetch(url, { cache: "no-cache" }); // an edited script is seen on the next load
  } catch (err) {
    throw new ViewError(`could not fetch ${url}: ${err.message}`);
  }
  if (!response.ok) throw new ViewError(`GET ${url} failed: ${response.status} ${response.statusText}`.trim());
  return response.text();
}

async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function installWheels(pyodide, wheels) {
  if (!wheels.length) return;
  if (!globalThis.crypto?.subtle) throw new ViewError("wheels are checked by sha256, which needs a secure context (HTTPS or localhost)");
  const site = pyodide.runPython("import site; site.getsitepackages()[0]");
  // every wheel fetched and checked before any is unpacked: one bad hash installs nothing
  const checked = [];
  for (const wheel of wheels) {
    let response;
    try {
      response = await fetch(wheel.url);
    } catch (err) {
      throw new ViewError(`could not fetch ${wheel.url}: ${err.message}`);
    }
    if (!response.ok) throw new ViewError(`GET ${wheel.url} failed: ${response.status} ${response.statusText}`.trim());
    const bytes = new Uint8Array(await response.arrayBuffer());
    const actual = await sha256Hex(bytes);
    if (actual !== wheel.sha256) {
      throw new ViewError(`${wheel.url} has sha256 ${actual}, not the ${wheel.sha256} the page names: nothing was installed`);
    }
    checked.push(bytes);
  }
  for (const bytes of checked) pyodide.unpackArchive(bytes, "wheel", { extractDir: site });
  pyodide.runPython("import importlib; importlib.invalidate_caches()");
}

function createProgressSection(doc) {
  const make = (tag, attrs = {}) => Object.assign(doc.createElement(tag), attrs);
  const section = make("section", { className: "wwe-boot" });
  section.setAttribute("aria-label", "Starting Python");
  section.dataset.wweBoot = "";
  const bar = make("progress", { max: 100, value: 0 });
  bar.dataset.bootProgress = "";
  bar.setAttribute("aria-label", "Boot progress");
  const stages = make("ol", { className: "boot-stages" });
  stages.dataset.bootStages = "";
  const error = make("p", { className: "boot-error", hidden: true });
  error.dataset.bootError = "";
  error.setAttribute("role", "alert");
  section.append(bar, stages, error);
  const style = make("link", { rel: "stylesheet", href: new URL("loader.css", import.meta.url).href });
  doc.head.append(style);
  doc.body.prepend(section);
  return section;
}

/** Show a Python traceback or a loader error in the page, as text, and report it as uncaught. */
function errorReporter(doc) {
  let box = null;
  return (text) => {
    if (!box) {
      box = doc.createElement("pre");
      box.className = "wwe-python-error";
      box.dataset.wwePythonError = "";
      box.setAttribute("role", "alert");
      doc.body.prepend(box);
    }
    box.append(doc.createTextNode(`${box.textContent ? "\n" : ""}${text}`));
    box.hidden = false;
    // an uncaught error to the browser: devtools show it, test harnesses (our pytest
    // plugin, Playwright's pageerror) fail on it
    // (its stack is the Python traceback: the JS frames under it are the interpreter's)
    const error = Object.assign(new Error(text), { name: "PythonError" });
    error.stack = `PythonError: ${text}`;
    (globalThis.reportError ?? ((err) => setTimeout(() => { throw err; })))(error);
  };
}

/** The view failed: it and every other `<html data-*-state>` still "loading" (a page's own,
 * such as our widget's data-widget-state) say "error", so nothing waits for them in vain. */
function failed(root) {
  for (const [key, value] of Object.entries(root.dataset)) {
    if (key.endsWith("State") && value === "loading") root.dataset[key] = "error";
  }
  root.dataset.viewState = "error";
}

/**
 * Boot and run the page's Python. Resolves when every script's top level has run
 * (or failed: the page then shows why and `data-view-state` is "error").
 */
export async function startViews(doc = document) {
  const root = doc.documentElement;
  root.dataset.viewState = "loading";
  globalThis.wweBridgeUI = ui; // bridge.ui draws with this layer (bridge/_pyodide.py)
  const show = errorReporter(doc);
  const own = doc.querySelector("[data-boot-progress]")?.closest("section");
  const section = own ?? createProgressSection(doc);
  try {
    const plans = [...doc.querySelectorAll('script[type="text/python"]')].map((s) => describeScript(s, doc.baseURI));
    const sources = plans.map((plan) => fetchText(plan.url)); // while the runtime downloads
    sources.forEach((s) => s.catch(() => {})); // reported in order below
    const packages = ["wwe-outbound-bridge", ...new Set(plans.flatMap((plan) => plan.packages))];
    // ?event-loop=pyodide: Pyodide's own asyncio loop (see docs/api.md)
    const eventLoop = root.dataset.eventLoop ?? new URLSearchParams(location.search).get("event-loop") ?? "bridge";
    const { pyodide } = await boot({ ...progressView(section), packages, eventLoop });
    await installWheels(pyodide, plans.flatMap((plan) => plan.wheels));
    const runner = pyodide.pyimport("bridge._pyodide");
    runner.report_errors_to_page(show);
    for (const [i, plan] of plans.entries()) {
      const failure = await runner.run_view_script(await sources[i], plan.filename);
      if (failure) {
        failed(root);
        show(failure);
        return;
      }
    }
    section.hidden = true;
    root.dataset.viewState = "ready";
    performance.mark("view-ready"); // every script's top level ran (bench/boot.py reads this)
  } catch (err) {
    failed(root);
    // boot() has shown its own failures in the progress section; anything else is shown here
    if (!globalThis.bridgeBoot?.error) show(err instanceof ViewError ? err.message : `the view could not start: ${err.message}`);
    else console.error(err);
  }
}
