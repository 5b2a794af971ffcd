/**
 * The JS side of the bridge: finds `genesys.wwe.service` in the page and lets
 * Python call its methods (outbound's and every other namespace's) without handing JS any per-call Python object.
 *
 * Python connects once with two persistent callbacks (`settle`, `deliver`);
 * each call is then identified by a number. Arguments arrive as JSON and answers
 * leave as JSON, so both sides only ever see plain data: JS `null` and
 * `undefined` both become Python None, and nothing WWE sends can smuggle a live
 * object into Python. Each call settles at most once: the first callback wins,
 * later and duplicate ones are ignored, and a timer settles it as "timeout" if
 * WWE never answers, so no Python future can be pinned by a silent host.
 */

const SERVICE_HINT =
  "genesys.wwe.service is not in this page: load WWE's service client script " +
  "(or ours, client/service-client.js) before using bridge.outbound";

/** Why the page has no service client: the boot's reason when it refused one (e.g. an untrusted WWE). */
function serviceHint() {
  const service = globalThis.bridgeBoot?.service;
  return service?.refused ? `genesys.wwe.service is not connected: ${service.problem}` : SERVICE_HINT;
}

/** @returns {object|null} the page's genesys.wwe.service, if any */
export function findService(win = globalThis) {
  return win.genesys?.wwe?.service ?? null;
}

function toJson(payload) {
  const text = JSON.stringify(payload === undefined ? null : payload);
  return text === undefined ? "null" : text;
}

/**
 * The largest answer or event a view takes from WWE, as JSON text: 4 MiB. A record
 * of 5,000 fields is about 1 MB; a 50 MB answer took 51 s to parse and draw and froze
 * the page. Anything larger is refused with its size (bridge: MalformedResponseError).
 */
export const MAX_MESSAGE_CHARS = 4 * 1024 * 1024;

function tooLarge(text) {
  return `WWE sent ${(text.length / 1e6).toFixed(1)} MB; a view takes at most ${MAX_MESSAGE_CHARS / 1024 / 1024} MiB`;
}

/**
 * One Python client's channel to the service.
 * @param {(callId: number, kind: string, json: string) => void} settle
 * @param {(listenerId: number, json: string) => void} deliver
 */
function connect(settle, deliver, win) {
  const pending = new Map(); // callId -> timeout handle (null until the call has left)
  const listeners = new Map(); // listenerId -> event names
  const byName = new Map(); // event name -> {ids: Set<listenerId>, callback}
  const outgoing = []; // calls accepted by start() and not yet handed to the service
  let closed = false;

  const finish = (callId, kind, payload) => {
    if (closed || !pending.has(callId)) return; // late, duplicate, or cancelled
    clearTimeout(pending.get(callId));
    pending.delete(callId);
    let json;
    try {
      json = toJson(payload);
    } catch (err) {
      kind = "fail";
      json = toJson(`WWE sent an answer that cannot be read as data: ${err.message}`);
    }
    if (json.length > MAX_MESSAGE_CHARS) {
      kind = "oversize";
      json = toJson(tooLarge(json));
    }
    settle(callId, kind, json);
  };

  // Calls leave in a microtask, once Python has returned, not from inside start():
  // window.postMessage and setTimeout capture the caller's stack (for DevTools and
  // for the console message of a mismatched target origin), and under Python that
  // stack is hundreds of wasm frames deep: sending from there cost 50-100 µs per
  // call against ~10 µs from a shallow JS stack (bench/calls.py).
  const send = () => {
    for (const { callId, namespace, name, method, args, timeoutMs } of outgoing.splice(0)) {
      if (closed || !pending.has(callId)) continue; // cancelled before it left
      pending.set(callId, setTimeout(() => finish(callId, "timeout", null), timeoutMs));
      try {
        namespace[name](
          ...args,
          (payload) => finish(callId, "ok", payload),
          (payload) => finish(callId, "fail", payload),
        );
      } catch (err) {
        finish(callId, "fail", `${method} threw: ${err?.message ?? err}`);
      }
    }
  };

  return {
    /**
     * Queue service.<namespace>.<name>(...args, succeeded, failed) (`method`: "getCampaigns"
     * for outbound, "interaction.markdone" for the others); returns an error text
     * instead of throwing when the call cannot be made at all. The call leaves
     * in a microtask (see `send`); its answer always settles later, never here.
     */
    start(callId, method, argsJson, timeoutMs) {
      const service = findService(win);
      if (!service) return serviceHint();
      // "getCampaigns" is outbound's; any other namespace's method comes qualified ("interaction.markdone")
      const [prefix, name] = method.includes(".") ? method.split(".", 2) : ["outbound", method];
      const qualified = `${prefix}.${name}`;
      const namespace = service[prefix];
      // (an inherited Object.prototype member such as "constructor" is no WWE method)
      if (!namespace || typeof namespace[name] !== "function" || namespace[name] === Object.prototype[name]) {
        return `this WWE service client has no ${qualified}`;
      }
      pending.set(callId, null);
      if (outgoing.push({ callId, namespace, name, method: qualified, args: JSON.parse(argsJson), timeoutMs }) === 1) {
        queueMicrotask(send);
      }
      return null;
    },
    cancel(callId) {
      clearTimeout(pending.get(callId));
      pending.delete(callId);
    },
    /**
     * Deliver the events named in `namesJson` to Python listener `listenerId`.
     * One service subscription per event name, shared by every listener of that
     * name and released with the last one: the vendor's client keeps a single
     * subscriber per event name, so subscribing once per listener would leave only
     * the newest listener hearing anything.
     */
    listen(listenerId, namesJson) {
      const service = findService(win);
      if (!service || typeof service.subscribe !== "function") return serviceHint();
      const names = [...new Set(JSON.parse(namesJson))];
      listeners.set(listenerId, names);
      for (const name of names) {
        let entry = byName.get(name);
        if (!entry) {
          entry = { ids: new Set() };
          entry.callback = (message) => {
            if (closed) return;
            const json = toJson(message);
            if (json.length > MAX_MESSAGE_CHARS) {
              console.warn(`wwe bridge: dropped a ${name} event: ${tooLarge(json)}`);
              return;
            }
            for (const id of [...entry.ids]) {
              // One listener's failure is reported, and the others still hear the event.
              try { deliver(id, json); } catch (error) { reportError(error); }
            }
          };
          byName.set(name, entry);
          service.subscribe([name], entry.callback);
        }
        entry.ids.add(listenerId);
      }
      return null;
    },
    unlisten(listenerId) {
      for (const name of listeners.get(listenerId) ?? []) {
        const entry = byName.get(name);
        entry?.ids.delete(listenerId);
        if (entry && entry.ids.size === 0) {
          byName.delete(name);
          findService(win)?.unsubscribe?.(entry.callback); // the vendor's unsubscribe takes the callback
        }
      }
      listeners.delete(listenerId);
    },
    /** How many calls wait for an answer, and how many event names are subscribed (for leak tests). */
    pendingCount: () => pending.size,
    subscribedNames: () => [...byName.keys()],
    close() {
      closed = true;
      for (const handle of pending.values()) clearTimeout(handle);
      pending.clear();
      for (const id of [...listeners.keys()]) this.unlisten(id);
    },
  };
}

/**
 * How long Python's ready callbacks may keep running as microtasks before the
 * browser gets a turn (input, rendering, timers, other frames' messages). Like a
 * frame budget: short enough not to be felt, long enough that a burst of awaits
 * never pays for a task hop.
 */
export const WAKE_BUDGET_MS = 4;

/**
 * Wake-ups for the bridge's event loop (bridge/_pyodide.py, `BridgeLoop`).
 *
 * Pyodide's own loop runs every ready callback in a macrotask of its own, reached
 * through two MessageChannel hops and a stack switch: 25-300 µs per `await` that
 * resumes. `wake()` instead runs `run` (which empties Python's ready queue) in a
 * microtask, right after the JS that made something ready returns. A chain of
 * microtask runs is bounded: a marker macrotask is posted when the chain starts,
 * and once the chain has run for `budgetMs` without that marker having fired,
 * runs move to macrotasks until it has; then the next chain starts. So a Python
 * `while True: await asyncio.sleep(0)` (or awaiting resolved JS promises in a
 * loop) still lets the page breathe.
 *
 * @param {() => void} run empties the ready queue; called at most once per wake()
 * @returns {{wake: () => void, macrotaskRuns: () => number}}
 */
export function createWaker(run, budgetMs = WAKE_BUDGET_MS) {
  let scheduled = false;
  let chainStart = null; // set while no macrotask has run since the chain began
  let macrotaskRuns = 0;
  const task = new MessageChannel();
  const marker = new MessageChannel();
  const fire = () => {
    scheduled = false;
    run();
  };
  task.port1.onmessage = () => {
    macrotaskRuns += 1;
    fire();
  };
  marker.port1.onmessage = () => {
    chainStart = null;
  };
  return {
    wake() {
      if (scheduled) return;
      scheduled = true;
      const t = performance.now();
      if (chainStart === null) {
        chainStart = t;
        marker.port2.postMessage(null);
      }
      if (t - chainStart < budgetMs) queueMicrotask(fire);
      else task.port2.postMessage(null);
    },
    /** How many runs had to wait for a macrotask (the budget was spent): for tests. */
    macrotaskRuns: () => macrotaskRuns,
  };
}

/** Installed as `globalThis.wweBridgeHost` by the boot sequence. */
export function createBridgeHost(win = globalThis) {
  return {
    serviceAvailable: () => findService(win) !== null,
    connect: (settle, deliver) => connect(settle, deliver, win),
    waker: (run) => createWaker(run),
  };
}
