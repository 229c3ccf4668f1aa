/**
 * Home: today's tally, the outreaches (running first), and "start a new outreach".
 */
import { day, label, num, t, today } from "../i18n.js";
import { listRecords } from "../store.js";
import { tally } from "../tally.js";
import { h, mount } from "./dom.js";

/** The records left out of a tally, counted apart ("Tidak dihitung: 1 dibatalkan"), or null. */
export function leftOutLine(figures) {
  const parts = Object.entries(figures.excluded || {})
    .filter(([, n]) => n)
    .map(([why, n]) => t(`tally.${why}`, { n }));
  return parts.length ? h("p", { class: "sub left-out" }, t("tally.left", { what: parts.join(", ") })) : null;
}

/** Render a tally as a row of figures with outcome counts. */
export function tallyBlock(figures, reference, testId) {
  return h(
    "div",
    { class: "tally", "data-testid": testId },
    h(
      "div",
      null,
      h("strong", { "data-testid": `${testId}-households` }, num(figures.households)),
      h("span", null, t("tally.households")),
    ),
    h(
      "div",
      null,
      h("strong", { "data-testid": `${testId}-persons` }, num(figures.persons)),
      h("span", null, t("tally.persons")),
    ),
    h(
      "ul",
      { class: "outcomes" },
      (reference?.outcome || []).map((o) => h("li", null, `${label(o)}: ${num(figures.byOutcome[o.code] || 0)}`)),
    ),
    leftOutLine(figures),
  );
}

/** Render the home screen. */
export async function renderHome(el, app) {
  const outreaches = (await listRecords(app.db, "outreach")).filter((o) => !o.voided);
  const assists = await listRecords(app.db, "assist");
  const todays = new Set(outreaches.filter((o) => o.data.date === today()).map((o) => o.id));
  const kinds = new Map((app.reference?.place_kind || []).map((k) => [k.code, k]));
  const item = (o) =>
    h(
      "li",
      null,
      h(
        "a",
        { class: "row", href: `#/outreach/${o.id}` },
        h("strong", null, o.data.place_name),
        h("span", null, `${label(kinds.get(o.data.place_kind))} · ${day(o.data.date)}`),
        h(
          "span",
          { class: "count" },
          t("count.households", { n: tally(assists.filter((a) => a.outreach_id === o.id)).households }),
        ),
        o.state === "rejected" ? h("span", { class: "badge rejected" }, t("state.rejected")) : null,
      ),
    );
  const open = outreaches.filter((o) => !o.data.ended_at);
  const closed = outreaches.filter((o) => o.data.ended_at);
  mount(
    el,
    h("h1", null, t("home.today")),
    tallyBlock(tally(assists.filter((a) => todays.has(a.outreach_id))), app.reference, "today"),
    h("a", { class: "button", href: "#/outreach/new" }, t("home.start")),
    outreaches.length ? null : h("p", { class: "notice" }, t("home.none")),
    open.length ? [h("h2", null, t("home.open")), h("ul", { class: "list" }, open.map(item))] : null,
    closed.length ? [h("h2", null, t("home.closed")), h("ul", { class: "list" }, closed.map(item))] : null,
  );
}
