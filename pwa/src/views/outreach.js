/**
 * One outreach: its tally on one line, the assist form (ready for the next household after each save), and
 * "finish" (asked first, reopened the same day). An outreach the server refused says why and how to fix it.
 */
import { label, num, t, when } from "../i18n.js";
import { saveRecord } from "../outbox.js";
import { assistsOf, getRecord } from "../store.js";
import { tally } from "../tally.js";
import { assistForm } from "./assist-form.js";
import { confirmDialog, h, mount } from "./dom.js";
import { leftOutLine } from "./home.js";
import { withdrawPanel } from "./withdraw.js";

/** Render the outreach screen. */
export async function renderOutreach(el, app, outreachId) {
  const outreach = await getRecord(app.db, outreachId);
  if (!outreach) return app.navigate("#/");
  const desa = (app.areas || []).find((a) => a.code === outreach.data.desa_code);
  const kind = (app.reference?.place_kind || []).find((k) => k.code === outreach.data.place_kind);
  const assists = await assistsOf(app.db, outreachId);
  const figures = tally(assists);
  const closed = Boolean(outreach.data.ended_at);
  const refused = outreach.state === "rejected";
  const waiting = assists.filter((a) => a.state === "waiting").length;
  let body;
  if (outreach.voided) body = h("p", { class: "notice" }, t("state.voided"));
  else if (refused) body = refusedPanel(app, outreach, waiting);
  else if (closed) body = closedPanel(app, outreach, el);
  else {
    const form = await assistForm(app, {
      outreach,
      // Redraw with the new tally and an empty form, ready for the next household: focus on KK, tally in view.
      onSaved: () =>
        renderOutreach(el, app, outreachId).then(() => {
          window.scrollTo(0, 0);
          el.querySelector("#assist-kk")?.focus({ preventScroll: true });
        }),
    });
    body = [form, finishButton(app, outreach, figures.households)];
  }
  mount(
    el,
    h(
      "div",
      { class: "outreach-head" },
      h("h1", null, outreach.data.place_name),
      h(
        "p",
        { class: "tally-line", "data-testid": "outreach" },
        h("strong", { "data-testid": "outreach-households" }, num(figures.households)),
        ` ${t("tally.households")} · `,
        h("strong", { "data-testid": "outreach-persons" }, num(figures.persons)),
        ` ${t("tally.persons")}`,
        h("span", { class: "sub" }, ` · ${t("outreach.kindLabel", { kind: label(kind), desa: desa?.name || "" })}`),
      ),
      leftOutLine(figures),
    ),
    body,
  );
}

function refusedPanel(app, outreach, waiting) {
  return [
    h(
      "div",
      { class: "alert-box", role: "alert" },
      h("p", null, t("outreach.refused", { message: outreach.message || outreach.problem || "" })),
      waiting ? h("p", null, t("outreach.waitingHouseholds", { n: waiting })) : null,
    ),
    h("a", { class: "button", href: `#/outreach/${outreach.id}/edit` }, t("outreach.edit")),
    withdrawPanel(app, outreach, () => app.navigate("#/records/fix")),
  ];
}

function closedPanel(app, outreach, el) {
  const endedToday = new Date(outreach.data.ended_at).toDateString() === new Date().toDateString();
  return [
    h("p", { class: "notice" }, t("outreach.closedAt", { when: when(Date.parse(outreach.data.ended_at)) })),
    endedToday
      ? h(
          "button",
          {
            type: "button",
            class: "secondary",
            onclick: async () => {
              await saveRecord(app.db, {
                entity: "outreach",
                id: outreach.id,
                data: { ...outreach.data, ended_at: null },
              });
              app.changed();
              await renderOutreach(el, app, outreach.id);
            },
          },
          t("outreach.reopen"),
        )
      : null,
  ];
}

function finishButton(app, outreach, households) {
  return h(
    "button",
    {
      type: "button",
      class: "secondary finish",
      onclick: async () => {
        const sure = await confirmDialog({
          title: t("outreach.closeConfirm"),
          body: [h("p", null, t("outreach.closeBody", { n: t("count.households", { n: households }) }))],
          confirm: t("outreach.closeYes"),
          cancel: t("dialog.cancel"),
        });
        if (!sure) return;
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
  );
}
