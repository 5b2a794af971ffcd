/**
 * The simulator's panels. Everything shown comes from views or scenarios, so it
 * is written with textContent only (never innerHTML).
 */

const MAX_LOG_ITEMS = 500;
// How often new log rows reach the page (a timer, not requestAnimationFrame: a
// pending frame callback makes the browser favour rendering over the views' tasks).
const LOG_FLUSH_MS = 100;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function summary(entry) {
  const message = entry.message ?? {};
  switch (entry.kind) {
    case "request":
      return message.request ?? `${message.event} ${JSON.stringify(message.data)}`;
    case "response": {
      const name = message.request ?? (message.subscriptionId ? "subscribed" : "answer");
      return "errorMessage" in message ? `${name} failed: ${message.errorMessage}` : name;
    }
    case "event":
      return `${message.event} ${message.data?.eventType ?? ""}`.trim();
    case "markdone":
    case "ocs":
      return entry.text ?? "";
    case "refused":
      return `${message.request ?? message.event ?? "message"} not answered: ${entry.text}`;
    default:
      return entry.text ?? "";
  }
}

/**
 * The message log: every request, response and event with its time since the
 * simulator started and, for an answer, how long after its request it left.
 */
export function logView(list, startedAt) {
  const entries = [];
  const requestTimes = new Map(); // referenceId -> time
  // Rows are added in batches, not per message: under a flood of calls the
  // log must not turn every message into a layout of a long list.
  let pending = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const rows = pending.slice(-MAX_LOG_ITEMS).reverse().map(row);
    pending = [];
    list.prepend(...rows);
    while (list.childElementCount > MAX_LOG_ITEMS) list.lastElementChild.remove();
  };
  const row = (record) => {
    const timing = `+${(record.t / 1000).toFixed(3)} s` + (record.afterMs !== undefined ? ` (${Math.round(record.afterMs)} ms)` : "");
    const item = el("li", { class: `log-${record.kind}`, dataset: { kind: record.kind } },
      el("span", { class: "log-time", text: timing }),
      el("span", { class: "log-kind", text: record.kind }),
      record.origin ? el("span", { class: "log-origin", text: record.origin }) : null,
      el("span", { class: "log-summary", text: summary(record) }),
    );
    if (record.message) {
      item.append(el("details", {}, el("summary", { text: "message" }), el("pre", { text: JSON.stringify(record.message, null, 2) })));
    }
    return item;
  };
  return {
    entries,
    add(entry) {
      const t = performance.now() - startedAt;
      const record = { ...entry, t, seq: entries.length };
      const ref = entry.message?.referenceId;
      if (entry.kind === "request" && ref !== undefined) requestTimes.set(`${entry.origin}\0${ref}`, t);
      if (entry.kind === "response" && ref !== undefined) {
        const asked = requestTimes.get(`${entry.origin}\0${ref}`);
        if (asked !== undefined) record.afterMs = t - asked;
        requestTimes.delete(`${entry.origin}\0${ref}`);
      }
      entries.push(record);
      pending.push(record);
      if (pending.length > MAX_LOG_ITEMS) pending = pending.slice(-MAX_LOG_ITEMS);
      if (!scheduled) {
        scheduled = true;
        setTimeout(flush, LOG_FLUSH_MS);
      }
    },
    clear() {
      entries.length = 0;
      pending = [];
      list.replaceChildren();
    },
  };
}

/**
 * The interaction list, with the agent's call controls as WWE has them: Hold /
 * Resume and Release for a live call, Done (WWE's Mark Done) once it is released.
 * A mark done a view blocks shows the views' warnings, as WWE shows them.
 */
export function interactionsView(list, { onDone, onHangUp, onHold, onResume }) {
  const button = (label, action, id, name) => {
    const node = el("button", { type: "button", text: label, dataset: { simAction: name } });
    node.addEventListener("click", () => action(id));
    return node;
  };
  return {
    render(interactions) {
      list.replaceChildren(...interactions.map((i) => {
        const record = i.userData ?? {};
        const facts = [
          i.campaignName,
          `${i.state}`,
          `record ${record.GSW_RECORD_HANDLE} · ${record.GSW_PHONE ?? ""}`,
          i.doNotCall ? "Do Not Call" : null,
          i.callResult !== undefined ? `call result ${i.callResult}` : null,
          i.schedule ? `callback ${i.schedule.date} (${i.schedule.callbackType})` : null,
          i.blocks?.length ? "Done blocked by a view" : null,
        ].filter(Boolean);
        const item = el("li", { dataset: { interactionId: i.interactionId, state: i.state } },
          el("strong", { text: i.interactionId }),
          el("span", { class: "facts", text: facts.join(" · ") }));
        if (i.state === "TALKING") item.append(button("Hold", onHold, i.interactionId, "hold"));
        if (i.state === "HELD") item.append(button("Resume", onResume, i.interactionId, "resume"));
        if (["DIALING", "TALKING", "HELD"].includes(i.state)) item.append(button("Release", onHangUp, i.interactionId, "release"));
        if (i.state === "IDLE") item.append(button("Done", onDone, i.interactionId, "done"));
        if (i.refusal?.length && i.state !== "COMPLETED") {
          item.append(el("p", { class: "sim-refusal", role: "alert", dataset: { simRefusal: i.interactionId },
            text: `Mark done refused: ${i.refusal.join(" ")}` }));
        }
        return item;
      }));
    },
  };
}

/** The toasts views popped up (system.popupToast), each dismissable as WWE's are. */
export function toastsView(list, onClose) {
  return {
    render(toasts) {
      list.replaceChildren(...[...toasts].map(([id, toast]) => {
        const close = el("button", { type: "button", text: "Dismiss" });
        close.addEventListener("click", () => onClose(id));
        return el("li", { dataset: { toastId: id }, role: "status" },
          el("strong", { text: String(toast.title ?? toast.subject ?? "") }),
          el("span", { text: ` ${String(toast.message ?? "")} ` }), close);
      }));
    },
  };
}

/** The active faults, each removable. */
export function faultsView(list, onRemove) {
  return {
    render(faults) {
      list.replaceChildren(...[...faults].map(([method, fault]) => {
        const remove = el("button", { type: "button", text: "remove" });
        remove.addEventListener("click", () => onRemove(method));
        return el("li", { dataset: { method } }, el("code", { text: method }), el("span", { text: ` ${JSON.stringify(fault)} ` }), remove);
      }));
    },
  };
}
