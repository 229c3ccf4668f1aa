/**
 * Per kind of gathering point: households and success rate, so the office learns which outreach works.
 */
import { label, t } from "../../i18n.js";
import { h, mount } from "../dom.js";
import { figures } from "./data.js";
import { FIGURE_COLUMNS, rankTable, stamp, unavailable } from "./ui.js";

/** Render the per-kind screen of an area. */
export async function renderPlaces(el, app, code) {
  const result = await figures(app, { area: code, by: "place_kind" });
  if (!result) return mount(el, h("h1", null, t("places.title")), unavailable());
  const kinds = new Map((app.reference?.place_kind || []).map((k) => [k.code, k]));
  mount(
    el,
    h("h1", null, `${t("places.title")} — ${result.data.area.name}`),
    stamp(result),
    h("p", { class: "sub" }, t("places.hint")),
    rankTable(
      result.data.rows,
      [["col.rank", (r) => r.rank, "n"], ["col.kind", (r) => label(kinds.get(r.key)) || r.key], ...FIGURE_COLUMNS],
      { testId: "places", label: t("places.title"), markEnds: false },
    ),
  );
}
