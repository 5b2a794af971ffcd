/**
 * The WebAssembly features that CPython and Pyodide choose their machinery by
 * when the interpreter starts: stack switching (JSPI: `run_sync`, blocking
 * `asyncio.run`) and garbage-collected types (CPython's indirect-call
 * trampoline). A memory snapshot keeps the choices of the runtime that made it,
 * so it may only be restored where these are the same (tools/make_snapshot.mjs
 * records them; boot.js compares). No DOM here: it runs under Node too.
 */

// (module (type (struct))): valid only where the GC proposal is on.
const GC_PROBE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x03, 0x01, 0x5f, 0x00]);

/** @returns {{jspi: "new"|"old"|"none", gc: boolean, typeReflection: boolean}} */
export function wasmFeatures(wasm = globalThis.WebAssembly) {
  if (!wasm) return { jspi: "none", gc: false, typeReflection: false };
  return {
    jspi: "Suspending" in wasm ? "new" : "Suspender" in wasm ? "old" : "none",
    gc: wasm.validate(GC_PROBE),
    typeReflection: typeof wasm.Function === "function",
  };
}

/** Why *actual* cannot restore a snapshot made with *expected*, or null if it can. */
export function featureMismatch(expected, actual = wasmFeatures()) {
  const differ = Object.keys(expected).filter((key) => expected[key] !== actual[key]);
  if (!differ.length) return null;
  const show = (features) => differ.map((key) => `${key}=${features[key]}`).join(", ");
  return `this browser's WebAssembly (${show(actual)}) is not the snapshot's (${show(expected)})`;
}
