/**
 * Per petugas: households and persons on a chosen day, each phone's last sync, app version and unsent count,
 * and the silent phones a coordinator should call.
 */
import { num, t, today, when } from "../../i18n.js";
import { field, h, mount } from "../dom.js";
import { figures } from "./data.js";
import { areaLine, workArea } from "./area-picker.js";
import { FIGURE_COLUMNS, rankTable, stamp, unavailable } from "./ui.js";

function silentText(row) {
  const at = row.last_sync_at ? when(Date.parse(row.last_sync_at)) : "";
  return t(`silent.${row.silent}`, { when: at, n: num(row.pending_count || 0) });
}

/** Render the per-petugas screen for one day. */
export async function renderEnumerators(el, app) {
  const dayValue = app.staffState.enumDay || today();
  const result = await figures(app, { area: workArea(app), by: "enumerator", from: dayValue, to: dayValue });
  const picker = h("input", { type: "date", value: dayValue, max: today() });
  picker.addEventListener("change", () => {
    app.staffState.enumDay = picker.value || today();
    app.rerender();
  });
  if (!result)
    return mount(el, h("h1", null, t("enum.title")), field("enum-day", t("enum.day"), picker), unavailable());
  const rows = result.data.rows;
  const silent = rows.filter((r) => r.silent);
  mount(
    el,
    h("h1", null, t("enum.title")),
    areaLine(app, result.data.area),
    stamp(result),
    h(
      "section",
      { class: "card", "data-testid": "silent" },
      h("h2", null, `${t("enum.silent")} (${num(silent.length)})`),
      silent.length
        ? [
            h("p", { class: "sub" }, t("enum.silentHint")),
            h(
              "ul",
              { class: "list plain" },
              silent.map((r) => h("li", null, h("strong", null, r.label), ` (${r.username}) — ${silentText(r)}`)),
            ),
          ]
        : h("p", null, t("enum.silentNone")),
    ),
    field("enum-day", t("enum.day"), picker),
    rankTable(
      rows,
      [
        ["col.rank", (r) => r.rank, "n"],
        ["col.name", (r) => r.label],
        ...FIGURE_COLUMNS,
        ["col.lastSync", (r) => (r.last_sync_at ? when(Date.parse(r.last_sync_at)) : "–")],
        ["col.version", (r) => r.app_version || "–"],
        ["col.pending", (r) => (r.pending_count === null ? "–" : num(r.pending_count)), "n"],
      ],
      { testId: "enumerators", label: t("enum.title"), markEnds: false },
    ),
  );
}
