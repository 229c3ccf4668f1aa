/**
 * Boot: open the store → register the worker bridge → start sync → mount the views.
 * Also the small controller the views share (navigation, toasts, sign-in, sign-out).
 */
import "./style.css";
import { request } from "./api.js";
import { isStaff, sessionFields } from "./capabilities.js";
import { language, setLanguage, t } from "./i18n.js";
import { saveRecord, uuid } from "./outbox.js";
import { deleteUserDb, getMeta, openAppDb, openUserDb } from "./store.js";
import { protectStorage, registerWorker } from "./sw-bridge.js";
import { SyncEngine } from "./sync.js";
import { h, mount } from "./views/dom.js";
import { renderHome } from "./views/home.js";
import { renderLogin } from "./views/login.js";
import { renderOutreach } from "./views/outreach.js";
import { renderOutreachForm } from "./views/outreach-form.js";
import { TABS, renderRecord, renderRecords } from "./views/records.js";
import { renderSettings } from "./views/settings.js";
import { renderStatus } from "./views/status.js";

/* global __APP_VERSION__ */
const APP_VERSION = __APP_VERSION__;
const $ = (id) => document.getElementById(id);

const app = {
  db: null,
  appDb: null,
  session: null,
  sync: null,
  reference: null,
  areas: null,
  storage: null,
  formDirty: false,
  navigate(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  toast(text, ms = 3000) {
    const el = $("toast");
    el.textContent = text;
    el.hidden = false;
    clearTimeout(app.toastTimer);
    app.toastTimer = setTimeout(() => (el.hidden = true), ms);
  },
  /** Records changed locally: refresh the status bar, and upload once the petugas pauses. */
  changed() {
    app.sync.emitStatus();
    clearTimeout(app.changeTimer);
    // Rapid saves at a busy gathering point go up as one batch, and the phone's storage stays free for the
    // form meanwhile. When the browser knows it is offline, the "online" event will start the upload.
    if (navigator.onLine !== false) app.changeTimer = setTimeout(() => app.sync.syncNow(), 2000);
  },
  rerender() {
    renderNav();
    route();
    app.sync?.emitStatus();
  },
  logout,
  /** Queue a change as the forms do (used by the benchmark to fill the phone with records). */
  saveRecord: (change) => saveRecord(app.db, change),
};
window.jemputBola = app; // for the browser tests and benchmarks, which read state and timings

async function boot() {
  setLanguage(language());
  app.appDb = await openAppDb();
  registerWorker({
    onUpdate: showUpdate,
    isIdle: () => !app.formDirty && !app.sync?.running,
  }).catch(() => {});
  const session = await app.appDb.get("kv", "session");
  // A scanned sign-in QR opens the app at #/code/XXXXXXXX.
  const code = /^#\/code\/([A-Za-z0-9-]{4,16})$/.exec(location.hash)?.[1];
  if (session) await startSession(session);
  else showLogin({ code });
}

async function startSession(session) {
  app.session = session;
  app.db = await openUserDb(session.userId);
  app.sync = new SyncEngine({
    db: app.db,
    userId: session.userId,
    deviceId: session.deviceId,
    appVersion: APP_VERSION,
  });
  app.sync.addEventListener("status", (e) => {
    // Lists are redrawn once a sync run ends, not after every batch: cheap phones have better things to do.
    if (app.lastStatus?.running && !e.detail.running) refreshQuietly();
    app.lastStatus = e.detail;
    renderStatus($("status"), e.detail, () => app.sync.syncNow(), app.lastSummary);
  });
  app.sync.addEventListener("summary", (e) => (app.lastSummary = e.detail));
  app.sync.addEventListener("auth-required", () => showLogin({ message: t("login.again"), again: true }));
  app.sync.addEventListener("pulled", loadReference);
  window.addEventListener("online", () => app.sync.syncNow());
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && app.sync.syncNow());
  setInterval(() => document.visibilityState === "visible" && app.sync.syncNow(), 60_000);
  if (!session.capabilities) await refreshCapabilities(session);
  if (isStaff(session)) {
    // Coordinators and supervisors get their screens; petugas never download them.
    app.staff = await import("./views/staff/index.js");
    app.nav = app.staff.staffNav(session);
    document.body.classList.add("staff"); // wider pages on a desk screen
  } else app.nav = NAV;
  await loadReference();
  if (!app.reference) await app.sync.syncNow().then(loadReference);
  protectStorage().then((s) => (app.storage = s));
  showApp();
  app.sync.syncNow();
}

/** Fill in the capabilities of a session kept by an app version that did not store them. */
async function refreshCapabilities(session) {
  try {
    Object.assign(session, sessionFields(await request("/api/v1/auth/me")));
    await app.appDb.put("kv", session, "session");
  } catch {
    // Offline: the petugas screens until the next sync or sign-in brings the capabilities.
  }
}

async function loadReference() {
  app.reference = await getMeta(app.db, "reference");
  app.areas = await getMeta(app.db, "areas");
}

function refreshQuietly() {
  // Never redraw a form under the user's fingers, nor the list while the petugas types a search.
  const [, view = "", id = ""] = (location.hash || "#/").split("/");
  const list = view === "records" && (!id || TABS.includes(id));
  if ((view === "" || list) && document.activeElement?.id !== "records-search") route();
}

function showApp() {
  $("login").hidden = true;
  $("shell").hidden = false;
  renderNav();
  route();
}

function showLogin({ message, again, code } = {}) {
  const el = $("login");
  // Already asking: never redraw under the user's fingers (a background retry can get another 401).
  if (!el.hidden) return;
  $("shell").hidden = Boolean(!again);
  el.hidden = false;
  const username = again ? app.session?.username : "";
  renderLogin(el, { message, username, code, onSubmit: login, onCode: loginWithCode });
}

/** Sign in with a password; returns an error message to show, or null. */
function login(username, password) {
  return signIn("/api/v1/auth/login", { username, password });
}

/** Sign in with a supervisor's one-time code; returns an error message to show, or null. */
async function loginWithCode(code) {
  const problem = await signIn("/api/v1/auth/code", { code });
  if (!problem && location.hash.startsWith("#/code/")) history.replaceState(null, "", "#/");
  return problem;
}

async function signIn(path, body) {
  let profile;
  try {
    profile = await request(path, { method: "POST", body });
  } catch (e) {
    return e.kind === "http" ? e.body?.detail || t("error.generic") : t("login.offline");
  }
  const known = await app.appDb.get("kv", `device:${profile.id}`);
  const deviceId = known || uuid();
  try {
    await request("/api/v1/devices", { method: "POST", body: { device_id: deviceId, app_version: APP_VERSION } });
  } catch (e) {
    return e.body?.detail || t("login.offline");
  }
  await app.appDb.put("kv", deviceId, `device:${profile.id}`);
  const session = { ...sessionFields(profile), deviceId };
  await app.appDb.put("kv", session, "session");
  if (app.session?.userId === profile.id && app.sync) {
    // The same petugas signing in again after the session expired: resume uploading where it stopped.
    app.sync.needLogin = false;
    showApp();
    app.sync.syncNow();
    return null;
  }
  app.sync?.stop();
  await startSession(session);
  return null;
}

async function logout() {
  await request("/api/v1/auth/logout", { method: "POST" }).catch(() => {});
  app.sync.stop();
  // Reached with nothing left to send (what needed correction was exported first): clear this user's data.
  app.db.close();
  await deleteUserDb(app.session.userId);
  await app.appDb.delete("kv", "session");
  location.hash = "#/";
  location.reload();
}

const NAV = [
  ["#/", "nav.home", ""],
  ["#/records", "nav.records", "records"],
  ["#/settings", "nav.settings", "settings"],
];

/** Draw the menu once, then only update it in place: a tap must never land on a link being replaced. */
function renderNav() {
  const nav = $("nav");
  const items = app.nav || NAV;
  const set = items.map(([hash]) => hash).join(" ");
  if (nav.dataset.set !== set) {
    mount(nav, ...items.map(([hash]) => h("a", { href: hash })));
    nav.dataset.set = set;
  }
  const current = (location.hash || "#/").split("/")[1] || "";
  items.forEach(([, key, view], i) => {
    const link = nav.children[i];
    if (link.textContent !== t(key)) link.textContent = t(key);
    if (current === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  });
}

async function route() {
  if (!app.session) return;
  app.formDirty = false; // a half-filled assist form lives on as a draft
  let [, view = "", id = "", sub = ""] = (location.hash || "#/").split("/");
  if (view === "code") {
    // A sign-in QR opened on a phone where someone is signed in: never switch users behind their back (their
    // records may be unsent, and sign-out checks that). Say so, and show the home screen.
    history.replaceState(null, "", "#/");
    app.toast(t("login.codeIgnored", { name: app.session.displayName || app.session.username }), 12000);
    [view, id] = ["", ""];
  }
  // Render off-screen and swap in only if no newer navigation started meanwhile: a slow background refresh
  // must never paint over a screen the petugas has just opened.
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
  if (seq !== app.routeSeq) return;
  $("view").replaceChildren(el);
  renderNav();
  if (view !== app.lastView || id !== app.lastId) window.scrollTo(0, 0);
  [app.lastView, app.lastId] = [view, id];
  document.title = t("app.title");
}

function showUpdate(apply) {
  const banner = $("banner");
  const button = h("button", { type: "button" }, t("update.apply"));
  const note = h("span", { class: "msg", "aria-live": "polite" });
  button.addEventListener("click", async function tryApply() {
    if (await apply()) return;
    note.textContent = t("update.wait");
    setTimeout(tryApply, 5000);
  });
  mount(banner, h("div", { class: "update", role: "alert" }, h("span", null, t("update.available")), button, note));
  banner.hidden = false;
}

window.addEventListener("hashchange", route);
boot();
