/**
 * The WWE simulator page: loads a scenario, answers custom views over
 * postMessage, and shows what happens.
 *
 * URL parameters:
 *   scenario=<url>  the scenario JSON (default: the shipped sim/scenarios/default.json)
 *   view=<url>      the custom view framed in the sidebar (default: the record widget on interaction 1)
 *   origins=<text>  override the scenario's accepted-web-content-origins
 *
 * `window.wweSim` exposes the running simulator to tests and to the console.
 */

import { loadScenario } from "./scenario.js";
import { OutboundSimulator } from "./outbound.js";
import { DesktopSimulator } from "./desktop.js";
import { WireServer } from "./wire.js";
import { CONTRACT, METHODS } from "../client/service-client.js";
import { logView, interactionsView, faultsView, toastsView } from "./views.js";

const DEFAULT_VIEW = "widget.html?interaction=1";
const PANEL = "sim/panel.html";
const CONSOLE = "console.html";
const DEFAULT_DIRECT_PUSH_MS = 5000;

const $ = (selector) => document.querySelector(selector);
const params = new URLSearchParams(location.search);
const assets = new URL(document.documentElement.dataset.assetsUrl, document.baseURI);

/** A framed page's URL: http(s) only, so a crafted link cannot run script in the sidebar. */
function frameUrl(text) {
  const url = new URL(text, document.baseURI);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`view must be an http(s) page, not ${url.protocol}`);
  }
  return url.href;
}

function showError(message) {
  const box = $("[data-sim-error]");
  box.textContent = message;
  box.hidden = false;
  document.documentElement.dataset.simState = "error";
}

/**
 * The simulator is a development and test tool. A link can configure it (view,
 * scenario, origins), so a page elsewhere could open it on the views' own host,
 * which the views trust, with a record and a framed page of its choosing. So: a
 * scenario must come from this site, `origins=` never accepts "*", and away from
 * this machine (loopback) the URL configures nothing at all. Leave the simulator
 * out of a deployment anyway (build.py does when given --wwe-origin).
 */
const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"].includes(location.hostname);
function urlParam(name) {
  if (!params.has(name)) return null;
  if (!LOOPBACK) {
    showNote(`?${name}= is ignored: the simulator takes its configuration from the URL only on this machine (127.0.0.1, localhost)`);
    return null;
  }
  return params.get(name);
}

function showNote(message) {
  const box = $("[data-sim-note]");
  if (!box) return;
  box.textContent = [box.textContent, message].filter(Boolean).join(" ");
  box.hidden = false;
}

function scenarioUrlOf(text) {
  const url = new URL(text, document.baseURI);
  if (url.origin !== location.origin) throw new Error(`scenario must be a file of this site, not ${url.origin}`);
  return url.href;
}

function originsOf(text) {
  if (text !== null && text.split(/[\s,]+/).includes("*")) throw new Error("origins= cannot be \"*\" (set it in the control panel)");
  return text;
}

async function start() {
  const scenarioParam = urlParam("scenario");
  const scenarioUrl = scenarioParam !== null ? scenarioUrlOf(scenarioParam) : new URL("sim/scenarios/default.json", assets).href;
  const scenario = await loadScenario(scenarioUrl, new URL("sim/scenario.schema.json", assets).href);
  $("[data-sim-title]").textContent = scenario.title ?? scenarioUrl;
  $("[data-sim-agent]").textContent = scenario.agent?.name ?? "Agent";

  const started = performance.now();
  const log = logView($("[data-sim-log]"), started);
  $("[data-sim-log-clear]").addEventListener("click", () => log.clear());

  let wire = null;
  let pushTimer = null;
  const interactions = interactionsView($("[data-sim-interactions]"), {
    onDone: (id) => desktop.markDone(id),
    onHangUp: (id) => service.hangUp(id),
    onHold: (id) => service.hold(id),
    onResume: (id) => service.resume(id),
  });
  const service = new OutboundSimulator(scenario, {
    onEvent: (name, data) => wire?.emit(name, data),
    onChange: () => render(),
  });
  const frames = { view: $("[data-sim-frame=view]"), panel: $("[data-sim-frame=panel]"), console: $("[data-sim-frame=console]") };
  const desktop = new DesktopSimulator(scenario, service, {
    onEvent: (name, data) => wire?.emit(name, data),
    onChange: () => render(),
    log: (entry) => log.add(entry),
    // system.amIVisible: the asking view's frame is the one shown in the sidebar, in a visible tab
    isVisible: (source) => document.visibilityState === "visible" &&
      Object.values(frames).some((frame) => frame.contentWindow === source && !frame.hidden),
  });
  const toasts = toastsView($("[data-sim-toasts]"), (id) => { desktop.toasts.delete(id); render(); });

  // Direct push preview: one record now, then one per interval, while started.
  const pushInterval = scenario.directPushIntervalMs ?? DEFAULT_DIRECT_PUSH_MS;
  function syncDirectPush() {
    if (service.directPush && pushTimer === null) {
      pushTimer = setInterval(() => service.directPushTick(), pushInterval);
      queueMicrotask(() => service.directPushTick());
    } else if (!service.directPush && pushTimer !== null) {
      clearInterval(pushTimer);
      pushTimer = null;
    }
    $("[data-sim-direct-push]").textContent = service.directPush ? `started: one record every ${pushInterval} ms` : "stopped";
  }
  function render() {
    interactions.render([...service.interactions.values()].map((i) => ({
      ...service.interactionView(i, null), campaignName: i.campaignName, doNotCall: i.doNotCall, schedule: i.schedule,
      callResult: i.callResult, blocks: desktop.blockMessages(i.interactionId),
      refusal: desktop.lastRefusal?.interactionId === i.interactionId ? desktop.lastRefusal.warnings : null,
    })));
    toasts.render(desktop.toasts);
    syncDirectPush();
  }

  const acceptedOrigins = originsOf(urlParam("origins")) ?? scenario.options?.["accepted-web-content-origins"] ?? location.origin;
  wire = new WireServer({
    win: window, service, desktop, acceptedOrigins, faults: scenario.faults ?? {}, log: (entry) => log.add(entry),
    rateLimit: scenario.options?.["service-client-api.rate-limit"] ?? 0,
    quarantineDelayS: scenario.options?.["service-client-api.rate-limit-quarantine-delay"] ?? 30,
  });
  wire.start();
  const rateInput = $("[data-sim-rate-limit]");
  const quarantineInput = $("[data-sim-quarantine]");
  rateInput.value = String(wire.rateLimit);
  quarantineInput.value = String(wire.quarantineDelayS);
  $("[data-sim-rate-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    wire.setRateLimit(rateInput.value, quarantineInput.value);
    log.add({ kind: "note", text: `service-client-api.rate-limit = ${wire.rateLimit}, quarantine delay ${wire.quarantineDelayS} s` });
  });

  // Controls: origins option, faults, delivery.
  const originsInput = $("[data-sim-origins]");
  originsInput.value = wire.acceptedText;
  $("[data-sim-origins-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    wire.setAcceptedOrigins(originsInput.value);
    log.add({ kind: "note", text: `accepted-web-content-origins = ${JSON.stringify(wire.acceptedText)}` });
  });
  const faults = faultsView($("[data-sim-faults]"), (method) => { wire.setFault(method, null); faults.render(wire.faults); });
  const methodSelect = $("[data-sim-fault-method]");
  // every namespace's methods: outbound's by their bare names (as faults always were), the others' qualified
  for (const [namespace, methods] of Object.entries(METHODS)) {
    const group = document.createElement("optgroup");
    group.label = namespace;
    for (const method of Object.keys(methods)) {
      const name = namespace === "outbound" ? method : `${namespace}.${method}`;
      group.append(new Option(name, name));
    }
    methodSelect.append(group);
  }
  const faultForm = $("[data-sim-fault-form]");
  faultForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData(faultForm);
    wire.setFault(form.get("method"), {
      delayMs: Number(form.get("delayMs")), errorMessage: form.get("errorMessage"),
      never: form.has("never"), twice: form.has("twice"), malformed: form.get("malformed"),
    });
    faults.render(wire.faults);
  });
  $("[data-sim-fault-clear]").addEventListener("click", () => { wire.faults.clear(); faults.render(wire.faults); });
  faults.render(wire.faults);

  const deliver = $("[data-sim-deliver]");
  for (const campaign of service.campaigns.values()) {
    if (campaign.status !== "Active") continue; // a loaded campaign hands out nothing
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.simDeliverCampaign = campaign.name;
    button.textContent = `${campaign.name} (${campaign.mode})`;
    button.addEventListener("click", () => {
      if (!service.pushRecord(campaign.name)) log.add({ kind: "note", text: `no record left in ${campaign.name}` });
    });
    deliver.append(button);
  }

  // The sidebar: the custom view and our own API panel, both real clients of the wire.
  for (const tab of document.querySelectorAll("[data-sim-tab]")) {
    tab.addEventListener("click", () => {
      // The console boots its own Python: only when first opened.
      if (tab.dataset.simTab === "console" && !frames.console.src) frames.console.src = frameUrl(CONSOLE);
      for (const other of document.querySelectorAll("[data-sim-tab]")) {
        const selected = other === tab;
        other.setAttribute("aria-selected", String(selected));
        frames[other.dataset.simTab].hidden = !selected;
      }
    });
  }
  render();
  window.wweSim = {
    scenario, service, desktop, wire, log, contract: CONTRACT,
    /** The agent presses Done (WWE's Mark Done): {sent} (what OCS got) or {refused} (the views' warnings). */
    markDone: (interactionId) => desktop.markDone(interactionId),
    /** The call is released (the agent's or the customer's hang up): IDLE. */
    hangUp: (interactionId) => service.hangUp(interactionId),
    hold: (interactionId) => service.hold(interactionId),
    resume: (interactionId) => service.resume(interactionId),
    /** Move an interaction to any documented state (or an undocumented one, to test a view's tolerance). */
    setState: (interactionId, state) => service.setState(service.interactions.get(String(interactionId)), state),
    /** Set WWE options for this session ({"privilege.outbound.can-reschedule": false, "Section/x": "y"}; null removes). */
    setOptions: (options) => { for (const [key, value] of Object.entries(options)) desktop.setOption(key, value); },
    /** What mark done sent to OCS, in order. */
    sentToOcs: () => structuredClone(service.sentToOcs),
    /** The warnings of the views blocking mark done on an interaction. */
    blocks: (interactionId) => desktop.blockMessages(interactionId),
    setFault: (method, fault) => { wire.setFault(method, fault); faults.render(wire.faults); },
    setAcceptedOrigins: (text) => { wire.setAcceptedOrigins(text); originsInput.value = wire.acceptedText; },
    setRateLimit: (limit, quarantineDelayS = 30) => {
      wire.setRateLimit(limit, quarantineDelayS);
      rateInput.value = String(wire.rateLimit);
      quarantineInput.value = String(wire.quarantineDelayS);
    },
    deliver: (campaignName) => service.pushRecord(campaignName)?.interactionId ?? null,
    /** Deliver these records (one chain) through a campaign; returns the new interaction's ID. */
    deliverRecords: (campaignName, records) => service.pushRecord(campaignName, service.addChain(campaignName, records)).interactionId,
    /** The host's state of an interaction's record, as plain data (null if unknown). */
    record: (interactionId) => {
      const interaction = service.interactions.get(String(interactionId));
      if (!interaction) return null;
      return {
        interactionId: interaction.interactionId, state: interaction.state, campaignName: interaction.campaignName,
        fields: service.fieldsOf(interaction), callResult: service.getCallResult(interaction.interactionId).data,
        doNotCall: interaction.doNotCall, schedule: interaction.schedule,
        records: structuredClone(interaction.chain.records), recordHandle: interaction.recordHandle,
      };
    },
    frames,
  };
  frames.view.src = frameUrl(urlParam("view") ?? DEFAULT_VIEW);
  frames.panel.src = frameUrl(PANEL);
  document.documentElement.dataset.simState = "ready";
}

start().catch((error) => {
  showError(error.message);
  console.error(error);
});
