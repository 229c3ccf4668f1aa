/**
 * Pieces the staff screens share: the "figures as of" line, ranked tables, percentages.
 */
import { language, num, t, when } from "../../i18n.js";
import { field, h } from "../dom.js";
import { exportButton } from "./jobs.js";

/** Percentage text, or a dash. */
export function pct(value) {
  return value === null || value === undefined ? "–" : `${value.toLocaleString(document.documentElement.lang)}%`;
}

/** The line telling when the figures were loaded, and that they are old when offline. */
export function stamp(result) {
  return h(
    "p",
    { class: result.offline ? "alert" : "sub", "data-testid": "as-of", role: result.offline ? "status" : null },
    t(result.offline ? "staff.offline" : "staff.asOf", { when: when(result.at) }),
  );
}

/** An error in words: the server's message, or plainly that there is no signal (never a code like "network"). */
export function errorText(error) {
  if (error.kind === "http") return error.message;
  return t(error.kind === "not-json" ? "staff.notJson" : "staff.noSignal");
}

/** What to show when nothing could be loaded. */
export function unavailable() {
  return h("p", { class: "alert", role: "status" }, t("staff.unavailable"));
}

/**
 * A table of ranked rows; the first and last ranks are marked so the top and bottom stand out.
 * @param {Array<any>} rows
 * @param {Array<[string, (row: any) => any, string?]>} columns [header key, cell, class]
 */
export function rankTable(rows, columns, { testId, markEnds = true, label } = {}) {
  const ranks = rows.map((r) => r.rank).filter((r) => r !== null && r !== undefined);
  const top = Math.min(...ranks);
  const bottom = Math.max(...ranks);
  const mark = (row) => {
    if (!markEnds || rows.length < 2 || top === bottom) return null;
    if (row.rank === top) return h("span", { class: "badge top" }, t("overview.top"));
    if (row.rank === bottom) return h("span", { class: "badge bottom" }, t("overview.bottom"));
    return null;
  };
  return wideTable(
    label,
    testId,
    columns.map(([key, , cls]) => [key, cls]),
    h(
      "tbody",
      null,
      rows.map((row) =>
        h(
          "tr",
          { "data-rank": row.rank, "data-key": row.key },
          columns.map(([, cell, cls], i) =>
            h(
              i === 1 ? "th" : "td",
              { class: cls, scope: i === 1 ? "row" : null },
              i === 1 ? [cell(row), " ", mark(row)] : cell(row),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * A wide table in a focusable, named region: a keyboard or screen-reader user can scroll it too.
 * @param {string} label
 * @param {string} testId
 * @param {Array<string|[string, string?]>} headers string keys ("" for an empty header), or [key, class]
 * @param {HTMLElement} body the tbody
 */
export function wideTable(label, testId, headers, body) {
  return h(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": label },
    h(
      "table",
      { class: "figures", "data-testid": testId },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          headers.map((header) => {
            const [key, cls] = Array.isArray(header) ? header : [header, null];
            return h("th", { scope: "col", class: cls }, key ? t(key) : "");
          }),
        ),
      ),
      body,
    ),
  );
}

/** The usual figure columns after rank and name. */
export const FIGURE_COLUMNS = [
  ["col.households", (r) => num(r.households), "n"],
  ["col.persons", (r) => num(r.persons), "n"],
  ["col.success", (r) => pct(r.success_rate), "n"],
];

/**
 * Exports in CSV and XLSX, each prepared in the background with its progress shown, then downloaded. CSV files
 * split cells with ";" for Excel set to Indonesian (the default in Indonesian) or "," for other spreadsheets.
 * @param {Array<[string, string, Record<string, any>, string[]?]>} kinds [label key, export kind, filters, formats]
 * @param {(params: Record<string, any>) => string[]} describe an export's filters in words, said before it starts
 */
export function downloads(kinds, describe = () => []) {
  const sep = h(
    "select",
    { id: "export-sep" },
    h("option", { value: ";", selected: language() === "id" }, t("export.sepSemicolon")),
    h("option", { value: ",", selected: language() !== "id" }, t("export.sepComma")),
  );
  return h(
    "section",
    { class: "card no-print", "data-testid": "downloads" },
    h("h2", null, t("export.title")),
    h("p", { class: "sub" }, t("export.note")),
    field("export-sep", t("export.sep"), sep),
    kinds.flatMap(([key, kind, params, formats = ["csv", "xlsx"]]) =>
      formats.map((fmt) =>
        exportButton(
          t(key, { fmt: fmt.toUpperCase() }),
          kind,
          fmt,
          fmt === "csv" ? () => ({ ...params, sep: sep.value }) : params,
          describe(params),
        ),
      ),
    ),
  );
}
