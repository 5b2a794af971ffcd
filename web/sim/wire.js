/**
 * The simulator's side of WWE's postMessage protocol: receives requests from
 * custom views, answers them from the outbound simulator, keeps subscriptions and
 * sends events, with WWE's origin allow-list and per-method fault injection.
 *
 * As WWE: a message from an origin not in `accepted-web-content-origins` gets no
 * answer at all (the simulator only notes it in its log); answers go back to the
 * asking window with that window's origin as the target, never "*".
 */

import { filterFor, filterMatches, parseOriginEntries } from "./desktop.js";

export const USER_AGENT = "WWE Server";
export const PROTOCOL_VERSION = 2;
export const MALFORMED_KINDS = Object.freeze(["missing-data", "wrong-type"]);

/**
 * Parse the WWE option `accepted-web-content-origins`: "*" or a comma list of origins,
 * each with an optional filter of the requests it may make: `http://s3 (agent.*, interaction.*)`.
 * @returns {{any: boolean, origins: Set<string>, filters: Map<string, string[]>, invalid: string[]}}
 */
export function parseAcceptedOrigins(text) {
  const entries = parseOriginEntries(text);
  const result = { any: false, origins: new Set(), filters: new Map(), invalid: [] };
  for (const { origin: entry, filter, invalid } of entries) {
    if (entry === "*" && !invalid) {
      result.any = true;
      if (filter) result.filters.set("*", filter);
      continue;
    }
    try {
      if (invalid) throw new Error("not an origin with a filter");
      const origin = new URL(entry).origin;
      if (origin === "null") throw new Error("opaque");
      result.origins.add(origin);
      if (filter) result.filters.set(origin, filter);
    } catch {
      result.invalid.push(entry);
    }
  }
  return result;
}

/**
 * Whether `accepted` lets `origin` make `request`: an origin without a filter may make
 * every request; one with `(agent.*, interaction.getInteractions)` only those.
 */
export function requestAllowed(accepted, origin, request) {
  const filter = filterFor(accepted, origin);
  return !filter || filter.some((item) => filterMatches(item, request));
}

/** `data` replaced by a value of another JSON type, for the "wrong-type" fault. */
export function wrongType(data) {
  if (Array.isArray(data)) return { unexpected: "object instead of a list" };
  if (data !== null && typeof data === "object") return "a string instead of an object";
  if (typeof data === "number") return String(data) + " (text)";
  if (typeof data === "string") return 42;
  return ["a list instead of", data ?? null];
}

/**
 * One fault setting for a method. Every key is optional:
 * delayMs (act at once, answer late), errorMessage (fail with it), never (no answer),
 * twice (answer two times), malformed ("missing-data" | "wrong-type").
 */
export function normalizeFault(fault) {
  if (!fault) return null;
  const out = {};
  if (fault.delayMs) out.delayMs = Math.max(0, Number(fault.delayMs) || 0);
  if (typeof fault.errorMessage === "string" && fault.errorMessage) out.errorMessage = fault.errorMessage;
  if (fault.never) out.never = true;
  if (fault.twice) out.twice = true;
  if (MALFORMED_KINDS.includes(fault.malformed)) out.malformed = fault.malformed;
  return Object.keys(out).length ? out : null;
}

// How often subscriptions of views that are gone are looked for (ms).
const SWEEP_MS = 5000;

export class WireServer {
  /**
   * @param {object} options
   * @param {Window} options.win the host window (listens for its messages)
   * @param {import("./outbound.js").OutboundSimulator} options.service
   * @param {string} options.acceptedOrigins the WWE option's text
   * @param {object} [options.faults] method -> fault
   * @param {(entry: object) => void} [options.log]
   */
  constructor({ win, service, desktop = null, acceptedOrigins, faults = {}, log = () => {}, rateLimit = 0, quarantineDelayS = 30,
                now = () => performance.now() }) {
    this.win = win;
    this.service = service;
    this.desktop = desktop;
    this.log = log;
    this.now = now;
    this.setRateLimit(rateLimit, quarantineDelayS);
    // Keyed by the view's window (dropClosedViews forgets the closed ones)
    this.recent = new Map(); // view window -> times (ms) of its requests in the last second
    this.quarantined = new Map(); // view window -> end of its quarantine (ms)
    this.faults = new Map();
    for (const [method, fault] of Object.entries(faults)) this.setFault(method, fault);
    this.subscriptions = new Map(); // id -> {names, source, origin}
    this.nextSubscription = 1;
    this.setAcceptedOrigins(acceptedOrigins);
    this._onMessage = (event) => this.receive(event);
  }

  start() {
    this.win.addEventListener("message", this._onMessage);
    // A view whose frame is gone never says so (its pagehide may not have reached
    // us): its subscriptions hold its window, and with it the whole page and its
    // Python heap, until they are dropped.
    this._sweeper = setInterval(() => this.dropClosedViews(), SWEEP_MS);
  }

  stop() {
    this.win.removeEventListener("message", this._onMessage);
    clearInterval(this._sweeper);
  }

  /** Forget the subscriptions (and rate-limit state) of windows that are closed (their frame was removed). */
  dropClosedViews() {
    for (const map of [this.recent, this.quarantined]) {
      for (const view of map.keys()) if (view.closed) map.delete(view);
    }
    let dropped = 0;
    for (const [id, subscription] of this.subscriptions) {
      if (subscription.source.closed) {
        this.subscriptions.delete(id);
        dropped += 1;
      }
    }
    // a block of mark done does not outlive the view that set it (contract "markdone-block")
    if (this.desktop) for (const blocks of this.desktop.blocks.values()) for (const [origin, block] of [...blocks]) if (block.view?.closed) blocks.delete(origin);
    if (dropped) this.log({ kind: "note", text: `dropped ${dropped} subscription(s) of views that are gone` });
    return dropped;
  }

  setAcceptedOrigins(text) {
    this.acceptedText = String(text ?? "");
    this.accepted = parseAcceptedOrigins(text);
    if (this.accepted.invalid.length) {
      this.log({ kind: "note", text: `accepted-web-content-origins: ignored ${this.accepted.invalid.join(", ")} (not origins)` });
    }
  }

  accepts(origin) {
    return this.accepted.any || this.accepted.origins.has(origin);
  }

  /**
   * WWE's `service-client-api.rate-limit` (requests per second one view may send; 0:
   * no limit) and `service-client-api.rate-limit-quarantine-delay` (seconds, default
   * 30, during which WWE ignores the requests of a view that went over it). As we read
   * WWE's option reference: the definitions were not in this project's stored copies.
   */
  setRateLimit(limit, quarantineDelayS = 30) {
    const perSecond = Number(limit);
    const delay = Number(quarantineDelayS);
    this.rateLimit = Number.isInteger(perSecond) && perSecond > 0 ? perSecond : 0;
    this.quarantineDelayS = Number.isFinite(delay) && delay >= 0 ? delay : 30;
  }

  /** Whether a view's request is ignored: it is quarantined, or this one takes it over the limit. */
  overLimit(source, message) {
    if (!this.rateLimit) return false;
    const now = this.now();
    const until = this.quarantined.get(source);
    if (until !== undefined && now < until) {
      this.log({ kind: "refused", message, text: `quarantined for ${((until - now) / 1000).toFixed(1)} s more (rate limit): ignored` });
      return true;
    }
    this.quarantined.delete(source);
    const recent = (this.recent.get(source) ?? []).filter((t) => now - t < 1000);
    recent.push(now);
    this.recent.set(source, recent);
    if (recent.length <= this.rateLimit) return false;
    this.quarantined.set(source, now + this.quarantineDelayS * 1000);
    this.recent.delete(source);
    this.log({ kind: "quarantine", message, text: `over service-client-api.rate-limit (${this.rateLimit} requests a second): ` +
               `the view's requests are ignored for ${this.quarantineDelayS} s` });
    return true;
  }

  setFault(method, fault) {
    const normalized = normalizeFault(fault);
    if (normalized) this.faults.set(method, normalized);
    else this.faults.delete(method);
  }

  receive(event) {
    const message = event.data;
    if (message === null || typeof message !== "object") return;
    const isRequest = typeof message.request === "string";
    const isSubscription = message.event === "subscribe" || message.event === "unsubscribe";
    if (!isRequest && !isSubscription) return; // not for WWE (or one of our own answers)
    if (!this.accepts(event.origin)) {
      // WWE stays silent; the simulator says why in its log.
      this.log({ kind: "refused", origin: event.origin, message, text: `origin ${event.origin} is not in accepted-web-content-origins` });
      return;
    }
    if (!event.source) {
      // Sent by a page as it went away (a view's pagehide): there is no window to answer.
      // WWE acts on a request from an accepted origin and its answer goes nowhere
      // (contract "request-from-a-page-going-away"); a subscription is moot.
      if (!isRequest || message.protocolVersion !== PROTOCOL_VERSION) return;
      this.log({ kind: "request", origin: event.origin, message, text: "sent by a page going away: acted on, nobody to answer" });
      this.answerRequest(message, () => {}, null, event.origin);
      return;
    }
    const reply = (body) => this.send(event.source, event.origin, { ...body, referenceId: message.referenceId }, message);
    if (message.protocolVersion !== PROTOCOL_VERSION) {
      // Not a message of this protocol: it is refused with the reason, never acted on.
      this.log({ kind: "refused", origin: event.origin, message,
                 text: `protocolVersion ${JSON.stringify(message.protocolVersion)} is not ${PROTOCOL_VERSION}: not acted on` });
      if (isRequest) reply({ request: message.request, errorMessage: `Unsupported protocolVersion ${JSON.stringify(message.protocolVersion)}: this WWE speaks ${PROTOCOL_VERSION}` });
      return;
    }
    if (isRequest && this.overLimit(event.source, message)) return; // WWE stays silent, as for an unlisted origin
    this.log({ kind: "request", origin: event.origin, message });
    if (message.event === "subscribe") {
      const names = Array.isArray(message.data) ? message.data.map(String) : [String(message.data)];
      const id = `subscription-${this.nextSubscription++}`;
      this.subscriptions.set(id, { names, source: event.source, origin: event.origin });
      reply({ subscriptionId: id });
    } else if (message.event === "unsubscribe") {
      const subscription = this.subscriptions.get(message.data);
      if (subscription?.source === event.source) this.subscriptions.delete(message.data);
    } else {
      this.answerRequest(message, reply, event.source, event.origin);
    }
  }

  /** The fault set for a request: outbound's by their bare names (as ever), the others' qualified. */
  faultFor(request) {
    const [namespace, method] = request.split(".", 2);
    return this.faults.get(request) ?? (namespace === "outbound" ? this.faults.get(method) : undefined);
  }

  answerRequest(message, reply, source = null, origin = null) {
    const [namespace, method] = message.request.split(".", 2);
    if (origin !== null && !requestAllowed(this.accepted, origin, message.request)) {
      // contract "filtered-request": the origin's filter in accepted-web-content-origins leaves it out
      this.log({ kind: "refused", origin, message, text: `${message.request} is not in ${origin}'s filter in accepted-web-content-origins` });
      reply({ request: message.request, errorMessage: `${message.request} is not allowed for ${origin} (accepted-web-content-origins)` });
      return;
    }
    const fault = this.faultFor(message.request);
    if (fault?.never) {
      this.log({ kind: "fault", text: `no answer to ${message.request} (fault: never)` });
      return;
    }
    // WWE acts on the request at once; a delay holds back only its answer. A late
    // answer is the hard case for a view: WWE has done it, the view does not know.
    let body;
    const parameters = Array.isArray(message.parameters) ? message.parameters : [];
    if (fault?.errorMessage) {
      body = { errorMessage: fault.errorMessage };
    } else if (namespace === "outbound") {
      body = this.service.handle(method, parameters);
    } else if (this.desktop) {
      body = this.desktop.handle(message.request, parameters, { source, origin, accepted: this.accepted });
    } else {
      body = { errorMessage: `The simulator implements only the outbound service: ${message.request} is not available` };
    }
    if (fault?.malformed && !("errorMessage" in body)) {
      if (fault.malformed === "missing-data") delete body.data;
      else body.data = wrongType(body.data);
    }
    const answer = () => {
      reply({ request: message.request, ...body });
      if (fault?.twice) reply({ request: message.request, ...body });
    };
    if (fault?.delayMs) setTimeout(answer, fault.delayMs);
    else answer();
  }

  send(target, origin, body, inReplyTo) {
    const message = { ...body, userAgent: USER_AGENT, protocolVersion: PROTOCOL_VERSION };
    try {
      target.postMessage(message, origin);
      this.log({ kind: inReplyTo ? "response" : "event", origin, message, inReplyTo });
    } catch (error) {
      this.log({ kind: "note", text: `could not send to ${origin}: ${error.message}` });
    }
  }

  /** Send an event to every window subscribed to `name` (once per window). */
  emit(name, data) {
    this.dropClosedViews();
    const targets = new Map();
    for (const subscription of this.subscriptions.values()) {
      if (subscription.names.includes(name)) targets.set(subscription.source, subscription.origin);
    }
    for (const [source, origin] of targets) this.send(source, origin, { event: name, data });
    if (!targets.size) this.log({ kind: "note", text: `${name} event (${data?.eventType ?? "?"}) not sent: no view subscribed` });
  }
}
