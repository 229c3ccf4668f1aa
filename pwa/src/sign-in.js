/**
 * Signing in (password or a supervisor's one-time code), registering this phone, and signing out.
 */
import { request } from "./api.js";
import { sessionFields } from "./capabilities.js";
import { api } from "./endpoints.js";
import { t } from "./i18n.js";
import { uuid } from "./outbox.js";
import { deleteUserDb } from "./store.js";
import { renderLogin } from "./views/login.js";

const $ = (id) => document.getElementById(id);

/**
 * Return the sign-in controller of an app.
 * @param {object} app the shared app state (appDb, session, sync)
 * @param {{appVersion: string, start: (session: object) => Promise<void>, resume: () => void}} hooks
 *   start: begin a new session; resume: the same user signed in again after their session expired
 */
export function createSignIn(app, { appVersion, start, resume }) {
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
    return signIn(api.login, { username, password });
  }

  /** Sign in with a supervisor's one-time code; returns an error message to show, or null. */
  async function loginWithCode(code) {
    const problem = await signIn(api.codeLogin, { code });
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
      await request(api.devices, { method: "POST", body: { device_id: deviceId, app_version: appVersion } });
    } catch (e) {
      return e.body?.detail || t("login.offline");
    }
    await app.appDb.put("kv", deviceId, `device:${profile.id}`);
    const session = { ...sessionFields(profile), deviceId };
    await app.appDb.put("kv", session, "session");
    if (app.session?.userId === profile.id && app.sync) {
      // The same petugas signing in again after the session expired: resume uploading where it stopped.
      app.session = session;
      resume();
      return null;
    }
    app.sync?.stop();
    await start(session);
    return null;
  }

  /** Fill in the capabilities of a session kept by an app version that did not store them. */
  async function refreshCapabilities(session) {
    try {
      Object.assign(session, sessionFields(await request(api.me)));
      await app.appDb.put("kv", session, "session");
    } catch {
      // Offline: the petugas screens until the next sync or sign-in brings the capabilities.
    }
  }

  async function logout() {
    await request(api.logout, { method: "POST" }).catch(() => {});
    app.sync.stop();
    // Reached with nothing left to send (what needed correction was exported first): clear this user's data.
    app.db.close();
    await deleteUserDb(app.session.userId);
    await app.appDb.delete("kv", "session");
    location.hash = "#/";
    location.reload();
  }

  return { showLogin, refreshCapabilities, logout };
}
