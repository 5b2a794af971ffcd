// Precompress files for HTTP (run under Node at build time): brotli and gzip at
// their highest settings, which a server cannot afford per request but a build can.
//
//   node tools/compress.mjs [--fast] <jobs.json>
//       jobs.json: [[source, brotli output, gzip output], ...]
//       --fast: brotli 5 and gzip 6 (seconds instead of a minute for the
//       snapshot, ~25 % bigger): for a development loop, not for a deployment
//
// Node's zlib, not a Python package, because build.py uses only the standard
// library and already needs Node (Python's standard library has no brotli). The
// outputs are deterministic for a given input (gzip header without a name or time).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import zlib from "node:zlib";

const fast = process.argv[2] === "--fast";
const [jobsFile] = process.argv.slice(fast ? 3 : 2);
if (!jobsFile) {
  console.error("usage: node tools/compress.mjs [--fast] <jobs.json>");
  process.exit(2);
}
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
const TEXT = /\.(html|js|mjs|css|json|svg|txt|map|py)$/;

// zlib's async calls run on libuv's thread pool: files are compressed in parallel.
const jobs = JSON.parse(readFileSync(jobsFile, "utf8"));
await Promise.all(jobs.map(async ([source, brOut, gzOut]) => {
  const data = readFileSync(source);
  const [br, gz] = await Promise.all([
    brotli(data, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: fast ? 5 : zlib.constants.BROTLI_MAX_QUALITY,
        // a 16 MB window: the wasm and the snapshot repeat data megabytes apart
        [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
        [zlib.constants.BROTLI_PARAM_MODE]: TEXT.test(source) ? zlib.constants.BROTLI_MODE_TEXT : zlib.constants.BROTLI_MODE_GENERIC,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
    gzip(data, { level: fast ? 6 : 9 }),
  ]);
  // written under a temporary name, then renamed: an interrupted build never
  // leaves a truncated copy that a later build would take from the cache
  for (const [out, data] of [[brOut, br], [gzOut, gz]]) {
    writeFileSync(`${out}.partial`, data);
    renameSync(`${out}.partial`, out);
  }
}));
console.log(`compressed ${jobs.length} file(s)`);
