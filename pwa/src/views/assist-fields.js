/**
 * The assist form's fields and layout: the four required answers first, with Simpan right below them, then
 * the optional ones. No behaviour here; assist-form.js wires checks, drafts and saving.
 */
import { label, t } from "../i18n.js";
import { choices, field, h } from "./dom.js";

/** Where each field's message is shown. */
export const IDS = {
  kk_number: "assist-kk",
  head_name: "assist-head",
  members: "assist-members",
  outcome: "outcome",
  reasons: "reasons",
  device_used: "device_used",
  phone: "assist-phone",
  notes: "assist-notes",
  address: "assist-address",
  rt_rw: "assist-rt_rw",
};

/**
 * Build the fields, filled from `initial` (a record's data or a draft).
 * @returns {{form: HTMLFormElement, kk: HTMLInputElement, head: HTMLInputElement, notes: HTMLElement,
 *   values: (outreachId: string) => object}}
 */
export function assistFields(ref, initial, { device, editing }) {
  const items = (list) => (list || []).map((x) => ({ code: x.code, text: label(x) }));
  const kk = h("input", {
    name: "kk_number",
    inputmode: "numeric",
    autocomplete: "off",
    class: "mono",
    value: initial.kk_number ?? "",
  });
  const head = h("input", { name: "head_name", autocomplete: "off", value: initial.head_name ?? "" });
  const members = h("input", {
    name: "members",
    type: "number",
    inputmode: "numeric",
    min: 1,
    max: 30,
    value: String(initial.members ?? 1),
  });
  const step = (delta) => () => {
    members.value = String(Math.min(30, Math.max(1, (Number(members.value) || 0) + delta)));
    members.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const phone = h("input", {
    name: "phone",
    type: "tel",
    inputmode: "tel",
    autocomplete: "off",
    value: initial.phone ?? "",
  });
  const notes = h("textarea", { name: "notes", rows: 2 }, initial.notes ?? "");
  const address = h("input", { name: "address", autocomplete: "off", maxlength: 200, value: initial.address ?? "" });
  const rtRw = h("input", {
    name: "rt_rw",
    inputmode: "numeric",
    autocomplete: "off",
    maxlength: 7,
    placeholder: "003/005",
    value: initial.rt_rw ?? "",
  });
  // Optional and folded away: it never slows the four answers; open when a record already has an address.
  const where = h(
    "details",
    { class: "optional", open: Boolean(initial.address || initial.rt_rw) },
    h("summary", null, t("assist.addressMore")),
    field("assist-address", t("assist.address"), address),
    field("assist-rt_rw", t("assist.rtRw"), rtRw, t("assist.rtRwHint")),
  );
  const submit = h("button", { type: "submit" }, editing ? t("assist.update") : t("assist.save"));

  const form = h(
    "form",
    { class: "assist", novalidate: true },
    h("p", { class: "alert", id: "assist-form-msg", role: "alert", hidden: true }),
    field("assist-kk", t("assist.kk"), kk),
    field("assist-head", t("assist.head"), head),
    choices("outcome", t("assist.outcome"), items(ref.outcome), { selected: initial.outcome, compact: "four" }),
    choices("reasons", t("assist.reasons"), items(ref.reason), {
      multiple: true,
      selected: initial.reasons || [],
      compact: "two",
    }),
    h("div", { class: "actionbar" }, submit),
    h(
      "div",
      { class: "field" },
      h("label", { for: "assist-members" }, t("assist.members")),
      h(
        "div",
        { class: "stepper" },
        h("button", { type: "button", class: "secondary", "aria-label": t("assist.less"), onclick: step(-1) }, "−"),
        Object.assign(members, { id: "assist-members" }),
        h("button", { type: "button", class: "secondary", "aria-label": t("assist.more"), onclick: step(1) }, "+"),
      ),
      h("p", { class: "msg", id: "assist-members-msg", "aria-live": "polite" }),
    ),
    choices("device_used", t("assist.device"), items(ref.device_used), { selected: device }),
    field("assist-phone", t("assist.phone"), phone),
    field("assist-notes", t("assist.notes"), notes),
    where,
  );
  members.setAttribute("aria-describedby", "assist-members-msg");

  const values = (outreachId) => ({
    outreach_id: outreachId,
    kk_number: kk.value.trim(),
    head_name: head.value.trim(),
    members: members.value.trim() === "" ? null : Number(members.value),
    outcome: form.querySelector("input[name=outcome]:checked")?.value || null,
    reasons: [...form.querySelectorAll("input[name=reasons]:checked")].map((x) => x.value),
    device_used: form.querySelector("input[name=device_used]:checked")?.value || null,
    phone: phone.value.trim() || null,
    notes: notes.value.trim() || null,
    address: address.value.trim() || null,
    rt_rw: rtRw.value.trim() || null,
  });
  return { form, kk, head, notes, values };
}
