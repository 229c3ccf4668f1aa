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
export function choices(name, legend, items, { multiple = false, selected = [] } = {}) {
  const chosen = new Set(Array.isArray(selected) ? selected : [selected]);
  return h(
    "fieldset",
    { class: "choices", id: name, "aria-describedby": `${name}-msg` },
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
