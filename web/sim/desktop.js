/**
 * The simulator's desktop around outbound: every namespace of WWE's Service Client
 * API but outbound (outbound.js) — interaction (state, user data, mark done and its
 * blocks), configuration (getOption over the scenario's options), system (allowed
 * services, toasts, dialogs, visibility), agent, voice, media, messenger, email,
 * sipEndpoint, auth.
 *
 * No DOM and no postMessage here: `handle(request, parameters, context)` answers one
 * request (`context`: the asking view's window and origin) with `{data}`, `{}` or
 * `{errorMessage}`, as outbound.js does. What no source documents is assumed, and each
 * assumption is named by its id in the contract (bridge/wwe_contract.json, "assumptions").
 */

import { CONTRACT } from "../client/service-client.js";
import { keyList, reject, Rejection } from "./outbound.js";

const describe = (value) => (typeof value === "string" ? JSON.stringify(value) : String(value));
const DEFAULT_SECTION = "interaction-workspace";

/** The agent's states when the scenario gives none (contract "agent-state-shape"). */
const DEFAULT_AGENT_STATES = Object.freeze([
  { operationName: "Ready", displayName: "Ready", state: "READY" },
  { operationName: "NotReady", displayName: "Not Ready", state: "NOT_READY" },
  { operationName: "AfterCallWork", displayName: "After Call Work", state: "NOT_READY_AFTER_CALLWORK" },
]);

/** `text` as WWE option values are kept (Config Server stores text). */
const optionText = (value) => (typeof value === "string" ? value : typeof value === "boolean" ? String(value) : String(value ?? ""));

/**
 * Split `accepted-web-content-origins` into entries, each `{origin, filter}`: the
 * documented form is `http://s0, http://s2 (agent.*, voice.dial)`; a comma inside
 * the parentheses separates filter items, not origins.
 */
export function parseOriginEntries(text) {
  const entries = [];
  let depth = 0;
  let current = "";
  for (const ch of String(text ?? "")) {
    if (ch === "(") depth += 1;
    if (ch === ")") depth = Math.max(0, depth - 1);
    if (ch === "," && depth === 0) {
      entries.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  entries.push(current);
  return entries.map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const match = /^(\S+)\s*(?:\(([^)]*)\))?$/.exec(entry);
    if (!match) return { origin: entry, filter: null, invalid: true };
    const filter = match[2] === undefined ? null : match[2].split(",").map((item) => item.trim()).filter(Boolean);
    return { origin: match[1], filter };
  });
}

/** Whether `request` ("agent.get") matches a filter item ("agent.*", "voice.dial", "*"). */
export function filterMatches(item, request) {
  return item === "*" || item === request || (item.endsWith("*") && request.startsWith(item.slice(0, -1)));
}

/** One `getOption` pattern (name, Section/name, trailing *) against the option store. */
function optionsMatching(store, pattern) {
  const slash = pattern.indexOf("/");
  const section = slash >= 0 ? pattern.slice(0, slash) : DEFAULT_SECTION;
  const name = slash >= 0 ? pattern.slice(slash + 1) : pattern;
  const options = store.get(section) ?? new Map();
  const found = {};
  for (const [key, value] of options) {
    if (name.endsWith("*") ? key.startsWith(name.slice(0, -1)) : key === name) found[key] = value;
  }
  return { section, found };
}

export class DesktopSimulator {
  /**
   * @param {object} scenario the validated scenario
   * @param {import("./outbound.js").OutboundSimulator} outbound the interactions live there
   * @param {{onEvent?: Function, onChange?: Function, log?: Function, isVisible?: Function}} hooks
   */
  constructor(scenario, outbound, hooks = {}) {
    this.outbound = outbound;
    this.onEvent = hooks.onEvent ?? (() => {});
    this.onChange = hooks.onChange ?? (() => {});
    this.log = hooks.log ?? (() => {});
    this.isVisible = hooks.isVisible ?? (() => true);
    /** section -> Map(option -> text) */
    this.options = new Map();
    for (const [key, value] of Object.entries(scenario.options ?? {})) this.setOption(key, value);
    /**
     * interactionId -> Map(view origin -> {message, view}): one block per view origin
     * (contract "markdone-block"), so the unblock a view sends as its page goes away,
     * which WWE receives with no window to answer, still finds the block it set.
     */
    this.blocks = new Map();
    this.agent = {
      employeeId: scenario.agent?.id ?? "agent-1001",
      firstname: (scenario.agent?.name ?? "Sam Rivera").split(" ")[0],
      lastname: (scenario.agent?.name ?? "Sam Rivera").split(" ").slice(1).join(" "),
      username: scenario.agent?.username ?? scenario.agent?.id ?? "agent-1001",
      roles: ["ROLE_AGENT"],
    };
    this.agentStates = structuredClone(scenario.agent?.states ?? DEFAULT_AGENT_STATES);
    this.agentState = this.agentStates[0];
    this.media = [{ name: "voice", state: this.agentState }];
    this.toasts = new Map(); // id -> parameters
    this.dialogs = new Map(); // id -> {url, options}
    this.menuBar = new Map(); // name -> parameters
    this.sip = { microphoneMute: false, speakerMute: false };
    this.nextToast = 0;
    this.nextDialog = 0;
  }

  // -- options ----------------------------------------------------------------

  /** Set one WWE option ("name" in interaction-workspace, or "Section/name"); null removes it. */
  setOption(key, value) {
    const slash = key.indexOf("/");
    const section = slash >= 0 ? key.slice(0, slash) : DEFAULT_SECTION;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if (!this.options.has(section)) this.options.set(section, new Map());
    if (value === null || value === undefined) this.options.get(section).delete(name);
    else this.options.get(section).set(name, optionText(value));
    if (section === DEFAULT_SECTION && name === "service-client-api.user-data.read-allowed") this.outbound.setReadAllowed(value);
  }

  option(key) {
    const slash = key.indexOf("/");
    return (slash >= 0 ? this.options.get(key.slice(0, slash))?.get(key.slice(slash + 1))
      : this.options.get(DEFAULT_SECTION)?.get(key)) ?? null;
  }

  // -- requests ---------------------------------------------------------------

  /**
   * Answer one request of a namespace other than outbound.
   * @returns {{data?: any, errorMessage?: string}}
   */
  handle(request, parameters = [], context = {}) {
    const [namespace, method] = String(request).split(".", 2);
    const spec = Object.hasOwn(CONTRACT.namespaces, namespace) && namespace !== "outbound"
      ? CONTRACT.namespaces[namespace].methods : null;
    if (!spec || !Object.hasOwn(spec, method)) return { errorMessage: `Unknown request ${describe(request)}` };
    const handler = HANDLERS[request];
    const needed = spec[method].params.length;
    if (parameters.length < needed) return { errorMessage: `${request} needs ${needed} parameter(s), got ${parameters.length}` };
    try {
      return handler.call(this, parameters, context) ?? {};
    } catch (error) {
      if (error instanceof Rejection) return { errorMessage: error.message };
      throw error;
    }
  }

  _interaction(interactionId) {
    return this.outbound.interactions.get(String(interactionId)) ?? reject(`Interaction ${describe(interactionId)} not found`);
  }

  _view(interaction) {
    return this.outbound.interactionView(interaction);
  }

  _writableKeys(keys) {
    const allowed = keyList(this.option("service-client-api.user-data.write-allowed"));
    const refused = allowed === null ? [] : keys.filter((key) => !allowed.has(key));
    if (refused.length) {
      reject(`Not allowed to change user data ${refused.map(describe).join(", ")} (service-client-api.user-data.write-allowed)`);
    }
  }

  _live(interaction) {
    // "Only on a live interaction (for voice, not IDLE)"; nor one marked done
    if (interaction.state === "IDLE" || interaction.state === "COMPLETED") {
      reject(`Interaction ${describe(interaction.interactionId)} is ${interaction.state}: user data can be changed on a live interaction only`);
    }
  }

  // -- mark done --------------------------------------------------------------

  /** The warnings of every view blocking mark done on `interactionId` (views that are gone do not count). */
  blockMessages(interactionId) {
    const blocks = this.blocks.get(String(interactionId));
    if (!blocks) return [];
    if (!this.outbound.interactions.has(String(interactionId))) {
      // a block lasts for the interaction: one rejected, cancelled or re-keyed (a preview's
      // call under a new ID) takes its blocks with it
      this.blocks.delete(String(interactionId));
      return [];
    }
    for (const [origin, block] of [...blocks]) if (block.view?.closed) blocks.delete(origin);
    return [...blocks.values()].map((block) => block.message);
  }

  /**
   * The agent's Done, or interaction.markdone: refused while a view blocks it (its
   * warning shown to the agent), else the record goes to OCS (outbound.js markDone).
   * @returns {{sent?: object, refused?: string}}
   */
  markDone(interactionId, by = "agent") {
    const interaction = this._interaction(interactionId);
    const warnings = this.blockMessages(interaction.interactionId);
    if (warnings.length) {
      const refused = warnings.join(" ");
      this.log({ kind: "markdone", text: `mark done of ${interaction.interactionId} refused (${by}): ${refused}` });
      this.onEvent("markdone", { eventType: "MARK_DONE_BLOCKED", interactionId: interaction.interactionId, warningMessages: warnings });
      this.lastRefusal = { interactionId: interaction.interactionId, warnings };
      this.onChange();
      return { refused };
    }
    const sent = this.outbound.markDone(interaction.interactionId);
    this.blocks.delete(interaction.interactionId); // a block lasts for the interaction
    this.log({ kind: "ocs", text: `sent to OCS: record ${sent.recordHandle} of ${sent.campaignName} (interaction ${sent.interactionId})`, message: sent });
    this.onEvent("markdone", { eventType: "MARK_DONE", interactionId: interaction.interactionId });
    this.onChange();
    return { sent };
  }

  /** Forget the blocks a view set (its window is gone, or holds another page now); returns how many. */
  dropView(view) {
    let dropped = 0;
    for (const blocks of this.blocks.values()) {
      for (const [origin, block] of [...blocks]) {
        if (block.view === view) {
          blocks.delete(origin);
          dropped += 1;
        }
      }
    }
    if (dropped) this.onChange();
    return dropped;
  }

  // -- allowed services ------------------------------------------------------

}

/**
 * The filter of `origin` in a parsed accepted-web-content-origins (wire.js
 * parseAcceptedOrigins): null when it may make every request, else its items.
 */
export function filterFor(accepted, origin) {
  const own = accepted.filters.get(origin);
  if (own) return own;
  return accepted.origins.has(origin) ? null : accepted.filters.get("*") ?? null;
}

/** interaction.markdone's outcome as an answer: a refusal is an errorMessage with the views' warnings. */
function markDoneAnswer(outcome) {
  return outcome.refused ? { errorMessage: `Mark done is blocked: ${outcome.refused}` } : {};
}

const noted = (what) => function note() {
  this.log({ kind: "note", text: `${what} (not modelled: answered as done)` });
};

const HANDLERS = {
  "interaction.getInteractions"() {
    return { data: [...this.outbound.interactions.values()].map((i) => this._view(i)) };
  },
  "interaction.getByInteractionId"([interactionId]) {
    const interaction = this.outbound.interactions.get(String(interactionId));
    return { data: interaction ? this._view(interaction) : null }; // null when none (documented)
  },
  "interaction.setUserData"([interactionId, keyValues]) {
    const interaction = this._interaction(interactionId);
    if (keyValues === null || typeof keyValues !== "object" || Array.isArray(keyValues)) {
      reject(`keyValues must be an object of keys and values, not ${describe(keyValues)}`);
    }
    this._live(interaction);
    this._writableKeys(Object.keys(keyValues));
    interaction.userData = { ...(interaction.userData ?? {}), ...structuredClone(keyValues) }; // overwrites (documented)
    this.outbound._interactionEvent("CHANGED", interaction);
    this.onChange();
  },
  "interaction.deleteUserData"([interactionId, key]) {
    const interaction = this._interaction(interactionId);
    if (typeof key !== "string" || !key) reject(`key must be a user data key, not ${describe(key)}`);
    this._live(interaction);
    this._writableKeys([key]);
    delete interaction.userData?.[key];
    this.outbound._interactionEvent("CHANGED", interaction);
    this.onChange();
  },
  "interaction.selectCaseByCaseId"([caseId]) {
    const found = [...this.outbound.interactions.values()].find((i) => `case-${i.interactionId}` === caseId);
    if (!found) reject(`Case ${describe(caseId)} not found`);
    this.onEvent("interaction", { eventType: "CASE_SELECTED", selectedCaseId: caseId });
  },
  "interaction.markdone"([interactionId]) {
    return markDoneAnswer(this.markDone(interactionId, "interaction.markdone"));
  },
  "interaction.blockMarkdone"([interactionId, warningMessage], { source, origin }) {
    const interaction = this._interaction(interactionId);
    if (interaction.state === "COMPLETED") reject(`Interaction ${describe(interaction.interactionId)} is already marked done`);
    if (typeof warningMessage !== "string" || !warningMessage.trim()) reject("warningMessage must be the text shown to the agent");
    if (!this.blocks.has(interaction.interactionId)) this.blocks.set(interaction.interactionId, new Map());
    this.blocks.get(interaction.interactionId).set(origin ?? null, { message: warningMessage, view: source ?? null });
    this.onChange();
  },
  "interaction.unblockMarkdone"([interactionId], { origin }) {
    this._interaction(interactionId);
    this.blocks.get(String(interactionId))?.delete(origin ?? null);
    this.onChange();
  },
  "interaction.accept"([interactionId]) {
    this._interaction(interactionId);
    reject(`Interaction ${describe(interactionId)} is not offered to the agent (outbound interactions are not accepted)`);
  },
  "interaction.reject"([interactionId]) {
    this._interaction(interactionId);
    reject(`Interaction ${describe(interactionId)} is not offered to the agent (reject a preview record with outbound.rejectPreviewRecord)`);
  },
  "interaction.singleStepTransfer": noted("interaction.singleStepTransfer"),
  "interaction.singleStepConference": noted("interaction.singleStepConference"),
  "interaction.consult": noted("interaction.consult"),
  "interaction.completeTransfer": noted("interaction.completeTransfer"),
  "interaction.completeConference": noted("interaction.completeConference"),

  "configuration.getOption"([names]) {
    const patterns = Array.isArray(names) ? names : [names];
    const sections = new Map();
    for (const pattern of patterns) {
      if (typeof pattern !== "string" || !pattern || pattern.startsWith("*") || pattern.slice(0, -1).includes("*")) {
        reject(`Invalid option name ${describe(pattern)}: '*' is allowed only at the end`);
      }
      const { section, found } = optionsMatching(this.options, pattern);
      if (Object.keys(found).length) sections.set(section, { ...(sections.get(section) ?? {}), ...found });
    }
    // contract "section-shape" and "get-option-unknown"
    return { data: [...sections].map(([name, options]) => ({ name, options })) };
  },

  "system.getAllowedServices"(_, { origin, accepted }) {
    return { data: (accepted ? filterFor(accepted, origin) : null) ?? ["*"] }; // contract "allowed-services-shape"
  },
  "system.triggerActivity"() {
    this.log({ kind: "note", text: "the agent is active (system.triggerActivity)" });
  },
  "system.popupToast"([parameters]) {
    if (parameters === null || typeof parameters !== "object") reject(`popupToast takes an object, not ${describe(parameters)}`);
    const id = `wweCustomToast${this.nextToast++}`;
    this.toasts.set(id, structuredClone(parameters));
    this.onChange();
    return { data: id }; // contract "toast-dialog-ids"
  },
  "system.updateToast"([id, parameters]) {
    if (!this.toasts.has(id)) reject(`Toast ${describe(id)} is not shown`);
    this.toasts.set(id, { ...this.toasts.get(id), ...structuredClone(parameters ?? {}) });
    this.onChange();
  },
  "system.closeToast"([id]) {
    if (!this.toasts.delete(id)) reject(`Toast ${describe(id)} is not shown`);
    this.onChange();
  },
  "system.openDialog"([url, options]) {
    const id = `wweCustomDialog${this.nextDialog++}`;
    this.dialogs.set(id, { url: String(url).replaceAll("$Dialog.Id$", id), options: structuredClone(options ?? {}) });
    this.log({ kind: "note", text: `dialog ${id} opened on ${String(url)} (listed, not framed)` });
    this.onChange();
    return { data: id };
  },
  "system.closeDialog"([dialogId]) {
    if (!this.dialogs.delete(dialogId)) reject(`Dialog ${describe(dialogId)} is not open`);
    this.onChange();
  },
  "system.updateViewInApplicationMenuBar"([parameters]) {
    const name = parameters?.name;
    if (typeof name !== "string" || !name) reject("the view needs a name");
    this.menuBar.set(name, structuredClone(parameters));
  },
  "system.closeViewInApplicationMenuBar"([name]) {
    if (!this.menuBar.delete(name)) reject(`View ${describe(name)} is not in the application menu bar`);
  },
  "system.amIVisible"(_, { source }) {
    return { data: this.isVisible(source) }; // contract "boolean-answers"
  },
  // one browser tab: it leads (WWE's multi-tab election is not modelled)
  "system.isFrameLeading"() { return { data: true }; },
  "system.isFrameFollowing"() { return { data: false }; },
  "system.isFrameNegotiating"() { return { data: false }; },
  "system.isFrameLeadingOrNegotiating"() { return { data: true }; },
  "system.isLastActiveFrame"() { return { data: true }; },

  "agent.get"() {
    return { data: structuredClone(this.agent) };
  },
  "agent.getStateList"() {
    return { data: structuredClone(this.agentStates) };
  },
  "agent.getState"() {
    return { data: structuredClone(this.agentState) };
  },
  "agent.setState"([operationName]) {
    const state = this.agentStates.find((s) => s.operationName === operationName)
      ?? reject(`Unknown agent state ${describe(operationName)} (known: ${this.agentStates.map((s) => s.operationName).join(", ")})`);
    this.agentState = state;
    this.media[0].state = state;
    this.onEvent("agent", { eventType: "StateChanged", state: structuredClone(state) }); // contract "agent-state-shape"
    this.onChange();
  },

  "voice.dial": noted("voice.dial"),
  "voice.dialEx": noted("voice.dialEx"),
  "voice.answer"([interactionId]) {
    this._interaction(interactionId);
    reject(`Interaction ${describe(interactionId)} is not ringing`);
  },
  "voice.hold"([interactionId]) { this.outbound.hold(interactionId); },
  "voice.resume"([interactionId]) { this.outbound.resume(interactionId); },
  "voice.hangUp"([interactionId]) { this.outbound.hangUp(interactionId); },
  "voice.startCallRecording"([interactionId]) { this.outbound.setRecording(interactionId, "RECORDING"); },
  "voice.stopCallRecording"([interactionId]) { this.outbound.setRecording(interactionId, "STOPPED"); },
  "voice.pauseCallRecording"([interactionId]) { this.outbound.setRecording(interactionId, "PAUSED"); },
  "voice.resumeCallRecording"([interactionId]) { this.outbound.setRecording(interactionId, "RECORDING"); },

  "sipEndpoint.muteMicrophone"() { this.sip.microphoneMute = true; },
  "sipEndpoint.unmuteMicrophone"() { this.sip.microphoneMute = false; },
  "sipEndpoint.muteSpeaker"() { this.sip.speakerMute = true; },
  "sipEndpoint.unmuteSpeaker"() { this.sip.speakerMute = false; },
  "sipEndpoint.isMicrophoneMute"() { return { data: this.sip.microphoneMute }; },
  "sipEndpoint.isSpeakerMute"() { return { data: this.sip.speakerMute }; },

  "email.create": noted("email.create"),

  "media.setState"([mediaName, operationName]) {
    const media = this.media.find((m) => m.name === mediaName) ?? reject(`Unknown media ${describe(mediaName)}`);
    media.state = this.agentStates.find((s) => s.operationName === operationName)
      ?? reject(`Unknown state ${describe(operationName)}`);
    this.onEvent("media", { eventType: "StateChanged", media: structuredClone(media) });
  },
  "media.getMediaList"() { return { data: structuredClone(this.media) }; },
  "media.getMediaByName"([name]) {
    return { data: structuredClone(this.media.find((m) => m.name === name) ?? reject(`Unknown media ${describe(name)}`)) };
  },

  "messenger.broadcastMessage"([channel, message]) {
    if (typeof channel !== "string" || !channel) reject(`channel must be a name, not ${describe(channel)}`);
    this.onEvent(`messenger:${channel}`, structuredClone(message)); // contract "messenger-to-all"
  },

  "auth.getJwtToken"() {
    // an unsigned token that looks like one: the simulator has no identity provider
    const part = (value) => btoa(JSON.stringify(value)).replaceAll("=", "");
    return { data: `${part({ alg: "none", typ: "JWT" })}.${part({ sub: this.agent.username, iss: "wwe-simulator" })}.` };
  },
};
