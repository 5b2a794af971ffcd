/**
 * The one boot sequence every page shares: download the runtime, start the
 * interpreter, install packages from our lock file, import `bridge`.
 *
 * Progress and state are reported through callbacks and through
 * `document.documentElement.dataset.bridgeState` ("loading" → "ready" | "error"),
 * which tests and embedding pages wait on. The Pyodide instance is published as
 * `window.pyodide` as soon as it exists.
 */

import { createBridgeHost } from "../bridge/host.js";
import { installServiceClient } from "../client/service-client.js";
import { featureMismatch } from "./features.js";
import {
  checkPyodideVersion, loadSnapshotOptions, registerSparseImage, releaseSnapshot, resetTimeZone, restoreOnlyNonZeroPages,
} from "./pyodide-compat.js";

/** The stages, in order, with the label a person sees. */
export const STAGES = Object.freeze([
  { id: "download", label: "Download Python runtime" },
  { id: "interpreter", label: "Start interpreter" },
  { id: "packages", label: "Install packages" },
  { id: "bridge", label: "Import bridge" },
]);

/**
 * The large files loadPyodide() fetches itself: the wasm and a standard library.
 * We count their bytes as they arrive (see watchDownloads) instead of
 * prefetching them: Chromium does not keep a 10 MB wasm in the memory cache of a
 * private window, so a prefetch would download it twice.
 */
const WASM = "pyodide.asm.wasm";
const SOURCE_STDLIB = "python_stdlib.zip";
const STAGE_TIMEOUT_MS = 120_000;

/** A boot failure, tagged with the stage it happened in. */
export class BootError extends Error {
  constructor(stage, message, options) {
    super(message, options);
    this.name = "BootError";
    this.stage = stage;
  }
}

/**
 * Where this page's runtime and build assets live, from the `<html>` data attributes
 * that build.py fills in.
 * @param {Document} doc
 * `data-stdlib-url` names the byte-compiled standard library (optional);
 * `data-snapshot-url` the interpreter snapshot made with it and
 * `data-snapshot-features` the WebAssembly features it was made with (optional);
 * `data-download-sizes` the decoded size of each runtime file, by name (optional:
 * for the progress bar when the server compresses).
 * @returns {{pyodideURL: string, assetsURL: string, stdlibURL: string|null,
 *   snapshotURL: string|null, snapshotFeatures: object|null, downloadSizes: object}}
 */
export function runtimeConfig(doc = document) {
  const data = doc.documentElement.dataset;
  if (!data.pyodideUrl || !data.assetsUrl) {
    throw new BootError("download", "page is missing data-pyodide-url/data-assets-url: was it built with build.py?");
  }
  return {
    pyodideURL: new URL(data.pyodideUrl, doc.baseURI).href,
    assetsURL: new URL(data.assetsUrl, doc.baseURI).href,
    stdlibURL: data.stdlibUrl ? new URL(data.stdlibUrl, doc.baseURI).href : null,
    snapshotURL: data.stdlibUrl && data.snapshotUrl ? new URL(data.snapshotUrl, doc.baseURI).href : null,
    snapshotFeatures: data.snapshotFeatures ? JSON.parse(data.snapshotFeatures) : null,
    downloadSizes: data.downloadSizes ? JSON.parse(data.downloadSizes) : {},
  };
}

/** @param {"loading"|"ready"|"error"} state */
export function setBridgeState(state) {
  document.documentElement.dataset.bridgeState = state;
}

async function fetchOk(url, init) {
  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    throw new Error(`could not fetch ${url}: ${err.message}`, { cause: err });
  }
  if (!response.ok) {
    throw new Error(`GET ${url} failed: ${response.status} ${response.statusText}`.trim());
  }
  return response;
}

/**
 * Count the bytes of the runtime files while loadPyodide() downloads them.
 *
 * Pyodide fetches them with the global fetch() and exposes no progress hook, so
 * for the duration of loadPyodide() fetch is wrapped: for a matching URL the
 * caller gets the browser's own Response, untouched, and a clone of it is read
 * to count the bytes. (A Response rebuilt around a counting stream has no URL,
 * so V8 could neither stream-compile it from the cache nor use its wasm code
 * cache: every reload compiled the runtime again.) Every other request is left
 * alone. A failed download rejects `done` at once: Pyodide itself only logs a
 * failed wasm fetch and would otherwise never settle.
 *
 * `sizes` (file name -> bytes, from the page: build.py writes them) gives the
 * totals for the progress bar: with HTTP compression Content-Length counts the
 * compressed bytes, while the body is read decoded.
 */
function watchDownloads(urls, onBytes, sizes = {}) {
  const original = globalThis.fetch;
  const pending = new Map(urls.map((u) => [u, Promise.withResolvers()]));
  const sizeOf = (url) => sizes[url.split("/").pop()];
  let loaded = 0;
  // the known sizes count from the start (added as each response came, the bar went back)
  let total = urls.reduce((sum, url) => sum + (sizeOf(url) ?? 0), 0);
  const count = async (response, waiter) => {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      loaded += value.byteLength;
      onBytes(loaded, total);
    }
    waiter.resolve();
  };
  const watched = async (url, input, init) => {
    const waiter = pending.get(url);
    let response;
    try {
      // the request /bridge.js made first thing, if it did (web/loader/bridge.js says why)
      const early = globalThis.wweBridgeEarlyFetches?.get(url);
      globalThis.wweBridgeEarlyFetches?.delete(url);
      response = await (early ?? original(input, init));
    } catch (err) {
      waiter.reject(new Error(`could not fetch ${url}: ${err.message}`, { cause: err }));
      throw err;
    }
    if (!response.ok || !response.body) {
      waiter.reject(new Error(`GET ${url} failed: ${response.status} ${response.statusText}`.trim()));
      return response;
    }
    const encoded = response.headers.get("Content-Encoding");
    if (sizeOf(url) === undefined) total += encoded ? 0 : Number(response.headers.get("Content-Length") || 0);
    count(response.clone(), waiter).catch((err) => waiter.reject(new Error(`could not download ${url}: ${err.message}`, { cause: err })));
    return response;
  };
  globalThis.fetch = (input, init) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url, document.baseURI).href;
    return pending.has(url) ? watched(url, input, init) : original(input, init);
  };
  const done = Promise.all([...pending.values()].map((w) => w.promise)).then(() => loaded);
  done.catch(() => {}); // a failure is reported where `done` is awaited, not as an unhandled rejection
  return {
    done,
    restore: () => {
      globalThis.fetch = original;
    },
  };
}

/**
 * The interpreter snapshot's memory, from the file build.py ships: checked
 * against the sha256 in its name (a truncated or altered file must not reach
 * Pyodide, which sizes the wasm memory from it), then rebuilt from its non-zero
 * pages (format: tools/make_snapshot.mjs, `sparse`).
 */
export async function fetchSnapshot(url, signal) {
  const expected = /python_snapshot-([0-9a-f]{12})\.bin$/.exec(new URL(url).pathname)?.[1];
  if (!expected || !globalThis.crypto?.subtle) {
    throw new Error("cannot check the snapshot (needs a content-named file and a secure context)");
  }
  const packed = new Uint8Array(await (await fetchOk(url, { signal })).arrayBuffer());
  const actual = (await sha256Hex(packed)).slice(0, 12);
  if (actual !== expected) throw new Error(`${url} is damaged (sha256 ${actual}…, its name says ${expected}…)`);
  return unpackSnapshot(packed);
}

export function unpackSnapshot(packed) {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const magic = new TextDecoder().decode(packed.subarray(0, 8));
  const [length, pageSize, count] = [8, 12, 16].map((at) => (packed.length >= 20 ? view.getUint32(at, true) : 0));
  const header = 20 + 4 * count;
  if (magic !== "WWESNAP1" || !pageSize || packed.length !== header + count * pageSize) {
    throw new Error("the snapshot file is not in the format this page reads");
  }
  const memory = new Uint8Array(length);
  const pages = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    pages[i] = view.getUint32(20 + 4 * i, true);
    const offset = pages[i] * pageSize;
    const page = packed.subarray(header + i * pageSize, header + i * pageSize + Math.min(pageSize, length - offset));
    memory.set(page, offset);
  }
  registerSparseImage(memory, pageSize, pages);
  return memory;
}

/**
 * Make a restored interpreter this page's own; throws if it cannot be trusted.
 *
 * - The standard library must be the very zip the snapshot was made with: the
 *   restored zip importer holds that file's index, and a different file would
 *   only fail at some later import. build.py names it after its sha256.
 * - The local time zone. Emscripten's tzset() reads it from the browser once per
 *   process and the snapshot says it already did, so `time.timezone`,
 *   `time.tzname` and every `tm_zone` would be the build machine's: we run its
 *   JS half again on its C globals (exported by this build, pinned with the
 *   snapshot) and set Python's `time` constants from them.
 * - The `random` module's state (every page would draw the same numbers).
 * String hashing keeps the snapshot's seed: it is fixed when CPython starts.
 */
export async function afterRestore(pyodide, stdlibURL) {
  // (run in a scratch namespace: the page's __main__ stays as a fresh start leaves it)
  const python = (code) => {
    const scratch = pyodide.toPy({});
    try {
      return pyodide.runPython(code, { globals: scratch });
    } finally {
      scratch.destroy();
    }
  };
  const expected = /python_stdlib-([0-9a-f]{12})\.pyc\.zip$/.exec(new URL(stdlibURL).pathname)?.[1];
  const zip = python("import sys; next((p for p in sys.path if p.endswith('.zip')), '')");
  if (!expected || !zip || !globalThis.crypto?.subtle) {
    throw new Error("cannot check that the standard library is the snapshot's (needs a content-named zip and a secure context)");
  }
  const actual = (await sha256Hex(pyodide.FS.readFile(zip))).slice(0, 12);
  if (actual !== expected) {
    throw new Error(`${stdlibURL} is not the standard library the snapshot was made with (sha256 ${actual}…)`);
  }
  resetTimeZone(pyodide);
  python(RESEED_PYTHON);
}

// time's zone constants from January and July, as CPython's own time module
// computes them where it cannot read C's (Modules/timemodule.c, init_timezone).
const RESEED_PYTHON = `
import random, time
def _zone_constants():
    year = (365 * 24 + 6) * 3600
    jan = time.localtime((time.time() // year) * year)
    jul = time.localtime((time.time() // year) * year + year // 2)
    (std, std_name), (dst, dst_name) = sorted([(-jan.tm_gmtoff, jan.tm_zone), (-jul.tm_gmtoff, jul.tm_zone)], reverse=True)
    time.timezone, time.altzone, time.daylight, time.tzname = std, dst, int(std != dst), (std_name, dst_name)
_zone_constants()
random.seed()
`;

function withTimeout(promise, stage, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new BootError(stage, `${what} did not finish within ${STAGE_TIMEOUT_MS / 1000} s`)), STAGE_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Why the page may not compile WebAssembly (its CSP), or null when it may. */
function wasmRefusedByPolicy() {
  try {
    new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); // the empty module
    return null;
  } catch (err) {
    return err instanceof WebAssembly.CompileError && /policy|unsafe-eval|refused/i.test(err.message) ? err.message : null;
  }
}

/** Packages named plus everything they depend on, per the lock file. */
export function resolvePackages(lock, names) {
  const out = new Set();
  const visit = (name) => {
    const entry = lock.packages[name];
    if (!entry) throw new BootError("packages", `package "${name}" is not in this build's pyodide-lock.json`);
    if (out.has(name)) return;
    out.add(name);
    for (const dep of entry.depends) visit(dep);
  };
  names.forEach(visit);
  return [...out];
}

async function sha256Hex(buffer) {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Say why a wheel did not install. Pyodide only reports "Failed to fetch" or an
 * integrity error without the URL; a person needs the URL, the status, and
 * whether the file is the one the lock file names.
 */
async function diagnoseWheel(lock, name, assetsURL) {
  const url = new URL(lock.packages[name].file_name, assetsURL).href;
  try {
    const response = await fetchOk(url, { cache: "no-store" });
    if (globalThis.crypto?.subtle) {
      const actual = await sha256Hex(await response.arrayBuffer());
      if (actual !== lock.packages[name].sha256) {
        return `${url} does not match the sha256 in pyodide-lock.json (stale or corrupted file: deploy dist/ as a whole)`;
      }
    }
    return null;
  } catch (err) {
    return err.message;
  }
}

async function installPackages(pyodide, lock, packages, assetsURL) {
  const errors = [];
  // loadPackage resolves even when a wheel fails to download or fails its
  // integrity check: the failure only reaches errorCallback. Treat any as fatal.
  await pyodide.loadPackage(packages, {
    messageCallback: () => {},
    errorCallback: (msg) => errors.push(msg),
  });
  const missing = resolvePackages(lock, packages).filter((name) => !(name in pyodide.loadedPackages));
  if (errors.length || missing.length) {
    const reasons = (await Promise.all(missing.map((n) => diagnoseWheel(lock, n, assetsURL)))).filter(Boolean);
    const detail = reasons.length ? reasons.join("; ") : errors.join(" ") || `not installed: ${missing.join(", ")}`;
    throw new BootError("packages", `could not install ${missing.join(", ") || packages.join(", ")}: ${detail}`);
  }
}

function loadClassicScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load the service client ${url}`));
    document.head.append(script);
  });
}

/**
 * Make `genesys.wwe.service` available to this page, as configured by the
 * `<html>` attributes: `data-service-client` is "builtin" (default: our
 * client/service-client.js) or the same-origin URL of WWE's own script;
 * `data-wwe-origins` lists the origins WWE may have (the view's own origin is
 * always trusted; any other framing or opening site is refused).
 *
 * A page outside WWE (no parent, no opener) still boots: Python works and
 * `bridge.outbound` says it is not in WWE.
 *
 * @returns {Promise<{client: "page"|"builtin"|"vendor"|"none", origin?: string, problem?: string, refused?: boolean}>}
 */
export async function connectService(doc = document, win = window) {
  if (win.genesys?.wwe?.service) return { client: "page" };
  const data = doc.documentElement.dataset;
  const configured = data.serviceClient ?? "builtin";
  if (configured !== "builtin") {
    const url = new URL(configured, doc.baseURI);
    if (url.origin !== win.location.origin) {
      throw new BootError("bridge", `data-service-client must be a script of this site, not ${url.origin}`);
    }
    await loadClassicScript(url.href);
    if (!win.genesys?.wwe?.service) throw new BootError("bridge", `${url.href} did not define genesys.wwe.service`);
    return { client: "vendor" };
  }
  if (win.parent === win && !win.opener) {
    return { client: "none", problem: "this page is not inside WWE (no parent frame, no opener)" };
  }
  try {
    // WWE's origins: <html data-wwe-origins> (build.py --wwe-origin writes it), read by the client itself
    const service = installServiceClient({ win, wweOrigin: data.wweOrigin || undefined });
    return { client: "builtin", origin: service.target.origin };
  } catch (err) {
    // framed or opened, but not by a WWE this page trusts (or misconfigured): refused
    return { client: "none", problem: err.message, refused: true };
  }
}

/**
 * Boot Pyodide with our packages and import `bridge`.
 *
 * @param {object} options
 * @param {string[]} [options.packages] lock-file package names to install
 * @param {(stage: string, status: "active"|"done"|"error", info: object) => void} [options.onStage]
 * @param {(stage: string, fraction: number, info: object) => void} [options.onProgress]
 * @param {"bridge"|"pyodide"} [options.eventLoop] "bridge" (default): asyncio callbacks run
 *   from microtasks within a time budget (bridge/_pyodide.py `BridgeLoop`), "pyodide":
 *   Pyodide's own loop, every callback a macrotask with stack switching
 * @returns {Promise<{pyodide: object, bridge: object, timings: object}>}
 */
export async function boot({
  packages = ["wwe-outbound-bridge"],
  onStage = () => {},
  onProgress = () => {},
  eventLoop = "bridge",
} = {}) {
  if (eventLoop !== "bridge" && eventLoop !== "pyodide") {
    throw new BootError("download", `eventLoop must be "bridge" or "pyodide", not ${JSON.stringify(eventLoop)}`);
  }
  setBridgeState("loading");
  const timings = {};
  // A page whose Content-Security-Policy does not allow WebAssembly ('wasm-unsafe-eval'
  // in script-src) would only ever show "loading": Pyodide logs the refusal and waits.
  const wasmRefused = wasmRefusedByPolicy();
  const info = { timings, bytes: 0 };
  window.bridgeBoot = info;
  let current = "download";
  const run = async (stage, fn) => {
    current = stage;
    onStage(stage, "active", {});
    const t0 = performance.now();
    const result = await fn();
    timings[stage] = performance.now() - t0;
    onStage(stage, "done", { ms: timings[stage] });
    return result;
  };
  try {
    if (wasmRefused) {
      throw new BootError("download", "this page's Content-Security-Policy does not allow WebAssembly, which Python " +
        `needs: add 'wasm-unsafe-eval' to its script-src (${wasmRefused})`);
    }
    const config = runtimeConfig();
    onStage("download", "active", {});
    const t0 = performance.now();
    // Fastest first: the snapshot of an interpreter started with the byte-compiled
    // library, then that library (imports several times faster than .py), then
    // the .py library. Each later one still works when an earlier one does not.
    const attempts = [];
    if (config.snapshotURL) {
      // A snapshot keeps the WebAssembly choices of the runtime that made it:
      // restored elsewhere it would crash at the first stack switch, not at once.
      const mismatch = !globalThis.crypto?.subtle
        ? "cannot check the snapshot (needs a secure context: HTTPS or localhost)"
        : config.snapshotFeatures ? featureMismatch(config.snapshotFeatures) : "the page does not say which WebAssembly features the snapshot needs";
      if (mismatch) (info.fallbacks ??= []).push({ from: "snapshot", reason: mismatch });
      else attempts.push({ stdlib: "snapshot", url: config.stdlibURL, snapshotURL: config.snapshotURL });
    }
    if (config.stdlibURL) attempts.push({ stdlib: "compiled", url: config.stdlibURL });
    attempts.push({ stdlib: "source", url: new URL(SOURCE_STDLIB, config.pyodideURL).href });

    // The first attempt's downloads are watched (and its snapshot requested) now,
    // while the lock file and Pyodide's module load: the page's <link rel=preload>
    // already asked for the wasm and the library, but not for the snapshot, which
    // a browser with other WebAssembly features must not download at all.
    const watchFor = (stdlibURL, snapshotURL) => {
      const watch = watchDownloads(
        [new URL(WASM, config.pyodideURL).href, stdlibURL, ...(snapshotURL ? [snapshotURL] : [])],
        (loaded, total) => onProgress("download", total ? Math.min(loaded / total, 1) : 0, { loaded, total }),
        config.downloadSizes,
      );
      const abort = new AbortController();
      const snapshot = snapshotURL ? fetchSnapshot(snapshotURL, abort.signal) : null;
      snapshot?.catch(() => {}); // reported in start()
      return { watch, snapshot, abort };
    };
    let early = watchFor(attempts[0].url, attempts[0].snapshotURL);
    // Pyodide's 1.2 MB module is evaluated now, while the runtime files arrive, not
    // once loadPyodide() asks for it (its import then finds it done). Not awaited:
    // loadPyodide() must not wait for it to ask for the wasm (see start()).
    import(new URL("pyodide.asm.mjs", config.pyodideURL).href).catch(() => {}); // loadPyodide reports a failure
    let lock, loadPyodide, version;
    try {
      [lock, { loadPyodide, version }] = await Promise.all([
        fetchOk(new URL("pyodide-lock.json", config.assetsURL)).then((r) => r.json()),
        import(new URL("pyodide.mjs", config.pyodideURL).href),
      ]);
      // before any of Pyodide's private parts is used (pyodide-compat.js); Pyodide itself
      // refuses a pyodide.asm.mjs of another version than this pyodide.mjs
      checkPyodideVersion(version);
      resolvePackages(lock, packages); // an unknown package fails now, not after the download
    } catch (err) {
      early.watch.restore();
      early.abort.abort();
      throw err;
    }

    // Start Python with one standard library (and maybe its snapshot): download
    // (with byte progress), then the interpreter. Both stages are timed from t0.
    const start = async (stdlibURL, snapshotURL = null) => {
      const downloads = early ?? watchFor(stdlibURL, snapshotURL);
      early = null;
      const { watch, snapshot } = downloads;
      const restore = {};
      const uninstall = snapshot ? restoreOnlyNonZeroPages(restore) : () => {};
      try {
        // (loadPyodide() is called at once: Pyodide must ask for the wasm while the
        // page's preload of it is in flight. Asked later, once the snapshot was in,
        // it got a response V8 neither took from nor wrote to its code cache: a
        // reload compiled 1,000-2,000 functions again.)
        const starting = loadPyodide({
          indexURL: config.pyodideURL,
          stdLibURL: stdlibURL,
          lockFileContents: lock,
          packageBaseUrl: config.assetsURL,
          ...(snapshot ? loadSnapshotOptions(snapshot) : {}),
        });
        starting.catch(() => {}); // reported through the await below
        // A start-up failure during the download must not wait for the download.
        const downloaded = Promise.race([watch.done, starting.then(() => watch.done)]);
        info.bytes = await withTimeout(downloaded, "download", "the runtime download");
        timings.download = performance.now() - t0;
        onStage("download", "done", { ms: timings.download });
        return await run("interpreter", async () => {
          const pyodide = await withTimeout(starting, "interpreter", "starting Python");
          if (snapshot) {
            info.restore = { ...restore, released: releaseSnapshot(pyodide) };
            await afterRestore(pyodide, stdlibURL);
          }
          return pyodide;
        });
      } catch (err) {
        downloads.abort.abort(); // a snapshot still on its way is not needed any more
        throw err;
      } finally {
        uninstall();
        watch.restore();
      }
    };
    let pyodide;
    for (const [i, attempt] of attempts.entries()) {
      try {
        pyodide = await start(attempt.url, attempt.snapshotURL);
        info.stdlib = attempt.stdlib;
        break;
      } catch (err) {
        if (i === attempts.length - 1) throw err;
        console.warn(`Python did not start from the ${attempt.stdlib} runtime (${err.message}); trying the ${attempts[i + 1].stdlib} one`);
        (info.fallbacks ??= []).push({ from: attempt.stdlib, reason: err.message });
        onStage("download", "active", {});
      }
    }
    window.pyodide = pyodide;
    await run("packages", () => installPackages(pyodide, lock, packages, config.assetsURL));
    info.service = await connectService();
    // bridge's JS boundary (bridge/_pyodide.py) looks for this layer.
    globalThis.wweBridgeHost ??= createBridgeHost();
    const bridge = await run("bridge", () => {
      if (eventLoop === "bridge") pyodide.pyimport("bridge._pyodide").install_event_loop();
      return pyodide.pyimport("bridge");
    });
    info.eventLoop = eventLoop;
    setBridgeState("ready");
    return { pyodide, bridge, timings };
  } catch (err) {
    const error = err instanceof BootError ? err : new BootError(current, err?.message ?? String(err), { cause: err });
    info.error = { stage: error.stage, message: error.message };
    onStage(error.stage, "error", { error });
    setBridgeState("error");
    throw error;
  }
}
