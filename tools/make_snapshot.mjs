// Make Pyodide's memory snapshot of a started interpreter (run under Node at build
// time), so that pages restore it instead of starting CPython.
//
//   node tools/make_snapshot.mjs <pyodide dir> <stdlib zip> <output .bin> <output features .json> [<wheel> <module>...]
//   node tools/make_snapshot.mjs --features
//       (just print this Node's WebAssembly features, as JSON)
//
// The snapshot is the interpreter's memory right after loadPyodide() with that
// standard library and, given a wheel, with the wheel's files in site-packages and
// the modules named imported: it is valid only for this exact Pyodide build
// (Pyodide checks its build id on restore), this exact stdlib zip (the restored zip
// importer holds that file's index) and that wheel, which is why build.py names it
// after its content and pages fall back to a normal start if it does not load.
//
// Importing ahead is what the snapshot is for: the pages' packages cost 150-250 ms
// to import on every load, and a restored interpreter has them already. The files
// themselves are not in the snapshot (Pyodide's file system lives in JavaScript):
// pages still install the wheel, so tracebacks, resources and later imports find
// them where the modules say they came from. A module that imports `js` when it is
// imported is left out (build.py does not name it): its objects would be Node's.
//
// The file holds only the memory's non-zero pages (SPARSE_FORMAT below): 12 of
// its 31.5 MB. Rebuilding the rest is a copy in the page, where inflating a
// gzipped snapshot took 170 ms on two cores; compression is left to HTTP, which
// inflates while the bytes arrive, off the page's thread.
//
// It also keeps the choices CPython and Pyodide made from this Node's WebAssembly
// features (stack switching, the call trampoline), which the features file
// records: pages restore it only where the browser's are the same
// (web/boot/features.js), and build.py runs this with a Node whose features are
// those of current browsers.
//
// `_makeSnapshot`/`makeMemorySnapshot()` and `_loadSnapshot` are Pyodide's private
// API: they are used through web/boot/pyodide-compat.js, which refuses any Pyodide
// it was not checked against.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { wasmFeatures } from "../web/boot/features.js";
import { checkPyodideVersion, makeSnapshot, makeSnapshotOptions } from "../web/boot/pyodide-compat.js";

if (process.argv[2] === "--features") {
  console.log(JSON.stringify(wasmFeatures()));
  process.exit(0);
}
const [pyodideDir, stdlib, output, featuresOutput, wheel, ...modules] = process.argv.slice(2);
if (!pyodideDir || !stdlib || !output || !featuresOutput) {
  console.error("usage: node tools/make_snapshot.mjs <pyodide dir> <stdlib zip> <output .bin> <output features .json> [<wheel> <module>...]");
  process.exit(2);
}
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + "/", stdLibURL: stdlib, ...makeSnapshotOptions() });
checkPyodideVersion(pyodide.version);
if (wheel) {
  // (through files, not proxies: nothing of this may stay referenced from JS)
  pyodide.FS.writeFile("/tmp/snapshot-wheel.whl", readFileSync(wheel));
  pyodide.FS.writeFile("/tmp/snapshot-modules.json", JSON.stringify(modules));
  const report = pyodide.runPython(`
import importlib, json, site, sys, zipfile
with zipfile.ZipFile("/tmp/snapshot-wheel.whl") as _wheel:
    _wheel.extractall(site.getsitepackages()[0])
importlib.invalidate_caches()
with open("/tmp/snapshot-modules.json") as _names:
    _names = json.load(_names)
for _name in _names:
    importlib.import_module(_name)
_tops = {_name.split(".")[0] for _name in _names}
_holding_js = [m for m, mod in list(sys.modules.items()) if m.split(".")[0] in _tops and "js" in vars(mod)]
if _holding_js:
    raise RuntimeError(f"imported for the snapshot but holding the js module: {_holding_js}")
_count = sum(1 for m in sys.modules if m.split(".")[0] in _tops)
del _wheel, _names, _name, _tops, _holding_js
_count
`);
  pyodide.runPython("del _count");
  for (const name of ["/tmp/snapshot-wheel.whl", "/tmp/snapshot-modules.json"]) pyodide.FS.unlink(name);
  console.log(`snapshot: ${report} modules of ${wheel.split("/").pop()} imported`);
}
const snapshot = makeSnapshot(pyodide);
const packed = sparse(snapshot);
writeFileSync(output, packed);
writeFileSync(featuresOutput, JSON.stringify(wasmFeatures()) + "\n");
console.log(`snapshot: ${(snapshot.length / 1e6).toFixed(1)} MB of memory, ${(packed.length / 1e6).toFixed(1)} MB stored`);

/**
 * SPARSE_FORMAT (read by web/boot/boot.js, `unpackSnapshot`), little-endian:
 * "WWESNAP1", u32 memory length, u32 page size, u32 page count N, u32[N] indices
 * of the pages that are not all zero (ascending), then those N pages (the last
 * one zero-padded to a full page).
 */
function sparse(memory, pageSize = 4096) {
  const pages = [];
  for (let offset = 0; offset < memory.length; offset += pageSize) {
    const page = memory.subarray(offset, offset + pageSize);
    if (page.some((byte) => byte !== 0)) pages.push(offset / pageSize);
  }
  const header = 8 + 12 + 4 * pages.length;
  const out = new Uint8Array(header + pages.length * pageSize);
  out.set(new TextEncoder().encode("WWESNAP1"));
  const view = new DataView(out.buffer);
  view.setUint32(8, memory.length, true);
  view.setUint32(12, pageSize, true);
  view.setUint32(16, pages.length, true);
  pages.forEach((index, i) => {
    view.setUint32(20 + 4 * i, index, true);
    out.set(memory.subarray(index * pageSize, (index + 1) * pageSize), header + i * pageSize);
  });
  return out;
}
