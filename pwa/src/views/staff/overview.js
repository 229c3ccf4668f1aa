/**
 * Ringkasan: participation against target (the census office's figures), our own work, the daily chart, and
 * the child areas ranked by the measure the user picks, over the period they pick.
 */
import { num, shortDay, t } from "../../i18n.js";
import { field, h, mount } from "../dom.js";
import { areaPicker } from "./area-picker.js";
import { dailyChart } from "./chart.js";
import { figures } from "./data.js";
import { chosen, rangeChooser, rangeText, span } from "./range.js";
import { downloads, pct, rankTable, stamp, unavailable } from "./ui.js";

/** What a ranking can be ordered by, in the order offered. */
export const MEASURES = ["participation", "took_part", "achievement", "households", "share"];

/** A signed number of percentage points ("+5,2", "−3"). */
export function points(value) {
  if (value === null || value === undefined) return "–";
  const text = Math.abs(value).toLocaleString(document.documentElement.lang);
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

const count = (value) => (value === null || value === undefined ? "–" : num(value));

/** The participation card: the office's figure against the target, or plainly that there is none. */
export function participation(total) {
  if (total.took_part_total === null || total.took_part_total === undefined)
    return h("p", { class: "notice", "data-testid": "no-official" }, t("overview.noOfficial"));
  const parts = [
    total.participation_pct === null
      ? h("p", { class: "notice" }, t("overview.noPopulation"))
      : h("div", { class: "big" }, pct(total.participation_pct)),
  ];
  if (total.target_pct !== null && total.participation_pct !== null) {
    const reached = total.participation_pct >= total.target_pct;
    parts.push(
      h("progress", {
        max: "100",
        value: String(Math.min(100, total.achievement_pct || 0)),
        "aria-label": t("overview.achievement"),
      }),
      h(
        "p",
        { class: reached ? "sub good" : "sub" },
        t(reached ? "overview.aboveTarget" : "overview.belowTarget", {
          target: pct(total.target_pct),
          gap: points(total.gap_pct),
        }),
      ),
    );
  }
  parts.push(
    h("p", { class: "sub" }, t("overview.tookPart", { n: num(total.took_part_total), date: total.official_as_of })),
  );
  return h("div", { class: "achievement", "data-testid": "achievement" }, parts);
}

/** Our own work in the period, and its share of those who took part. */
function ownWork(app, total) {
  return h(
    "div",
    { class: "tally", "data-testid": "own-work" },
    h("div", null, h("strong", null, num(total.households)), h("span", null, t("col.households"))),
    h("div", null, h("strong", null, num(total.persons)), h("span", null, t("col.persons"))),
    h("div", null, h("strong", null, pct(total.share_pct)), h("span", null, t("col.share"))),
    h(
      "p",
      { class: "sub" },
      [
        `${t("overview.success")}: ${pct(total.success_rate)}`,
        total.took_part === null ? t("overview.noTookPart", { period: rangeText(app) }) : null,
        total.excluded_households
          ? t("overview.excluded", {
              households: num(total.excluded_households),
              persons: num(total.excluded_persons),
            })
          : null,
      ]
        .filter(Boolean)
        .join(" · "),
    ),
  );
}

/** The column that holds a measure's figure, shown right after the area's name (so it is on screen at 360 px). */
const MEASURE_COLUMN = {
  participation: ["col.participation", (r) => pct(r.participation_pct), "n"],
  took_part: ["col.tookPart", (r) => count(r.took_part), "n"],
  achievement: ["col.achievement", (r) => pct(r.achievement_pct), "n"],
  households: ["col.households", (r) => num(r.households), "n"],
  share: ["col.share", (r) => pct(r.share_pct), "n"],
};

/** Columns of a child-area ranking: rank, name, the measure ranked by, then the rest. */
export function childColumns(link, measure = "participation") {
  const rest = [
    MEASURE_COLUMN.took_part,
    MEASURE_COLUMN.participation,
    ["col.target", (r) => pct(r.target_pct), "n"],
    ["col.gap", (r) => points(r.gap_pct), "n"],
    MEASURE_COLUMN.households,
    ["col.persons", (r) => num(r.persons), "n"],
    MEASURE_COLUMN.share,
  ].filter((column) => column !== MEASURE_COLUMN[measure]);
  return [
    ["col.rank", (r) => r.rank ?? "–", "n"],
    ["col.area", (r) => (link ? h("a", { href: `#/area/${r.key}` }, r.label) : r.label)],
    MEASURE_COLUMN[measure] || MEASURE_COLUMN.participation,
    ...rest,
  ];
}

/** The ranking's controls: what to rank by, and (above a kabupaten) which level's areas. */
function rankControls(app, area, measure, level, routeKey) {
  const by = h(
    "select",
    null,
    MEASURES.map((m) => h("option", { value: m, selected: m === measure }, t(`rank.${m}`))),
  );
  by.addEventListener("change", () => {
    app.staffState.rankBy = by.value;
    app.rerender();
  });
  const controls = [field("rank-by", t("rank.by"), by)];
  if (area.level <= 1) {
    const levels = [area.level + 1, area.level + 2];
    const pick = h(
      "select",
      null,
      levels.map((l) => h("option", { value: String(l), selected: l === level }, t(`level.${l}`))),
    );
    pick.addEventListener("change", () => {
      app.staffState.levels = { ...app.staffState.levels, [routeKey]: Number(pick.value) };
      app.rerender();
    });
    controls.push(field("rank-level", t("rank.level"), pick));
  }
  return h("div", { class: "grid no-print" }, controls);
}

/** Load an area's ranking and days for the chosen period; null parts when offline with no copy. */
export async function loadFigures(app, code, extra = {}) {
  const { from, to } = span(chosen(app));
  const level = app.staffState.levels?.[code || ""] || null;
  return Promise.all([
    figures(app, { area: code, by: "child", from, to, rank_by: app.staffState.rankBy, level, ...extra }),
    figures(app, { area: code, by: "day", from, to, ...extra }),
  ]);
}

/** The heading line of a ranking ("Peringkat kecamatan · Minggu ini"). */
function rankingTitle(app, level) {
  return `${t("overview.ranking", { level: t(`level.${level}`) })} · ${rangeText(app)}`;
}

/** Render the overview of an area (the user's own, or the country for an admin, when code is empty). */
export async function renderOverview(el, app, code) {
  const [children, days] = await loadFigures(app, code);
  if (!children || !days) return mount(el, h("h1", null, t("nav.overview")), rangeChooser(app), unavailable());
  const { area, total, rows, rank_by: measure, standing } = children.data;
  app.areaNames = { ...app.areaNames, [area.code]: area.name };
  const level = rows[0] ? rows[0].key.split(".").length : area.level + 1;
  const own = app.session.scope || [];
  const up = own.includes(area.code) || area.level === 0 ? null : (area.parent_code ?? "");
  const upHref = up === null ? null : up === "" || up === own[0] ? "#/" : `#/area/${up}`;
  const search = h(
    "details",
    { class: "card no-print" },
    h("summary", null, t("area.search")),
    areaPicker("overview-area", (picked) => {
      location.hash = `#/area/${picked.code}`;
    }),
  );
  mount(
    el,
    h("h1", null, area.name),
    stamp(children),
    upHref
      ? h("p", null, h("a", { href: upHref }, t("overview.up", { name: app.areaNames?.[up] || up || "Indonesia" })))
      : null,
    // On the first screen: which kind of gathering point works best, and the day's report.
    area.level > 0
      ? h(
          "p",
          { class: "links no-print" },
          h("a", { class: "button secondary", href: `#/places/${area.code}` }, t("overview.places")),
          h("a", { class: "button secondary", href: `#/map/${area.code}` }, t("overview.map")),
          h("a", { class: "button secondary", href: `#/report/${area.code}` }, t("overview.report")),
        )
      : null,
    search,
    rangeChooser(app),
    h(
      "section",
      { class: "card" },
      h("h2", null, t("overview.participation")),
      participation(total),
      standing
        ? h(
            "p",
            { class: "sub", "data-testid": "standing" },
            t("overview.standing", {
              rank: num(standing.rank),
              of: num(standing.ranked),
              parent: standing.parent_name,
            }),
          )
        : null,
    ),
    h("section", { class: "card" }, h("h2", null, `${t("overview.ownWork")} · ${rangeText(app)}`), ownWork(app, total)),
    h(
      "section",
      { class: "card" },
      h("h2", null, t("overview.daily")),
      dailyChart(days.data.rows, days.data.total.target_pct),
    ),
    h(
      "section",
      null,
      h("h2", null, rankingTitle(app, level)),
      rankControls(app, area, measure, level, code || ""),
      rows.length && rows.every((r) => r.rank === null)
        ? h("p", { class: "notice" }, t("overview.nothingToRank"))
        : null,
      rankTable(rows, childColumns(level < 4, measure), { testId: "ranking", label: rankingTitle(app, level) }),
    ),
    area.level > 0 ? downloads([["export.tallies", "tallies", { area: area.code, ...span(chosen(app)) }]]) : null,
  );
}
