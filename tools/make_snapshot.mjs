// Make Pyodide's memory snapshot of a started interpreter (run under Node at build
// time), gzipped, so that pages restore it instead of starting CPython.
//
//   node tools/make_snapshot.mjs <pyodide dir> <stdlib zip> <output .gz> <output features .json>
//   node tools/make_snapshot.mjs --features
//       (just print this Node's WebAssembly features, as JSON)
//
// The snapshot is the interpreter's memory right after loadPyodide() with that
// standard library: it is valid only for this exact Pyodide build (Pyodide checks
// its build id on restore) and this exact stdlib zip (the restored zip importer
// holds that file's index), which is why build.py names it after both and pages
// fall back to a normal start if it does not load.
//
// It also keeps the choices CPython and Pyodide made from this Node's WebAssembly
// features (stack switching, the call trampoline), which the features file
// records: pages restore it only where the browser's are the same
// (web/boot/features.js), and build.py runs this with a Node whose features are
// those of current browsers.
//
// `_makeSnapshot`/`makeMemorySnapshot()` and `_loadSnapshot` are Pyodide's private
// API: build.py pins the Pyodide version they are used with.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

import { wasmFeatures } from "../web/boot/features.js";

if (process.argv[2] === "--features") {
  console.log(JSON.stringify(wasmFeatures()));
  process.exit(0);
}
const [pyodideDir, stdlib, output, featuresOutput] = process.argv.slice(2);
if (!pyodideDir || !stdlib || !output || !featuresOutput) {
  console.error("usage: node tools/make_snapshot.mjs <pyodide dir> <stdlib zip> <output .gz> <output features .json>");
  process.exit(2);
}
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + "/", stdLibURL: stdlib, _makeSnapshot: true });
const snapshot = pyodide.makeMemorySnapshot();
const packed = gzipSync(snapshot, { level: 9 });
writeFileSync(output, packed);
writeFileSync(featuresOutput, JSON.stringify(wasmFeatures()) + "\n");
console.log(`snapshot: ${(snapshot.length / 1e6).toFixed(1)} MB, ${(packed.length / 1e6).toFixed(1)} MB gzipped`);
