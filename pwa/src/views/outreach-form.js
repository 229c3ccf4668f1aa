/**
 * Start an outreach — desa (from the petugas' scope), kind of gathering point, place name, date, optional GPS —
 * or correct one the server refused. The app's own messages, the server's rules (rules.js), no future dates.
 */
import { label, t, today } from "../i18n.js";
import { saveRecord } from "../outbox.js";
import { LIMITS, validateOutreach } from "../rules.js";
import { getMeta, getRecord } from "../store.js";
import { choices, field, focusFirstProblem, h, lengthNote, mount, setMessage } from "./dom.js";

const IDS = {
  desa_code: "outreach-desa",
  place_kind: "place_kind",
  place_name: "outreach-place",
  date: "outreach-date",
};

/** Render the new-outreach form, or the correction of outreach `id`. */
export async function renderOutreachForm(el, app, id = null) {
  const existing = id ? await getRecord(app.db, id) : null;
  const initial = existing?.data || {};
  const rules = (await getMeta(app.db, "rules")) || {};
  const areas = app.areas || [];
  const desa = h(
    "select",
    { name: "desa_code" },
    areas.map((a) => h("option", { value: a.code, selected: a.code === initial.desa_code }, a.name)),
  );
  const place = h("input", { name: "place_name", autocomplete: "off", value: initial.place_name ?? "" });
  const date = h("input", { name: "date", type: "date", value: initial.date || today(), max: today() });
  if (rules.census_date_from) date.min = rules.census_date_from;
  const gpsNote = h("p", { class: "msg", "aria-live": "polite" });
  let position = initial.lat != null ? { lat: initial.lat, lon: initial.lon } : null;
  const kinds = (app.reference?.place_kind || []).map((k) => ({ code: k.code, text: label(k) }));
  const problem = existing?.state === "rejected" ? existing : null;
  const form = h(
    "form",
    {
      class: "card",
      novalidate: true,
      oninput: (event) => {
        app.formDirty = true;
        if (event.target === place) lengthNote(form, "outreach-place", LIMITS.place_name, t);
      },
      onsubmit: async (event) => {
        event.preventDefault();
        const data = {
          desa_code: desa.value,
          place_kind: form.querySelector("input[name=place_kind]:checked")?.value || null,
          place_name: place.value.trim(),
          date: date.value,
          started_at: initial.started_at ?? new Date().toISOString(),
          ended_at: initial.ended_at ?? null,
          lat: position?.lat ?? null,
          lon: position?.lon ?? null,
        };
        const window = { from: rules.census_date_from, to: rules.census_date_to, today: today() };
        const problems = validateOutreach(data, app.reference, window);
        for (const [name, fieldId] of Object.entries(IDS)) {
          const key = problems[name];
          setMessage(form, fieldId, key ? t(key, { from: window.from || "", to: window.to || "" }) : "");
        }
        if (focusFirstProblem(form, IDS, problems)) return;
        const record = await saveRecord(app.db, { entity: "outreach", id: existing?.id, data });
        app.formDirty = false;
        app.changed();
        app.navigate(`#/outreach/${record.id}`);
      },
    },
    h("h1", null, t(existing ? "outreach.edit" : "outreach.new")),
    problem
      ? h(
          "p",
          { class: "alert", role: "alert" },
          t("outreach.refused", { message: problem.message || problem.problem }),
        )
      : null,
    field("outreach-desa", t("outreach.desa"), desa),
    choices("place_kind", t("outreach.kind"), kinds, { selected: initial.place_kind }),
    field("outreach-place", t("outreach.place"), place),
    field("outreach-date", t("outreach.date"), date),
    h(
      "button",
      {
        type: "button",
        class: "secondary",
        onclick: () =>
          navigator.geolocation?.getCurrentPosition(
            (p) => {
              position = { lat: Number(p.coords.latitude.toFixed(6)), lon: Number(p.coords.longitude.toFixed(6)) };
              gpsNote.textContent = t("outreach.gpsDone");
            },
            () => (gpsNote.textContent = t("outreach.gpsFailed")),
            { timeout: 15000, maximumAge: 600000 },
          ),
      },
      t("outreach.gps"),
    ),
    gpsNote,
    h("button", { type: "submit" }, t(existing ? "outreach.update" : "outreach.save")),
  );
  mount(el, form);
  if (problem?.errors) {
    for (const [name, messages] of Object.entries(problem.errors)) {
      if (IDS[name]) setMessage(form, IDS[name], [].concat(messages).join(" "));
    }
  }
}
