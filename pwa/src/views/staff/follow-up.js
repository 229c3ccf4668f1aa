/**
 * The interview phase's follow-up list: one household per desa with its best outcome and whether it must be
 * visited, where to find it (address, RT/RW) and who helped it; filtered by desa and outcome. Numbers are masked;
 * a role that may unmask can show them in full, and that is written in the audit log.
 */
import { request } from "../../api.js";
import { can } from "../../capabilities.js";
import { day, label, num, t } from "../../i18n.js";
import { field, h, mount } from "../dom.js";
import { api } from "../../endpoints.js";
import { areaLine, workArea } from "./area-picker.js";
import { apiPath, figures } from "./data.js";
import { downloads, errorText, wideTable } from "./ui.js";

function select(items, value, blank) {
  const control = h(
    "select",
    null,
    h("option", { value: "" }, blank),
    items.map(([code, text]) => h("option", { value: code, selected: String(value) === String(code) }, text)),
  );
  return control;
}

/** Render the follow-up list of the user's area with its filters. */
export async function renderFollowUp(el, app) {
  const filters = (app.staffState.followUp ||= { visit: "true" });
  const children = await figures(app, { area: workArea(app), by: "child" }).catch(() => null);
  const outcomes = (app.reference?.outcome || []).map((o) => [o.code, label(o)]);
  const desa = select(
    (children?.data.rows || []).map((r) => [r.key, r.label]),
    filters.desa,
    t("review.all"),
  );
  const outcome = select(outcomes, filters.outcome, t("review.all"));
  const visit = h("input", { type: "checkbox", checked: filters.visit === "true" });
  const body = h("tbody");
  const more = h("button", { type: "button", class: "secondary", hidden: true }, t("review.more"));
  const note = h("p", { class: "msg", role: "status", "aria-live": "polite" });
  let cursor = null;
  const query = () => ({ area: workArea(app), ...filters, unmask: filters.unmask ? "true" : null, cursor });

  async function load() {
    try {
      const page = await request(apiPath(api.followUp, query()));
      body.append(...page.items.map((item) => row(app, item)));
      if (!body.children.length) body.append(h("tr", null, h("td", { colspan: "6" }, t("follow.none"))));
      cursor = page.next;
      more.hidden = !cursor;
    } catch (error) {
      note.textContent = errorText(error);
    }
  }
  more.addEventListener("click", load);
  const form = h(
    "form",
    {
      class: "card filters",
      onsubmit: (event) => {
        event.preventDefault();
        app.staffState.followUp = {
          desa: desa.value || null,
          outcome: outcome.value || null,
          visit: visit.checked ? "true" : null,
          unmask: filters.unmask,
        };
        app.rerender();
      },
    },
    h(
      "div",
      { class: "grid" },
      field("follow-desa", t("review.desa"), desa),
      field("follow-outcome", t("follow.outcome"), outcome),
    ),
    h("label", { class: "check" }, visit, h("span", null, t("follow.visitOnly"))),
    h("button", { type: "submit" }, t("review.apply")),
  );
  const unmask = can(app.session, "exports.unmask")
    ? h(
        "button",
        { type: "button", class: "secondary", "data-testid": "unmask" },
        t(filters.unmask ? "follow.mask" : "follow.unmask"),
      )
    : null;
  unmask?.addEventListener("click", () => {
    app.staffState.followUp = { ...filters, unmask: !filters.unmask };
    app.rerender();
  });
  const { unmask: shown, ...exported } = filters;
  mount(
    el,
    h("h1", null, t("follow.title")),
    areaLine(app, children?.data.area),
    h("p", { class: "sub" }, t("follow.hint")),
    form,
    unmask
      ? h("p", { class: "actions" }, unmask, shown ? h("span", { class: "sub" }, t("follow.audited")) : null)
      : null,
    note,
    wideTable(
      t("follow.title"),
      "follow-up",
      ["review.head", "review.kk", "follow.where", "follow.outcome", "follow.times", "follow.helped"],
      body,
    ),
    more,
    downloads([["export.followUp", "follow-up", { area: workArea(app), ...exported }]]),
  );
  await load();
}

function row(app, item) {
  const outcome = label((app.reference?.outcome || []).find((o) => o.code === item.outcome)) || item.outcome;
  const where = [item.address, item.rt_rw ? `RT/RW ${item.rt_rw}` : null, item.desa_name].filter(Boolean).join(", ");
  return h(
    "tr",
    { "data-id": item.id, "data-visit": String(item.visit) },
    h("th", { scope: "row" }, h("a", { href: `#/review/${item.id}` }, item.head_name)),
    h("td", { class: "mono" }, item.kk_number),
    h("td", null, where, item.phone ? h("div", { class: "mono" }, item.phone) : null),
    h("td", null, outcome, item.visit ? h("div", null, h("span", { class: "badge dup" }, t("follow.visit"))) : null),
    h("td", { class: "n" }, num(item.times)),
    h("td", null, `${item.place_name} · ${day(item.date)} · ${item.enumerator.name}`),
  );
}
