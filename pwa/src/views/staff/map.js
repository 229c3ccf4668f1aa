/**
 * The map of gathering points: each outreach with GPS as a circle coloured by kind of place and sized by the
 * households it helped; a point opens its outreach (its households in Periksa). The same points are listed
 * under the map, and without a signal only the list is shown (from the last loaded copy): tiles need a network.
 */
import { day, label, num, t } from "../../i18n.js";
import { h, mount } from "../dom.js";
import { api } from "../../endpoints.js";
import { areaLine, workArea } from "./area-picker.js";
import { apiPath, lastCopy } from "./data.js";
import { chosen, rangeChooser, rangeText, span } from "./range.js";
import { downloads, stamp, unavailable, wideTable } from "./ui.js";

/** One colour per kind of place, in the reference list's order (distinct for the common colour blindnesses). */
const COLOURS = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#bcbd22",
  "#17becf",
  "#7f7f7f",
];

/** A circle's radius in pixels: its area grows with the households helped. */
export function radius(households) {
  return Math.min(30, 5 + 2.5 * Math.sqrt(households || 0));
}

function kinds(app) {
  return new Map((app.reference?.place_kind || []).map((k, i) => [k.code, { label: label(k), colour: COLOURS[i] }]));
}

/** Open an outreach: its households in the review list. */
function openOutreach(app, p) {
  app.staffState.reviewFilters = { outreach: p.id };
  app.staffState.outreachName = `${p.place_name} · ${day(p.date)}`;
  location.hash = "#/review";
}

function popup(app, p, kind) {
  const link = h("a", { href: "#/review" }, t("map.open"));
  link.addEventListener("click", (event) => {
    event.preventDefault();
    openOutreach(app, p);
  });
  return h(
    "div",
    { class: "popup" },
    h("strong", null, p.place_name),
    h("div", null, `${kind?.label || p.place_kind} · ${day(p.date)}`),
    h("div", null, `${p.desa_name} · ${p.enumerator}`),
    h("div", null, t("map.helped", { households: num(p.households), persons: num(p.persons) })),
    link,
  );
}

function legend(app, features) {
  const used = new Set(features.map((f) => f.properties.place_kind));
  return h(
    "ul",
    { class: "legend", "aria-label": t("map.legend") },
    [...kinds(app)]
      .filter(([code]) => used.has(code))
      .map(([, k]) => {
        const dot = h("span", { class: "dot", "aria-hidden": "true" });
        dot.style.background = k.colour; // through the CSSOM: the CSP allows no style attributes
        return h("li", null, dot, k.label);
      }),
  );
}

function list(app, features) {
  const byKind = kinds(app);
  return wideTable(
    t("map.list"),
    "map-list",
    ["col.date", "col.place", "col.kind", "col.desa", ["col.households", "n"]],
    h(
      "tbody",
      null,
      features.map((f) => {
        const p = f.properties;
        const open = h("a", { href: "#/review" }, p.place_name);
        open.addEventListener("click", (event) => {
          event.preventDefault();
          openOutreach(app, p);
        });
        return h(
          "tr",
          { "data-id": p.id },
          h("td", null, day(p.date)),
          h("th", { scope: "row" }, open),
          h("td", null, byKind.get(p.place_kind)?.label || p.place_kind),
          h("td", null, p.desa_name),
          h("td", { class: "n" }, num(p.households)),
        );
      }),
    ),
  );
}

/** Draw the points on a Leaflet map in `box`, fitted to them; Leaflet is loaded only for this screen. */
async function draw(app, box, data) {
  const [L] = await Promise.all([import("leaflet"), import("leaflet/dist/leaflet.css")]);
  const map = L.map(box, { zoomControl: true, attributionControl: true });
  // Tile providers (OpenStreetMap among them) ask for the page's origin as the referrer.
  L.tileLayer(data.tiles.url, {
    maxZoom: data.tiles.max_zoom,
    attribution: data.tiles.attribution,
    referrerPolicy: "strict-origin-when-cross-origin",
  }).addTo(map);
  const byKind = kinds(app);
  const features = data.outreaches.features;
  const points = features.map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]]);
  // The view first: circles added to a map without one are drawn empty until the next move.
  if (points.length) map.fitBounds(points, { padding: [24, 24], maxZoom: 14, animate: false });
  else map.setView([-2.5, 118], 4); // Indonesia
  features.forEach((f, i) => {
    const kind = byKind.get(f.properties.place_kind);
    const colour = kind?.colour || "#555";
    L.circleMarker(points[i], {
      radius: radius(f.properties.households),
      color: colour,
      fillColor: colour,
      fillOpacity: 0.6,
      weight: 2,
    })
      .bindPopup(popup(app, f.properties, kind))
      .addTo(map);
  });
  return map;
}

/** Render the map of an area's gathering points over the chosen period. */
export async function renderMap(el, app, code) {
  const params = { area: code || workArea(app), ...span(chosen(app)) };
  const result = await lastCopy(app, apiPath(api.outreachMap, params));
  if (!result) return mount(el, h("h1", null, t("map.title")), rangeChooser(app), unavailable());
  const { data, offline } = result;
  const features = data.outreaches.features;
  const box = offline
    ? null
    : h("div", { class: "map", "data-testid": "map", role: "region", "aria-label": t("map.title") });
  mount(
    el,
    h("h1", null, `${t("map.title")} — ${data.area.name}`),
    areaLine(app, data.area),
    stamp(result),
    rangeChooser(app),
    offline ? h("p", { class: "notice", role: "status" }, t("map.offline")) : null,
    h(
      "p",
      { class: "sub", "data-testid": "map-count" },
      data.shown < data.total
        ? t("map.some", { shown: num(data.shown), total: num(data.total), when: rangeText(app) })
        : t("map.count", { n: num(data.total), when: rangeText(app) }),
    ),
    features.length ? legend(app, features) : h("p", { class: "notice" }, t("map.none")),
    box,
    features.length ? list(app, features) : null,
    downloads([["export.outreaches", "outreaches", params, ["csv", "xlsx", "geojson"]]]),
  );
  if (box && features.length) drawWhenShown(app, box, data);
}

/** Draw once the box is on screen with a size (screens render off-screen and are swapped in), then keep the
 * map fitted to its box when the window changes. */
function drawWhenShown(app, box, data) {
  let map = null;
  const observer = new ResizeObserver(() => {
    if (map && !box.isConnected) return observer.disconnect(); // the screen was left
    if (!box.isConnected || !box.clientWidth || !box.clientHeight) return; // not swapped in yet
    if (map) return map.invalidateSize?.();
    map = {}; // drawing
    draw(app, box, data).then((drawn) => (map = drawn));
  });
  observer.observe(box);
}
