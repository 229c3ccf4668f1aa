/**
 * The Data screen, as ODK Collect's lists: Draf / Belum terkirim / Perlu perbaikan / Terkirim, each with its
 * count, searchable by KK or name, newest first by the record's own date. One record opens for correction (with
 * the server's reason beside each field) or to be withdrawn.
 */
import { day, label, t } from "../i18n.js";
import { drafts, getRecord, listRecords } from "../store.js";
import { assistForm } from "./assist-form.js";
import { h, mount } from "./dom.js";
import { withdrawPanel } from "./withdraw.js";

export const TABS = ["draft", "unsent", "fix", "sent"];
const PAGE = 50;

/** Which list a record belongs to. */
function tabOf(record) {
  if (record.state === "rejected" || record.state === "waiting") return "fix";
  if (record.state === "saved") return "unsent";
  if (!record.voided && record.state === "sent" && ["flagged", "rejected"].includes(record.review_state)) return "fix";
  return "sent";
}

function stateOf(record, inFlight) {
  if (inFlight.has(record.id) && record.state === "saved") return "sending";
  if (record.voided && record.state === "sent") return "voided";
  return record.state;
}

const maskKK = (kk) => (kk && kk.length === 16 ? `${kk.slice(0, 6)}••••••${kk.slice(12)}` : kk || "");

/** Everything the lists show, grouped by tab (drafts are half-filled forms, one per outreach). */
async function collect(app) {
  const outreaches = new Map((await listRecords(app.db, "outreach")).map((o) => [o.id, o]));
  const lists = { draft: [], unsent: [], fix: [], sent: [] };
  const kept = await drafts(app.db);
  for (const o of outreaches.values()) {
    if (o.state === "rejected") lists.fix.push({ kind: "outreach", record: o, date: o.data.date });
    const draft = kept.get(o.id);
    if (draft && (draft.kk_number || draft.head_name))
      lists.draft.push({ kind: "draft", record: o, draft, date: o.data.date });
  }
  for (const r of await listRecords(app.db, "assist")) {
    const outreach = outreaches.get(r.outreach_id);
    const tab = tabOf(r);
    // The households of a refused outreach are one group, shown on the outreach's line (and found by search).
    const grouped = r.state === "waiting" && outreach?.state === "rejected";
    lists[tab].push({ kind: "assist", record: r, outreach, grouped, date: outreach?.data.date || "" });
  }
  for (const list of Object.values(lists)) {
    list.sort((a, b) => (b.date || "").localeCompare(a.date || "") || b.record.saved_at - a.record.saved_at);
  }
  return { lists, outreaches };
}

function matches(item, q) {
  if (!q) return !item.grouped;
  const data = item.kind === "draft" ? item.draft : item.record.data;
  if (/^[0-9]+$/.test(q)) return (data.kk_number || "").includes(q);
  const name = item.kind === "outreach" ? data.place_name : data.head_name;
  return (name || "").toLowerCase().includes(q.toLowerCase());
}

/** Render the lists; `tab` is one of TABS (or empty: the first list that needs the petugas). */
export async function renderRecords(el, app, tab = "") {
  const status = await app.sync.status();
  const { lists } = await collect(app);
  const current = TABS.includes(tab) ? tab : ["fix", "unsent", "draft"].find((k) => lists[k].length) || "sent";
  const search = h("input", {
    type: "search",
    id: "records-search",
    enterkeyhint: "search",
    autocomplete: "off",
    value: app.recordSearch || "",
  });
  const tabs = h("nav", { class: "tabs", "aria-label": t("records.tabs") });
  const list = h("div");
  const draw = (limit = PAGE) => {
    const q = search.value.trim();
    app.recordSearch = q;
    mount(
      tabs,
      TABS.map((key) =>
        h(
          "a",
          {
            href: `#/records/${key}`,
            "aria-current": key === current ? "page" : null,
            "data-testid": `tab-${key}`,
          },
          `${t(`records.${key}`)} (${lists[key].filter((item) => matches(item, q)).length})`,
        ),
      ),
    );
    const shown = lists[current].filter((item) => matches(item, q));
    mount(
      list,
      shown.length ? null : h("p", { class: "notice" }, q ? t("records.noMatch", { q }) : t("records.none")),
      h(
        "ul",
        { class: "list", "data-testid": "records" },
        shown.slice(0, limit).map((item) => row(app, item, status)),
      ),
      shown.length > limit
        ? h("button", { type: "button", class: "secondary", onclick: () => draw(limit + PAGE) }, t("records.more"))
        : null,
    );
  };
  search.addEventListener("input", () => draw());
  draw();
  mount(
    el,
    h("h1", null, t("records.title")),
    await lastUpload(app),
    tabs,
    h("div", { class: "field search" }, h("label", { for: "records-search" }, t("records.search")), search),
    list,
  );
}

/** What the last upload achieved: how many were accepted, and which records need correction (links). */
async function lastUpload(app) {
  const summary = app.lastSummary;
  if (!summary) return null;
  const refused = (await Promise.all(summary.needsCorrection.map((id) => getRecord(app.db, id)))).filter(
    (r) => r && (r.state === "rejected" || r.state === "waiting"),
  );
  return h(
    "div",
    { class: refused.length ? "alert-box" : "notice", role: "status", "data-testid": "upload-summary" },
    h(
      "p",
      null,
      t("records.lastUpload", { sent: summary.sent }),
      refused.length ? ` ${t("status.summaryFix", { n: refused.length })}:` : "",
    ),
    refused.length
      ? h(
          "ul",
          { class: "list plain" },
          refused.map((r) =>
            h(
              "li",
              null,
              h(
                "a",
                { href: r.entity === "outreach" ? `#/outreach/${r.id}` : `#/records/${r.id}` },
                r.entity === "outreach" ? `${t("records.outreach")}: ${r.data.place_name}` : r.data.head_name,
              ),
              r.message ? ` — ${r.message}` : "",
            ),
          ),
        )
      : null,
  );
}

function row(app, item, status) {
  const r = item.record;
  if (item.kind === "draft") {
    return h(
      "li",
      { "data-state": "draft", "data-id": r.id },
      h(
        "a",
        { class: "row", href: `#/outreach/${r.id}` },
        h("strong", null, item.draft.head_name || t("records.draftEmpty")),
        h("span", null, `${t("records.draftOf", { place: r.data.place_name })} · ${day(r.data.date)}`),
      ),
    );
  }
  if (item.kind === "outreach") {
    return h(
      "li",
      { "data-state": "rejected", "data-id": r.id },
      h(
        "a",
        { class: "row", href: `#/outreach/${r.id}` },
        h("strong", null, `${t("records.outreach")}: ${r.data.place_name}`),
        h("span", null, r.message || r.problem || ""),
        h("span", { class: "badge rejected" }, t("state.rejected")),
      ),
    );
  }
  const state = stateOf(r, status.inFlight);
  const review = r.review_state !== "received" ? t(`review.${r.review_state}`) : null;
  const place = item.outreach ? `${item.outreach.data.place_name} · ${day(item.outreach.data.date)}` : "";
  return h(
    "li",
    { "data-state": state, "data-id": r.id },
    h(
      "a",
      { class: "row", href: `#/records/${r.id}` },
      h("strong", null, r.data.head_name),
      h("span", { class: "mono" }, `KK ${maskKK(r.data.kk_number)}`),
      h("span", null, place),
      h("span", { class: `badge ${state}` }, t(`state.${state}`)),
      review ? h("span", { class: `badge review ${r.review_state}` }, review) : null,
    ),
  );
}

/** Render one record for correction, with the server's reasons and the coordinator's comment, or to withdraw it. */
export async function renderRecord(el, app, id) {
  const record = await getRecord(app.db, id);
  const outreach = record && (await getRecord(app.db, record.outreach_id));
  if (!record || !outreach) return app.navigate("#/records");
  const done = record.voided || record.state === "withdrawn";
  const form = done ? null : await assistForm(app, { outreach, record, onSaved: () => app.navigate("#/records") });
  const kind = (app.reference?.place_kind || []).find((k) => k.code === outreach.data.place_kind);
  const state = stateOf(record, new Set());
  mount(
    el,
    h("h1", null, record.data.head_name),
    h("p", { class: "sub" }, `${outreach.data.place_name} · ${label(kind)} · ${day(outreach.data.date)}`),
    h("p", { class: `badge ${state}` }, t(`state.${state}`)),
    record.review_comment
      ? h("p", { class: "alert", role: "note" }, `${t(`review.${record.review_state}`)}: ${record.review_comment}`)
      : null,
    record.state === "rejected" ? h("p", { class: "notice" }, t("assist.sentValues")) : null,
    record.state === "waiting"
      ? h("p", { class: "notice" }, h("a", { href: `#/outreach/${outreach.id}` }, t("state.waiting")))
      : null,
    form,
    done ? null : withdrawPanel(app, record, () => app.navigate("#/records")),
  );
  if (record.state === "rejected") form.showServerErrors(record.errors, record.message);
}
