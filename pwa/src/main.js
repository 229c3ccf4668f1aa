/**
 * Boot: open the store → register the worker bridge → start sync → mount the views.
 * `app` is the small controller the views share (navigation, toasts, the session, sync); the router
 * (router.js) and sign-in (sign-in.js) are built on it here.
 */
import "./style.css";
import { isStaff } from "./capabilities.js";
import { language, setLanguage, t } from "./i18n.js";
import { saveRecord } from "./outbox.js";
import { createRouter, PETUGAS_NAV } from "./router.js";
import { createSignIn } from "./sign-in.js";
import { getMeta, openAppDb, openUserDb } from "./store.js";
import { protectStorage, registerWorker } from "./sw-bridge.js";
import { SyncEngine } from "./sync.js";
import { h, mount } from "./views/dom.js";
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
    // form meanwhile; how long to wait is the server's (upload_delay_s), so an operator can make a busy fleet
    // send fewer, larger batches. When the browser knows it is offline, the "online" event starts the upload.
    if (navigator.onLine !== false) app.changeTimer = setTimeout(() => app.sync.syncNow(), app.sync.uploadDelayMs);
  },
  rerender() {
    renderNav();
    route();
    app.sync?.emitStatus();
  },
  logout: () => signIn.logout(),
  /** Queue a change as the forms do (used by the benchmark to fill the phone with records). */
  saveRecord: (change) => saveRecord(app.db, change),
};
window.jemputBola = app; // for the browser tests and benchmarks, which read state and timings
const { route, renderNav, refreshQuietly } = createRouter(app);
const signIn = createSignIn(app, {
  appVersion: APP_VERSION,
  start: startSession,
  resume() {
    app.sync.needLogin = false;
    showApp();
    app.sync.syncNow();
  },
});
const showLogin = (options) => signIn.showLogin(options);

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
  // The interval is the server's (sync_interval_s on every pull), read again before each wait.
  const tick = () => {
    if (document.visibilityState === "visible") app.sync.syncNow();
    setTimeout(tick, app.sync.intervalMs);
  };
  setTimeout(tick, app.sync.intervalMs);
  if (!session.capabilities) await signIn.refreshCapabilities(session);
  if (isStaff(session)) {
    // Coordinators and supervisors get their screens; petugas never download them.
    app.staff = await import("./views/staff/index.js");
    app.nav = app.staff.staffNav(session);
    document.body.classList.add("staff"); // wider pages on a desk screen
  } else app.nav = PETUGAS_NAV;
  await loadReference();
  if (!app.reference) await app.sync.syncNow().then(loadReference);
  protectStorage().then((s) => (app.storage = s));
  showApp();
  app.sync.syncNow();
}

async function loadReference() {
  app.reference = await getMeta(app.db, "reference");
  app.areas = await getMeta(app.db, "areas");
}

function showApp() {
  $("login").hidden = true;
  $("shell").hidden = false;
  renderNav();
  route();
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
