/**
 * Progres resmi: the census office's own figures (people who took part, e.g. in SP Online) per area and date,
 * imported from its table (CSV or XLSX, a template to fill in), and what is loaded for each child area.
 */
import { request } from "../../api.js";
import { num, shortDay, t, today } from "../../i18n.js";
import { field, h, mount } from "../dom.js";
import { areaLine, workArea } from "./area-picker.js";
import { csvImport } from "./csv-import.js";
import { apiPath } from "./data.js";
import { wideTable } from "./ui.js";
import { api } from "../../endpoints.js";

/** Render the official progress of an area's children as of a day, with the import. */
export async function renderProgress(el, app, code) {
  const dayValue = app.staffState.progressDay || today();
  const area = code || workArea(app);
  const body = await request(apiPath(api.progress, { area, date: dayValue }));
  const picker = h("input", { type: "date", value: dayValue, max: today() });
  picker.addEventListener("change", () => {
    app.staffState.progressDay = picker.value || today();
    app.rerender();
  });
  const templateArea = body.area.code ? { area: body.area.code } : {};
  mount(
    el,
    h("h1", null, `${t("progress.title")} — ${body.area.name}`),
    areaLine(app, body.area),
    h("p", { class: "sub" }, t("progress.hint")),
    field("progress-day", t("progress.day"), picker),
    wideTable(
      t("progress.title"),
      "progress",
      ["col.area", ["col.tookPart", "n"], ["col.households", "n"], "progress.asOf"],
      h(
        "tbody",
        null,
        [body.total, ...body.rows].map((row, i) =>
          h(
            "tr",
            { "data-code": row.code },
            h(
              "th",
              { scope: "row" },
              i === 0 || row.level >= 4 || !row.code ? row.name : h("a", { href: `#/progress/${row.code}` }, row.name),
              i === 0 ? ` (${t("progress.total")})` : "",
            ),
            h("td", { class: "n" }, row.persons === null ? "–" : num(row.persons)),
            h("td", { class: "n" }, row.households === null ? "–" : num(row.households)),
            h(
              "td",
              null,
              row.day === null
                ? t("progress.none")
                : row.derived
                  ? t("progress.derived", { date: shortDay(row.day) })
                  : shortDay(row.day),
            ),
          ),
        ),
      ),
    ),
    h(
      "p",
      { class: "links" },
      ["csv", "xlsx"].map((fmt) =>
        h(
          "a",
          { class: "button secondary", href: apiPath(api.progressTemplate(fmt), templateArea), download: "" },
          t("progress.template", { fmt: fmt.toUpperCase() }),
        ),
      ),
    ),
    csvImport(app, "progress-import", t("progress.import"), t("progress.importHelp"), api.progressImport),
  );
}
