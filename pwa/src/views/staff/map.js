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

/** The answer's points as objects: its rows follow its `columns`, and name each desa and petugas once. */
export function pointsOf(data) {
  if (!data.points) return []; // an offline copy kept by an older version of the app: its next load replaces it
  const { columns, rows } = data.points;
  return rows.map((row) => {
    const p = Object.fromEntries(columns.map((name, i) => [name, row[i]]));
    p.desa_name = data.desa_names[p.desa_code] ?? p.desa_code;
    p.enumerator = data.enumerators[p.enumerator_id] ?? "";
    return p;
  });
}

function legend(app, points) {
  const used = new Set(points.map((p) => p.place_kind));
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

function list(app, points) {
  const byKind = kinds(app);
  return wideTable(
    t("map.list"),
    "map-list",
    ["col.date", "col.place", "col.kind", "col.desa", ["col.households", "n"]],
    h(
      "tbody",
      null,
      points.map((p) => {
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
async function draw(app, box, data, points) {
  const [L] = await Promise.all([import("leaflet"), import("leaflet/dist/leaflet.css")]);
  const map = L.map(box, { zoomControl: true, attributionControl: true });
  // Tile providers (OpenStreetMap among them) ask for the page's origin as the referrer.
  L.tileLayer(data.tiles.url, {
    maxZoom: data.tiles.max_zoom,
    attribution: data.tiles.attribution,
    referrerPolicy: "strict-origin-when-cross-origin",
  }).addTo(map);
  const byKind = kinds(app);
  const where = points.map((p) => [p.lat, p.lon]);
  // The view first: circles added to a map without one are drawn empty until the next move.
  if (where.length) map.fitBounds(where, { padding: [24, 24], maxZoom: 14, animate: false });
  else map.setView([-2.5, 118], 4); // Indonesia
  points.forEach((p, i) => {
    const kind = byKind.get(p.place_kind);
    const colour = kind?.colour || "#555";
    L.circleMarker(where[i], {
      radius: radius(p.households),
      color: colour,
      fillColor: colour,
      fillOpacity: 0.6,
      weight: 2,
    })
      .bindPopup(popup(app, p, kind))
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
  const points = pointsOf(data);
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
    points.length ? legend(app, points) : h("p", { class: "notice" }, t("map.none")),
    box,
    points.length ? list(app, points) : null,
    downloads([["export.outreaches", "outreaches", params, ["csv", "xlsx", "geojson"]]]),
  );
  if (box && points.length) drawWhenShown(app, box, data, points);
}

/** Draw once the box is on screen with a size (screens render off-screen and are swapped in), then keep the
 * map fitted to its box when the window changes. */
function drawWhenShown(app, box, data, points) {
  let map = null;
  const observer = new ResizeObserver(() => {
    if (map && !box.isConnected) return observer.disconnect(); // the screen was left
    if (!box.isConnected || !box.clientWidth || !box.clientHeight) return; // not swapped in yet
    if (map) return map.invalidateSize?.();
    map = {}; // drawing
    draw(app, box, data, points).then((drawn) => (map = drawn));
  });
  observer.observe(box);
}
