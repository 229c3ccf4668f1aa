/**
 * The audit log in words: who did what, when, from where; one row per export (masked or not, its rows, its
 * downloads); filtered by kind of action, dates and a search; paged, newest first. A coordinator sees their
 * kecamatan's people, a supervisor their kabupaten's.
 */
import { request } from "../../api.js";
import { dateTime, t } from "../../i18n.js";
import { field, h, mount } from "../dom.js";
import { apiPath } from "./data.js";
import { wideTable } from "./ui.js";
import { api } from "../../endpoints.js";

/** The start of a local day as an ISO time; `next` gives the start of the day after (the range's end). */
function dayStart(value, next = false) {
  if (!value) return "";
  const [y, m, d] = value.split("-").map(Number);
  return new Date(y, m - 1, d + (next ? 1 : 0)).toISOString();
}

/** Render the audit log with its filters. */
export async function renderAudit(el, app) {
  const filters = (app.staffState.auditFilters ||= { q: "", action: "", from: "", to: "" });
  const q = h("input", { type: "search", value: filters.q });
  const action = h("select", null, h("option", { value: "" }, t("audit.anyAction")));
  const from = h("input", { type: "date", value: filters.from });
  const to = h("input", { type: "date", value: filters.to });
  const body = h("tbody");
  const more = h("button", { type: "button", class: "secondary", hidden: true }, t("audit.more"));
  let cursor = null;

  async function load() {
    more.disabled = true;
    const query = {
      q: filters.q,
      action: filters.action,
      from: dayStart(filters.from),
      to: dayStart(filters.to, true),
    };
    const page = await request(apiPath(api.audit, { ...query, cursor, limit: 50 }));
    if (action.options.length === 1) {
      action.append(...page.groups.map((g) => h("option", { value: g.code }, g.label)));
      action.value = filters.action;
    }
    body.append(...page.items.map(eventRow));
    if (!body.children.length) body.append(h("tr", null, h("td", { colspan: "5" }, t("audit.none"))));
    cursor = page.next;
    more.hidden = !cursor;
    more.disabled = false;
  }
  more.addEventListener("click", load);
  mount(
    el,
    h("h1", null, t("audit.title")),
    h("p", { class: "sub" }, t("audit.hint")),
    h(
      "form",
      {
        class: "card filters",
        onsubmit: (event) => {
          event.preventDefault();
          app.staffState.auditFilters = { q: q.value.trim(), action: action.value, from: from.value, to: to.value };
          app.rerender();
        },
      },
      h(
        "div",
        { class: "grid" },
        field("audit-action", t("audit.action"), action),
        field("audit-from", t("audit.dateFrom"), from),
        field("audit-to", t("audit.dateTo"), to),
        field("audit-q", t("audit.q"), q),
      ),
      h("button", { type: "submit", class: "secondary" }, t("audit.search")),
    ),
    wideTable(
      t("audit.title"),
      "audit",
      ["audit.when", "audit.what", "audit.who", "audit.about", "audit.details"],
      body,
    ),
    more,
  );
  await load();
}

function eventRow(e) {
  const who = e.actor ? `${e.actor.username}${e.actor.role ? ` (${t(`role.${e.actor.role}`)})` : ""}` : "–";
  const about = [e.entity ? t(`audit.entity.${e.entity}`) : null, e.entity_id].filter(Boolean).join(" ");
  const where = [e.ip, e.device_id ? `HP ${e.device_id.slice(0, 8)}` : null].filter(Boolean).join(" · ");
  return h(
    "tr",
    { "data-action": e.action },
    h("td", null, dateTime(Date.parse(e.at))),
    h("th", { scope: "row" }, e.label),
    h("td", null, who, where ? h("small", { class: "sub" }, ` ${where}`) : null),
    h("td", null, about || "–"),
    h("td", null, e.summary || "–"),
  );
}
