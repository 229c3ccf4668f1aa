/**
 * Laporan harian: a printable A4 page for a kabupaten or kecamatan with the day's figures, the ranking up to
 * that day and the chart — what the office sends to the bupati or camat each morning.
 */
import { num, t, today, when } from "../../i18n.js";
import { field, h, mount } from "../dom.js";
import { dailyChart } from "./chart.js";
import { figures } from "./data.js";
import { achievement, childColumns } from "./overview.js";
import { rankTable, stamp, unavailable } from "./ui.js";

/** Render the report of an area for the chosen day. */
export async function renderReport(el, app, code) {
  const chosen = app.staffState.reportDay || today();
  const [children, days] = await Promise.all([
    figures(app, { area: code, by: "child", to: chosen }),
    figures(app, { area: code, by: "day", to: chosen }),
  ]);
  const picker = h("input", { type: "date", value: chosen, max: today() });
  picker.addEventListener("change", () => {
    app.staffState.reportDay = picker.value || today();
    app.rerender();
  });
  const print = h("button", { type: "button", onclick: () => window.print() }, t("report.print"));
  const controls = h("div", { class: "no-print" }, field("report-day", t("report.day"), picker), print);
  if (!children || !days) return mount(el, h("h1", null, t("report.title")), controls, unavailable());
  const { area, total, rows } = children.data;
  const that = days.data.rows.find((r) => r.key === chosen) || { households: 0, persons: 0 };
  mount(
    el,
    controls,
    h(
      "article",
      { class: "report", "data-testid": "report" },
      h("h1", null, t("report.heading", { area: area.name })),
      h(
        "p",
        { class: "sub" },
        new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "full" }).format(
          new Date(`${chosen}T00:00:00`),
        ),
      ),
      h(
        "table",
        { class: "figures" },
        h(
          "thead",
          null,
          h(
            "tr",
            null,
            h("th", { scope: "col" }, ""),
            h("th", { scope: "col", class: "n" }, t("col.households")),
            h("th", { scope: "col", class: "n" }, t("col.persons")),
          ),
        ),
        h(
          "tbody",
          null,
          h(
            "tr",
            null,
            h("th", { scope: "row" }, t("report.dayFigures")),
            h("td", { class: "n" }, num(that.households)),
            h("td", { class: "n" }, num(that.persons)),
          ),
          h(
            "tr",
            null,
            h("th", { scope: "row" }, t("report.cumulative")),
            h("td", { class: "n" }, num(total.households)),
            h("td", { class: "n" }, num(total.persons)),
          ),
        ),
      ),
      achievement(total),
      dailyChart(days.data.rows, total.target_persons),
      h("h2", null, t("overview.ranking", { level: t(`level.${area.level + 1}`) })),
      rankTable(rows, childColumns(false), {
        testId: "report-ranking",
        label: t("overview.ranking", { level: t(`level.${area.level + 1}`) }),
      }),
      stamp(children),
      h("p", { class: "sub" }, t("report.generated", { when: when(Date.now()) })),
    ),
  );
}
