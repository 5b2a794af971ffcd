// Byte-compile Python with Pyodide's own CPython (run under Node at build time),
// so the browser imports .pyc instead of compiling .py at every start.
//
//   node tools/compile_pyc.mjs <pyodide dir> stdlib <output zip>
//       Pyodide's standard library as a zip of .pyc files, stored uncompressed:
//       HTTP compression (build.py writes .br/.gz beside it) then works across
//       files, 3.0 MB in brotli against 4.5 MB deflated entry by entry, and an
//       import reads its entry without inflating it.
//   node tools/compile_pyc.mjs <pyodide dir> tree <source root> <output root> <package>...
//       <output root>/<package>/**/__pycache__/<module>.<tag>.pyc for each .py of
//       the packages (shipped in our wheel next to the sources).
//
// The .pyc files are unchecked hash-based pycs (PEP 552): valid without
// timestamps, so outputs are reproducible, and never re-validated against the
// source. A .py that does not compile is left as source (the import reports it).
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, mode, ...rest] = process.argv.slice(2);
const usage = "usage: node tools/compile_pyc.mjs <pyodide dir> (stdlib <zip> | tree <src> <out> <package>...)";
if (!pyodideDir || !["stdlib", "tree"].includes(mode)) {
  console.error(usage);
  process.exit(2);
}
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + "/" });

pyodide.runPython(`
import importlib.util, importlib._bootstrap_external as bootstrap, sys

def to_pyc(source, filename):
    """Unchecked hash-based pyc bytes for source, or None if it does not compile."""
    source = bytes(source)
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return None
    return bytes(bootstrap._code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False))

TAG = sys.implementation.cache_tag
STDLIB = "/lib/python%d%d.zip" % sys.version_info[:2]
`);

if (mode === "stdlib") {
  const [output] = rest;
  const report = pyodide.runPython(`
import zipfile
DATE = (2020, 1, 1, 0, 0, 0)
compiled = kept = copied = 0
with zipfile.ZipFile(STDLIB) as source, zipfile.ZipFile("/tmp/out.zip", "w", zipfile.ZIP_STORED) as out:
    for info in source.infolist():
        data, name = source.read(info), info.filename
        if name.endswith(".py"):
            pyc = to_pyc(data, f"{STDLIB}/{name}")  # the file names a zip import gives
            if pyc is None:
                kept += 1
            else:
                data, name, compiled = pyc, name[:-3] + ".pyc", compiled + 1
        else:
            copied += 1
        entry = zipfile.ZipInfo(name, date_time=DATE)
        entry.compress_type = zipfile.ZIP_STORED
        entry.external_attr = 0o644 << 16
        out.writestr(entry, data)
f"standard library: {compiled} modules compiled, {kept} kept as source, {copied} other files"
`);
  writeFileSync(output, pyodide.FS.readFile("/tmp/out.zip"));
  console.log(report);
} else {
  const [sourceRoot, outputRoot, ...packages] = rest;
  const toPyc = pyodide.globals.get("to_pyc");
  const tag = pyodide.globals.get("TAG");
  // Compiled with the path the module has once installed, for tracebacks.
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  let count = 0;
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== "__pycache__") walk(path);
      } else if (name.endsWith(".py")) {
        const rel = relative(sourceRoot, path);
        const pyc = toPyc(new Uint8Array(readFileSync(path)), `${sitePackages}/${rel}`);
        if (!pyc) continue;
        const target = join(outputRoot, dirname(rel), "__pycache__", `${name.slice(0, -3)}.${tag}.pyc`);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, pyc.toJs());
        pyc.destroy();
        count += 1;
      }
    }
  };
  for (const pkg of packages) walk(join(sourceRoot, pkg));
  console.log(`${count} modules compiled for ${packages.join(", ")}`);
}
