/**
 * "Batalkan": take back a record logged by mistake, with a reason. Works offline; the server records a void
 * (or, for a record it never accepted, the phone simply stops sending it).
 */
import { t } from "../i18n.js";
import { withdrawRecord } from "../outbox.js";
import { choices, confirmDialog, h, setMessage } from "./dom.js";

const REASONS = ["withdraw.wrong", "withdraw.double", "withdraw.notHere", "withdraw.other"];

/** A folded panel to withdraw one record (an outreach takes its households with it); onDone runs after. */
export function withdrawPanel(app, record, onDone) {
  const isOutreach = record.entity === "outreach";
  const panel = h(
    "details",
    { class: "card withdraw" },
    h("summary", null, t(isOutreach ? "withdraw.outreachTitle" : "withdraw.title")),
    h("p", { class: "sub" }, t("withdraw.hint")),
    choices(
      "withdraw_reason",
      t("withdraw.reason"),
      REASONS.map((key) => ({ code: key, text: t(key) })),
    ),
    h(
      "button",
      {
        type: "button",
        class: "danger",
        onclick: async () => {
          const chosen = panel.querySelector("input[name=withdraw_reason]:checked");
          setMessage(panel, "withdraw_reason", chosen ? "" : t("withdraw.pick"));
          if (!chosen) return;
          const what = isOutreach ? `"${record.data.place_name}"` : `"${record.data.head_name}"`;
          const sure = await confirmDialog({
            title: t(isOutreach ? "withdraw.outreachTitle" : "withdraw.title"),
            body: [h("p", null, t("withdraw.confirm", { what }))],
            confirm: t("withdraw.submit"),
            cancel: t("dialog.cancel"),
            danger: true,
          });
          if (!sure) return;
          const counts = await withdrawRecord(app.db, { id: record.id, reason: t(chosen.value) });
          app.toast(t("withdraw.done", { n: t("count.records", { n: counts.voided + counts.dropped }) }));
          app.changed();
          await onDone();
        },
      },
      t("withdraw.submit"),
    ),
  );
  return panel;
}
