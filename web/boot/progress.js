/**
 * The boot progress view: a progress bar and one line per stage with its time.
 * Text only: messages (which can quote server errors) are set with textContent.
 */
import { STAGES } from "./boot.js";

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

function formatBytes(n) {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.round(n / 1024)} kB`;
}

/**
 * Render the stage list into `container` and return the callbacks for boot().
 * @param {HTMLElement} container an element holding [data-boot-progress], [data-boot-stages], [data-boot-error]
 */
export function progressView(container) {
  const bar = container.querySelector("[data-boot-progress]");
  const list = container.querySelector("[data-boot-stages]");
  const errorBox = container.querySelector("[data-boot-error]");
  const rows = new Map();
  for (const stage of STAGES) {
    const time = el("span", { className: "boot-time" });
    const row = el("li", { className: "boot-stage" }, el("span", { className: "boot-label", textContent: stage.label }), " ", time);
    row.dataset.stage = stage.id;
    row.dataset.status = "pending";
    rows.set(stage.id, { row, time });
    list.append(row);
  }
  const index = (id) => STAGES.findIndex((s) => s.id === id);
  const setBar = (id, fraction) => {
    bar.value = Math.round(((index(id) + fraction) / STAGES.length) * 100);
  };
  return {
    onStage(id, status, info) {
      const { row, time } = rows.get(id);
      row.dataset.status = status;
      if (status === "active") setBar(id, 0);
      if (status === "done") {
        time.textContent = `${Math.round(info.ms)} ms`;
        setBar(id, 1);
      }
      if (status === "error") {
        time.textContent = "failed";
        errorBox.textContent = `Could not start (${rows.get(id).row.firstChild.textContent}): ${info.error.message}`;
        errorBox.hidden = false;
      }
    },
    onProgress(id, fraction, detail) {
      setBar(id, fraction);
      if (detail?.total) rows.get(id).time.textContent = `${formatBytes(detail.loaded)} / ${formatBytes(detail.total)}`;
    },
  };
}
