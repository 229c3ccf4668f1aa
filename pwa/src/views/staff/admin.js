/**
 * The administration hub of supervisors and admins, and its routes.
 */
import { can } from "../../capabilities.js";
import { t } from "../../i18n.js";
import { h, mount } from "../dom.js";
import { renderAudit } from "./audit.js";
import { renderJobs } from "./jobs.js";
import { renderProgress } from "./progress.js";
import { renderTargets } from "./targets.js";
import { renderNewUser, renderUser, renderUsers } from "./users.js";

/** Render an administration screen; returns false when the view is not one. */
export async function renderAdmin(el, app, view, id) {
  if (view === "users" && id === "new") renderNewUser(el, app);
  else if (view === "users" && id) await renderUser(el, app, id);
  else if (view === "users") await renderUsers(el, app);
  else if (view === "targets") await renderTargets(el, app, id || null);
  else if (view === "audit") await renderAudit(el, app);
  else if (view === "progress") await renderProgress(el, app, id || null);
  else if (view === "exports") await renderJobs(el);
  else if (view === "admin") renderHub(el, app);
  else return false;
  return true;
}

function renderHub(el, app) {
  mount(
    el,
    h("h1", null, t("admin.title")),
    h(
      "ul",
      { class: "list plain hub" },
      [
        ["#/users", "admin.users", "users.manage"],
        ["#/targets", "admin.targets", "targets.manage"],
        ["#/progress", "admin.progress", "progress.import"],
        ["#/audit", "admin.audit", "audit.view"],
        ["#/exports", "admin.exports", "exports.create"],
      ]
        .filter(([, , action]) => can(app.session, action))
        .map(([href, key]) => h("li", null, h("a", { class: "button secondary", href }, t(key)))),
    ),
  );
}
