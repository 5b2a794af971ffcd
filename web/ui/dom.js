/**
 * The DOM layer of every Python view (our widget and console, an integrator's
 * `bridge.ui` view): renders element trees made by Python (bridge/tree.py),
 * applies small patches, and reports DOM events back to Python as plain data.
 *
 * Trees are data, not markup: a string is always a text node, elements are made
 * with createElement, and attributes go through an allow-list (no event handler
 * attributes, no style, no URLs except in-page "#id" links). So no value from
 * WWE can become HTML or script, whatever it contains.
 */

const TAGS = new Set([
  "a", "button", "div", "form", "h2", "h3", "input", "label", "li", "ol", "option", "output", "p", "section",
  "select", "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul", "code", "small", "em",
  // for integrators' views (bridge.ui): text and structure only (no img, media, frames, script or style)
  "h1", "h4", "pre", "textarea", "fieldset", "legend", "header", "footer", "nav", "article", "aside",
  "details", "summary", "dl", "dt", "dd", "caption", "br", "hr", "b", "i", "abbr", "time", "kbd", "mark",
  "meter", "progress", "optgroup", "tfoot",
]);
const ATTRIBUTE = /^(id|class|name|type|value|for|role|title|placeholder|inputmode|autocomplete|spellcheck|step|min|max|maxlength|minlength|pattern|scope|tabindex|hidden|disabled|readonly|required|checked|selected|multiple|size|rows|cols|open|colspan|rowspan|datetime|low|high|lang|dir|label|novalidate|href|(aria|data)-[a-z-]+)$/;

// The document's own methods, taken before any tree is drawn: an element named
// "getElementById" (<form name=…>) would otherwise shadow document.getElementById.
const byId = Document.prototype.getElementById.bind(document);
const createElement = Document.prototype.createElement.bind(document);
const createTextNode = Document.prototype.createTextNode.bind(document);

function setAttribute(el, name, value) {
  if (!ATTRIBUTE.test(name)) throw new Error(`attribute ${name} is not allowed in element trees`);
  // DOM clobbering: a form's name becomes a property of the document (of the allowed
  // elements only a form's does), so <form name="getElementById"> would shadow it
  if (name === "name" && el.tagName === "FORM" && String(value) in document) {
    throw new Error(`a form named "${value}" is not allowed: it would shadow document.${value}`);
  }
  if (name === "href" && !/^#[A-Za-z0-9_-]*$/.test(value)) throw new Error("only in-page links are allowed");
  el.setAttribute(name, value);
}

/** Build DOM nodes from a tree: [tag, {attrs}, ...children] or a string (text). */
export function build(tree) {
  if (typeof tree === "string") return createTextNode(tree);
  const [tag, attrs, ...children] = tree;
  if (tag === STAMP) return buildStamp(children[0], children[1]);
  if (!TAGS.has(tag)) throw new Error(`element ${tag} is not allowed in element trees`);
  const el = createElement(tag);
  for (const [name, value] of Object.entries(attrs)) setAttribute(el, name, value);
  for (const child of children) el.append(build(child));
  return el;
}

/*
 * Stamps (bridge/tree.py): ["#stamp", {}, templates, [[template, values], ...]].
 * Each template is built once, with its slots recorded; each row is a clone of it
 * with the row's values put in the slots. Values are only ever text, attribute
 * values or whole trees: a value is never scanned for slots itself.
 */
const STAMP = "#stamp";
const SLOT = /\x01(\d+)\x02/g;
const WHOLE_SLOT = /^\x01(\d+)\x02$/;

function compileTemplate(tree) {
  const root = build(tree);
  const slots = [];
  const visit = (node, path) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.data;
      if (text.startsWith("\x03")) slots.push({ path, kind: "children", index: Number(text.slice(1)) });
      else if (text.includes("\x01")) slots.push({ path, kind: "text", text });
      return;
    }
    for (const attr of node.attributes) {
      if (!attr.value.includes("\x01")) continue;
      const whole = WHOLE_SLOT.exec(attr.value);
      slots.push({ path, kind: "attr", name: attr.name, text: attr.value, index: whole ? Number(whole[1]) : -1 });
    }
    node.childNodes.forEach((child, i) => visit(child, [...path, i]));
  };
  visit(root, []);
  return { root, slots };
}

function fill(text, values) {
  return text.replace(SLOT, (_, n) => String(values[Number(n)]));
}

function buildStamp(templates, rows) {
  const compiled = templates.map(compileTemplate);
  const fragment = document.createDocumentFragment();
  for (const [which, values] of rows) {
    const { root, slots } = compiled[which];
    const copy = root.cloneNode(true);
    // Resolve every slot's node before changing any (children slots move nodes).
    const nodes = slots.map((s) => s.path.reduce((node, i) => node.childNodes[i], copy));
    slots.forEach((s, i) => {
      const node = nodes[i];
      if (s.kind === "text") node.data = fill(s.text, values);
      else if (s.kind === "children") node.replaceWith(...values[s.index].map(build));
      else if (s.index >= 0 && (values[s.index] === null || values[s.index] === false)) node.removeAttribute(s.name);
      else setAttribute(node, s.name, s.index >= 0 ? (values[s.index] === true ? "" : String(values[s.index])) : fill(s.text, values));
    });
    fragment.append(copy);
  }
  return fragment;
}

/**
 * Replace the children of #id with a list of trees (bridge.ui's `Page.render`; the
 * record widget's slots too). If the agent was in a control there, the control of
 * the same id in the new trees gets the focus back, with the caret where it was: a
 * section redrawn after an action must not take the keyboard away (keystrokes would
 * go nowhere).
 */
export function renderChildren(id, childrenJson) {
  const target = byId(id);
  if (!target) throw new Error(`there is no element with id "${id}" in the page`);
  const children = JSON.parse(childrenJson);
  if (!Array.isArray(children)) throw new Error("renderChildren takes a list of trees");
  const active = document.activeElement;
  const focused = active && active !== document.body && target.contains(active) && active.id ? active : null;
  const caret = focused && typeof focused.selectionStart === "number"
    ? [focused.selectionStart, focused.selectionEnd, focused.selectionDirection] : null;
  target.replaceChildren(...children.map(build));
  if (!focused) return;
  const again = byId(focused.id);
  if (!again || again.disabled) return;
  again.focus({ preventScroll: true });
  if (caret && typeof again.setSelectionRange === "function") {
    try { again.setSelectionRange(...caret); } catch { /* not a text control any more */ }
  }
}

/**
 * Apply patches: [op, id, ...args]; an element that is gone is skipped.
 * A patch that changes nothing touches nothing: setting the same text replaces
 * the text node and makes the browser lay the row out again, and in a form of
 * thousands of rows that costs milliseconds per keystroke.
 */
export function patch(opsJson) {
  for (const [op, id, a, b] of JSON.parse(opsJson)) {
    const el = byId(id);
    if (!el) continue;
    switch (op) {
      case "text": if (el.textContent !== a) el.textContent = a; break;
      case "attr":
        if (a === null || b === null) { if (el.hasAttribute(a ?? "")) el.removeAttribute(a ?? ""); }
        else if (el.getAttribute(a) !== b) setAttribute(el, a, b);
        break;
      case "hidden": if (el.hidden !== a) el.hidden = a; break;
      case "class": el.classList.toggle(a, b); break;
      case "value": if (el.value !== a) el.value = a; break;
      case "checked": if (el.checked !== a) el.checked = a; break;
      case "disabled":
        if (el.disabled !== a) {
          // A control disabled under the keyboard's focus would drop it to the page:
          // the area's status line (focusable, role=status) takes it instead.
          const refocus = a && el === document.activeElement;
          el.disabled = a;
          if (refocus) el.closest("form, section")?.querySelector("[role=status]")?.focus({ preventScroll: true });
        }
        break;
      case "focus": el.focus(); break;
      case "replace": {
        const focused = el === document.activeElement;
        el.replaceWith(build(a));
        if (focused) byId(id)?.focus({ preventScroll: true }); // a status line keeps the focus
        break;
      }
      default: throw new Error(`unknown patch ${op}`);
    }
  }
}


/** A UTC instant (ms) as the agent's local "MM/DD/YYYY HH:MM", and the agent's zone name. */
export function localTime(utcMs) {
  const d = new Date(utcMs);
  const two = (n) => String(n).padStart(2, "0");
  const text = `${two(d.getMonth() + 1)}/${two(d.getDate())}/${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}`;
  return [text, Intl.DateTimeFormat().resolvedOptions().timeZone ?? "local time"];
}

/**
 * Hold the Web Lock `name` (shared by every page of this site in the browser: two views
 * of the same record saving at once) until the returned function is called; resolves
 * null when another page holds it for `timeoutMs`. A page that goes away releases what
 * it holds. Without Web Locks (an insecure context) there is nothing to share it with:
 * a no-op release at once.
 */
export function lock(name, timeoutMs) {
  if (!globalThis.navigator?.locks) return Promise.resolve(() => {});
  return new Promise((resolve, reject) => {
    const signal = AbortSignal.timeout(timeoutMs);
    navigator.locks.request(name, { signal }, () => new Promise((release) => resolve(release)))
      .catch((error) => (signal.aborted ? resolve(null) : reject(error)));
  });
}

/** A `lock` nobody waits for any more (its waiter was cancelled): released once granted. */
export function abandon(locking) {
  locking.then((release) => release?.(), () => {});
}

/**
 * The values of the controls in a clicked button's section, so that an action
 * carries what the agent entered with it (the page is never read back later,
 * when it may show another interaction). The record form is not a section: its
 * values travel with each edit.
 */
function sectionValues(el) {
  const section = el.closest("section");
  if (!section) return null;
  const values = {};
  for (const control of section.querySelectorAll("input[id], select[id]")) {
    values[control.id] = control.type === "checkbox" ? String(control.checked) : control.value;
  }
  return values;
}

function describe(event) {
  const el = event.target instanceof Element ? (event.type === "click" ? event.target.closest("[data-action]") : event.target) : null;
  if (!el) return null;
  return {
    values: event.type === "click" ? sectionValues(el) : null,
    // which interaction the element was drawn for (an event may arrive after a switch)
    interaction: el.closest("[data-interaction]")?.dataset.interaction ?? null,
    type: event.type === "focusout" ? "blur" : event.type,
    id: el.id || null,
    action: el.dataset.action ?? null,
    field: el.dataset.field ?? null,
    area: el.dataset.area ?? null,
    handle: el.dataset.handle ?? null,
    value: "value" in el ? String(el.value) : null,
    checkbox: el.type === "checkbox",
    checked: el.type === "checkbox" ? el.checked : null,
    bad: el.validity?.badInput === true,
  };
}

/**
 * Send the root's DOM events to `handler(json)` (one persistent Python callback).
 * Enter in a field never submits anything; links with data-action stay in page.
 */
export function listen(rootId, handler) {
  const root = byId(rootId);
  const send = (event) => {
    const payload = describe(event);
    if (payload) handler(JSON.stringify(payload));
  };
  root.addEventListener("submit", (event) => event.preventDefault());
  root.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target instanceof HTMLInputElement) event.preventDefault();
  });
  root.addEventListener("click", (event) => {
    const el = event.target instanceof Element ? event.target.closest("[data-action]") : null;
    if (!el || el.tagName === "SELECT") return;
    if (el.tagName === "A") event.preventDefault();
    send(event);
  });
  for (const type of ["input", "change", "focusout"]) root.addEventListener(type, send);
}

// -- bridge.ui: events by CSS selector ------------------------------------------------------

/** Event type -> [{selector, handlerId, dispatch}], one document listener per type. */
const delegated = new Map();

/** The values of the controls with an id in the element's form or section (as sectionValues). */
function formValues(el) {
  const scope = el.closest("form, section");
  const values = {};
  if (!scope) return values;
  for (const control of scope.querySelectorAll("input[id], select[id], textarea[id]")) {
    values[control.id] = control.type === "checkbox" || control.type === "radio" ? String(control.checked) : control.value;
  }
  return values;
}

function onDelegated(event) {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  for (const { selector, handlerId, dispatch } of delegated.get(event.type) ?? []) {
    const el = target.closest(selector);
    if (!el) continue;
    if (event.type === "submit") event.preventDefault(); // a view's form never navigates away
    const checkable = el.type === "checkbox" || el.type === "radio";
    dispatch(handlerId, JSON.stringify({
      type: event.type,
      id: el.id || null,
      value: "value" in el && el.value !== undefined ? String(el.value) : null,
      checked: checkable ? el.checked : null,
      data: { ...el.dataset },
      values: formValues(el),
      key: typeof event.key === "string" ? event.key : null,
    }));
  }
}

/**
 * Call `dispatch(handlerId, eventJson)` (a persistent Python proxy) for each `type`
 * event on an element matching `selector`, or inside one, now or added later.
 * A selector the browser cannot parse throws here, when the handler is registered.
 */
export function when(type, selector, handlerId, dispatch) {
  document.createDocumentFragment().querySelector(selector); // throws a SyntaxError for a bad selector
  let handlers = delegated.get(type);
  if (!handlers) {
    handlers = [];
    delegated.set(type, handlers);
    document.addEventListener(type, onDelegated);
  }
  handlers.push({ selector, handlerId, dispatch });
}

/** The page URL's query as JSON: {name: first value}. */
export function queryJSON() {
  const out = {};
  for (const [name, value] of new URLSearchParams(location.search)) if (!(name in out)) out[name] = value;
  return JSON.stringify(out);
}

// A form in a view never submits (it would navigate away, putting what was typed in
// the URL): a view handles `submit` with @when("submit", …) if it wants it.
document.addEventListener("submit", (event) => event.preventDefault());
