/**
 * The router: which screen a `#/…` address shows, and the menu. Screens render off-screen and are swapped in
 * only if no newer navigation started meanwhile.
 */
import { t } from "./i18n.js";
import { h, mount } from "./views/dom.js";
import { renderHome } from "./views/home.js";
import { renderOutreach } from "./views/outreach.js";
import { renderOutreachForm } from "./views/outreach-form.js";
import { TABS, renderRecord, renderRecords } from "./views/records.js";
import { renderSettings } from "./views/settings.js";

/** The petugas' menu: [address, label key, view]. */
export const PETUGAS_NAV = [
  ["#/", "nav.home", ""],
  ["#/records", "nav.records", "records"],
  ["#/settings", "nav.settings", "settings"],
];

const $ = (id) => document.getElementById(id);

/** Return the [view, id, sub] of the current address. */
function current() {
  const [, view = "", id = "", sub = ""] = (location.hash || "#/").split("/");
  return [view, id, sub];
}

/** Return the router of an app: `route()` draws the current screen, `renderNav()` the menu. */
export function createRouter(app) {
  /** Draw the menu once, then only update it in place: a tap must never land on a link being replaced. */
  function renderNav() {
    const nav = $("nav");
    const items = app.nav || PETUGAS_NAV;
    const set = items.map(([hash]) => hash).join(" ");
    if (nav.dataset.set !== set) {
      mount(nav, ...items.map(([hash]) => h("a", { href: hash })));
      nav.dataset.set = set;
    }
    const [view] = current();
    items.forEach(([, key, itemView], i) => {
      const link = nav.children[i];
      if (link.textContent !== t(key)) link.textContent = t(key);
      if (view === itemView) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
  }

  async function route() {
    if (!app.session) return;
    app.formDirty = false; // a half-filled assist form lives on as a draft
    let [view, id, sub] = current();
    if (view === "code") {
      // A sign-in QR opened on a phone where someone is signed in: never switch users behind their back (their
      // records may be unsent, and sign-out checks that). Say so, and show the home screen.
      history.replaceState(null, "", "#/");
      app.toast(t("login.codeIgnored", { name: app.session.displayName || app.session.username }), 12000);
      [view, id] = ["", ""];
    }
    const seq = (app.routeSeq = (app.routeSeq || 0) + 1);
    const el = document.createElement("div");
    if (view === "settings") await renderSettings(el, app);
    else if (app.staff) await app.staff.renderStaff(el, app, view, id);
    else if (view === "outreach" && id === "new") await renderOutreachForm(el, app);
    else if (view === "outreach" && id && sub === "edit") await renderOutreachForm(el, app, id);
    else if (view === "outreach" && id) await renderOutreach(el, app, id);
    else if (view === "records" && id && !TABS.includes(id)) await renderRecord(el, app, id);
    else if (view === "records") await renderRecords(el, app, id);
    else await renderHome(el, app);
    // A slow background refresh must never paint over a screen the petugas has just opened.
    if (seq !== app.routeSeq) return;
    $("view").replaceChildren(el);
    renderNav();
    if (view !== app.lastView || id !== app.lastId) window.scrollTo(0, 0);
    [app.lastView, app.lastId] = [view, id];
    document.title = t("app.title");
  }

  /** Redraw after a sync, but never a form under the user's fingers, nor the list during a search. */
  function refreshQuietly() {
    const [view, id] = current();
    const list = view === "records" && (!id || TABS.includes(id));
    if ((view === "" || list) && document.activeElement?.id !== "records-search") route();
  }

  return { route, renderNav, refreshQuietly };
}
