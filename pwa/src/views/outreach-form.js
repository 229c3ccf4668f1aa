/**
 * Start an outreach: desa (from the petugas' scope), kind of gathering point, place name, date, optional GPS.
 */
import { label, t, today } from "../i18n.js";
import { saveRecord } from "../outbox.js";
import { choices, field, h, mount, setMessage } from "./dom.js";

/** Render the new-outreach form. */
export function renderOutreachForm(el, app) {
  const areas = app.areas || [];
  const desa = h(
    "select",
    { name: "desa_code", required: true },
    areas.map((a) => h("option", { value: a.code }, a.name)),
  );
  const place = h("input", { name: "place_name", maxlength: 120, required: true, autocomplete: "off" });
  const date = h("input", { name: "date", type: "date", value: today(), required: true });
  const gpsNote = h("p", { class: "msg", "aria-live": "polite" });
  let position = null;
  const kinds = (app.reference?.place_kind || []).map((k) => ({ code: k.code, text: label(k) }));
  const form = h(
    "form",
    {
      class: "card",
      oninput: () => (app.formDirty = true),
      onsubmit: async (event) => {
        event.preventDefault();
        const kind = form.querySelector("input[name=place_kind]:checked");
        setMessage(form, "place_kind", kind ? "" : t("field.required"));
        setMessage(form, "outreach-place", place.value.trim() ? "" : t("field.required"));
        if (!kind || !place.value.trim() || !date.value) return;
        const record = await saveRecord(app.db, {
          entity: "outreach",
          data: {
            desa_code: desa.value,
            place_kind: kind.value,
            place_name: place.value.trim(),
            date: date.value,
            started_at: new Date().toISOString(),
            ended_at: null,
            lat: position?.lat ?? null,
            lon: position?.lon ?? null,
          },
        });
        app.formDirty = false;
        app.changed();
        app.navigate(`#/outreach/${record.id}`);
      },
    },
    h("h1", null, t("outreach.new")),
    field("outreach-desa", t("outreach.desa"), desa),
    choices("place_kind", t("outreach.kind"), kinds),
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
    h("button", { type: "submit" }, t("outreach.save")),
  );
  mount(el, form);
}
