/**
 * The assist form: log a household in seconds (new), or correct one (edit). Every rule the server checks is
 * checked here first (rules.js); a pasted KK is cleaned and any dropped digit said; a KK already on the phone
 * asks before saving; a draft keeps a half-filled form through a reload or a crash.
 */
import { checkKK } from "../kk.js";
import { day, label, t } from "../i18n.js";
import { saveRecord } from "../outbox.js";
import { LIMITS, cleanKK, validateAssist } from "../rules.js";
import { assistsWithKK, getMeta, getRecord, outboxCount, setMeta } from "../store.js";
import { choices, confirmDialog, field, focusFirstProblem, h, lengthNote, setMessage } from "./dom.js";

const draftKey = (outreachId) => `draft:${outreachId}`;
const DUPLICATE_DAYS = 30;
/** Where each field's message is shown. */
const IDS = {
  kk_number: "assist-kk",
  head_name: "assist-head",
  members: "assist-members",
  outcome: "outcome",
  reasons: "reasons",
  device_used: "device_used",
  phone: "assist-phone",
  notes: "assist-notes",
};

/**
 * Build the form.
 * @param {any} app
 * @param {{outreach: any, record?: any, onSaved: (record: any) => void | Promise<void>}} options
 */
export async function assistForm(app, { outreach, record, onSaved }) {
  const ref = app.reference || {};
  const items = (list) => (list || []).map((x) => ({ code: x.code, text: label(x) }));
  const kecamatan = outreach.data.desa_code.slice(0, 8);
  // A correction shows exactly what was sent (members 0 stays 0), so the server's message makes sense beside it.
  const initial = record?.data || (await getMeta(app.db, draftKey(outreach.id))) || {};

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
  const submit = h("button", { type: "submit" }, record ? t("assist.update") : t("assist.save"));
  const device = initial.device_used || (await getMeta(app.db, "lastDeviceUsed")) || (ref.device_used || [])[0]?.code;

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
  );
  members.setAttribute("aria-describedby", "assist-members-msg");

  const values = () => ({
    outreach_id: outreach.id,
    kk_number: kk.value.trim(),
    head_name: head.value.trim(),
    members: members.value.trim() === "" ? null : Number(members.value),
    outcome: form.querySelector("input[name=outcome]:checked")?.value || null,
    reasons: [...form.querySelectorAll("input[name=reasons]:checked")].map((x) => x.value),
    device_used: form.querySelector("input[name=device_used]:checked")?.value || null,
    phone: phone.value.trim() || null,
    notes: notes.value.trim() || null,
  });

  let kkNote = ""; // what cleaning the KK did (separators removed, digits dropped)
  let duplicate = null; // {record, outreach} of the same KK logged earlier on this phone
  let lookup = Promise.resolve();

  const showKK = () => {
    const value = kk.value;
    const { error, warning } = value.length >= 16 ? checkKK(value, kecamatan) : { error: null, warning: null };
    let text = kkNote;
    let kind = "warning";
    if (error) [text, kind] = [t(error), "error"];
    else if (!text && duplicate) text = duplicateText(duplicate);
    else if (!text && warning) text = t(warning);
    setMessage(form, "assist-kk", text, kind);
    return !error;
  };

  const findDuplicate = async (value) => {
    duplicate = null;
    if (value.length !== 16) return;
    const since = Date.now() - DUPLICATE_DAYS * 86400000;
    // At most a few: one earlier record is enough to ask.
    const same = (await assistsWithKK(app.db, value, 20)).filter(
      (r) => r.entity === "assist" && r.id !== record?.id && !r.voided,
    );
    for (const earlier of same) {
      const place = earlier.outreach_id === outreach.id ? outreach : await getRecord(app.db, earlier.outreach_id);
      const when = place?.data?.date ? Date.parse(`${place.data.date}T23:59:59`) : earlier.saved_at;
      if (earlier.outreach_id === outreach.id || when >= since) {
        if (kk.value === value) duplicate = { record: earlier, outreach: place };
        break;
      }
    }
    showKK();
  };

  kk.addEventListener("input", () => {
    const raw = kk.value;
    const { value, dropped } = cleanKK(raw);
    if (value !== raw) kk.value = value;
    kkNote = dropped ? t("kk.dropped", { n: dropped }) : value !== raw ? t("kk.cleaned") : "";
    lookup = findDuplicate(value);
    showKK();
  });
  head.addEventListener("input", () => lengthNote(form, "assist-head", LIMITS.head_name, t));
  notes.addEventListener("input", () => lengthNote(form, "assist-notes", LIMITS.notes, t));
  if (initial.kk_number) lookup = findDuplicate(initial.kk_number);

  let draftTimer = null;
  form.addEventListener("input", () => {
    app.formDirty = true;
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
    const problems = validateAssist(data, ref);
    for (const [name, id] of Object.entries(IDS)) {
      if (name === "kk_number") {
        if (problems.kk_number) setMessage(form, id, t(problems.kk_number));
        else showKK();
      } else if (problems[name]) setMessage(form, id, t(problems[name]));
      else if (name === "head_name") lengthNote(form, id, LIMITS.head_name, t);
      else if (name === "notes") lengthNote(form, id, LIMITS.notes, t);
      else setMessage(form, id, "");
    }
    if (focusFirstProblem(form, IDS, problems)) return;
    saving = true;
    await lookup;
    if (duplicate && !(await confirmDuplicate(duplicate))) {
      saving = false;
      kk.focus();
      return;
    }
    clearTimeout(draftTimer);
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

  /** Show field errors sent back by the server, each beside its field (others above the form). */
  form.showServerErrors = (errors, message) => {
    const other = [];
    for (const [name, messages] of Object.entries(errors || {})) {
      const text = [].concat(messages).join(" ");
      if (IDS[name]) setMessage(form, IDS[name], text);
      else other.push(text);
    }
    const note = form.querySelector("#assist-form-msg");
    const lines = [message ? t("assist.problem", { message }) : "", ...other].filter(Boolean);
    note.textContent = lines.join(" ");
    note.hidden = !lines.length;
  };
  return form;
}

function duplicateText({ record, outreach }) {
  return t("kk.duplicate", {
    name: record.data.head_name,
    place: outreach?.data?.place_name || "",
    date: outreach?.data?.date ? day(outreach.data.date) : "",
  });
}

function confirmDuplicate(duplicate) {
  return confirmDialog({
    title: t("dup.title"),
    body: [h("p", null, t("dup.body")), h("p", { class: "notice" }, duplicateText(duplicate))],
    confirm: t("dup.save"),
    cancel: t("dup.cancel"),
  });
}
