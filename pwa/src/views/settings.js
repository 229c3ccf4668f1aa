/**
 * Settings: language, storage protection, export of unsent records (the escape hatch), and sign-out
 * (refused while anything is unsent).
 */
import { language, setLanguage, t } from "../i18n.js";
import { outboxEntries } from "../store.js";
import { h, mount } from "./dom.js";

/** Render settings. */
export async function renderSettings(el, app) {
  const note = h("p", { class: "msg", role: "status", "aria-live": "polite" });
  const storage = app.storage || { persisted: false, low: false };
  mount(
    el,
    h("h1", null, t("settings.title")),
    h("p", null, t("settings.user", { name: app.session.displayName || app.session.username })),
    h(
      "fieldset",
      { class: "choices" },
      h("legend", null, t("settings.language")),
      [
        ["id", "Bahasa Indonesia"],
        ["en", "English"],
      ].map(([code, name]) =>
        h(
          "button",
          {
            type: "button",
            class: code === language() ? "" : "secondary",
            "aria-pressed": String(code === language()),
            onclick: () => {
              setLanguage(code);
              app.rerender();
            },
          },
          name,
        ),
      ),
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
          const unsent = (await outboxEntries(app.db)).length;
          if (unsent) {
            note.textContent = t("settings.logoutBlocked", { n: unsent });
            return;
          }
          await app.logout();
        },
      },
      t("settings.logout"),
    ),
    note,
  );
}
