/**
 * Ringkasan: achievement against target, today and yesterday, the daily chart, and the child areas ranked.
 */
import { num, t, today } from "../../i18n.js";
import { h, mount } from "../dom.js";
import { dailyChart } from "./chart.js";
import { figures } from "./data.js";
import { FIGURE_COLUMNS, downloads, pct, rankTable, stamp, unavailable } from "./ui.js";

function yesterday() {
  const d = new Date(`${today()}T00:00:00`);
  d.setDate(d.getDate() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** The progress bar and figures of an area's total. */
export function achievement(total) {
  if (total.target_persons === null || total.target_persons === undefined)
    return h("p", { class: "notice" }, t("overview.noTarget"));
  const value = Math.min(100, total.achievement_pct || 0);
  return h(
    "div",
    { class: "achievement", "data-testid": "achievement" },
    h("div", { class: "big" }, pct(total.achievement_pct)),
    h("progress", { max: "100", value: String(value), "aria-label": t("overview.achievement") }),
    h(
      "p",
      { class: "sub" },
      t("overview.ofTarget", {
        persons: num(total.persons),
        target: num(total.target_persons),
        pct: pct(total.target_pct),
      }),
    ),
  );
}

function dayFigures(title, row, testId) {
  return h(
    "div",
    { class: "tally", "data-testid": testId },
    h("div", null, h("strong", null, num(row?.households || 0)), h("span", null, `${title} · ${t("col.households")}`)),
    h("div", null, h("strong", null, num(row?.persons || 0)), h("span", null, t("col.persons"))),
  );
}

/** Columns of a child-area ranking (kecamatan for a supervisor, desa for a coordinator). */
export function childColumns(link) {
  return [
    ["col.rank", (r) => r.rank, "n"],
    ["col.area", (r) => (link ? h("a", { href: `#/area/${r.key}` }, r.label) : r.label)],
    ...FIGURE_COLUMNS,
    ["col.target", (r) => (r.target_persons === null ? "–" : num(r.target_persons)), "n"],
    ["col.achievement", (r) => pct(r.achievement_pct), "n"],
  ];
}

/** Render the overview of an area (the user's own when code is empty). */
export async function renderOverview(el, app, code) {
  const [children, days] = await Promise.all([
    figures(app, { area: code, by: "child" }),
    figures(app, { area: code, by: "day" }),
  ]);
  if (!children || !days) return mount(el, h("h1", null, t("nav.overview")), unavailable());
  const { area, total, rows } = children.data;
  app.areaNames = { ...app.areaNames, [area.code]: area.name };
  const byDay = new Map(days.data.rows.map((r) => [r.key, r]));
  const own = app.session.scope || [];
  const up = own.includes(area.code) ? null : area.parent_code;
  mount(
    el,
    h("h1", null, area.name),
    stamp(children),
    up
      ? h(
          "p",
          null,
          h(
            "a",
            { href: up === own[0] ? "#/" : `#/area/${up}` },
            t("overview.up", { name: app.areaNames?.[up] || up }),
          ),
        )
      : null,
    h("section", { class: "card" }, h("h2", null, t("overview.achievement")), achievement(total)),
    h(
      "section",
      { class: "card" },
      dayFigures(t("overview.today"), byDay.get(today()), "today"),
      dayFigures(t("overview.yesterday"), byDay.get(yesterday()), "yesterday"),
      h("p", { class: "sub" }, `${t("overview.success")}: ${pct(total.success_rate)}`),
      total.excluded_households
        ? h(
            "p",
            { class: "sub" },
            t("overview.excluded", {
              households: num(total.excluded_households),
              persons: num(total.excluded_persons),
            }),
          )
        : null,
    ),
    h(
      "section",
      { class: "card" },
      h("h2", null, t("overview.daily")),
      dailyChart(days.data.rows, total.target_persons),
    ),
    h(
      "section",
      null,
      h("h2", null, t("overview.ranking", { level: t(`level.${area.level + 1}`) })),
      rankTable(rows, childColumns(area.level < 3), {
        testId: "ranking",
        label: t("overview.ranking", { level: t(`level.${area.level + 1}`) }),
      }),
    ),
    h(
      "p",
      { class: "links" },
      h("a", { class: "button secondary", href: `#/places/${area.code}` }, t("overview.places")),
      h("a", { class: "button secondary", href: `#/report/${area.code}` }, t("overview.report")),
    ),
    downloads([["export.tallies", "tallies", { area: area.code }]]),
  );
}
