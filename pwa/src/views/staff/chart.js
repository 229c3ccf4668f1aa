/**
 * The daily chart as plain SVG: households per day (bars, left scale) and cumulative persons (line, right
 * scale) against the target line. No library: a few dozen elements, drawn once, printable.
 */
import { num, t } from "../../i18n.js";

const NS = "http://www.w3.org/2000/svg";
const W = 640;
const H = 240;
const PAD = { left: 44, right: 56, top: 14, bottom: 28 };

function s(tag, attrs, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * @param {Array<{key: string, households: number, cumulative_persons: number}>} rows one per day
 * @param {number|null} target target persons of the area
 */
export function dailyChart(rows, target) {
  const svg = s("svg", {
    viewBox: `0 0 ${W} ${H}`,
    class: "chart",
    role: "img",
    "aria-label": t("overview.chartLabel"),
  });
  svg.append(s("title", {}, t("overview.chartLabel")));
  if (!rows.length) return svg;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const maxBar = Math.max(1, ...rows.map((r) => r.households));
  const last = rows[rows.length - 1].cumulative_persons;
  // A target far above the figures would flatten the line to nothing: then it is named, not drawn.
  const drawTarget = target && target <= 4 * Math.max(1, last);
  const maxLine = Math.max(1, last, drawTarget ? target : 0);
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
  const points = rows.map((r, i) => `${PAD.left + i * step + step / 2},${y(r.cumulative_persons, maxLine)}`);
  svg.append(s("polyline", { points: points.join(" "), class: "line" }));
  if (drawTarget) {
    const ty = y(target, maxLine);
    svg.append(s("line", { x1: PAD.left, x2: W - PAD.right, y1: ty, y2: ty, class: "target" }));
    svg.append(s("text", { x: W - PAD.right + 4, y: ty + 4, class: "label" }, t("col.target")));
  } else if (target) {
    svg.append(
      s(
        "text",
        { x: W - PAD.right, y: PAD.top, class: "label", "text-anchor": "end" },
        `${t("col.target")} ${num(target)} ↑`,
      ),
    );
  }
  svg.append(s("text", { x: 4, y: PAD.top + 10, class: "label" }, num(maxBar)));
  svg.append(s("text", { x: W - PAD.right + 4, y: PAD.top + plotH, class: "label" }, num(last)));
  svg.append(s("text", { x: PAD.left, y: H - 8, class: "label" }, rows[0].key));
  svg.append(
    s("text", { x: W - PAD.right, y: H - 8, class: "label", "text-anchor": "end" }, rows[rows.length - 1].key),
  );
  return svg;
}
