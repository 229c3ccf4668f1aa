/**
 * Laporan harian: one printable A4 page for an area and a day, written as the office writes it — participation
 * against the target, the highest and lowest child areas, our own work — with the ranking and the chart.
 */
import { num, t, today, when } from "../../i18n.js";
import { field, h, mount } from "../dom.js";
import { dailyChart } from "./chart.js";
import { figures } from "./data.js";
import { childColumns, participation } from "./overview.js";
import { rankTable, stamp, unavailable } from "./ui.js";

/** An area's name as a sentence says it ("Kecamatan Kaliwates", "Provinsi Jawa Timur", "Kabupaten Jember"). */
export function named(row, level) {
  return level === 1 || level === 3
    ? `${t(`report.prefix.${level}`)} ${row.label ?? row.name}`
    : (row.label ?? row.name);
}

const pctWords = (v) => v.toLocaleString(document.documentElement.lang);

/**
 * The report's sentences, built only from figures that exist (nothing is said about what is unknown but that).
 * @param {any} area the area (code, name, level)
 * @param {any} total its figures up to the day
 * @param {any} standing its rank among its parent's children, or null
 * @param {Array<any>} cumulative child rows up to the day, ranked by persons who took part
 * @param {Array<any>} thatDay child rows of the day alone
 * @param {string} date YYYY-MM-DD
 */
export function sentences(area, total, standing, cumulative, thatDay, date) {
  const out = [];
  const level = area.level + 1;
  const subject = named(area, area.level);
  const dateText = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "long" }).format(
    new Date(`${date}T00:00:00`),
  );
  if (total.participation_pct === null || total.participation_pct === undefined) {
    out.push(t("report.s.noOfficial", { area: subject, date: dateText }));
  } else if (total.target_pct === null) {
    out.push(t("report.s.participation", { area: subject, date: dateText, p: pctWords(total.participation_pct) }));
  } else {
    const above = total.participation_pct >= total.target_pct;
    out.push(
      t(above ? "report.s.above" : "report.s.below", {
        area: subject,
        date: dateText,
        p: pctWords(total.participation_pct),
        target: pctWords(total.target_pct),
      }),
    );
  }
  if (standing)
    out.push(
      t("report.s.standing", {
        area: subject,
        rank: num(standing.rank),
        of: num(standing.ranked),
        level: t(`level.${area.level}`),
        parent: standing.parent_name,
      }),
    );
  const reported = cumulative.filter((r) => r.took_part !== null && r.took_part !== undefined);
  if (reported.length >= 2) {
    const top = reported.reduce((a, b) => (b.took_part > a.took_part ? b : a));
    const bottom = reported.reduce((a, b) => (b.took_part < a.took_part ? b : a));
    out.push(
      t("report.s.highLow", {
        high: named(top, level),
        n: num(top.took_part),
        low: named(bottom, level),
        m: num(bottom.took_part),
      }),
    );
  }
  const dayTotal = thatDay.reduce((sum, r) => ({ h: sum.h + r.households, p: sum.p + r.persons }), { h: 0, p: 0 });
  out.push(
    t("report.s.ownWork", {
      h: num(dayTotal.h),
      p: num(dayTotal.p),
      H: num(total.households),
      P: num(total.persons),
    }) +
      (total.share_pct !== null && total.share_pct !== undefined
        ? t("report.s.share", { s: pctWords(total.share_pct) })
        : "."),
  );
  const idle = thatDay.filter((r) => r.households === 0);
  if (thatDay.length && idle.length)
    out.push(
      t("report.s.idle", {
        n: idle.length,
        level: t(`level.${level}`),
        names: idle
          .slice(0, 5)
          .map((r) => r.label)
          .join(", "),
        more: idle.length > 5 ? t("report.s.more", { n: idle.length - 5 }) : "",
      }),
    );
  return out;
}

/** Render the report of an area for the chosen day. */
export async function renderReport(el, app, code) {
  const chosen = app.staffState.reportDay || today();
  const [cumulative, thatDay, days] = await Promise.all([
    figures(app, { area: code, by: "child", to: chosen, rank_by: "took_part" }),
    figures(app, { area: code, by: "child", from: chosen, to: chosen, rank_by: "households" }),
    figures(app, { area: code, by: "day", to: chosen }),
  ]);
  const picker = h("input", { type: "date", value: chosen, max: today() });
  picker.addEventListener("change", () => {
    app.staffState.reportDay = picker.value || today();
    app.rerender();
  });
  const print = h("button", { type: "button", onclick: () => window.print() }, t("report.print"));
  const controls = h("div", { class: "no-print" }, field("report-day", t("report.day"), picker), print);
  if (!cumulative || !thatDay || !days) return mount(el, h("h1", null, t("report.title")), controls, unavailable());
  const { area, total, standing } = cumulative.data;
  const level = area.level + 1;
  let { rows } = cumulative.data;
  let ranked = "took_part";
  if (!rows.some((r) => r.rank !== null)) {
    // No official figures yet: rank by the households we assisted up to the day.
    ranked = "households";
    const own = await figures(app, { area: code, by: "child", to: chosen, rank_by: ranked });
    rows = own?.data.rows || rows;
  }
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
        "div",
        { class: "sentences", "data-testid": "report-sentences" },
        sentences(area, total, standing, cumulative.data.rows, thatDay.data.rows, chosen).map((text) =>
          h("p", null, text),
        ),
      ),
      participation(total),
      dailyChart(days.data.rows, days.data.total.target_pct),
      h("h2", null, t("overview.ranking", { level: t(`level.${level}`) })),
      rankTable(rows, childColumns(false, ranked), {
        testId: "report-ranking",
        label: t("overview.ranking", { level: t(`level.${level}`) }),
      }),
      stamp(cumulative),
      h("p", { class: "sub" }, t("report.generated", { when: when(Date.now()) })),
    ),
  );
}
