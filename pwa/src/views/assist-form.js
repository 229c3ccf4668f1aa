/**
 * The assist form: log a household in seconds (new), or correct one (edit). Checks KK numbers on the phone
 * with the server's rules; keeps a draft so a half-filled form survives a reload or a crash.
 */
import { checkKK, phoneLooksValid } from "../kk.js";
import { label, t } from "../i18n.js";
import { saveRecord } from "../outbox.js";
import { getMeta, outboxCount, setMeta } from "../store.js";
import { choices, field, h, setMessage } from "./dom.js";

const draftKey = (outreachId) => `draft:${outreachId}`;

/**
 * Build the form.
 * @param {any} app
 * @param {{outreach: any, record?: any, onSaved: (record: any) => void | Promise<void>}} options
 */
export async function assistForm(app, { outreach, record, onSaved }) {
  const ref = app.reference || {};
  const items = (list) => (list || []).map((x) => ({ code: x.code, text: label(x) }));
  const kecamatan = outreach.data.desa_code.slice(0, 8);
  const initial = record?.data || (await getMeta(app.db, draftKey(outreach.id))) || {};

  const kk = h("input", {
    name: "kk_number",
    inputmode: "numeric",
    autocomplete: "off",
    maxlength: 16,
    pattern: "[0-9]{16}",
    required: true,
    value: initial.kk_number || "",
  });
  const head = h("input", {
    name: "head_name",
    maxlength: 100,
    required: true,
    autocomplete: "off",
    value: initial.head_name || "",
  });
  const members = h("input", {
    name: "members",
    type: "number",
    inputmode: "numeric",
    min: 1,
    max: 30,
    value: initial.members || 1,
  });
  const step = (delta) => () => {
    members.value = String(Math.min(30, Math.max(1, (Number(members.value) || 1) + delta)));
    members.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const phone = h("input", {
    name: "phone",
    type: "tel",
    inputmode: "tel",
    autocomplete: "off",
    value: initial.phone || "",
  });
  const notes = h("textarea", { name: "notes", maxlength: 500, rows: 2 }, initial.notes || "");
  const submit = h("button", { type: "submit" }, record ? t("assist.update") : t("assist.save"));
  const device = initial.device_used || (await getMeta(app.db, "lastDeviceUsed"));

  const form = h(
    "form",
    { class: "card assist", novalidate: true },
    h("h2", null, t("assist.title")),
    field("assist-kk", t("assist.kk"), kk),
    field("assist-head", t("assist.head"), head),
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
    ),
    choices("outcome", t("assist.outcome"), items(ref.outcome), { selected: initial.outcome }),
    choices("reasons", t("assist.reasons"), items(ref.reason), { multiple: true, selected: initial.reasons || [] }),
    choices("device_used", t("assist.device"), items(ref.device_used), { selected: device }),
    field("assist-phone", t("assist.phone"), phone),
    field("assist-notes", t("assist.notes"), notes),
    submit,
  );

  const values = () => ({
    outreach_id: outreach.id,
    kk_number: kk.value.trim(),
    head_name: head.value.trim(),
    members: Number(members.value),
    outcome: form.querySelector("input[name=outcome]:checked")?.value || null,
    reasons: [...form.querySelectorAll("input[name=reasons]:checked")].map((x) => x.value),
    device_used: form.querySelector("input[name=device_used]:checked")?.value || null,
    phone: phone.value.trim() || null,
    notes: notes.value.trim() || null,
  });

  const checkKKField = () => {
    const value = kk.value.trim();
    const { error, warning } = value ? checkKK(value, kecamatan) : { error: "field.required", warning: null };
    setMessage(form, "assist-kk", error ? t(error) : warning ? t(warning) : "", error ? "error" : "warning");
    return !error;
  };

  let draftTimer = null;
  form.addEventListener("input", (event) => {
    app.formDirty = true;
    if (event.target === kk && kk.value.length >= 16) checkKKField();
    if (record) return;
    clearTimeout(draftTimer);
    draftTimer = setTimeout(() => setMeta(app.db, draftKey(outreach.id), values()), 250);
  });

  let saving = false; // a second tap while the first save runs must not log the household twice
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (saving) return;
    performance.mark("jb-save-start"); // the tap on Simpan; "jb-save" ends when IndexedDB has committed
    const data = values();
    const problems = {
      "assist-kk": checkKKField() ? null : true,
      "assist-head": data.head_name ? null : t("field.required"),
      outcome: data.outcome ? null : t("field.required"),
      reasons: data.reasons.length ? null : t("field.reasons"),
      device_used: data.device_used ? null : t("field.required"),
      "assist-phone": !data.phone || phoneLooksValid(data.phone) ? null : t("phone.invalid"),
    };
    for (const [id, message] of Object.entries(problems)) if (message !== true) setMessage(form, id, message || "");
    const first = Object.entries(problems).find(([, m]) => m);
    if (first) {
      form.querySelector(`#${first[0]}`)?.focus();
      return;
    }
    clearTimeout(draftTimer);
    // A flag rather than disabling the button: a DOM change here would cost a style and paint pass on the main
    // thread, which IndexedDB's "complete" would have to wait for.
    saving = true;
    let saved;
    try {
      const pending = saveRecord(app.db, { entity: "assist", id: record?.id, data });
      performance.mark("jb-save-issued"); // checks done; from here on it is IndexedDB's commit
      saved = await pending;
    } catch (error) {
      // Storage full or the database closed under us: nothing was written, the form keeps what was typed.
      saving = false;
      app.toast(t("assist.saveFailed", { error: error?.name || String(error) }));
      return;
    }
    performance.mark("jb-save-durable");
    performance.measure("jb-save", "jb-save-start", "jb-save-durable");
    performance.measure("jb-save-commit", "jb-save-issued", "jb-save-durable");
    // The flag stays up until onSaved has replaced the form: a tap in between would log the same values again.
    try {
      await setMeta(app.db, "lastDeviceUsed", data.device_used);
      if (!record) await setMeta(app.db, draftKey(outreach.id), null);
      app.formDirty = false;
      app.toast(t("assist.saved", { n: await outboxCount(app.db) }));
      app.changed();
      await onSaved(saved);
    } finally {
      saving = false;
    }
  });

  /** Show field errors sent back by the server. */
  form.showServerErrors = (errors) => {
    const ids = { kk_number: "assist-kk", head_name: "assist-head", phone: "assist-phone", notes: "assist-notes" };
    for (const [name, messages] of Object.entries(errors || {})) {
      setMessage(form, ids[name] || name, [].concat(messages).join(" "));
    }
  };
  return form;
}
