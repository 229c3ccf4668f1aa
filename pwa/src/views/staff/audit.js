/**
 * The audit log: who saw or changed what, when, from where; searchable and paged (newest first).
 */
import { request } from "../../api.js";
import { dateTime, t } from "../../i18n.js";
import { field, h, mount } from "../dom.js";
import { apiPath } from "./data.js";
import { wideTable } from "./ui.js";
import { api } from "../../endpoints.js";

const ACTIONS = ["auth", "review", "export", "user", "device", "target", "sign_in_code", "sync"];

/** Render the audit log with its search form. */
export async function renderAudit(el, app) {
  const filters = (app.staffState.auditFilters ||= { q: "", action: "" });
  const q = h("input", { type: "search", value: filters.q });
  const action = h(
    "select",
    null,
    h("option", { value: "" }, t("audit.anyAction")),
    ACTIONS.map((a) => h("option", { value: a }, a)),
  );
  action.value = filters.action;
  const body = h("tbody");
  const more = h("button", { type: "button", class: "secondary", hidden: true }, t("audit.more"));
  let cursor = null;

  async function load() {
    more.disabled = true;
    const page = await request(apiPath(api.audit, { ...filters, cursor, limit: 50 }));
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
    h(
      "form",
      {
        class: "filters",
        onsubmit: (event) => {
          event.preventDefault();
          app.staffState.auditFilters = { q: q.value.trim(), action: action.value };
          app.rerender();
        },
      },
      field("audit-q", t("audit.q"), q),
      field("audit-action", t("audit.action"), action),
      h("button", { type: "submit", class: "secondary" }, t("audit.search")),
    ),
    wideTable(
      t("audit.title"),
      "audit",
      ["audit.when", "audit.who", "audit.what", "audit.about", "audit.details"],
      body,
    ),
    more,
  );
  await load();
}

function eventRow(e) {
  const who = e.actor ? `${e.actor.username}${e.actor.role ? ` (${t(`role.${e.actor.role}`)})` : ""}` : "–";
  const about = [e.entity, e.entity_id].filter(Boolean).join(" ");
  const where = [e.ip, e.device_id ? `HP ${e.device_id.slice(0, 8)}` : null].filter(Boolean).join(" · ");
  const details = Object.entries(e.details || {})
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`)
    .join("; ");
  return h(
    "tr",
    { "data-action": e.action },
    h("td", null, dateTime(Date.parse(e.at))),
    h("td", null, who, where ? h("small", { class: "sub" }, ` ${where}`) : null),
    h("th", { scope: "row" }, e.action),
    h("td", null, about || "–"),
    h("td", null, details || "–"),
  );
}
