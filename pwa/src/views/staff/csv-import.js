/**
 * Importing a CSV or XLSX file in two steps: check it (a dry run listing every bad line), then import it, all
 * rows or none. The file never leaves the screen until the supervisor asks.
 */
import { request } from "../../api.js";
import { num, t } from "../../i18n.js";
import { field, h, mount } from "../dom.js";

/**
 * A card with a file picker, "check" and "import" buttons and the report.
 * @param {string} id unique id prefix
 * @param {string} title
 * @param {string} help which columns the file has
 * @param {string} path the import endpoint
 * @param {(app: any) => void} [onDone] called after a real import (default: say so and redraw the screen)
 * @param {(fmt: "csv"|"xlsx") => string} [template] where a file to fill in is downloaded, per format
 */
export function csvImport(app, id, title, help, path, onDone, template) {
  const file = h("input", {
    type: "file",
    accept: ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  });
  const report = h("div", { "aria-live": "polite", "data-testid": `${id}-report` });
  const check = h("button", { type: "button", class: "secondary" }, t("import.check"));
  let upload = null;

  async function send(dryRun) {
    try {
      return { ok: await request(path, { method: "POST", body: { ...upload, dry_run: dryRun } }) };
    } catch (error) {
      return { error };
    }
  }

  check.addEventListener("click", async () => {
    if (!file.files?.length) return file.focus();
    upload = await readUpload(file.files[0]);
    check.disabled = true;
    const result = await send(true);
    check.disabled = false;
    if (result.error) return mount(report, problems(result.error));
    const run = h("button", { type: "button" }, t("import.run", { n: num(result.ok.rows) }));
    const replaced = result.ok.updated || result.ok.removed;
    run.addEventListener("click", async () => {
      run.disabled = true;
      const done = await send(false);
      if (done.error) return mount(report, problems(done.error));
      // The redrawn screen shows what was imported; the message outlives the redraw.
      app.toast(t("import.done", { n: num(done.ok.rows) }));
      (onDone || (() => app.rerender()))(app);
    });
    mount(
      report,
      h("p", { class: "notice" }, t("import.ok", { n: num(result.ok.rows) })),
      replaced
        ? h(
            "p",
            { class: "notice" },
            t("import.replaces", { updated: num(result.ok.updated || 0), removed: num(result.ok.removed || 0) }),
          )
        : null,
      run,
    );
  });
  return h(
    "section",
    { class: "card" },
    h("h2", null, title),
    h("p", { class: "sub" }, help),
    template
      ? h(
          "p",
          { class: "links" },
          ["csv", "xlsx"].map((fmt) =>
            h(
              "a",
              { class: "button secondary", href: template(fmt), download: "" },
              t("import.template", { fmt: fmt.toUpperCase() }),
            ),
          ),
        )
      : null,
    field(`${id}-file`, t("import.file"), file),
    check,
    report,
  );
}

/** Return the body fields of a file: CSV as text, a spreadsheet (XLSX) as base64. */
async function readUpload(picked) {
  if (!/\.xlsx$/i.test(picked.name)) return { csv: await picked.text() };
  const bytes = new Uint8Array(await picked.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { xlsx: btoa(binary) };
}

/** The problem of a failed import: its message, then each bad line with its fields and reasons. */
function problems(error) {
  const lines = Object.entries(error.body?.errors || {});
  return h(
    "div",
    { role: "alert" },
    h("p", { class: "alert" }, error.message),
    lines.length
      ? h(
          "ul",
          { class: "list plain errors" },
          lines.map(([line, fields]) =>
            h(
              "li",
              { "data-line": line },
              h("strong", null, t("import.line", { line })),
              ": ",
              Object.entries(fields)
                .map(([name, messages]) => `${name.replace(/^_/, "")} — ${[].concat(messages).join(" ")}`)
                .join("; "),
            ),
          ),
        )
      : null,
  );
}
