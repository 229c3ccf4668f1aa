/**
 * The daily chart as plain SVG: households we assisted per day (bars, left scale) and participation from the
 * census office's figures (line, right scale, %) against the target line. Without official figures the line is
 * our own cumulative persons and there is no target to draw. No library: a few dozen elements, printable.
 */
import { num, t } from "../../i18n.js";

const NS = "http://www.w3.org/2000/svg";
const W = 640;
const H = 240;
const PAD = { left: 44, right: 64, top: 14, bottom: 28 };

function s(tag, attrs, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

const pct = (v) => `${v.toLocaleString(document.documentElement.lang)}%`;

/**
 * @param {Array<{key: string, households: number, cumulative_persons: number, participation_pct?: number|null}>} rows
 *   one per day
 * @param {number|null} targetPct the area's target participation %
 */
export function dailyChart(rows, targetPct) {
  const official = rows.some((r) => r.participation_pct !== null && r.participation_pct !== undefined);
  const label = t(official ? "overview.chartLabel" : "overview.chartLabelOwn");
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": label });
  svg.append(s("title", {}, label));
  if (!rows.length) return svg;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const maxBar = Math.max(1, ...rows.map((r) => r.households));
  // Participation is cumulative: a day the office did not publish keeps the last figure (none before the first).
  let carried = null;
  const values = rows.map((r) => {
    if (!official) return r.cumulative_persons;
    if (r.participation_pct !== null && r.participation_pct !== undefined) carried = r.participation_pct;
    return carried;
  });
  const known = values.filter((v) => v !== null);
  const last = known.length ? known[known.length - 1] : 0;
  const target = official ? targetPct : null;
  const maxLine = Math.max(1, ...known, target || 0) * (official ? 1.1 : 1);
  const step = plotW / rows.length;
  const y = (v, max) => PAD.top + plotH - (v / max) * plotH;
  svg.append(s("line", { x1: PAD.left, x2: W - PAD.right, y1: PAD.top + plotH, y2: PAD.top + plotH, class: "axis" }));
  rows.forEach((r, i) => {
    const top = y(r.households, maxBar);
    const bar = s("rect", {
      x: PAD.left + i * step + step * 0.15,
      y: top,
      width: Math.max(1, step * 0.7),
      height: PAD.top + plotH - top,
      class: "bar",
    });
    bar.append(s("title", {}, `${r.key}: ${num(r.households)} ${t("col.households")}`));
    svg.append(bar);
  });
  const points = values
    .map((v, i) => (v === null ? null : `${PAD.left + i * step + step / 2},${y(v, maxLine)}`))
    .filter(Boolean);
  if (points.length) svg.append(s("polyline", { points: points.join(" "), class: "line" }));
  if (target) {
    const ty = y(target, maxLine);
    svg.append(s("line", { x1: PAD.left, x2: W - PAD.right, y1: ty, y2: ty, class: "target" }));
    svg.append(s("text", { x: W - PAD.right + 4, y: ty + 4, class: "label" }, `${t("col.target")} ${pct(target)}`));
  }
  svg.append(s("text", { x: 4, y: PAD.top + 10, class: "label" }, num(maxBar)));
  svg.append(
    s("text", { x: W - PAD.right + 4, y: y(last, maxLine) + 4, class: "label" }, official ? pct(last) : num(last)),
  );
  svg.append(s("text", { x: PAD.left, y: H - 8, class: "label" }, rows[0].key));
  svg.append(
    s("text", { x: W - PAD.right, y: H - 8, class: "label", "text-anchor": "end" }, rows[rows.length - 1].key),
  );
  return svg;
}
