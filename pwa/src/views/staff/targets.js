/**
 * Targets: an area and its children, each with population, households and target %, edited in place;
 * and the CSV import (checked first, all rows or none).
 */
import { request } from "../../api.js";
import { num, t } from "../../i18n.js";
import { h, mount } from "../dom.js";
import { csvImport } from "./csv-import.js";
import { apiPath } from "./data.js";
import { wideTable } from "./ui.js";
import { api } from "../../endpoints.js";

/** Render the targets of an area (default: the user's own). */
export async function renderTargets(el, app, code) {
  const body = await request(apiPath(api.targets, { area: code || null }));
  const note = h("p", { class: "msg", role: "status", "aria-live": "polite" });
  mount(
    el,
    body.area.parent_code && code ? h("p", null, h("a", { href: `#/targets/${body.area.parent_code}` }, "←")) : null,
    h("h1", null, `${t("targets.title")} — ${body.area.name}`),
    note,
    wideTable(
      t("targets.title"),
      "targets",
      ["targets.area", "targets.population", "targets.households", "targets.pct", "targets.persons", ""],
      h(
        "tbody",
        null,
        body.rows.map((row) => targetRow(app, row, row.code !== body.area.code, note)),
      ),
    ),
    csvImport(
      app,
      "targets-import",
      t("targets.import"),
      t("targets.importHelp"),
      api.targetsImport,
      undefined,
      (fmt) => apiPath(api.targetsTemplate(fmt), { area: body.area.code || null }),
    ),
  );
}

function targetRow(app, row, child, note) {
  const input = (key, value, step = "1") =>
    h("input", {
      type: "number",
      min: "0",
      step,
      max: key === "target_pct" ? "100" : null,
      value: value ?? "",
      inputmode: "decimal",
      "aria-label": `${t(`targets.${key === "target_pct" ? "pct" : key}`)} ${row.name}`,
      name: key,
    });
  const fields = [
    input("population", row.population),
    input("households", row.households),
    input("target_pct", row.target_pct, "0.01"),
  ];
  const save = h("button", { type: "button", class: "secondary" }, t("targets.save"));
  save.addEventListener("click", async () => {
    const [population, households, pct] = fields.map((f) => f.value);
    try {
      await request(api.target(row.code), {
        method: "PUT",
        body: { population: Number(population), households: Number(households), target_pct: Number(pct) },
      });
      app.toast(t("targets.saved", { name: row.name }));
      app.rerender();
    } catch (error) {
      note.textContent = `${row.name}: ${error.message}`;
    }
  });
  const name =
    child && row.level < 4
      ? h("a", { href: `#/targets/${row.code}`, "aria-label": t("targets.open", { name: row.name }) }, row.name)
      : row.name;
  return h(
    "tr",
    { "data-code": row.code },
    h("th", { scope: "row" }, name),
    fields.map((f) => h("td", null, f)),
    h("td", { class: "n" }, row.target_persons === null ? "–" : num(row.target_persons)),
    h("td", null, save),
  );
}
