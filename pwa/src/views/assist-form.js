/**
 * The assist form: log a household in seconds (new), or correct one (edit). Every rule the server checks is
 * checked here first (rules.js); the KK field helps live (kk-field.js); a draft keeps a half-filled form
 * through a reload or a crash.
 */
import { t } from "../i18n.js";
import { saveRecord } from "../outbox.js";
import { LIMITS, validateAssist } from "../rules.js";
import { getMeta, outboxCount, setMeta } from "../store.js";
import { IDS, assistFields } from "./assist-fields.js";
import { focusFirstProblem, lengthNote, setMessage } from "./dom.js";
import { confirmKnown, watchKK } from "./kk-field.js";

const draftKey = (outreachId) => `draft:${outreachId}`;

/**
 * Build the form.
 * @param {any} app
 * @param {{outreach: any, record?: any, onSaved: (record: any) => void | Promise<void>}} options
 */
export async function assistForm(app, { outreach, record, onSaved }) {
  const ref = app.reference || {};
  // A correction shows exactly what was sent (members 0 stays 0), so the server's message makes sense beside it.
  const initial = record?.data || (await getMeta(app.db, draftKey(outreach.id))) || {};
  const device = initial.device_used || (await getMeta(app.db, "lastDeviceUsed")) || (ref.device_used || [])[0]?.code;
  const { form, kk, head, notes, values: read } = assistFields(ref, initial, { device, editing: Boolean(record) });
  const values = () => read(outreach.id);
  const kkHelp = watchKK(app, form, kk, { outreach, record });
  head.addEventListener("input", () => lengthNote(form, "assist-head", LIMITS.head_name, t));
  notes.addEventListener("input", () => lengthNote(form, "assist-notes", LIMITS.notes, t));

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
        else kkHelp.show();
      } else if (problems[name]) setMessage(form, id, t(problems[name]));
      else if (name === "head_name") lengthNote(form, id, LIMITS.head_name, t);
      else if (name === "notes") lengthNote(form, id, LIMITS.notes, t);
      else setMessage(form, id, "");
    }
    if (focusFirstProblem(form, IDS, problems)) return;
    saving = true;
    const duplicate = await kkHelp.duplicate();
    if (duplicate && !(await confirmKnown(duplicate))) {
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
