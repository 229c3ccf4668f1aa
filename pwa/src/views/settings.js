/**
 * Settings: language, storage protection, export of unsent records (the escape hatch), and sign-out. Sign-out
 * waits while anything can still be sent; records that need correction never make it a dead end: fix, withdraw,
 * or export them and sign out.
 */
import { t } from "../i18n.js";
import { outboxEntries, queueCounts } from "../store.js";
import { confirmDialog, h, mount } from "./dom.js";
import { languageButtons } from "./language.js";

/** Render settings. */
export async function renderSettings(el, app) {
  const note = h("div", { class: "msg", role: "status", "aria-live": "polite" });
  let exported = false;
  const storage = app.storage || { persisted: false, low: false };
  mount(
    el,
    h("h1", null, t("settings.title")),
    h("p", null, t("settings.user", { name: app.session.displayName || app.session.username })),
    h(
      "fieldset",
      { class: "choices" },
      h("legend", null, t("settings.language")),
      languageButtons(() => app.rerender()),
    ),
    h("h2", null, t("settings.storage")),
    h(
      "p",
      { class: storage.persisted ? "" : "alert" },
      t(storage.persisted ? "settings.persisted" : "settings.notPersisted"),
    ),
    storage.low ? h("p", { class: "alert" }, t("settings.low")) : null,
    h(
      "button",
      {
        type: "button",
        class: "secondary",
        onclick: async () => {
          const entries = await outboxEntries(app.db);
          const blob = new Blob(
            [JSON.stringify({ exported_at: new Date().toISOString(), mutations: entries }, null, 1)],
            {
              type: "application/json",
            },
          );
          const link = h("a", {
            href: URL.createObjectURL(blob),
            download: `jemput-bola-belum-terkirim-${Date.now()}.json`,
          });
          document.body.append(link);
          link.click();
          link.remove();
          exported = true;
          note.textContent = t("settings.exported", { n: entries.length });
        },
      },
      t("settings.export"),
    ),
    h(
      "button",
      {
        type: "button",
        class: "danger",
        onclick: async () => {
          const queue = await queueCounts(app.db);
          const stuck = queue.held + queue.waiting;
          if (!queue.ready && !stuck) return app.logout();
          mount(note, ...logoutChoices(app, queue, stuck, exported));
        },
      },
      t("settings.logout"),
    ),
    note,
  );
}

/** What sign-out says when records are still on the phone: what can be sent waits; what cannot has choices. */
function logoutChoices(app, queue, stuck, exported) {
  const parts = [];
  if (queue.ready) {
    parts.push(h("p", { class: "alert" }, t("settings.logoutBlocked", { n: queue.ready })));
    parts.push(h("button", { type: "button", onclick: () => app.sync.syncNow() }, t("status.sendNow")));
  }
  if (stuck) {
    parts.push(h("p", { class: "alert" }, t("settings.logoutFix", { n: stuck })));
    parts.push(h("p", null, t("settings.logoutChoices")));
    parts.push(h("a", { class: "button secondary", href: "#/records/fix" }, t("settings.openFix")));
    if (!queue.ready && exported) {
      parts.push(
        h(
          "button",
          {
            type: "button",
            class: "danger",
            onclick: async () => {
              const sure = await confirmDialog({
                title: t("settings.logout"),
                body: [h("p", null, t("settings.logoutAnywayConfirm"))],
                confirm: t("settings.logoutAnyway"),
                cancel: t("dialog.cancel"),
                danger: true,
              });
              if (sure) await app.logout();
            },
          },
          t("settings.logoutAnyway"),
        ),
      );
    }
  }
  return parts;
}
