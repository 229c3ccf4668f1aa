/**
 * The status bar on every screen: what is unsent (and how old), what needs correction (apart: it never blocks the
 * rest), the last upload's result, no-signal state, and "Kirim sekarang".
 */
import { age, t, when } from "../i18n.js";
import { h, mount } from "./dom.js";

/** Render the status bar from a sync status (and the last upload's summary, if any). */
export function renderStatus(el, status, onSend, summary = null) {
  const line = status.unsent ? [t("status.unsent", { n: status.unsent })] : [t("status.allSent")];
  const last = status.lastSyncAt ? when(status.lastSyncAt) : t("status.never");
  let detail = t("status.lastSync", { when: last });
  if (status.unsent && status.oldestAt) detail = `${t("status.oldest", { age: age(status.oldestAt) })} · ${detail}`;
  if (status.running) detail = t("status.sending");
  else if (status.offline) detail = t("status.offline");
  else if (status.nextAttemptAt) detail += ` · ${t("status.retry", { when: when(status.nextAttemptAt) })}`;
  const fix = status.needsCorrection
    ? h(
        "a",
        { class: "fix-link", href: "#/records/fix", "data-testid": "needs-correction" },
        t("status.fix", { n: status.needsCorrection }),
        status.waiting ? ` (${t("status.waiting", { n: status.waiting })})` : "",
      )
    : null;
  // The last upload's result shares the detail line: the bar must not grow over the form at every upload.
  if (summary && !status.running && !status.offline) {
    detail += ` · ${t("status.summary", { sent: summary.sent })}`;
    if (summary.needsCorrection.length) detail += `, ${t("status.summaryFix", { n: summary.needsCorrection.length })}`;
  }
  mount(
    el,
    h(
      "div",
      { class: `status ${status.unsent ? "pending" : "clear"}${status.offline ? " offline" : ""}` },
      h(
        "div",
        { class: "status-text", role: "status" },
        h("strong", { "data-testid": "unsent" }, ...line),
        h("small", { "data-testid": "sync-detail" }, detail),
        fix,
      ),
      h(
        "button",
        { class: "secondary", type: "button", onclick: onSend, disabled: status.running },
        t("status.sendNow"),
      ),
    ),
    status.blocked ? h("p", { class: "alert", role: "alert" }, t("status.blocked")) : null,
  );
}
