/**
 * The coordinator and supervisor part of the app, loaded only for those roles (petugas never download it).
 */
import { addStrings, t } from "../../i18n.js";
import { h, mount } from "../dom.js";
import { administers } from "../../capabilities.js";
import { renderAdmin } from "./admin.js";
import { chooseArea } from "./area-picker.js";
import { ADMIN_STRINGS } from "./admin-strings.js";
import { renderDuplicates } from "./duplicates.js";
import { renderEnumerators } from "./enumerators.js";
import { renderOverview } from "./overview.js";
import { renderFollowUp } from "./follow-up.js";
import { renderMap } from "./map.js";
import { renderPlaces } from "./places.js";
import { renderReport } from "./report.js";
import { renderReviewList, renderReviewRecord } from "./review.js";
import { STAFF_STRINGS } from "./strings.js";
import { errorText } from "./ui.js";

addStrings(STAFF_STRINGS);
addStrings(ADMIN_STRINGS);

const NAV = [
  ["#/", "nav.overview", ""],
  ["#/petugas", "nav.enumerators", "petugas"],
  ["#/review", "nav.review", "review"],
  ["#/duplicates", "nav.duplicates", "duplicates"],
  ["#/settings", "nav.more", "settings"],
];

/** The staff menu; whoever may run any administration screen also gets "Kelola". */
export function staffNav(session) {
  return administers(session) ? [...NAV.slice(0, 4), ["#/admin", "nav.admin", "admin"], NAV[4]] : NAV;
}

/** Render a staff screen (the overview for an unknown route); a failed load shows its message. */
export async function renderStaff(el, app, view, id) {
  app.staffState ||= {};
  try {
    await route(el, app, view, id);
  } catch (error) {
    // A screen of one area, for someone without a single area of their own (an admin): let them pick it.
    if (error.problem === "area.choose") return chooseArea(el, app);
    mount(el, h("p", { class: "alert", role: "alert" }, errorText(error)), h("a", { href: "#/" }, t("nav.overview")));
  }
}

async function route(el, app, view, id) {
  if (administers(app.session) && (await renderAdmin(el, app, view, id))) return;
  if (view === "area" && id) await renderOverview(el, app, id);
  else if (view === "petugas") await renderEnumerators(el, app);
  else if (view === "places") await renderPlaces(el, app, id || null);
  else if (view === "map") await renderMap(el, app, id || null);
  else if (view === "report") await renderReport(el, app, id || null);
  else if (view === "review" && id) await renderReviewRecord(el, app, id);
  else if (view === "review") await renderReviewList(el, app);
  else if (view === "duplicates") await renderDuplicates(el, app);
  else if (view === "follow-up") await renderFollowUp(el, app);
  else await renderOverview(el, app, null);
}
