/**
 * A small custom view that calls each outbound method through
 * `genesys.wwe.service` (the classic client loaded by panel.html), for a person
 * clicking through the API while watching the simulator's message log.
 */

const PARAMETERS = {
  getCampaigns: [],
  getPreviewRecord: [["campaignName", "text", "Outbound Campaign Custom"]],
  callPreviewRecord: [["interactionId", "text", ""], ["recordHandle", "number", ""]],
  rejectPreviewRecord: [["interactionId", "text", ""]],
  cancelPreviewRecord: [["interactionId", "text", ""]],
  startDirectPushPreview: [],
  stopDirectPushPreview: [],
  getListOfCallResults: [],
  setCallResult: [["interactionId", "text", "1"], ["callResult", "number", "6"]],
  getCallResult: [["interactionId", "text", "1"]],
  setDoNotCall: [["interactionId", "text", "1"]],
  removeDoNotCall: [["interactionId", "text", "1"]],
  rescheduleRecord: [["interactionId", "text", "1"], ["recordHandle", "number", "283"],
    ["rescheduleDate", "text", "05/27/2030 10:55"], ["callbackType", "text", "PERSONAL"]],
  cancelReschedule: [["interactionId", "text", "1"]],
  getChainedRecords: [["interactionId", "text", "1"]],
  getRecordFields: [["interactionId", "text", "1"]],
  updateRecordFields: [["interactionId", "text", "1"], ["recordData", "json", '{"GSW_CUSTOM_STRING": "Updated from the panel"}']],
};

/** A number when the text is one (so a person can also send a bad one), else the text. */
function readValue(kind, text) {
  if (kind === "number") return text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
  if (kind === "json") return JSON.parse(text);
  return text;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function methodRow(service, method, params) {
  const inputs = params.map(([name, kind, value]) =>
    kind === "json"
      ? el("textarea", { name, rows: "2", "aria-label": name, dataset: { kind } })
      : el("input", { name, "aria-label": name, placeholder: name, dataset: { kind } }));
  inputs.forEach((input, i) => { input.value = params[i][2]; });
  const output = el("pre", { class: "panel-output", dataset: { output: method } });
  const button = el("button", { type: "button", text: method, dataset: { call: method } });
  button.addEventListener("click", () => {
    let args;
    try {
      args = inputs.map((input) => readValue(input.dataset.kind, input.value));
    } catch (error) {
      output.dataset.status = "invalid";
      output.textContent = `not sent: ${error.message}`;
      return;
    }
    output.dataset.status = "pending";
    output.textContent = "…";
    const started = performance.now();
    const show = (status) => (answer) => {
      output.dataset.status = status;
      output.textContent = `${status} in ${Math.round(performance.now() - started)} ms\n${JSON.stringify(answer, null, 2)}`;
    };
    service.outbound[method](...args, show("succeeded"), show("failed"));
  });
  return el("div", { class: "panel-method", dataset: { method } }, button, ...inputs, output);
}

const service = window.genesys?.wwe?.service;
if (!service) {
  const box = document.querySelector("[data-panel-error]");
  box.textContent = window.wweServiceProblem
    ? `Not connected to WWE: ${window.wweServiceProblem}`
    : "genesys.wwe.service is missing: this panel must be framed by the simulator (index.html).";
  box.hidden = false;
  document.documentElement.dataset.panelState = "error";
} else {
  const container = document.querySelector("[data-panel-methods]");
  for (const [method, params] of Object.entries(PARAMETERS)) container.append(methodRow(service, method, params));
  const events = document.querySelector("[data-panel-events]");
  service.subscribe(["outbound", "interaction"], (message) => {
    events.prepend(el("li", { text: `${message.event} ${message.data?.eventType ?? ""}: ${JSON.stringify(message.data)}` }));
  });
  document.documentElement.dataset.panelState = "ready";
}
