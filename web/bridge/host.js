/**
 * The JS side of the bridge: finds `genesys.wwe.service` in the page and lets
 * Python call its outbound methods without handing JS any per-call Python object.
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

/** @returns {object|null} the page's genesys.wwe.service, if any */
export function findService(win = globalThis) {
  return win.genesys?.wwe?.service ?? null;
}

function toJson(payload) {
  const text = JSON.stringify(payload === undefined ? null : payload);
  return text === undefined ? "null" : text;
}

/**
 * One Python client's channel to the service.
 * @param {(callId: number, kind: string, json: string) => void} settle
 * @param {(listenerId: number, json: string) => void} deliver
 */
function connect(settle, deliver, win) {
  const pending = new Map(); // callId -> timeout handle
  const listeners = new Map(); // listenerId -> event names
  const byName = new Map(); // event name -> {ids: Set<listenerId>, callback}
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
    settle(callId, kind, json);
  };

  return {
    /** Start outbound[method](...args, succeeded, failed); returns an error text instead of throwing. */
    start(callId, method, argsJson, timeoutMs) {
      const outbound = findService(win)?.outbound;
      if (!outbound) return SERVICE_HINT;
      if (typeof outbound[method] !== "function") return `this WWE service client has no outbound.${method}`;
      pending.set(callId, setTimeout(() => finish(callId, "timeout", null), timeoutMs));
      try {
        outbound[method](
          ...JSON.parse(argsJson),
          (payload) => finish(callId, "ok", payload),
          (payload) => finish(callId, "fail", payload),
        );
      } catch (err) {
        finish(callId, "fail", `outbound.${method} threw: ${err?.message ?? err}`);
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
      if (!service || typeof service.subscribe !== "function") return SERVICE_HINT;
      const names = [...new Set(JSON.parse(namesJson))];
      listeners.set(listenerId, names);
      for (const name of names) {
        let entry = byName.get(name);
        if (!entry) {
          entry = { ids: new Set() };
          entry.callback = (message) => {
            if (closed) return;
            const json = toJson(message);
            for (const id of [...entry.ids]) deliver(id, json);
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

/** Installed as `globalThis.wweBridgeHost` by the boot sequence. */
export function createBridgeHost(win = globalThis) {
  return {
    serviceAvailable: () => findService(win) !== null,
    connect: (settle, deliver) => connect(settle, deliver, win),
  };
}
