/**
 * The status bar on every screen: unsent count and age of the oldest, last successful sync, "Kirim sekarang".
 */
import { age, t, when } from "../i18n.js";
import { h, mount } from "./dom.js";

/** Render the status bar from a sync status. */
export function renderStatus(el, status, onSend) {
  const line = status.unsent
    ? [
        t("status.unsent", { n: status.unsent }),
        status.oldestAt ? ` · ${t("status.oldest", { age: age(status.oldestAt) })}` : "",
      ]
    : [t("status.allSent")];
  const last = status.lastSyncAt ? when(status.lastSyncAt) : t("status.never");
  let detail = t("status.lastSync", { when: last });
  if (status.running) detail = t("status.sending");
  else if (status.nextAttemptAt) detail += ` · ${t("status.retry", { when: when(status.nextAttemptAt) })}`;
  mount(
    el,
    h(
      "div",
      { class: `status ${status.unsent ? "pending" : "clear"}` },
      h("div", { class: "status-text" }, h("strong", { "data-testid": "unsent" }, ...line), h("small", null, detail)),
      h(
        "button",
        { class: "secondary", type: "button", onclick: onSend, disabled: status.running },
        t("status.sendNow"),
      ),
    ),
    status.blocked ? h("p", { class: "alert", role: "alert" }, t("status.blocked")) : null,
  );
}
