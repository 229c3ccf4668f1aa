/**
 * One outreach: its tally, the assist form (ready for the next household after each save), and "finish".
 */
import { label, t } from "../i18n.js";
import { saveRecord } from "../outbox.js";
import { assistsOf, getRecord } from "../store.js";
import { tally } from "../tally.js";
import { assistForm } from "./assist-form.js";
import { h, mount } from "./dom.js";
import { tallyBlock } from "./home.js";

/** Render the outreach screen. */
export async function renderOutreach(el, app, outreachId) {
  const outreach = await getRecord(app.db, outreachId);
  if (!outreach) return app.navigate("#/");
  const desa = (app.areas || []).find((a) => a.code === outreach.data.desa_code);
  const kind = (app.reference?.place_kind || []).find((k) => k.code === outreach.data.place_kind);
  const figures = tally(await assistsOf(app.db, outreachId));
  const closed = Boolean(outreach.data.ended_at);
  const form = closed
    ? h("p", { class: "notice" }, t("outreach.closed"))
    : await assistForm(app, {
        outreach,
        // Redraw with the new tally and an empty form, ready for the next household.
        onSaved: () => renderOutreach(el, app, outreachId).then(() => el.querySelector("#assist-kk")?.focus()),
      });
  mount(
    el,
    h("h1", null, outreach.data.place_name),
    h("p", { class: "sub" }, `${label(kind)} · ${desa?.name || outreach.data.desa_code}`),
    tallyBlock(figures, app.reference, "outreach"),
    form,
    closed
      ? null
      : h(
          "button",
          {
            type: "button",
            class: "secondary",
            onclick: async () => {
              await saveRecord(app.db, {
                entity: "outreach",
                id: outreach.id,
                data: { ...outreach.data, ended_at: new Date().toISOString() },
              });
              app.changed();
              app.navigate("#/");
            },
          },
          t("outreach.close"),
        ),
  );
}
