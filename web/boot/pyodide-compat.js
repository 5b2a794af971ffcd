/**
 * Pyodide's private parts the pages and the build use, in one place, behind a
 * version gate (bridge/_compat.py is the Python half).
 *
 * Pyodide's public API does not cover a snapshot made at build time and restored
 * per page, nor copying it sparsely, nor setting its time zone again. Each use is
 * here, named for what it relies on; `checkPyodideVersion` refuses any Pyodide
 * but the versions listed in bridge/pyodide_versions.json (the build inlines it:
 * one list for the build, the pages and Python), and tests/e2e/test_pyodide_compat.py
 * has a test per private API that fails when it changes meaning, not only when it
 * goes. Supporting another Pyodide: check each function here and in
 * bridge/_compat.py against its sources, run those tests, add it to the list.
 *
 * Also run under Node by tools/make_snapshot.mjs: no DOM here.
 */

import versions from "../../bridge/pyodide_versions.json" with { type: "json" };

/** The Pyodide versions whose private parts this module was checked against. */
export const SUPPORTED_PYODIDE = Object.freeze([...versions.supported]);

/** Throw unless `version` (`pyodide.version`) is one of SUPPORTED_PYODIDE. */
export function checkPyodideVersion(version) {
  if (!SUPPORTED_PYODIDE.includes(version)) {
    throw new Error(`this page runs Pyodide ${version}, but wwe-outbound-bridge supports only Pyodide ` +
      `${SUPPORTED_PYODIDE.join(", ")}: serve the runtime the build ships (python3 build.py), not another one`);
  }
}

// -- the interpreter snapshot ---------------------------------------------------------

/** loadPyodide() options that make it keep what is needed to snapshot it (`_makeSnapshot`). */
export function makeSnapshotOptions() {
  return { _makeSnapshot: true };
}

/** The started interpreter's memory (`makeMemorySnapshot()`, needs makeSnapshotOptions()). */
export function makeSnapshot(pyodide) {
  checkPyodideVersion(pyodide.version);
  return pyodide.makeMemorySnapshot();
}

/** loadPyodide() options that restore `image` instead of starting Python (`_loadSnapshot`). */
export function loadSnapshotOptions(image) {
  return { _loadSnapshot: image };
}

/**
 * Let go of the image a snapshot was restored from: Pyodide keeps its configuration,
 * and with it the 31 MB image, for the life of the page. Returns whether it held one
 * (false means Pyodide keeps it elsewhere now: the compat test fails on that).
 */
export function releaseSnapshot(pyodide) {
  const config = pyodide._api?.config;
  if (!config || !Object.hasOwn(config, "_loadSnapshot")) return false;
  delete config._loadSnapshot;
  return true;
}

/**
 * Run Emscripten's tzset() JS half again on its C globals (`_timezone`, `_daylight`,
 * `_tzname`, `__tzset_js`, `HEAPU32`, exported by this build): a restored snapshot
 * holds the build machine's time zone, read once per process. Throws if the build
 * does not expose them.
 */
export function resetTimeZone(pyodide) {
  const { _timezone: timezone, _daylight: daylight, _tzname: tzname, __tzset_js: tzsetJs, HEAPU32 } = pyodide._module;
  if (![timezone, daylight, tzname].every(Number.isInteger) || typeof tzsetJs !== "function" || !HEAPU32) {
    throw new Error("this Pyodide build does not expose its time zone state, so a snapshot cannot be used");
  }
  tzsetJs(timezone, daylight, HEAPU32[tzname >>> 2], HEAPU32[(tzname >>> 2) + 1]);
}

// -- copying a snapshot sparsely -------------------------------------------------------

/** Unpacked snapshot images (by their buffer) -> which of their pages are not zero. */
const unpacked = new WeakMap();

/** Mark `image` (an unpacked snapshot) as one whose only non-zero pages are `pages`. */
export function registerSparseImage(image, pageSize, pages) {
  unpacked.set(image.buffer, { pageSize, pages });
}

/**
 * While `loadPyodide()` restores a snapshot, copy only its non-zero pages.
 *
 * Pyodide restores by writing the whole image into the fresh wasm memory
 * (`HEAP8.set(image)`): 31.5 MB, of which 19.5 MB are zeros, and writing a zero
 * still makes the system give the page real memory. So while this is installed,
 * `Int8Array#set` from one of our unpacked images (nothing else: any other call is
 * the usual one) writes the image's non-zero pages and, between them, zeroes only
 * what is not zero already (reading an untouched page costs no memory): the same
 * bytes, ~19 MB less resident per view. Returns the function that uninstalls it.
 *
 * Private: that Pyodide restores with one `set` of the image it was given. `stats`
 * counts what the sparse path did (`images`, `pagesCopied`, `length`), so a boot can
 * show that it ran (tests/e2e/test_pyodide_compat.py measures the memory it saves).
 */
export function restoreOnlyNonZeroPages(stats = {}) {
  const own = Object.getOwnPropertyDescriptor(Int8Array.prototype, "set");
  const usual = Int8Array.prototype.set;
  Int8Array.prototype.set = function set(source, offset = 0) {
    const sparse = source?.buffer ? unpacked.get(source.buffer) : undefined;
    if (!sparse || !(source instanceof Uint8Array) || source.byteOffset % 8 || (this.byteOffset + offset) % 8) {
      return usual.call(this, source, offset);
    }
    const target = new Uint8Array(this.buffer, this.byteOffset + offset, source.length);
    const { pageSize, pages } = sparse;
    let done = 0; // target[0, done) is in place
    let copied = 0;
    for (const page of pages) {
      const start = Math.max(page * pageSize - source.byteOffset, 0);
      const end = Math.min((page + 1) * pageSize - source.byteOffset, source.length);
      if (end <= 0) continue;
      zeroUnlessZero(target, done, start);
      target.set(source.subarray(start, end), start);
      done = end;
      copied++;
    }
    zeroUnlessZero(target, done, source.length);
    stats.images = (stats.images ?? 0) + 1;
    stats.pagesCopied = (stats.pagesCopied ?? 0) + copied;
    stats.length = (stats.length ?? 0) + source.length;
  };
  return () => {
    if (own) Object.defineProperty(Int8Array.prototype, "set", own);
    else delete Int8Array.prototype.set;
  };
}

/** Make bytes [from, to) of `bytes` zero, writing only the pages that are not. */
function zeroUnlessZero(bytes, from, to) {
  const PAGE = 4096;
  for (let start = from; start < to; start = Math.min(to, (Math.floor(start / PAGE) + 1) * PAGE)) {
    const end = Math.min(to, (Math.floor(start / PAGE) + 1) * PAGE);
    const chunk = bytes.subarray(start, end);
    const words = chunk.byteOffset % 4 === 0 ? new Uint32Array(chunk.buffer, chunk.byteOffset, chunk.length >> 2) : null;
    let dirty = false;
    if (words) {
      for (let i = 0; i < words.length && !dirty; i++) dirty = words[i] !== 0;
      for (let i = words.length << 2; i < chunk.length && !dirty; i++) dirty = chunk[i] !== 0;
    } else {
      for (let i = 0; i < chunk.length && !dirty; i++) dirty = chunk[i] !== 0;
    }
    if (dirty) chunk.fill(0);
  }
}

