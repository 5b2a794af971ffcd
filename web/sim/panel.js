/**
 * A small custom view that calls each method of every namespace (from the contract) through
 * `genesys.wwe.service` (the classic client loaded by panel.html), for a person
 * clicking through the API while watching the simulator's message log.
 */

import { CONTRACT } from "../client/service-client.js";

/** Each method by its name (outbound's bare, the others' qualified) with its parameters and an example of each. */
const PARAMETERS = Object.fromEntries(Object.entries(CONTRACT.namespaces).flatMap(([namespace, spec]) =>
  Object.entries(spec.methods).map(([method, m]) => [
    namespace === "outbound" ? method : `${namespace}.${method}`,
    m.params.map((p) => [p.name, p.kind, p.example ?? ""]),
  ])));

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
    const [namespace, name] = method.includes(".") ? method.split(".", 2) : ["outbound", method];
    service[namespace][name](...args, show("succeeded"), show("failed"));
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
  for (const [namespace, spec] of Object.entries(CONTRACT.namespaces)) {
    const group = el("details", { dataset: { namespace }, ...(namespace === "outbound" ? { open: "" } : {}) },
      el("summary", { text: `${namespace}: ${spec.summary}` }));
    for (const method of Object.keys(spec.methods)) {
      const name = namespace === "outbound" ? method : `${namespace}.${method}`;
      group.append(methodRow(service, name, PARAMETERS[name]));
    }
    container.append(group);
  }
  const events = document.querySelector("[data-panel-events]");
  service.subscribe([...CONTRACT.events.names], (message) => {
    events.prepend(el("li", { text: `${message.event} ${message.data?.eventType ?? ""}: ${JSON.stringify(message.data)}` }));
  });
  document.documentElement.dataset.panelState = "ready";
}
