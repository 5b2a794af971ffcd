/**
 * Our implementation of WWE's service client: `window.genesys.wwe.service`.
 *
 * A custom view is a page framed by (or opened from) Workspace Web Edition. WWE's
 * own script defines `genesys.wwe.service` and talks to the WWE window with
 * postMessage; this module speaks the same wire protocol and offers the same
 * globals, method signatures and callback arguments, so a view written for the
 * vendor's script runs unchanged. Where it differs, it is safer:
 *
 * - it binds only to a parent or opener of an origin the deployer trusts
 *   (`data-wwe-origins`), never to whichever site frames or opens the page;
 * - it posts to WWE's origin, never to "*";
 * - it only reads messages that come from the WWE window *and* its origin (any
 *   other frame can post to us; its messages are dropped unread);
 * - several subscribers may listen to the same event (the vendor keeps one per
 *   event name, the last one wins);
 * - it logs nothing unless asked to (`debug`), and an exception thrown by a
 *   callback is reported with `reportError` instead of being swallowed.
 *
 * Wire protocol (protocolVersion 2):
 *   request  {request: "outbound.getRecordFields", parameters: [id], referenceId,
 *             userAgent: "WWE Client", protocolVersion: 2}   (no `parameters` without arguments)
 *   response {request, data, referenceId, userAgent: "WWE Server", protocolVersion: 2};
 *             a failure if and only if it has an `errorMessage` key. The callback
 *             receives the message minus `referenceId` (results are under `.data`).
 *   no answer within the timeout (10 s, as the vendor's) → failed("Request timeout").
 *   subscribe {event: "subscribe", data: names} → {subscriptionId};
 *   unsubscribe {event: "unsubscribe", data: subscriptionId}  (no answer expected);
 *   events   {event: "outbound", data: {eventType, ...}, userAgent: "WWE Server"} (no referenceId).
 *
 * This file is an ES module whose one import, the contract, build.py inlines; it
 * also emits it as a classic script (client/service-client.classic.js) that installs
 * itself from its `<script data-wwe-origin data-timeout-ms data-debug>` attributes.
 */

import CONTRACT from "./wwe-contract.json" with { type: "json" };

export const PROTOCOL_VERSION = CONTRACT.protocolVersion;
export const DEFAULT_TIMEOUT_MS = CONTRACT.timeoutMs;
/** The exact string the vendor's client passes to `failed` when WWE does not answer. */
export const REQUEST_TIMEOUT = CONTRACT.requestTimeout;

/**
 * WWE's contract (bridge/wwe_contract.json): every namespace of the vendor's client
 * script, each method with its parameters in the vendor's order. The build inlines it
 * here (no request of its own, and the classic script stays one file).
 */
export { CONTRACT };

/** The parameters each method takes before (succeeded, failed), by namespace, from the contract. */
export const METHODS = Object.freeze(Object.fromEntries(Object.entries(CONTRACT.namespaces).map(([ns, spec]) => [
  ns, Object.freeze(Object.fromEntries(Object.entries(spec.methods).map(([name, m]) => [name, m.params.map((p) => p.name)]))),
])));

/**
 * The outbound methods. `rejectPreviewRecord` and `cancelPreviewRecord` take the
 * interaction first, as the vendor client sends them (the reference's signature
 * table omits it).
 */
export const OUTBOUND_METHODS = METHODS.outbound;

/** A configuration problem: the page cannot tell which window is WWE. */
export class ServiceClientConfigError extends Error {
  constructor(message) {
    super(message);
    this.name = "ServiceClientConfigError";
  }
}

function originOf(url) {
  try {
    const origin = new URL(url).origin;
    return origin && origin !== "null" ? origin : null;
  } catch {
    return null;
  }
}

/** Origins from a list or a comma/space separated text; a bad one is a configuration error. */
export function parseOrigins(value) {
  const items = Array.isArray(value) ? value : String(value ?? "").split(/[\s,]+/);
  return items.filter((item) => item !== "").map((item) => {
    const origin = originOf(item);
    if (!origin || origin !== String(item).replace(/\/$/, "")) {
      throw new ServiceClientConfigError(`${JSON.stringify(item)} is not an origin such as https://wwe.example.com`);
    }
    return origin;
  });
}

/**
 * The origins this view accepts as WWE: those the deployer configured
 * (`wweOrigins`, `wweOrigin`, or `<html data-wwe-origins="https://wwe.example.com">`)
 * and the view's own origin. A page of the view's own origin can script the view
 * anyway, so trusting it adds nothing; it is what the simulator and the
 * development server are.
 */
export function trustedOrigins(win, config = {}) {
  const configured = [
    ...parseOrigins(config.wweOrigins ?? []),
    ...parseOrigins(config.wweOrigin ?? []),
    ...parseOrigins(win.document?.documentElement?.dataset?.wweOrigins ?? ""),
  ];
  const own = originOf(win.location?.href ?? "");
  return { configured: [...new Set(configured)], all: [...new Set([...configured, ...(own ? [own] : [])])] };
}

/**
 * Which window is WWE and what its origin is.
 *
 * The window is the opener for a popped-out view, else the parent frame. It is
 * WWE only if its origin is one this view trusts (see trustedOrigins): any site
 * can frame a page or `window.open()` it, so the framing or opening page's origin
 * alone proves nothing. The origin is the one the browser reports for that window
 * (`location.ancestorOrigins` for the parent, the referrer for an opener); when
 * the browser does not say, it is the one configured origin, and postMessage's
 * target origin then makes sure nothing reaches a window of another origin. A view
 * that cannot tell refuses to start, saying why and what to configure.
 *
 * @param {Window} win the view's window
 * @param {{wweWindow?: Window, wweOrigin?: string, wweOrigins?: string[]|string}} [config]
 * @returns {{wweWindow: Window, wweOrigin: string}}
 */
export function resolveWwe(win, config = {}) {
  const wweWindow = config.wweWindow ?? win.opener ?? (win.parent !== win ? win.parent : null);
  if (!wweWindow) {
    throw new ServiceClientConfigError(
      "this page is not inside WWE: it has no parent frame and no opener. Open it as a WWE custom view " +
      "(or from the simulator, index.html).",
    );
  }
  const trusted = trustedOrigins(win, config);
  const how = "set WWE's origin on this page, <html data-wwe-origins=\"https://wwe.example.com\">, or build the " +
    "site with python3 build.py --wwe-origin https://wwe.example.com";
  let seen = null;
  let relation = "";
  if (!config.wweWindow && wweWindow === win.parent && win.location.ancestorOrigins?.length) {
    if (win.location.ancestorOrigins[0] === "null") {
      throw new ServiceClientConfigError(
        "a page with an opaque origin (a sandboxed frame, a data: or srcdoc page) frames this view: WWE is " +
        "never one, so nothing is sent to it.",
      );
    }
    seen = originOf(win.location.ancestorOrigins[0]);
    relation = "frames";
  } else if (!config.wweWindow && wweWindow === win.opener) {
    seen = originOf(win.document?.referrer ?? "");
    relation = "opened";
  }
  if (seen) {
    if (!trusted.all.includes(seen)) {
      throw new ServiceClientConfigError(
        `${seen} ${relation} this view, but it is not a WWE this view trusts (${trusted.all.join(", ")}): ` +
        `nothing is sent to it. If ${seen} is your WWE, ${how}.`,
      );
    }
    return { wweWindow, wweOrigin: seen };
  }
  // The browser does not say which origin that window has: only one can be meant.
  const candidates = trusted.configured.length ? trusted.configured : trusted.all;
  if (candidates.length !== 1) {
    throw new ServiceClientConfigError(
      `cannot tell which of ${candidates.join(", ") || "no origin"} is WWE (the browser reports no origin for ` +
      `the ${wweWindow === win.opener ? "opener" : "parent"}): configure exactly one, ${how}.`,
    );
  }
  return { wweWindow, wweOrigin: candidates[0] };
}

function reportCallbackError(error) {
  if (typeof globalThis.reportError === "function") globalThis.reportError(error);
  else setTimeout(() => { throw error; });
}

/**
 * Create a service client. It listens for answers on `win` until `unload()`.
 *
 * @param {object} options
 * @param {Window} [options.win] the view's window (default: globalThis)
 * @param {Window} [options.wweWindow] WWE's window (default: opener, else parent)
 * @param {string} [options.wweOrigin] WWE's origin (default: from the browser, see resolveWwe)
 * @param {number} [options.timeoutMs] how long to wait for an answer (default 10 000)
 * @param {boolean|{log: Function}} [options.debug] log every message (off by default)
 */
export function createServiceClient(options = {}) {
  const win = options.win ?? globalThis;
  let { wweWindow, wweOrigin } = resolveWwe(win, options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ServiceClientConfigError(`timeoutMs must be a positive number of milliseconds, not ${timeoutMs}`);
  }
  const debug = options.debug === true ? console : options.debug || null;
  const pending = new Map(); // referenceId -> {succeeded, failed, timer}
  const subscriptions = new Set(); // {names, data, callback, context, failed, id, removed, hidden, inFlight}
  let nextReference = 0;
  let frameId;

  const trace = (direction, message) => debug?.log(`wwe service client ${direction}`, message);

  function post(message) {
    const full = { ...message, userAgent: "WWE Client", protocolVersion: PROTOCOL_VERSION };
    if (frameId !== undefined) full.frameId = frameId;
    trace("→", full);
    wweWindow.postMessage(full, wweOrigin);
  }

  function invoke(callback, self, arg) {
    if (typeof callback !== "function") return;
    try {
      callback.call(self, arg);
    } catch (error) {
      reportCallbackError(error);
    }
  }

  /**
   * Send a message; `succeeded`/`failed` are called at most once between them.
   * Returns the referenceId.
   */
  function sendMessage(message, succeeded, failed) {
    const referenceId = String(nextReference++);
    const expectsAnswer = typeof succeeded === "function" || typeof failed === "function";
    if (expectsAnswer) {
      const timer = setTimeout(() => {
        if (pending.delete(referenceId)) invoke(failed, service, REQUEST_TIMEOUT);
      }, timeoutMs);
      pending.set(referenceId, { succeeded, failed, timer, request: message.request ?? null });
    }
    try {
      post({ ...message, referenceId });
    } catch (error) {
      // e.g. a recordData that cannot be cloned (a function, a DOM node): fail
      // now, with the browser's reason, instead of waiting for the timeout.
      const entry = pending.get(referenceId);
      if (entry) {
        clearTimeout(entry.timer);
        pending.delete(referenceId);
        invoke(failed, service, { request: message.request, errorMessage: `cannot send to WWE: ${error.message}` });
      }
    }
    return referenceId;
  }

  function request(name, parameterNames, args) {
    const arity = parameterNames.length;
    // As the vendor's voice.dial and email.create: a trailing parameter left out
    // (the callback in its place) is sent as null.
    const first = args.findIndex((arg) => typeof arg === "function");
    const given = first >= 0 && first < arity ? first : arity;
    const message = { request: name };
    if (arity > 0) message.parameters = [...args.slice(0, given), ...Array(arity - given).fill(null)];
    return sendMessage(message, args[given], args[given + 1]);
  }

  function namespace(prefix, methods) {
    const ns = {};
    for (const [method, params] of Object.entries(methods)) {
      ns[method] = (...args) => request(`${prefix}.${method}`, params, args);
    }
    return Object.freeze(ns);
  }

  /** A message from WWE's window that breaks the protocol: dropped, and said so. */
  function drop(reason, data) {
    console.warn(`wwe service client: dropped a message from WWE: ${reason}`, data);
  }

  function onAnswer(data) {
    const entry = pending.get(String(data.referenceId));
    if (!entry) return; // late (after the timeout), duplicate, or not ours
    if (typeof data.request === "string" && entry.request && data.request !== entry.request) {
      // an answer must name the request it answers, where WWE names it (the request stays pending)
      drop(`an answer for ${data.request} came with the referenceId of a pending ${entry.request}`, data);
      return;
    }
    clearTimeout(entry.timer);
    pending.delete(String(data.referenceId));
    const { referenceId: _ignored, ...answer } = data;
    if ("errorMessage" in answer) invoke(entry.failed, service, answer);
    else invoke(entry.succeeded, service, answer);
  }

  function onEvent(data) {
    for (const subscription of [...subscriptions]) {
      if (!subscription.removed && subscription.names.includes(data.event)) {
        invoke(subscription.callback, subscription.context ?? service, data);
      }
    }
  }

  function receive(event) {
    // Only WWE's window, from WWE's origin. Everything else is dropped unread:
    // any frame on the page can post to us.
    if (event.source !== wweWindow || event.origin !== wweOrigin) return;
    const data = event.data;
    if (data === null || typeof data !== "object" || typeof data.userAgent !== "string" ||
        !data.userAgent.includes("WWE")) return;
    if (data.protocolVersion !== PROTOCOL_VERSION) {
      drop(`protocolVersion ${JSON.stringify(data.protocolVersion)}, not ${PROTOCOL_VERSION}`, data);
      return;
    }
    trace("←", data);
    if (data.referenceId !== undefined && data.referenceId !== null) onAnswer(data);
    else if (typeof data.event === "string") onEvent(data);
    else if (data.frameId !== undefined) frameId = data.frameId;
  }

  win.addEventListener("message", receive);

  /** Ask WWE for `subscription` (again, after a page restored from the back/forward cache). */
  function register(subscription) {
    const { names, data, context, failed } = subscription;
    subscription.inFlight = true;
    sendMessage({ event: "subscribe", data }, (answer) => {
      subscription.inFlight = false;
      subscription.id = answer.subscriptionId;
      // unsubscribed (or the page hidden) while the subscription was on its way: release it now
      if (subscription.removed || subscription.hidden) release(subscription);
    }, (answer) => {
      subscription.inFlight = false;
      subscriptions.delete(subscription);
      const reason = typeof answer === "string" ? answer : answer?.errorMessage;
      const error = new Error(`WWE refused the subscription to ${names.join(", ")}: ${reason}`);
      if (typeof failed === "function") invoke(failed, context ?? service, error);
      else reportCallbackError(error);
    });
  }

  function release(subscription) {
    if (subscription.id === undefined) return;
    const id = subscription.id;
    subscription.id = undefined;
    try {
      sendMessage({ event: "unsubscribe", data: id });
    } catch {
      // WWE's window is gone: nothing holds the subscription any more
    }
  }

  // WWE replaces a view's frame (another interaction, a closed tab) without telling
  // it; until the view unsubscribes, WWE's subscriptions keep a reference to its
  // window, and with it the page and its whole Python heap. So a page being hidden
  // for good (or for the back/forward cache) releases them, and one shown again
  // from that cache asks for them again.
  const onPageHide = () => {
    for (const subscription of subscriptions) {
      subscription.hidden = true;
      release(subscription);
    }
  };
  const onPageShow = (event) => {
    if (!event.persisted) return;
    for (const subscription of subscriptions) {
      subscription.hidden = false;
      // (one whose subscribe is still unanswered gets its answer, and keeps it, now)
      if (subscription.id === undefined && !subscription.removed && !subscription.inFlight) register(subscription);
    }
  };
  win.addEventListener("pagehide", onPageHide);
  win.addEventListener("pageshow", onPageShow);

  const service = {
    sendMessage,

    /**
     * Subscribe `callback` to one event name or a list of them. `failed`, an
     * addition to the vendor's signature, hears about a refused subscription
     * (without it, the refusal is reported with reportError).
     */
    subscribe(events, callback, context, failed) {
      const names = Array.isArray(events) ? [...events] : [events];
      const subscription = { names, data: events, callback, context, failed, id: undefined, removed: false };
      subscriptions.add(subscription);
      register(subscription);
      return service;
    },

    /** Remove every subscription made with `callback`. */
    unsubscribe(callback) {
      for (const subscription of [...subscriptions]) {
        if (subscription.callback !== callback) continue;
        subscription.removed = true;
        subscriptions.delete(subscription);
        release(subscription);
      }
      return service;
    },

    /** Talk to another WWE window (as the vendor's `targetWWEWindow`), of a trusted origin (resolveWwe). */
    targetWWEWindow(newWindow, newOrigin) {
      const trusted = trustedOrigins(win, options);
      if (newOrigin !== undefined && !trusted.all.includes(originOf(newOrigin))) {
        throw new ServiceClientConfigError(`${newOrigin} is not a WWE this view trusts (${trusted.all.join(", ")})`);
      }
      ({ wweWindow, wweOrigin } = newOrigin !== undefined ? { wweWindow: newWindow, wweOrigin: originOf(newOrigin) }
        : resolveWwe(win, { ...options, wweWindow: newWindow }));
    },

    /** Stop listening; pending calls are dropped without callbacks. */
    unload() {
      for (const subscription of subscriptions) release(subscription); // WWE lets go of this window too
      win.removeEventListener("message", receive);
      win.removeEventListener("pagehide", onPageHide);
      win.removeEventListener("pageshow", onPageShow);
      for (const entry of pending.values()) clearTimeout(entry.timer);
      pending.clear();
      subscriptions.clear();
    },

    /** Where this client sends (for diagnostics and tests). */
    get target() {
      return { origin: wweOrigin, timeoutMs };
    },
    /** How many requests wait for an answer. */
    get pendingCount() {
      return pending.size;
    },

  };
  for (const [prefix, methods] of Object.entries(METHODS)) service[prefix] = namespace(prefix, methods);
  return service;
}

/**
 * Define `win.genesys.wwe.service` unless a service client is already there
 * (as the vendor's script does); returns the service in place.
 */
export function installServiceClient(options = {}) {
  const win = options.win ?? globalThis;
  win.genesys ??= {};
  win.genesys.wwe ??= {};
  win.genesys.wwe.service ??= createServiceClient({ ...options, win });
  return win.genesys.wwe.service;
}

/** Install from a classic `<script>` tag's data attributes (used by the classic build). */
export function installFromScript(script, win = globalThis) {
  const data = script?.dataset ?? {};
  const options = { win };
  if (data.wweOrigin) options.wweOrigin = data.wweOrigin;
  if (data.wweOrigins) options.wweOrigins = data.wweOrigins;
  if (data.timeoutMs) options.timeoutMs = Number(data.timeoutMs);
  if (data.debug !== undefined) options.debug = data.debug !== "false";
  try {
    return installServiceClient(options);
  } catch (error) {
    if (!(error instanceof ServiceClientConfigError)) throw error;
    // Not bound (an untrusted site frames or opened the page): no client, and why, for the page to say.
    win.wweServiceProblem = error.message;
    console.warn(`wwe service client: not connected: ${error.message}`);
    return null;
  }
}
