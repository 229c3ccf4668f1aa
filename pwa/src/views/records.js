/**
 * Every record with its state (saved on the phone, sending, sent, needs correction, conflict) and the
 * coordinator's verdict; a record can be opened and corrected, which queues a new version.
 */
import { dateTime, t } from "../i18n.js";
import { getRecord, listRecords } from "../store.js";
import { assistForm } from "./assist-form.js";
import { h, mount } from "./dom.js";

function stateOf(record, inFlight) {
  return inFlight.has(record.id) && record.state === "saved" ? "sending" : record.state;
}

/** Render the list. */
export async function renderRecords(el, app) {
  const status = await app.sync.status();
  const assists = await listRecords(app.db, "assist");
  const names = new Map((await listRecords(app.db, "outreach")).map((o) => [o.id, o.data.place_name]));
  mount(
    el,
    h("h1", null, t("records.title")),
    assists.length ? null : h("p", { class: "notice" }, t("records.empty")),
    h(
      "ul",
      { class: "list", "data-testid": "records" },
      assists.map((r) => {
        const state = stateOf(r, status.inFlight);
        const review = r.review_state !== "received" ? t(`review.${r.review_state}`) : null;
        return h(
          "li",
          { "data-state": state, "data-id": r.id },
          h(
            "a",
            { class: "row", href: `#/records/${r.id}` },
            h("strong", null, r.data.head_name),
            h("span", null, `${names.get(r.outreach_id) || ""} · ${dateTime(r.saved_at)}`),
            h("span", { class: `badge ${state}` }, t(`state.${state}`)),
            review ? h("span", { class: `badge review ${r.review_state}` }, review) : null,
          ),
        );
      }),
    ),
  );
}

/** Render one record for correction, with the server's errors and the coordinator's comment. */
export async function renderRecord(el, app, id) {
  const record = await getRecord(app.db, id);
  const outreach = record && (await getRecord(app.db, record.outreach_id));
  if (!record || !outreach) return app.navigate("#/records");
  const form = await assistForm(app, { outreach, record, onSaved: () => app.navigate("#/records") });
  const notes = [
    h("p", { class: `badge ${record.state}` }, t(`state.${record.state}`)),
    record.review_comment
      ? h("p", { class: "alert", role: "note" }, `${t(`review.${record.review_state}`)}: ${record.review_comment}`)
      : null,
  ];
  mount(el, h("h1", null, record.data.head_name), notes, form);
  if (record.errors) form.showServerErrors(record.errors);
}
