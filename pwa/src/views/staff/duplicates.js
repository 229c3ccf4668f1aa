/**
 * Possible duplicates: households whose KK was logged more than once. Never blocked on the phone; the
 * coordinator keeps one record and voids the others with a reason, after confirming. One KK under different
 * heads' names is listed apart: likely a mistyped number, to be checked rather than voided.
 */
import { request } from "../../api.js";
import { can } from "../../capabilities.js";
import { day, label, num, t } from "../../i18n.js";
import { h, mount } from "../dom.js";
import { apiPath } from "./data.js";
import { errorText } from "./ui.js";
import { workArea } from "./area-picker.js";
import { api } from "../../endpoints.js";

function voidControls(app, a, onVoided) {
  const reason = h("input", {
    type: "text",
    value: t("dup.defaultReason"),
    maxlength: 200,
    "aria-label": t("dup.reason"),
  });
  const button = h("button", { type: "button", class: "secondary" }, t("dup.void"));
  const note = h("p", { class: "msg", role: "status", "aria-live": "polite" });
  const box = h("div", { class: "inline" }, reason, button);
  const ask = () =>
    mount(
      box,
      h(
        "div",
        { class: "card confirm", role: "alertdialog", "aria-label": t("dup.void"), "data-testid": "void-confirm" },
        h(
          "p",
          null,
          t("dup.confirm", { name: a.head_name, place: a.place_name, date: day(a.date), who: a.enumerator.name }),
        ),
        h(
          "div",
          { class: "actions" },
          h("button", { type: "button", class: "danger", onclick: confirmed }, t("dup.confirmYes")),
          h(
            "button",
            { type: "button", class: "secondary", onclick: () => mount(box, reason, button) },
            t("dup.confirmNo"),
          ),
        ),
      ),
    );
  async function confirmed(event) {
    event.target.disabled = true;
    try {
      await request(api.assistAction(a.id, "void"), {
        method: "POST",
        body: { reason: reason.value.trim() },
        headers: { "If-Match": a.etag },
      });
      onVoided();
    } catch (e) {
      mount(box, reason, button);
      note.textContent = errorText(e);
      note.className = "msg error";
    }
  }
  button.addEventListener("click", ask);
  return [box, note];
}

function group(app, g, typo, onVoided) {
  return h(
    "li",
    { class: "card", "data-testid": typo ? "typo-group" : "dup-group" },
    h("h2", { class: "mono" }, `${g.kk_number} · ${t("dup.count", { n: num(g.count) })}`),
    h(
      "ul",
      { class: "list plain" },
      g.assists.map((a) => {
        const outcome = label((app.reference?.outcome || []).find((o) => o.code === a.outcome));
        return h(
          "li",
          { "data-id": a.id },
          a.in_scope
            ? h("a", { href: `#/review/${a.id}` }, h("strong", null, a.head_name))
            : h("strong", null, a.head_name),
          h("div", null, `${a.place_name} · ${day(a.date)} · ${a.enumerator.name} · ${outcome}`),
          !a.in_scope
            ? h("div", { class: "sub" }, t("dup.outside"))
            : can(app.session, "review.decide") && !typo
              ? voidControls(app, a, onVoided)
              : null,
        );
      }),
    ),
  );
}

/** One paged section: true duplicates, or KK numbers under different names. */
async function section(app, kind, onVoided) {
  const typo = kind === "typo";
  const list = h("ul", { class: "list plain", "data-testid": typo ? "typos" : "duplicates" });
  const more = h("button", { type: "button", class: "secondary", hidden: true }, t("review.more"));
  let cursor = null;
  async function load() {
    const body = await request(apiPath(api.duplicates, { area: workArea(app), kind, cursor }));
    list.append(...body.items.map((g) => group(app, g, typo, onVoided)));
    if (!list.children.length) list.append(h("li", { class: "notice" }, t(typo ? "dup.typoNone" : "dup.none")));
    cursor = body.next;
    more.hidden = !cursor;
  }
  more.addEventListener("click", load);
  await load();
  return h(
    "section",
    null,
    h(typo ? "h2" : "h1", null, t(typo ? "dup.typoTitle" : "dup.title")),
    h("p", { class: "sub" }, t(typo ? "dup.typoHint" : "dup.hint")),
    list,
    more,
  );
}

/** Render the duplicates of the user's area, then the likely typos, a page at a time. */
export async function renderDuplicates(el, app) {
  const refresh = () => {
    app.toast(t("dup.voided"));
    app.rerender();
  };
  const [duplicates, typos] = await Promise.all([section(app, "duplicate", refresh), section(app, "typo", refresh)]);
  mount(el, duplicates, typos);
}
