/**
 * Per kind of gathering point: what one event yields (households and persons per event) beside volume (events,
 * households, share), so the office learns which outreach works, not only which was held most often.
 */
import { label, num, t } from "../../i18n.js";
import { h, mount } from "../dom.js";
import { figures } from "./data.js";
import { chosen, rangeChooser, rangeText, span } from "./range.js";
import { pct, rankTable, stamp, unavailable } from "./ui.js";

const perEvent = (value) =>
  value === null || value === undefined ? "–" : value.toLocaleString(document.documentElement.lang);

/** Render the per-kind screen of an area, ranked by yield per event (or by volume, as the user picks). */
export async function renderPlaces(el, app, code) {
  const by = app.staffState.placesBy || "yield";
  const result = await figures(app, { area: code, by: "place_kind", rank_by: by, ...span(chosen(app)) });
  if (!result) return mount(el, h("h1", null, t("places.title")), unavailable());
  const kinds = new Map((app.reference?.place_kind || []).map((k) => [k.code, k]));
  const order = h(
    "select",
    { id: "places-by" },
    ["yield", "households"].map((value) =>
      h("option", { value, selected: value === by }, t(value === "yield" ? "places.byYield" : "places.byVolume")),
    ),
  );
  order.addEventListener("change", () => {
    app.staffState.placesBy = order.value;
    app.rerender();
  });
  const title = `${t("places.title")} — ${result.data.area.name}`;
  mount(
    el,
    h("h1", null, title),
    stamp(result),
    rangeChooser(app),
    h("p", { class: "sub" }, t("places.hint")),
    h("div", { class: "field" }, h("label", { for: "places-by" }, t("places.order")), order),
    rankTable(
      result.data.rows,
      [
        ["col.rank", (r) => r.rank, "n"],
        ["col.kind", (r) => label(kinds.get(r.key)) || r.key],
        ["col.perEvent", (r) => perEvent(r.households_per_event), "n"],
        ["col.personsPerEvent", (r) => perEvent(r.persons_per_event), "n"],
        ["col.events", (r) => num(r.events), "n"],
        ["col.households", (r) => num(r.households), "n"],
        ["col.householdShare", (r) => pct(r.households_share_pct), "n"],
        ["col.success", (r) => pct(r.success_rate), "n"],
      ],
      { testId: "places", label: `${title} · ${rangeText(app)}`, markEnds: true },
    ),
  );
}
