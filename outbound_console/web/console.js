/**
 * The Python console page's keyboard and output: a REPL over outbound_console.session,
 * started by the page's Python (console.py) once the view loader has booted.
 *
 * Everything shown is text (text nodes in a <pre>), whatever a script prints or
 * WWE returns. History lives in localStorage (bounded); Tab completes; Ctrl+C
 * or Stop interrupts a running command; Ctrl+L clears.
 */
export const HISTORY_KEY = "wwe-outbound-console:history";
export const HISTORY_OFF_KEY = "wwe-outbound-console:history-off";
// History may hold customer data (phone numbers typed into commands): bounded in
// entries and size, clearable, and off for good with the toolbar's checkbox (or for
// a deployment, <html data-console-history="off">).
export const HISTORY_MAX = 200;
export const ENTRY_MAX_CHARS = 4000; // a longer paste is run, not remembered

const $ = (id) => document.getElementById(id);
const output = $("c-output");
const input = $("c-input");
const prompt = $("c-prompt");
const state = $("c-state");

function write(kind, text) {
  const span = document.createElement("span");
  span.className = kind;
  span.textContent = text.endsWith("\n") || kind === "stdout" || kind === "stderr" ? text : text + "\n";
  output.append(span);
  output.scrollTop = output.scrollHeight;
}

function historyOff() {
  if (document.documentElement.dataset.consoleHistory === "off") return true;
  try {
    return localStorage.getItem(HISTORY_OFF_KEY) === "1";
  } catch {
    return false;
  }
}

function loadHistory() {
  if (historyOff()) return [];
  try {
    const items = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? "[]");
    return Array.isArray(items) ? items.filter((x) => typeof x === "string").slice(-HISTORY_MAX) : [];
  } catch {
    return [];
  }
}

const history = loadHistory();
let historyIndex = history.length;
let draft = "";

function store() {
  try {
    if (historyOff()) localStorage.removeItem(HISTORY_KEY);
    else localStorage.setItem(HISTORY_KEY, JSON.stringify(history));
  } catch {
    // full or disabled storage: history stays for this page only
  }
}

function remember(entry) {
  if (!entry.trim() || history.at(-1) === entry || entry.length > ENTRY_MAX_CHARS) return;
  history.push(entry);
  if (history.length > HISTORY_MAX) history.splice(0, history.length - HISTORY_MAX);
  store();
}

/** Forget every entry, here and in localStorage. */
function clearHistory() {
  history.splice(0, history.length);
  historyIndex = 0;
  draft = "";
  store();
  write("info", "History cleared.");
}

/** Keep history across visits (on), or only while the page is open (off: nothing stored). */
function keepHistory(on) {
  try {
    if (on) localStorage.removeItem(HISTORY_OFF_KEY);
    else localStorage.setItem(HISTORY_OFF_KEY, "1");
  } catch {
    // storage disabled: nothing is stored anyway
  }
  store();
}

function setInput(text) {
  input.value = text;
  input.rows = Math.min(12, text.split("\n").length);
  input.setSelectionRange(text.length, text.length);
}

let session;
let busy = false;
let continuing = false;

function setBusy(value) {
  busy = value;
  $("c-stop").disabled = !value;
  state.textContent = value ? "Running… (Ctrl+C or Stop to interrupt)" : "";
  document.documentElement.dataset.consoleBusy = String(value);
}

async function runInput(text) {
  const lines = text.split("\n");
  remember(text);
  historyIndex = history.length;
  setInput("");
  hideCompletions();
  write("input", lines.map((line, i) => `${i === 0 && !continuing ? ">>>" : "..."} ${line}`).join("\n"));
  setBusy(true);
  try {
    if (lines.length > 1 && !continuing) {
      // A pasted block runs as a whole script, like a file.
      await session.run_script(text, "<input>");
      continuing = false;
    } else {
      continuing = (await session.push(text)) === "incomplete";
    }
  } finally {
    setBusy(false);
    prompt.textContent = continuing ? "..." : ">>>";
    document.documentElement.dataset.consoleRuns = String(Number(document.documentElement.dataset.consoleRuns ?? 0) + 1);
  }
}

const completions = $("c-completions");
function hideCompletions() {
  completions.hidden = true;
  completions.replaceChildren();
}

function complete() {
  const before = input.value.slice(0, input.selectionStart);
  const [matches, start] = session.complete(before).toJs();
  if (matches.length === 0) return;
  let common = matches[0];
  for (const m of matches) while (!m.startsWith(common)) common = common.slice(0, -1);
  const after = input.value.slice(input.selectionStart);
  const replaced = before.slice(0, start) + common;
  input.value = replaced + after;
  input.setSelectionRange(replaced.length, replaced.length);
  if (matches.length > 1) {
    completions.replaceChildren(...matches.map((m) => Object.assign(document.createElement("li"), { textContent: m })));
    completions.hidden = false;
  } else {
    hideCompletions();
  }
}

function interrupt() {
  if (busy) {
    session.interrupt();
  } else {
    session.reset();
    continuing = false;
    prompt.textContent = ">>>";
    write("info", `${input.value ? ">>> " + input.value + "\n" : ""}KeyboardInterrupt`);
    setInput("");
  }
}

function onKey(event) {
  const firstLine = !input.value.slice(0, input.selectionStart).includes("\n");
  const lastLine = !input.value.slice(input.selectionEnd).includes("\n");
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    if (!busy) runInput(input.value);
  } else if (event.key === "Tab" && !event.shiftKey && input.value.slice(0, input.selectionStart).trim()) {
    event.preventDefault();
    complete();
  } else if (event.key === "Tab" && !event.shiftKey) {
    event.preventDefault();
    const at = input.selectionStart;
    input.setRangeText("    ", at, at, "end");
  } else if (event.key === "ArrowUp" && firstLine && history.length) {
    event.preventDefault();
    if (historyIndex === history.length) draft = input.value;
    historyIndex = Math.max(0, historyIndex - 1);
    setInput(history[historyIndex]);
  } else if (event.key === "ArrowDown" && lastLine && historyIndex < history.length) {
    event.preventDefault();
    historyIndex += 1;
    setInput(historyIndex === history.length ? draft : history[historyIndex]);
  } else if (event.key === "c" && event.ctrlKey && input.selectionStart === input.selectionEnd) {
    event.preventDefault(); // with a selection, Ctrl+C copies
    interrupt();
  } else if (event.key === "l" && event.ctrlKey) {
    event.preventDefault();
    output.replaceChildren();
  } else if (event.key === "Escape") {
    hideCompletions();
  }
}

async function runFile(file) {
  const text = await file.text();
  write("input", `# running ${file.name} (${text.split("\n").length} lines)`);
  setBusy(true);
  try {
    await session.run_script(text, file.name);
  } finally {
    setBusy(false);
    document.documentElement.dataset.consoleRuns = String(Number(document.documentElement.dataset.consoleRuns ?? 0) + 1);
  }
}

/** Called by console.py, the page's Python, with the interpreter booted and bridge imported. */
async function start() {
  const pyodide = window.pyodide;
  const { ConsoleSession } = pyodide.pyimport("outbound_console.session");
  const bridge = pyodide.pyimport("bridge");
  session = ConsoleSession(write);
  window.consoleSession = session;
  $("boot").hidden = true;
  $("console").hidden = false;
  const python = pyodide.runPython("import sys; sys.version.split()[0]");
  const service = window.bridgeBoot.service;
  write("info", [
    `Python ${python}, bridge ${bridge.__version__}` +
      (service.client === "none" ? ` — not connected to WWE (${service.problem})` : ` — connected to WWE (${service.origin ?? service.client})`),
    "`outbound` is WWE's outbound service: `await outbound.get_campaigns()`; `interaction`, `configuration`, " +
      "`system`, `agent`, `messenger`... are WWE's other namespaces. The bridge's types are imported.",
    "cheatsheet() lists the 17 outbound methods and the other namespaces (cheatsheet('interaction'): one); " +
      "help(outbound) explains one; micropip installs wheels the site serves.",
    "Enter runs · Shift+Enter new line · Tab completes · Up/Down history · Ctrl+C stops · Ctrl+L clears",
  ].join("\n"));
  await session.push("import micropip");
  $("c-stop").addEventListener("click", () => session.interrupt());
  $("c-clear").addEventListener("click", () => output.replaceChildren());
  $("c-clear-history").addEventListener("click", clearHistory);
  const keep = $("c-keep-history");
  keep.checked = !historyOff();
  keep.disabled = document.documentElement.dataset.consoleHistory === "off";
  keep.addEventListener("change", () => keepHistory(keep.checked));
  $("c-file").addEventListener("change", (event) => {
    const [file] = event.target.files;
    if (file && !busy) runFile(file);
    event.target.value = "";
  });
  input.addEventListener("keydown", onKey);
  input.addEventListener("input", () => { input.rows = Math.min(12, input.value.split("\n").length); });
  input.focus();
  document.documentElement.dataset.consoleState = "ready";
}

window.wweConsole = {
  start: () => start().catch((err) => {
    document.documentElement.dataset.consoleState = "error";
    throw err;
  }),
};
