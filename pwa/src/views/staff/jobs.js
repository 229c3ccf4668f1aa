/**
 * Background exports: the server writes the file while the screen shows its progress, then offers a signed
 * download link that expires. Works the same for a hundred rows or a million.
 */
import { request } from "../../api.js";
import { dateTime, num, t } from "../../i18n.js";
import { h, mount } from "../dom.js";
import { api } from "../../endpoints.js";
import { apiPath } from "./data.js";
import { errorText } from "./ui.js";

const POLL_MS = 700;

/** Start an export job with the given filters (empty ones left out); resolves with the created job. */
export function startJob(kind, format, params) {
  const body = { kind, format };
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== "") body[key] = value;
  }
  return request(api.exportJobs, { method: "POST", body });
}

/**
 * A button that first says what the export will hold (its filter and exact row count), then, once confirmed,
 * prepares it in the background and turns into its download link.
 * @param {string} text what the file is
 * @param {string} kind
 * @param {"csv"|"xlsx"} format
 * @param {Record<string, any>|(() => Record<string, any>)} params the filters (a function: read at the click)
 * @param {string[]} describe the chosen filters in words, shown before the export starts
 */
export function exportButton(text, kind, format, params, describe = []) {
  const box = h("div", { class: "job" });
  const button = h("button", { type: "button", class: "secondary" }, t("jobs.prepare", { what: text }));
  const fail = (error) => mount(box, button, h("p", { class: "alert", role: "alert" }, errorText(error)));
  button.addEventListener("click", async () => {
    button.disabled = true;
    const chosen = typeof params === "function" ? params() : params;
    try {
      const preview = await request(apiPath(api.exportCount(kind), chosen));
      mount(
        box,
        confirmation(text, preview, describe, chosen, (go) => (go ? start() : mount(box, button))),
      );
    } catch (error) {
      fail(error);
    } finally {
      button.disabled = false;
    }
    async function start() {
      try {
        await follow(box, await startJob(kind, format, chosen));
      } catch (error) {
        fail(error);
      }
    }
  });
  mount(box, button);
  return box;
}

function confirmation(text, preview, describe, chosen, answer) {
  const rows =
    preview.rows === null || preview.rows === undefined
      ? t("jobs.confirmTable", { what: text })
      : t("jobs.confirm", { what: text, rows: num(preview.rows) });
  const ok = h("button", { type: "button", onclick: () => answer(true) }, t("jobs.start"));
  return h(
    "div",
    { class: "card confirm", role: "group", "aria-label": text, "data-testid": "export-confirm" },
    h("p", null, h("strong", null, rows)),
    h("p", null, describe.length ? t("jobs.filters", { list: describe.join("; ") }) : t("jobs.noFilter")),
    h("p", { class: "sub" }, preview.masked ? t("jobs.masked") : t("jobs.unmasked")),
    chosen.sep ? h("p", { class: "sub" }, t(chosen.sep === ";" ? "jobs.sepSemicolon" : "jobs.sepComma")) : null,
    h(
      "div",
      { class: "actions" },
      ok,
      h("button", { type: "button", class: "secondary", onclick: () => answer(false) }, t("jobs.cancel")),
    ),
  );
}

/** Show a job's progress until it ends, then its download link (or why it failed). */
export async function follow(box, job) {
  const status = h("p", { class: "msg", role: "status", "aria-live": "polite" });
  const bar = h("progress", { max: "100" });
  mount(box, status, bar);
  while (job.status === "queued" || job.status === "running") {
    const known = job.rows_total !== null && job.rows_total !== undefined;
    // Queued: every running place of the installation is taken (or a worker is picking it up).
    if (job.status === "queued") status.textContent = t("jobs.waiting");
    else
      status.textContent = known
        ? t("jobs.running", { done: num(job.rows_done), total: num(job.rows_total) })
        : t("jobs.runningNoTotal");
    if (known && job.rows_total > 0) bar.value = Math.round((100 * job.rows_done) / job.rows_total);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    job = await request(api.exportJob(job.id));
  }
  mount(box, jobResult(job));
  return job;
}

/** The outcome of a finished job: its link, that its file was deleted, or why it failed. */
export function jobResult(job) {
  if (job.status === "expired") return h("p", { class: "sub" }, t("jobs.expired"));
  if (job.status !== "done") return h("p", { class: "alert", role: "alert" }, t("jobs.failed", { error: job.error }));
  return [
    h(
      "a",
      { class: "button", href: job.download_url, download: job.filename },
      t("jobs.ready", { name: job.filename }),
    ),
    h("p", { class: "sub" }, t("jobs.linkNote", { when: dateTime(Date.parse(job.link_expires_at)) })),
  ];
}

/** Render the user's recent exports with their state and fresh links. */
export async function renderJobs(el) {
  const jobs = await request(api.exportJobs);
  mount(
    el,
    h("h1", null, t("jobs.title")),
    jobs.length
      ? h(
          "ul",
          { class: "list", "data-testid": "jobs" },
          jobs.map((job) => {
            const box = h("div");
            if (job.status === "queued" || job.status === "running") follow(box, job);
            else mount(box, jobResult(job));
            return h(
              "li",
              null,
              h("strong", null, job.filename),
              h("small", null, dateTime(Date.parse(job.created_at))),
              box,
            );
          }),
        )
      : h("p", null, t("jobs.none")),
  );
}
