/**
 * Per petugas: households and persons on a chosen day, each phone's last sync, app version and unsent count,
 * and the silent phones to act on: grouped by kecamatan, each with a call and a WhatsApp link.
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

/** A phone number with its middle hidden on screen (the link itself dials the whole number). */
export function maskedPhone(phone) {
  return phone.length > 8 ? `${phone.slice(0, 5)}${"•".repeat(phone.length - 8)}${phone.slice(-3)}` : phone;
}

/** Call and WhatsApp links for a petugas' phone, or a note that the account has none. */
function contact(row) {
  if (!row.phone) return h("p", { class: "sub" }, t("enum.noPhone"));
  const digits = row.phone.replace(/[^0-9]/g, "");
  const message = encodeURIComponent(t("enum.waMessage", { name: row.label }));
  return h(
    "p",
    { class: "actions contact" },
    h("span", { class: "mono" }, maskedPhone(row.phone)),
    h("a", { class: "button secondary", href: `tel:${row.phone}` }, t("enum.call", { name: row.label })),
    h(
      "a",
      { class: "button secondary", href: `https://wa.me/${digits}?text=${message}`, target: "_blank", rel: "noopener" },
      t("enum.whatsapp", { name: row.label }),
    ),
  );
}

/** The silent phones, grouped by the kecamatan of each petugas (a supervisor's list spans many). */
function silentGroups(silent) {
  const groups = new Map();
  for (const row of silent) {
    const key = row.kecamatan_code || "";
    if (!groups.has(key)) groups.set(key, { name: row.kecamatan_name || t("enum.noKecamatan"), rows: [] });
    groups.get(key).rows.push(row);
  }
  const ordered = [...groups.values()].sort((a, b) => b.rows.length - a.rows.length || a.name.localeCompare(b.name));
  return ordered.map((g) =>
    h(
      "section",
      { class: "silent-group", "data-testid": "silent-group" },
      h("h3", null, `${t("enum.kecamatan", { name: g.name })} (${num(g.rows.length)})`),
      h(
        "ul",
        { class: "list plain" },
        g.rows.map((r) => h("li", null, h("strong", null, r.label), ` (${r.username}) — ${silentText(r)}`, contact(r))),
      ),
    ),
  );
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
        ? [h("p", { class: "sub" }, t("enum.silentHint")), silentGroups(silent)]
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
