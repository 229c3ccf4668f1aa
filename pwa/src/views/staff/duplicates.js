/**
 * Possible duplicates: households whose KK was logged more than once. Never blocked on the phone; the
 * coordinator keeps one record and voids the others with a reason.
 */
import { request } from "../../api.js";
import { can } from "../../capabilities.js";
import { day, label, num, t } from "../../i18n.js";
import { h, mount } from "../dom.js";
import { apiPath } from "./data.js";
import { workArea } from "./area-picker.js";
import { api } from "../../endpoints.js";

function group(app, g, onVoided) {
  return h(
    "li",
    { class: "card", "data-testid": "dup-group" },
    h("h2", { class: "mono" }, `${g.kk_number} · ${t("dup.count", { n: num(g.count) })}`),
    h(
      "ul",
      { class: "list plain" },
      g.assists.map((a) => {
        const outcome = label((app.reference?.outcome || []).find((o) => o.code === a.outcome));
        const reason = h("input", {
          type: "text",
          value: t("dup.defaultReason"),
          maxlength: 200,
          "aria-label": t("dup.reason"),
        });
        const button = h("button", { type: "button", class: "secondary" }, t("dup.void"));
        const note = h("p", { class: "msg", role: "status", "aria-live": "polite" });
        button.addEventListener("click", async () => {
          button.disabled = true;
          try {
            await request(api.assistAction(a.id, "void"), {
              method: "POST",
              body: { reason: reason.value.trim() },
              headers: { "If-Match": a.etag },
            });
            onVoided();
          } catch (e) {
            note.textContent = e.message;
            note.className = "msg error";
            button.disabled = false;
          }
        });
        return h(
          "li",
          { "data-id": a.id },
          a.in_scope
            ? h("a", { href: `#/review/${a.id}` }, h("strong", null, a.head_name))
            : h("strong", null, a.head_name),
          h("div", null, `${a.place_name} · ${day(a.date)} · ${a.enumerator.name} · ${outcome}`),
          !a.in_scope
            ? h("div", { class: "sub" }, t("dup.outside"))
            : can(app.session, "review.decide")
              ? h("div", { class: "inline" }, reason, button)
              : null,
          note,
        );
      }),
    ),
  );
}

/** Render the duplicates of the user's area, a page at a time. */
export async function renderDuplicates(el, app) {
  const list = h("ul", { class: "list plain", "data-testid": "duplicates" });
  const more = h("button", { type: "button", class: "secondary", hidden: true }, t("review.more"));
  let cursor = null;
  const refresh = () => {
    app.toast(t("dup.voided"));
    app.rerender();
  };
  async function load() {
    const body = await request(apiPath(api.duplicates, { area: workArea(app), cursor }));
    list.append(...body.items.map((g) => group(app, g, refresh)));
    if (!list.children.length) list.append(h("li", { class: "notice" }, t("dup.none")));
    cursor = body.next;
    more.hidden = !cursor;
  }
  more.addEventListener("click", load);
  mount(el, h("h1", null, t("dup.title")), h("p", { class: "sub" }, t("dup.hint")), list, more);
  await load();
}
