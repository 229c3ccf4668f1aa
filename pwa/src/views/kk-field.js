/**
 * The KK field's live help: a pasted number is cleaned and any dropped digit said, its structure checked, and
 * the same KK logged earlier on this phone (this outreach, or the last 30 days) found so saving can ask first.
 */
import { checkKK } from "../kk.js";
import { day, t } from "../i18n.js";
import { cleanKK } from "../rules.js";
import { assistsWithKK, getRecord } from "../store.js";
import { confirmDialog, h, setMessage } from "./dom.js";

const DUPLICATE_DAYS = 30;

/**
 * Watch the KK input of a form.
 * @returns {{show: () => boolean, duplicate: () => Promise<object|null>}} show: draw the KK's message and
 *   return whether it is free of errors; duplicate: the earlier record once the lookup has finished
 */
export function watchKK(app, form, kk, { outreach, record }) {
  const kecamatan = outreach.data.desa_code.slice(0, 8);
  let note = ""; // what cleaning the KK did (separators removed, digits dropped)
  let found = null; // {record, outreach} of the same KK logged earlier on this phone
  let lookup = Promise.resolve();

  const show = () => {
    const value = kk.value;
    const { error, warning } = value.length >= 16 ? checkKK(value, kecamatan) : { error: null, warning: null };
    let text = note;
    let kind = "warning";
    if (error) [text, kind] = [t(error), "error"];
    else if (!text && found) text = duplicateText(found);
    else if (!text && warning) text = t(warning);
    setMessage(form, "assist-kk", text, kind);
    return !error;
  };

  const find = async (value) => {
    found = null;
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
        if (kk.value === value) found = { record: earlier, outreach: place };
        break;
      }
    }
    show();
  };

  kk.addEventListener("input", () => {
    const raw = kk.value;
    const { value, dropped } = cleanKK(raw);
    if (value !== raw) kk.value = value;
    note = dropped ? t("kk.dropped", { n: dropped }) : value !== raw ? t("kk.cleaned") : "";
    lookup = find(value);
    show();
  });
  if (kk.value) lookup = find(kk.value);
  return { show, duplicate: () => lookup.then(() => found) };
}

function duplicateText({ record, outreach }) {
  return t("kk.duplicate", {
    name: record.data.head_name,
    place: outreach?.data?.place_name || "",
    date: outreach?.data?.date ? day(outreach.data.date) : "",
  });
}

/** Ask whether to log a household already logged on this phone; resolves true to save anyway. */
export function confirmKnown(duplicate) {
  return confirmDialog({
    title: t("dup.title"),
    body: [h("p", null, t("dup.body")), h("p", { class: "notice" }, duplicateText(duplicate))],
    confirm: t("dup.save"),
    cancel: t("dup.cancel"),
  });
}
