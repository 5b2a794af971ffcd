// Make Pyodide's memory snapshot of a started interpreter (run under Node at build
// time), gzipped, so that pages restore it instead of starting CPython.
//
//   node tools/make_snapshot.mjs <pyodide dir> <stdlib zip> <output .gz>
//
// The snapshot is the interpreter's memory right after loadPyodide() with that
// standard library: it is valid only for this exact Pyodide build (Pyodide checks
// its build id on restore) and this exact stdlib zip (the restored zip importer
// holds that file's index), which is why build.py names it after both and pages
// fall back to a normal start if it does not load.
//
// `_makeSnapshot`/`makeMemorySnapshot()` and `_loadSnapshot` are Pyodide's private
// API: build.py pins the Pyodide version they are used with.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const [pyodideDir, stdlib, output] = process.argv.slice(2);
if (!pyodideDir || !stdlib || !output) {
  console.error("usage: node tools/make_snapshot.mjs <pyodide dir> <stdlib zip> <output .gz>");
  process.exit(2);
}
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + "/", stdLibURL: stdlib, _makeSnapshot: true });
const snapshot = pyodide.makeMemorySnapshot();
const packed = gzipSync(snapshot, { level: 9 });
writeFileSync(output, packed);
console.log(`snapshot: ${(snapshot.length / 1e6).toFixed(1)} MB, ${(packed.length / 1e6).toFixed(1)} MB gzipped`);
