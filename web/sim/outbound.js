/**
 * The simulator's outbound service: real in-memory state, loaded from a scenario,
 * answering the 17 outbound methods the way WWE and Outbound Contact Server do.
 *
 * No DOM and no postMessage here (wire.js carries the messages): `handle(method,
 * parameters)` returns `{data}` for a getter, `{}` for an action that succeeded,
 * or `{errorMessage}`. State changes are announced through `onEvent(name, data)`
 * and `onChange()`.
 *
 * The reference documents what each method takes and what a few of them return;
 * where it is silent (campaign and preview record shapes, error texts, what an
 * action answers with), this follows WWE's outbound model and says so below.
 */

import { CONTRACT } from "../client/service-client.js";

export const CALLBACK_TYPES = Object.freeze([...CONTRACT.callbackTypes]);
export const CAMPAIGN_MODES = Object.freeze([...CONTRACT.campaignModes]);

/** The reference's getListOfCallResults sample, exactly (the contract's): the simulator's default list. */
export const REFERENCE_CALL_RESULTS = Object.freeze({ ...CONTRACT.callResults });

/** OCS's code for a record nobody has dialled yet. */
const CALL_RESULT_UNKNOWN = 28;

/**
 * WWE's interaction states (the contract's interactionStates) and what each allows the
 * outbound methods. A voice outbound interaction moves PREVIEW -> DIALING -> TALKING
 * (HELD while on hold) -> IDLE once released -> COMPLETED once marked done (assumed:
 * contract "voice-outbound-states" and "state-phases").
 */
export const STATES = Object.freeze(Object.keys(CONTRACT.interactionStates.values));
export const phaseOf = (state) => CONTRACT.interactionStates.values[String(state ?? "").toUpperCase()] ?? "unknown";
/** Scenario spellings of earlier versions of the simulator, still read (never sent). */
const LEGACY_STATES = Object.freeze({ preview: "PREVIEW", active: "TALKING", completed: "COMPLETED" });
export const scenarioState = (state) => LEGACY_STATES[state] ?? String(state ?? "TALKING").toUpperCase();
/** How long a dialled call rings before it is answered (TALKING), by default. */
const DEFAULT_CONNECT_MS = 150;
const LIVE_STATES = new Set(["DIALING", "TALKING", "HELD"]);

const DATE_RE = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})$/;

/** "MM/DD/YYYY HH:MM" with a real calendar date, else null. */
export function parseWweDate(text) {
  const m = typeof text === "string" ? DATE_RE.exec(text) : null;
  if (!m) return null;
  const [month, day, year, hour, minute] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real && hour < 24 && minute < 60 ? { month, day, year, hour, minute } : null;
}

/** "HH:MM" within 00:00–23:59, as minutes since midnight, else null. */
export function parseWweTime(text) {
  const m = typeof text === "string" ? TIME_RE.exec(text) : null;
  if (!m) return null;
  const [hour, minute] = [Number(m[1]), Number(m[2])];
  return hour < 24 && minute < 60 ? hour * 60 + minute : null;
}

function secondsToTime(seconds) {
  const minutes = Math.floor(seconds / 60) % (24 * 60);
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

const describe = (value) => (typeof value === "string" ? JSON.stringify(value) : String(value));
const isEmpty = (value) => value === null || value === undefined || value === "";
const copy = (value) => structuredClone(value);

/**
 * Why `value` is not acceptable for `field` in updateRecordFields, or null.
 * valueType first (what JSON type the reference says to send), then the
 * fieldType's own format.
 */
export function fieldValueProblem(field, value) {
  const fieldType = field.fieldType ?? field.type;
  const valueType = field.valueType ?? "string";
  const expected = { string: "string", number: "number", boolean: "boolean" }[valueType];
  if (expected && typeof value !== expected) {
    return `must be a ${valueType} (valueType ${valueType}), not ${describe(value)}`;
  }
  if (valueType === "number" && !Number.isFinite(value)) return `must be a finite number, not ${describe(value)}`;
  const text = String(value);
  switch (fieldType) {
    case "int":
      return /^-?\d+$/.test(text) ? null : `must be an integer (fieldType int), not ${describe(value)}`;
    case "float":
      return text.trim() !== "" && Number.isFinite(Number(text)) ? null : `must be a number (fieldType float), not ${describe(value)}`;
    case "char":
      return [...text].length === 1 ? null : `must be exactly one character (fieldType char), not ${describe(value)}`;
    case "date":
      return parseWweDate(text) ? null : `must be a date MM/DD/YYYY HH:MM (fieldType date), not ${describe(value)}`;
    case "time":
      return parseWweTime(text) !== null ? null : `must be a time HH:MM between 00:00 and 23:59 (fieldType time), not ${describe(value)}`;
    case "bool":
      return ["true", "false"].includes(text) ? null : `must be true or false (fieldType bool), not ${describe(value)}`;
    case "enum":
      return Object.hasOwn(field.options ?? {}, text) ? null
        : `must be one of the options' keys ${Object.keys(field.options ?? {}).join(", ")} (fieldType enum), not ${describe(value)}`;
    default:
      return null; // var-char and anything WWE does not type: any string
  }
}

/** A request WWE refuses: answered with its message as errorMessage. */
export class Rejection extends Error {}
export const reject = (message) => { throw new Rejection(message); };

/**
 * The outbound service of one simulated WWE session.
 */
export class OutboundSimulator {
  /**
   * @param {object} scenario a validated scenario (see scenario.schema.json)
   * @param {{onEvent?: Function, onChange?: Function, now?: Function}} hooks
   */
  constructor(scenario, hooks = {}) {
    this.scenario = scenario;
    this.onEvent = hooks.onEvent ?? (() => {});
    this.onChange = hooks.onChange ?? (() => {});
    this.callResults = { ...(scenario.callResults ?? REFERENCE_CALL_RESULTS) };
    /** Whether dialling a preview gives the call a new interaction ID (the reference's rule). */
    this.newIdOnCall = scenario.previewCallNewInteractionId ?? true;
    this.fieldSets = scenario.fieldSets ?? {};
    this.campaigns = new Map();
    for (const campaign of scenario.campaigns ?? []) {
      const chains = (campaign.chains ?? []).map((chain) => ({
        chainId: chain.chainId,
        status: "available", // available | assigned | done | cancelled
        records: chain.records.map((record) => ({
          GSW_CAMPAIGN_NAME: campaign.name,
          GSW_CHAIN_ID: chain.chainId,
          GSW_CALL_RESULT: CALL_RESULT_UNKNOWN,
          GSW_ATTEMPTS: 0,
          ...copy(record),
        })),
      }));
      this.campaigns.set(campaign.name, { ...copy(campaign), chains });
    }
    this.interactions = new Map();
    this.nextInteraction = 1;
    this.directPush = false;
    this.connectMs = scenario.connectMs ?? DEFAULT_CONNECT_MS;
    /** What mark done handed OCS, in order (the simulator's "sent to OCS"). */
    this.sentToOcs = [];
    this.setReadAllowed(scenario.options?.["service-client-api.user-data.read-allowed"]);
    for (const spec of scenario.interactions ?? []) {
      const campaign = this.campaigns.get(spec.campaign);
      const chain = campaign.chains.find((c) => c.chainId === spec.chainId);
      chain.status = "assigned";
      if (spec.callResult !== undefined) chain.records[0].GSW_CALL_RESULT = spec.callResult;
      this._addInteraction(campaign, chain, {
        interactionId: spec.interactionId,
        state: scenarioState(spec.state),
        doNotCall: spec.doNotCall ?? false,
        callResult: spec.callResult,
      }, false);
    }
  }

  // -- state helpers ---------------------------------------------------------

  _addInteraction(campaign, chain, props, announce = true) {
    const interaction = {
      interactionId: props.interactionId ?? this._newInteractionId(),
      campaignName: campaign.name,
      mode: campaign.mode,
      chain,
      recordHandle: chain.records[0].GSW_RECORD_HANDLE,
      state: props.state ?? "PREVIEW", // one of STATES
      previousState: null,
      startDate: Date.now(),
      recordingState: "STOPPED",
      doNotCall: props.doNotCall ?? false,
      callResult: props.callResult,
      schedule: null,
      dialledRecord: false, // the record was called (a call result applies)
    };
    if (interaction.state !== "PREVIEW") interaction.dialledRecord = true;
    this.interactions.set(interaction.interactionId, interaction);
    if (announce) {
      this._interactionEvent("ADDED", interaction);
      this.onChange();
    }
    return interaction;
  }

  _newInteractionId() {
    let id;
    do id = `OB${String(this.nextInteraction++).padStart(6, "0")}`; while (this.interactions.has(id));
    return id;
  }

  _interaction(interactionId) {
    const interaction = this.interactions.get(String(interactionId));
    return interaction ?? reject(`Interaction ${describe(interactionId)} not found`);
  }

  _record(interaction, handle = interaction.recordHandle) {
    return interaction.chain.records.find((r) => r.GSW_RECORD_HANDLE === handle);
  }

  _withCall(interactionId) {
    const interaction = this._changeable(interactionId);
    if (interaction.state === "PREVIEW") {
      reject(`Interaction ${describe(interaction.interactionId)} has no call yet: call the preview record first`);
    }
    return interaction;
  }

  /** An interaction whose record can still change: not yet marked done (then OCS has it). */
  _changeable(interactionId) {
    const interaction = this._interaction(interactionId);
    if (interaction.state === "COMPLETED") {
      reject(`Interaction ${describe(interaction.interactionId)} is marked done: its record was sent to OCS and can no longer change`);
    }
    return interaction;
  }

  /** Move an interaction to `state`, announcing it (interaction CHANGED). */
  setState(interaction, state) {
    if (interaction.state === state) return;
    interaction.previousState = interaction.state;
    interaction.state = state;
    this._interactionEvent("CHANGED", interaction);
    this.onChange();
  }

  _preview(interactionId, action) {
    const interaction = this._interaction(interactionId);
    if (interaction.state !== "PREVIEW") {
      reject(`Interaction ${describe(interaction.interactionId)} is not a preview record any more: it was called, it cannot be ${action}`);
    }
    return interaction;
  }

  _takeChain(campaign) {
    return campaign.chains.find((c) => c.status === "available") ?? null;
  }

  /**
   * The interaction as WWE describes it (interaction.Interaction: its documented
   * properties, and no others), also what its events carry. `readAllowed` filters
   * its userData (service-client-api.user-data.read-allowed); null: all of it.
   */
  interactionView(interaction, readAllowed = this.readAllowed) {
    const record = this._record(interaction);
    // WWE puts the outbound record in the interaction's user data (contract
    // "outbound-record-in-user-data"): this is where a view reads GSW_TZ_OFFSET from
    // "any of the interaction's events", and the campaign's name.
    const userData = { ...copy(record), ...copy(interaction.userData ?? {}) };
    return {
      interactionId: interaction.interactionId,
      ...(interaction.previousInteractionId ? { previousInteractionId: interaction.previousInteractionId } : {}),
      parentInteractionId: null,
      caseId: `case-${interaction.interactionId}`,
      media: "voice",
      state: interaction.state,
      previousState: interaction.previousState,
      isConsultation: false,
      isMainCaseInteraction: true,
      startDate: interaction.startDate,
      callUuid: `uuid-${interaction.interactionId}`,
      direction: "OUT",
      callType: "OUTBOUND",
      ani: "",
      dnis: record?.GSW_PHONE ?? "",
      recordingState: interaction.recordingState,
      parties: [],
      userData: filterKeys(userData, readAllowed),
    };
  }

  /** WWE's `service-client-api.user-data.read-allowed` ("*" or comma list): null means all. */
  setReadAllowed(text) {
    this.readAllowed = keyList(text);
  }

  _interactionEvent(eventType, interaction) {
    this.onEvent("interaction", { eventType, interaction: this.interactionView(interaction) });
  }

  _previewPayload(interaction) {
    return {
      interactionId: interaction.interactionId,
      campaignName: interaction.campaignName,
      campaignMode: interaction.mode,
      records: copy(interaction.chain.records),
    };
  }

  fieldsOf(interaction) {
    const campaign = this.campaigns.get(interaction.campaignName);
    const record = this._record(interaction);
    return (this.fieldSets[campaign.fieldSet] ?? []).map((template) => {
      const field = copy(template);
      if (Object.hasOwn(record, field.name)) {
        const value = record[field.name];
        const fieldType = field.fieldType ?? field.type;
        // OCS keeps GSW_FROM/GSW_UNTIL as seconds since midnight; WWE shows HH:MM.
        field.value = fieldType === "time" && typeof value === "number" ? secondsToTime(value)
          : value === null || value === undefined ? "" : String(value);
      }
      return field;
    });
  }

  // -- the 17 methods -------------------------------------------------------

  /**
   * Answer one request.
   * @returns {{data?: any, errorMessage?: string}}
   */
  handle(method, parameters = []) {
    // own keys only: "__proto__", "toString" or "constructor" are not outbound methods
    const handler = typeof method === "string" && Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
    if (!handler) return { errorMessage: `Unknown outbound method ${describe(method)}` };
    if (parameters.length < handler.length) {
      return { errorMessage: `outbound.${method} needs ${handler.length} parameter(s), got ${parameters.length}` };
    }
    try {
      return handler.apply(this, parameters) ?? {};
    } catch (error) {
      if (error instanceof Rejection) return { errorMessage: error.message };
      throw error;
    }
  }

  getCampaigns() {
    // The reference gives no sample; WWE's campaign model has these keys.
    return {
      data: [...this.campaigns.values()].map((c) => ({
        name: c.name, description: c.description ?? "", mode: c.mode, status: c.status,
      })),
    };
  }

  getPreviewRecord(campaignName) {
    const campaign = this.campaigns.get(campaignName) ?? reject(`Campaign ${describe(campaignName)} not found`);
    if (campaign.status !== "Active") reject(`Campaign ${describe(campaign.name)} is ${campaign.status}, not active: no preview records`);
    if (campaign.mode !== "Preview") reject(`Campaign ${describe(campaign.name)} is a ${campaign.mode} campaign: preview records are pushed, not pulled`);
    const chain = this._takeChain(campaign) ?? reject(`No records available in campaign ${describe(campaign.name)}`);
    chain.status = "assigned";
    const interaction = this._addInteraction(campaign, chain, { state: "PREVIEW" });
    return { data: this._previewPayload(interaction) };
  }

  callPreviewRecord(interactionId, recordHandle) {
    const interaction = this._preview(interactionId, "called again");
    if (!Number.isInteger(recordHandle)) reject(`Record handle must be a number, not ${describe(recordHandle)}`);
    if (!this._record(interaction, recordHandle)) {
      reject(`Record handle ${recordHandle} is not in the chain of interaction ${describe(interaction.interactionId)}`);
    }
    interaction.recordHandle = recordHandle;
    interaction.previousState = interaction.state;
    interaction.state = "DIALING";
    interaction.dialledRecord = true;
    interaction.startDate = Date.now();
    this._record(interaction).GSW_ATTEMPTS += 1;
    if (this.newIdOnCall) {
      // The reference, for every method taking an interactionId: "For Preview and Push
      // Preview modes, once the call is made the ID provided becomes the new interaction
      // ID that corresponds to the call." The call is a new interaction (ADDED, naming the
      // preview it came from); the preview's ID is gone (REMOVED) and is refused from now on.
      const previous = interaction.interactionId;
      this.interactions.delete(previous);
      interaction.interactionId = this._newInteractionId();
      interaction.previousInteractionId = previous;
      this.interactions.set(interaction.interactionId, interaction);
      this._interactionEvent("ADDED", interaction);
      this.onEvent("interaction", { eventType: "REMOVED", interaction: { ...this.interactionView(interaction),
        interactionId: previous, state: "PREVIEW" } });
    } else {
      this._interactionEvent("CHANGED", interaction); // the call keeps the preview's ID
    }
    this.onChange();
    // the customer answers a moment later
    setTimeout(() => { if (interaction.state === "DIALING") this.setState(interaction, "TALKING"); }, this.connectMs);
  }

  // -- the call itself (voice.*, and the simulator's buttons) ------------------

  _call(interactionId) {
    const interaction = this._interaction(interactionId);
    if (!LIVE_STATES.has(interaction.state)) {
      reject(`Interaction ${describe(interaction.interactionId)} has no live call (it is ${interaction.state})`);
    }
    return interaction;
  }

  hold(interactionId) {
    const interaction = this._call(interactionId);
    if (interaction.state !== "TALKING") reject(`Interaction ${describe(interaction.interactionId)} is ${interaction.state}: only a call in TALKING can be held`);
    this.setState(interaction, "HELD");
  }

  resume(interactionId) {
    const interaction = this._call(interactionId);
    if (interaction.state !== "HELD") reject(`Interaction ${describe(interaction.interactionId)} is not on hold`);
    this.setState(interaction, "TALKING");
  }

  /** Release the call (the agent's hang up, or the customer's): IDLE, waiting for mark done. */
  hangUp(interactionId) {
    this.setState(this._call(interactionId), "IDLE");
  }

  setRecording(interactionId, recordingState) {
    const interaction = this._call(interactionId);
    interaction.recordingState = recordingState;
    this._interactionEvent("CHANGED", interaction);
    this.onChange();
  }

  rejectPreviewRecord(interactionId) {
    const interaction = this._preview(interactionId, "rejected");
    interaction.chain.status = "available"; // back to the campaign for another agent
    this._remove(interaction);
  }

  cancelPreviewRecord(interactionId) {
    const interaction = this._preview(interactionId, "cancelled");
    interaction.chain.status = "cancelled"; // out of the campaign
    this._remove(interaction);
  }

  _remove(interaction) {
    this.interactions.delete(interaction.interactionId);
    this._interactionEvent("REMOVED", interaction);
    this.onChange();
  }

  startDirectPushPreview() {
    if (!this._directPushCampaign()) reject("No active direct push preview campaign for this agent");
    if (this.directPush) reject("Direct push preview is already started");
    this.directPush = true;
    this.onChange();
  }

  stopDirectPushPreview() {
    if (!this.directPush) reject("Direct push preview is not started");
    this.directPush = false;
    this.onChange();
  }

  _directPushCampaign() {
    return [...this.campaigns.values()].find((c) => c.mode === "DirectPushPreview" && c.status === "Active");
  }

  getListOfCallResults() {
    return { data: { ...this.callResults } };
  }

  setCallResult(interactionId, callResult) {
    const interaction = this._withCall(interactionId);
    if (interaction.doNotCall) reject(`Do Not Call is set for interaction ${describe(interaction.interactionId)}: remove it before setting a call result`);
    // The reference types callResult "string" that "must be a number".
    const code = typeof callResult === "number" ? callResult
      : typeof callResult === "string" && /^\d+$/.test(callResult.trim()) ? Number(callResult) : NaN;
    if (!Number.isInteger(code)) reject(`Call result must be a number, not ${describe(callResult)}`);
    if (!Object.values(this.callResults).includes(code)) reject(`Unknown call result ${code}`);
    interaction.callResult = code;
    this._record(interaction).GSW_CALL_RESULT = code;
    this.onChange();
  }

  getCallResult(interactionId) {
    const interaction = this._interaction(interactionId);
    return { data: interaction.callResult ?? this._record(interaction).GSW_CALL_RESULT };
  }

  setDoNotCall(interactionId) {
    // Do Not Call is not in WWE's Interaction: no interaction event says it changed
    this._withCall(interactionId).doNotCall = true;
    this.onChange();
  }

  removeDoNotCall(interactionId) {
    this._withCall(interactionId).doNotCall = false;
    this.onChange();
  }

  rescheduleRecord(interactionId, recordHandle, rescheduleDate, callbackType) {
    const interaction = this._changeable(interactionId);
    if (!Number.isInteger(recordHandle) || !this._record(interaction, recordHandle)) {
      reject(`Record handle ${describe(recordHandle)} is not in the chain of interaction ${describe(interaction.interactionId)}`);
    }
    if (!parseWweDate(rescheduleDate)) reject(`Invalid reschedule date ${describe(rescheduleDate)}: expected MM/DD/YYYY HH:MM`);
    if (!CALLBACK_TYPES.includes(callbackType)) reject(`Invalid callback type ${describe(callbackType)}: expected CAMPAIGN or PERSONAL`);
    interaction.schedule = { recordHandle, date: rescheduleDate, callbackType };
    this.onChange();
  }

  cancelReschedule(interactionId) {
    // OCS accepts a cancel for a record without a schedule; so does the simulator.
    this._changeable(interactionId).schedule = null;
    this.onChange();
  }

  getChainedRecords(interactionId) {
    // As the reference's sample: one object holding the chain's records.
    return { data: [{ records: copy(this._interaction(interactionId).chain.records) }] };
  }

  getRecordFields(interactionId) {
    return { data: this.fieldsOf(this._interaction(interactionId)) };
  }

  updateRecordFields(interactionId, recordData) {
    const interaction = this._changeable(interactionId);
    if (recordData === null || typeof recordData !== "object" || Array.isArray(recordData)) {
      reject(`recordData must be an object of field names and values, not ${describe(recordData)}`);
    }
    const fields = new Map(this.fieldsOf(interaction).map((f) => [f.name, f]));
    const problems = [];
    for (const [name, value] of Object.entries(recordData)) {
      const field = fields.get(name);
      if (!field) problems.push(`Field ${describe(name)} is not in the record`);
      else if (!field.isEditable) problems.push(`Field ${describe(name)} is not editable`);
      else if (isEmpty(value)) { if (field.isMandatory) problems.push(`Field ${describe(name)} is mandatory and cannot be empty`); }
      else {
        const problem = fieldValueProblem(field, value);
        if (problem) problems.push(`Field ${describe(name)} ${problem}`);
      }
    }
    // All or nothing, as WWE: one bad field fails the whole update.
    if (problems.length) reject(problems.join("; "));
    const record = this._record(interaction);
    for (const [name, value] of Object.entries(recordData)) {
      const field = fields.get(name);
      const fieldType = field.fieldType ?? field.type;
      record[name] = fieldType === "time" && typeof record[name] === "number" && !isEmpty(value)
        ? parseWweTime(String(value)) * 60
        : value;
    }
    this.onChange();
  }

  // -- host-side actions (buttons, direct push) -------------------------------

  /**
   * Hand the agent a record of a push campaign, as OCS does: a new interaction and
   * an outbound "PreviewRecord" event. Returns the interaction, or null when the
   * campaign has no record left.
   */
  pushRecord(campaignName, chain = null) {
    const campaign = this.campaigns.get(campaignName) ?? reject(`Campaign ${describe(campaignName)} not found`);
    chain ??= this._takeChain(campaign);
    if (!chain) return null;
    chain.status = "assigned";
    const interaction = this._addInteraction(campaign, chain, { state: "PREVIEW" });
    this.onEvent("outbound", { eventType: "PreviewRecord", ...this._previewPayload(interaction) });
    return interaction;
  }

  /**
   * Add a chain of new calling-list records to a campaign (for delivering a
   * record a test or a person wrote). A record without GSW_RECORD_HANDLE gets a
   * free one; GSW_PHONE is required; GSW_TZ_OFFSET defaults to 0 (UTC).
   */
  addChain(campaignName, records) {
    const campaign = this.campaigns.get(campaignName) ?? reject(`Campaign ${describe(campaignName)} not found`);
    if (!Array.isArray(records) || records.length === 0) reject("a chain needs at least one record");
    const used = new Set([...this.campaigns.values()].flatMap((c) => c.chains.flatMap((ch) => ch.records.map((r) => r.GSW_RECORD_HANDLE))));
    let nextHandle = Math.max(0, ...used) + 1;
    const chainId = Math.max(0, ...campaign.chains.map((c) => c.chainId)) + 1;
    const chain = {
      chainId,
      status: "available",
      records: records.map((given) => {
        if (typeof given?.GSW_PHONE !== "string" || !given.GSW_PHONE) reject("a delivered record needs GSW_PHONE");
        const handle = given.GSW_RECORD_HANDLE ?? nextHandle++;
        if (!Number.isInteger(handle) || (used.has(handle) && given.GSW_RECORD_HANDLE !== undefined)) {
          reject(`record handle ${describe(handle)} is already used or not a number`);
        }
        used.add(handle);
        return { GSW_CAMPAIGN_NAME: campaign.name, GSW_CHAIN_ID: chainId, GSW_CALL_RESULT: CALL_RESULT_UNKNOWN,
                 GSW_ATTEMPTS: 0, GSW_TZ_OFFSET: 0, ...copy(given), GSW_RECORD_HANDLE: handle };
      }),
    };
    campaign.chains.push(chain);
    return chain;
  }

  /** One direct push tick: push the next record while direct push is on. */
  directPushTick() {
    const campaign = this.directPush ? this._directPushCampaign() : null;
    return campaign ? this.pushRecord(campaign.name) : null;
  }

  /**
   * Why WWE refuses to mark the interaction done now, or null (contract "markdone-states").
   * Blocks by views (blockMarkdone) are the desktop's (desktop.js), checked before this.
   */
  markDoneProblem(interaction) {
    if (interaction.state === "COMPLETED") return `Interaction ${describe(interaction.interactionId)} is already marked done`;
    if (interaction.state === "PREVIEW") {
      return `Interaction ${describe(interaction.interactionId)} is a preview record: call, reject or cancel it instead`;
    }
    if (LIVE_STATES.has(interaction.state)) {
      return `Interaction ${describe(interaction.interactionId)} has a live call (${interaction.state}): release it first`;
    }
    return null;
  }

  /**
   * Mark done (the agent's Done in WWE, or interaction.markdone): the record goes to OCS
   * as it now stands — its fields as updated, the call result, Do Not Call, the callback —
   * and can no longer change (contract "markdone-sends-record"). Returns what was sent.
   */
  markDone(interactionId) {
    const interaction = this._interaction(interactionId);
    const problem = this.markDoneProblem(interaction);
    if (problem) reject(problem);
    const record = this._record(interaction);
    const sent = {
      interactionId: interaction.interactionId,
      campaignName: interaction.campaignName,
      recordHandle: interaction.recordHandle,
      chainId: interaction.chain.chainId,
      fields: Object.fromEntries(this.fieldsOf(interaction).map((f) => [f.name, f.value ?? ""])),
      callResult: interaction.callResult ?? record.GSW_CALL_RESULT,
      doNotCall: interaction.doNotCall,
      schedule: interaction.schedule ? { ...interaction.schedule } : null,
      records: copy(interaction.chain.records),
    };
    this.sentToOcs.push(sent);
    interaction.chain.status = "done";
    this.setState(interaction, "COMPLETED");
    return sent;
  }
}

/** Keys allowed by a WWE key list option ("*", or comma separated); null: all. */
export function keyList(text) {
  const items = String(text ?? "*").split(",").map((item) => item.trim()).filter(Boolean);
  return items.length === 0 || items.includes("*") ? null : new Set(items);
}

/** `data` with only the keys `allowed` lists (null: all). */
export function filterKeys(data, allowed) {
  if (allowed === null || allowed === undefined) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => allowed.has(key)));
}

const METHODS = Object.freeze(Object.fromEntries(
  Object.keys(CONTRACT.namespaces.outbound.methods).map((name) => [name, OutboundSimulator.prototype[name]]),
));
