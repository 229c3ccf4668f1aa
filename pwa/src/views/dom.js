/**
 * A tiny DOM builder: h("button", {class: "x", onclick: fn}, "text").
 */

/**
 * @param {string} tag
 * @param {Record<string, any>|null} [props]
 * @param {...(Node|string|number|null|false|Array<any>)} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replace an element's content. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** A labelled field: label + control + hint/error line wired with aria-describedby. */
export function field(id, text, control, hint) {
  control.id = id;
  const msg = h("p", { class: "msg", id: `${id}-msg`, "aria-live": "polite" }, hint || "");
  control.setAttribute("aria-describedby", msg.id);
  return h("div", { class: "field" }, h("label", { for: id }, text), control, msg);
}

/** Show a message under a field (error or warning). */
export function setMessage(form, id, text, kind = "error") {
  const msg = form.querySelector(`#${id}-msg`);
  const control = form.querySelector(`#${id}`);
  // Write only what changes: every DOM write costs a style and layout pass on a slow phone.
  if (msg && msg.textContent !== (text || "")) {
    msg.textContent = text || "";
    msg.className = `msg ${text ? kind : ""}`;
  }
  const invalid = text && kind === "error" ? "true" : "false";
  if (control && control.getAttribute("aria-invalid") !== invalid) control.setAttribute("aria-invalid", invalid);
}

/** A group of radio buttons or checkboxes drawn as large chips, inside a fieldset with a legend. */
export function choices(name, legend, items, { multiple = false, selected = [], compact = null } = {}) {
  const chosen = new Set(Array.isArray(selected) ? selected : [selected]);
  return h(
    "fieldset",
    { class: compact ? `choices grid-${compact}` : "choices", id: name, "aria-describedby": `${name}-msg` },
    h("legend", null, legend),
    items.map((item) =>
      h(
        "label",
        { class: "chip" },
        h("input", {
          type: multiple ? "checkbox" : "radio",
          name,
          value: item.code,
          checked: chosen.has(item.code),
        }),
        h("span", null, item.text),
      ),
    ),
    h("p", { class: "msg", id: `${name}-msg`, "aria-live": "polite" }),
  );
}

/** Put the cursor on the first field (in `ids` order) that has a problem; a group of chips gets its first chip. */
export function focusFirstProblem(form, ids, problems) {
  const first = Object.keys(ids).find((name) => problems[name]);
  if (!first) return false;
  const target = form.querySelector(`#${ids[first]}`);
  (target.matches("fieldset") ? target.querySelector("input") : target)?.focus();
  return true;
}

/**
 * Ask before something that is hard to undo: a modal dialog with the app's own words. Resolves true when confirmed.
 * @param {{title: string, body?: (Node|string|null)[], confirm: string, cancel: string, danger?: boolean}} options
 */
export function confirmDialog({ title, body = [], confirm, cancel, danger = false }) {
  return new Promise((resolve) => {
    const yes = h("button", { type: "button", class: danger ? "danger" : "", value: "yes" }, confirm);
    const no = h("button", { type: "button", class: "secondary", value: "no" }, cancel);
    const dialog = h(
      "dialog",
      { class: "card dialog", "aria-labelledby": "dialog-title" },
      h("h2", { id: "dialog-title" }, title),
      body,
      h("div", { class: "actions" }, no, yes),
    );
    const close = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    yes.addEventListener("click", () => close(true));
    no.addEventListener("click", () => close(false));
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      close(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    no.focus(); // the safe choice is the one a stray tap meets
  });
}

/**
 * Show "n/max" under a text field as the limit comes near, and an error beyond it: nothing is ever cut silently.
 * @param {HTMLElement} form
 * @param {string} id the field's id
 * @param {number} max
 * @param {(key: string, params: Object) => string} t
 * @returns {boolean} whether the text fits
 */
export function lengthNote(form, id, max, t) {
  const control = form.querySelector(`#${id}`);
  const n = [...control.value.trim()].length;
  if (n > max) setMessage(form, id, t("field.over", { n, max, extra: n - max }), "error");
  else setMessage(form, id, n >= max * 0.8 ? t("field.count", { n, max }) : "", "warning");
  return n <= max;
}
